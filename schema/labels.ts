import { index, integer, primaryKey, real, sqliteTable, text, unique } from 'drizzle-orm/sqlite-core'
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core'
import { codebookVersions, codes } from './codebooks'
import { commits } from './commits'
import { codeChangeOperations, finalCodeMethods, labelSources, labelers, runStatuses } from './enums'
import { projects } from './projects'
import { rounds } from './rounds'
import { jobs } from './jobs'
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
  /** Estimated from the tokens and the configured prices; 0 for local labelers. */
  costUsd: real('cost_usd').notNull().default(0),
  /** The labeler configuration the run labelled under (the labels' `context`). */
  context: text('context').notNull().default(''),
  /** The background job that ran it (progress, cancel). */
  jobId: integer('job_id').references(() => jobs.id, { onDelete: 'set null' }),
  error: text('error'),
  startedAt: text('started_at'),
  finishedAt: text('finished_at'),
  createdAt: createdAt(),
})

/** A unit a run could not label (invalid answers after the retry, or the provider failing). */
export const labelingFailures = sqliteTable(
  'labeling_failures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id')
      .notNull()
      .references(() => labelingRuns.id, { onDelete: 'cascade' }),
    commitId: integer('commit_id')
      .notNull()
      .references(() => commits.id, { onDelete: 'cascade' }),
    reason: text('reason').notNull(),
    /** Requests sent for this unit. */
    attempts: integer('attempts').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index('labeling_failures_run_idx').on(t.runId)],
)

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
  /** The coding round whose labels it settles (agreement or adjudication), if any. */
  roundId: integer('round_id').references((): AnySQLiteColumn => rounds.id),
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
export type LabelingFailure = typeof labelingFailures.$inferSelect

/**
 * Label history: one row per label or final code whose code a codebook operation changed (merge)
 * or put in question (split), so counts by code can be reconciled across versions.
 */
export const labelCodeChanges = sqliteTable(
  'label_code_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The version the operation created. */
    codebookVersionId: integer('codebook_version_id')
      .notNull()
      .references(() => codebookVersions.id, { onDelete: 'cascade' }),
    operation: text('operation', { enum: codeChangeOperations }).notNull(),
    /** Exactly one of labelId and finalCodeId is set. */
    labelId: integer('label_id').references(() => labels.id, { onDelete: 'cascade' }),
    finalCodeId: integer('final_code_id').references(() => finalCodes.id, { onDelete: 'cascade' }),
    commitId: integer('commit_id')
      .notNull()
      .references(() => commits.id, { onDelete: 'cascade' }),
    /** The rater of the label (null for a final code). */
    raterId: integer('rater_id').references(() => users.id),
    fromCodeId: integer('from_code_id')
      .notNull()
      .references(() => codes.id),
    /** The code it carries now; null when the label kept its old code (split: awaiting re-coding). */
    toCodeId: integer('to_code_id').references(() => codes.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('label_code_changes_version_idx').on(t.codebookVersionId),
    index('label_code_changes_label_idx').on(t.labelId),
  ],
)

export type LabelCodeChange = typeof labelCodeChanges.$inferSelect
