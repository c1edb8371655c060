import { index, integer, primaryKey, sqliteTable, text, unique, uniqueIndex } from 'drizzle-orm/sqlite-core'
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core'
import { commits } from './commits'
import { codeStatuses, recodeStatuses } from './enums'
import { projects } from './projects'
import { createdAt } from './timestamps'
import { users } from './users'

export const codebooks = sqliteTable(
  'codebooks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Single-label (the study) or multi-label coding. */
    multiLabel: integer('multi_label', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [unique().on(t.projectId, t.name)],
)

/** Every change to a codebook makes a new version; labels and rounds pin one. */
export const codebookVersions = sqliteTable(
  'codebook_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    codebookId: integer('codebook_id')
      .notNull()
      .references(() => codebooks.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    changelog: text('changelog').notNull(),
    authorId: integer('author_id').references(() => users.id),
    /** The codes as they stood in this version, for exports and per-version agreement. */
    snapshot: text('snapshot', { mode: 'json' }).$type<CodeSnapshot[]>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [unique().on(t.codebookId, t.version)],
)

/**
 * A code as it stood in a version. The first four fields are in every snapshot; the rest were
 * added with codebook evolution and are absent from snapshots written before it.
 */
export type CodeSnapshot = {
  id: number
  name: string
  status: string
  parentId: number | null
  guid?: string | null
  definition?: string
  includeNotes?: string
  excludeNotes?: string
  color?: string
  hotkey?: string | null
  isFallback?: boolean
  position?: number
  examples?: CodeExampleRef[]
}

/**
 * An example commit written as text, so it travels with the code into any project (and into
 * exports) whether or not that project holds the commit; `code_examples` links it when it does.
 */
export type CodeExampleRef = {
  platform: 'github' | 'huggingface'
  repository: string
  sha: string
  /** True for the study's GitHub rows, whose sha was derived from repository, date and message. */
  shaDerived?: boolean
  /** The commit message, or its first line(s). */
  message: string
  /** Why the commit is an example of the code. */
  note: string
  /** Where the example comes from (a data file and line, or a commit history). */
  source?: string
}

export const codes = sqliteTable(
  'codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    codebookId: integer('codebook_id')
      .notNull()
      .references(() => codebooks.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    definition: text('definition').notNull().default(''),
    includeNotes: text('include_notes').notNull().default(''),
    excludeNotes: text('exclude_notes').notNull().default(''),
    color: text('color').notNull().default('#888888'),
    hotkey: text('hotkey'),
    status: text('status', { enum: codeStatuses }).notNull().default('active'),
    parentId: integer('parent_id').references((): AnySQLiteColumn => codes.id),
    /** The fallback code (`unclear`) that analyses exclude. */
    isFallback: integer('is_fallback', { mode: 'boolean' }).notNull().default(false),
    position: integer('position').notNull().default(0),
    /** Stable identity across exports and imports (REFI-QDA `guid`); set on every insert. */
    guid: text('guid').$defaultFn(() => crypto.randomUUID()),
    /** Example commits as text (see CodeExampleRef). */
    examples: text('examples', { mode: 'json' }).$type<CodeExampleRef[]>().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [unique().on(t.codebookId, t.name), uniqueIndex('codes_codebook_guid_idx').on(t.codebookId, t.guid)],
)

export const codeExamples = sqliteTable(
  'code_examples',
  {
    codeId: integer('code_id')
      .notNull()
      .references(() => codes.id, { onDelete: 'cascade' }),
    commitId: integer('commit_id')
      .notNull()
      .references(() => commits.id, { onDelete: 'cascade' }),
    note: text('note').notNull().default(''),
  },
  (t) => [primaryKey({ columns: [t.codeId, t.commitId] }), index('code_examples_commit_idx').on(t.commitId)],
)

export type Codebook = typeof codebooks.$inferSelect
export type CodebookVersion = typeof codebookVersions.$inferSelect
export type Code = typeof codes.$inferSelect

/** Commits to code again after a split: their old code no longer exists as it was. */
export const recodeQueue = sqliteTable(
  'recode_queue',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    codebookId: integer('codebook_id')
      .notNull()
      .references(() => codebooks.id, { onDelete: 'cascade' }),
    commitId: integer('commit_id')
      .notNull()
      .references(() => commits.id, { onDelete: 'cascade' }),
    /** The codebook version whose split put the commit here. */
    codebookVersionId: integer('codebook_version_id')
      .notNull()
      .references(() => codebookVersions.id),
    reason: text('reason').notNull(),
    status: text('status', { enum: recodeStatuses }).notNull().default('pending'),
    createdAt: createdAt(),
    doneAt: text('done_at'),
  },
  (t) => [unique().on(t.codebookVersionId, t.commitId), index('recode_queue_codebook_idx').on(t.codebookId, t.status)],
)
