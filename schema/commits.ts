import { index, integer, sqliteTable, text, unique } from 'drizzle-orm/sqlite-core'
import { fileStatuses } from './enums'
import { repositories } from './repositories'
import { createdAt } from './timestamps'

export const commits = sqliteTable(
  'commits',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    repositoryId: integer('repository_id')
      .notNull()
      .references(() => repositories.id, { onDelete: 'cascade' }),
    sha: text('sha').notNull(),
    /** True when the source had no sha and one was derived from repository, date and message. */
    shaDerived: integer('sha_derived', { mode: 'boolean' }).notNull().default(false),
    parents: text('parents', { mode: 'json' }).$type<string[]>().notNull(),
    isMerge: integer('is_merge', { mode: 'boolean' }).notNull(),
    authorName: text('author_name').notNull(),
    /** sha1 of the lower-cased, stripped e-mail; raw addresses are never stored. */
    authorEmailHash: text('author_email_hash'),
    /** ISO-8601 instants in UTC; the original offsets are kept in minutes. */
    authoredAt: text('authored_at').notNull(),
    authoredOffset: integer('authored_offset').notNull().default(0),
    committedAt: text('committed_at').notNull(),
    committedOffset: integer('committed_offset').notNull().default(0),
    message: text('message').notNull(),
    diff: text('diff').notNull().default(''),
    diffTruncated: integer('diff_truncated', { mode: 'boolean' }).notNull().default(false),
    fileCount: integer('file_count').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    unique().on(t.repositoryId, t.sha),
    index('commits_repository_committed_idx').on(t.repositoryId, t.committedAt),
  ],
)

export const commitFiles = sqliteTable(
  'commit_files',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    commitId: integer('commit_id')
      .notNull()
      .references(() => commits.id, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    oldPath: text('old_path'),
    /** null when the source lists paths only (the study's files). */
    status: text('status', { enum: fileStatuses }),
    /** null for binary files or absent blobs. */
    additions: integer('additions'),
    deletions: integer('deletions'),
    blobAbsent: integer('blob_absent', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('commit_files_commit_idx').on(t.commitId)],
)

export type Commit = typeof commits.$inferSelect
export type CommitFile = typeof commitFiles.$inferSelect
