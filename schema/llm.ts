import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { createdAt } from './timestamps'

/**
 * Answers of a machine labeler, keyed by (model, prompt version, codebook version, repository,
 * sha): a rerun with the same key sends no request.
 */
export const llmCache = sqliteTable('llm_cache', {
  key: text('key').primaryKey(),
  model: text('model').notNull(),
  promptVersion: text('prompt_version').notNull(),
  /** The validated answer (codes, confidence, rationale). */
  answer: text('answer', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  promptTokens: integer('prompt_tokens').notNull().default(0),
  completionTokens: integer('completion_tokens').notNull().default(0),
  createdAt: createdAt(),
})
