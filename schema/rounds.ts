import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { codebookVersions } from './codebooks'
import { commits } from './commits'
import { overlapModes, preLabelModes, roundStatuses, strataKinds, unitSelections } from './enums'
import { projects } from './projects'
import { createdAt } from './timestamps'
import { users } from './users'

/**
 * A coding round: chosen commits coded blind by chosen coders under one pinned codebook
 * version. Its labels carry the context `round:<id>`.
 */
export const rounds = sqliteTable(
  'rounds',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    status: text('status', { enum: roundStatuses }).notNull().default('open'),
    codebookVersionId: integer('codebook_version_id')
      .notNull()
      .references(() => codebookVersions.id),
    preLabels: text('pre_labels', { enum: preLabelModes }).notNull().default('hidden'),
    /** Machine raters (`llm`, `rules`, …) shown as pre-labels and compared on the dashboard. */
    machineRaters: text('machine_raters', { mode: 'json' }).$type<string[]>().notNull().default([]),
    selection: text('selection', { enum: unitSelections }).notNull(),
    strata: text('strata', { enum: strataKinds }),
    seed: integer('seed').notNull().default(1),
    overlapMode: text('overlap_mode', { enum: overlapModes }).notNull(),
    /** Coders per unit (overlap mode `k`). */
    overlapK: integer('overlap_k'),
    /** Share of units every coder codes (overlap mode `share`). */
    overlapShare: real('overlap_share'),
    /** Units all their coders coded alike get their final code without adjudication. */
    autoFinalize: integer('auto_finalize', { mode: 'boolean' }).notNull().default(true),
    createdById: integer('created_by_id').references(() => users.id),
    createdAt: createdAt(),
    revealedAt: text('revealed_at'),
  },
  (t) => [index('rounds_project_idx').on(t.projectId)],
)

export const roundCoders = sqliteTable(
  'round_coders',
  {
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.userId] }), index('round_coders_user_idx').on(t.userId)],
)

/** The commits a round codes, in round order, with the stratum each was drawn from. */
export const roundUnits = sqliteTable(
  'round_units',
  {
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id, { onDelete: 'cascade' }),
    commitId: integer('commit_id')
      .notNull()
      .references(() => commits.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    stratum: text('stratum'),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.commitId] }), index('round_units_commit_idx').on(t.commitId)],
)

/** A coder's queue: which units of the round they code, in which order. */
export const roundAssignments = sqliteTable(
  'round_assignments',
  {
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id, { onDelete: 'cascade' }),
    commitId: integer('commit_id')
      .notNull()
      .references(() => commits.id, { onDelete: 'cascade' }),
    coderId: integer('coder_id')
      .notNull()
      .references(() => users.id),
    position: integer('position').notNull(),
    /** Set when the coder skipped the unit; it moves to the end of their queue. */
    skippedAt: text('skipped_at'),
    /** The coder's open-code memo on the unit (also kept as an open code). */
    memo: text('memo').notNull().default(''),
  },
  (t) => [
    primaryKey({ columns: [t.roundId, t.coderId, t.commitId] }),
    index('round_assignments_commit_idx').on(t.roundId, t.commitId),
  ],
)

export type Round = typeof rounds.$inferSelect
export type RoundUnit = typeof roundUnits.$inferSelect
export type RoundAssignment = typeof roundAssignments.$inferSelect
