import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { createdAt } from './timestamps'

export const projects = sqliteTable('projects', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  createdAt: createdAt(),
})

export type Project = typeof projects.$inferSelect
