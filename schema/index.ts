/**
 * @module The data model: every table of Concord. The single source of truth; migrations in
 * `migrations/` are generated from it by drizzle-kit.
 */
export * from './enums'
export * from './projects'
export * from './users'
export * from './auth'
export * from './repositories'
export * from './commits'
export * from './codebooks'
export * from './rounds'
export * from './labels'
export * from './audit'
export * from './jobs'
export * from './discovery'
export * from './llm'
