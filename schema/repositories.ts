import { index, integer, primaryKey, sqliteTable, text, unique } from 'drizzle-orm/sqlite-core'
import { platforms } from './enums'
import { projects } from './projects'
import { createdAt } from './timestamps'

/** A model family: one upstream GitHub repository plus its Hugging Face variants. */
export const families = sqliteTable(
  'families',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Set when the family is left out of analyses; the reason is shown in every report. */
    excludedReason: text('excluded_reason'),
    createdAt: createdAt(),
  },
  (t) => [unique().on(t.projectId, t.name)],
)

export const repositories = sqliteTable(
  'repositories',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    platform: text('platform', { enum: platforms }).notNull(),
    /** `owner/name`: the GitHub repository or the Hugging Face repo id. */
    fullName: text('full_name').notNull(),
    /** Platform metadata (downloads, likes, pipeline tag, library, creation date, ...). */
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, unknown>>(),
    /** Last day observed (mirrors stop early); analyses ignore commits after it. */
    observationEnd: text('observation_end'),
    excludedReason: text('excluded_reason'),
    createdAt: createdAt(),
  },
  (t) => [unique().on(t.projectId, t.platform, t.fullName)],
)

/** Many-to-many: one GitHub repository (fairseq) can feed several families. */
export const familyRepositories = sqliteTable(
  'family_repositories',
  {
    familyId: integer('family_id')
      .notNull()
      .references(() => families.id, { onDelete: 'cascade' }),
    repositoryId: integer('repository_id')
      .notNull()
      .references(() => repositories.id, { onDelete: 'cascade' }),
    /** How the link was made: `import`, `manual`, `discovery`. */
    origin: text('origin').notNull().default('import'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.familyId, t.repositoryId] }),
    index('family_repositories_repository_idx').on(t.repositoryId),
  ],
)

export type Family = typeof families.$inferSelect
export type Repository = typeof repositories.$inferSelect
