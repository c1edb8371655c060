import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { runStatuses } from './enums'
import { projects } from './projects'
import { createdAt } from './timestamps'

/**
 * A long operation run in the background (an import from an API, a labeling run): the page
 * follows its progress live, and a restarted server sees what was left unfinished.
 */
export const jobs = sqliteTable(
  'jobs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** What runs: `import-github`, `import-hf`, `import-git`, `label`, ... */
    kind: text('kind').notNull(),
    status: text('status', { enum: runStatuses }).notNull().default('queued'),
    params: text('params', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    done: integer('done').notNull().default(0),
    /** null while the total is unknown. */
    total: integer('total'),
    message: text('message').notNull().default(''),
    error: text('error'),
    cancelRequested: integer('cancel_requested', { mode: 'boolean' }).notNull().default(false),
    /** What the job produced (counts), as its command would print with --json. */
    result: text('result', { mode: 'json' }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    startedAt: text('started_at'),
    updatedAt: text('updated_at'),
    finishedAt: text('finished_at'),
  },
  (t) => [index('jobs_project_idx').on(t.projectId, t.id)],
)

export type Job = typeof jobs.$inferSelect
