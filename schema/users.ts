import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { projectRoles, userKinds } from './enums'
import { projects } from './projects'
import { createdAt } from './timestamps'

/**
 * Raters and people. Human coders sign in; machine raters (`llm`, `llm:MODEL`, `rules`,
 * `classifier`) are users of kind `machine` so that every label has exactly one rater.
 */
export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  displayName: text('display_name').notNull().default(''),
  kind: text('kind', { enum: userKinds }).notNull().default('human'),
  passwordHash: text('password_hash'),
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  /** The instance's administrators: admin of every project, manage accounts. */
  siteAdmin: integer('site_admin', { mode: 'boolean' }).notNull().default(false),
  createdAt: createdAt(),
})

export const projectMembers = sqliteTable(
  'project_members',
  {
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: projectRoles }).notNull().default('coder'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] })],
)

export type User = typeof users.$inferSelect
