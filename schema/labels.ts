import { index, integer, primaryKey, real, sqliteTable, text, unique } from 'drizzle-orm/sqlite-core'
import { codebookVersions, codes } from './codebooks'
import { commits } from './commits'
import { finalCodeMethods, labelSources, labelers, runStatuses } from './enums'
import { projects } from './projects'
import { createdAt } from './timestamps'
import { users } from './users'

/** A machine labeling job: its configuration and running counts. */
export const labelingRuns = sqliteTable('labeling_runs', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  projectId: integer('project_id')
    .notNull()
    .references(() => projects.id, { onDelete: 'cascade' }),
  labeler: text('labeler', { enum: labelers }).notNull(),
  model: text('model'),
  promptVersion: text('prompt_version'),
  codebookVersionId: integer('codebook_version_id').references(() => codebookVersions.id),
  status: text('status', { enum: runStatuses }).notNull().default('queued'),
  params: text('params', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
  total: integer('total').notNull().default(0),
  labeled: integer('labeled').notNull().default(0),
  failed: integer('failed').notNull().default(0),
  requests: integer('requests').notNull().default(0),
  cached: integer('cached').notNull().default(0),
  promptTokens: integer('prompt_tokens').notNull().default(0),
  completionTokens: integer('completion_tokens').notNull().default(0),
  error: text('error'),
  startedAt: text('started_at'),
  finishedAt: text('finished_at'),
  createdAt: createdAt(),
})

/**
 * One rater's label on one commit. `context` separates labels of the same rater on the same
 * commit made under different settings (a round, or a machine labeler's prompt and codebook
 * versions); it is '' for a plain human label.
 */
export const labels = sqliteTable(
  'labels',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    commitId: integer('commit_id')
      .notNull()
      .references(() => commits.id, { onDelete: 'cascade' }),
    raterId: integer('rater_id')
      .notNull()
      .references(() => users.id),
    source: text('source', { enum: labelSources }).notNull(),
    context: text('context').notNull().default(''),
    codebookVersionId: integer('codebook_version_id').references(() => codebookVersions.id),
    model: text('model'),
    promptVersion: text('prompt_version'),
    runId: integer('run_id').references(() => labelingRuns.id),
    confidence: real('confidence'),
    rationale: text('rationale'),
    createdAt: createdAt(),
    updatedAt: text('updated_at'),
  },
  (t) => [unique().on(t.commitId, t.raterId, t.context), index('labels_rater_idx').on(t.raterId)],
)

export const labelCodes = sqliteTable(
  'label_codes',
  {
    labelId: integer('label_id')
      .notNull()
      .references(() => labels.id, { onDelete: 'cascade' }),
    codeId: integer('code_id')
      .notNull()
      .references(() => codes.id),
  },
  (t) => [primaryKey({ columns: [t.labelId, t.codeId] }), index('label_codes_code_idx').on(t.codeId)],
)

/** Free-text memos a coder writes on a commit during open coding. */
export const openCodes = sqliteTable(
  'open_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    commitId: integer('commit_id')
      .notNull()
      .references(() => commits.id, { onDelete: 'cascade' }),
    coderId: integer('coder_id')
      .notNull()
      .references(() => users.id),
    text: text('text').notNull(),
    /** Set when the card-sorting board files this open code under a category. */
    categoryCodeId: integer('category_code_id').references(() => codes.id),
    createdAt: createdAt(),
    updatedAt: text('updated_at'),
  },
  (t) => [unique().on(t.commitId, t.coderId, t.text)],
)

/** The adjudicated code(s) of a commit: what analyses use. */
export const finalCodes = sqliteTable('final_codes', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  commitId: integer('commit_id')
    .notNull()
    .unique()
    .references(() => commits.id, { onDelete: 'cascade' }),
  codebookVersionId: integer('codebook_version_id').references(() => codebookVersions.id),
  method: text('method', { enum: finalCodeMethods }).notNull(),
  decidedById: integer('decided_by_id').references(() => users.id),
  note: text('note').notNull().default(''),
  createdAt: createdAt(),
  updatedAt: text('updated_at'),
})

export const finalCodeCodes = sqliteTable(
  'final_code_codes',
  {
    finalCodeId: integer('final_code_id')
      .notNull()
      .references(() => finalCodes.id, { onDelete: 'cascade' }),
    codeId: integer('code_id')
      .notNull()
      .references(() => codes.id),
  },
  (t) => [primaryKey({ columns: [t.finalCodeId, t.codeId] }), index('final_code_codes_code_idx').on(t.codeId)],
)

export type Label = typeof labels.$inferSelect
export type LabelingRun = typeof labelingRuns.$inferSelect
