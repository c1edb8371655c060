import { index, integer, sqliteTable, text, unique } from 'drizzle-orm/sqlite-core'
import { proposalStatuses } from './enums'
import { families, repositories } from './repositories'
import { projects } from './projects'
import { createdAt } from './timestamps'

/**
 * A link between a GitHub repository and a Hugging Face model found in a README or model
 * card, proposed for the user to accept into a family, with the text it came from.
 */
export const familyLinkProposals = sqliteTable(
  'family_link_proposals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    githubRepositoryId: integer('github_repository_id')
      .notNull()
      .references(() => repositories.id, { onDelete: 'cascade' }),
    huggingfaceRepositoryId: integer('huggingface_repository_id')
      .notNull()
      .references(() => repositories.id, { onDelete: 'cascade' }),
    /** Where the link was found: `hf-model-card` or `github-readme`. */
    foundIn: text('found_in').notNull(),
    /** The passage around the link, as written. */
    evidence: text('evidence').notNull(),
    familyId: integer('family_id').references(() => families.id, { onDelete: 'set null' }),
    status: text('status', { enum: proposalStatuses }).notNull().default('proposed'),
    createdAt: createdAt(),
    decidedAt: text('decided_at'),
  },
  (t) => [
    unique().on(t.githubRepositoryId, t.huggingfaceRepositoryId, t.foundIn),
    index('family_link_proposals_project_idx').on(t.projectId, t.status),
  ],
)
