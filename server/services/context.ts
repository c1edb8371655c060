/**
 * @module The context every service runs in: a database handle and who is acting.
 */
import type { LlmConfig } from '../config'
import type { DbOrTx } from '../db'
import type { ImportSettings } from './repository-import'

/** The signed-in person a request acts for. */
export type Viewer = { id: number; name: string; displayName: string; siteAdmin: boolean }

export type Ctx = {
  db: DbOrTx
  /** Recorded in the audit log: `cli`, `system` or `user:NAME`. */
  actor: string
  /**
   * Who asks, when a person signed in. Absent for the CLI, the system and (while sign-in is not
   * enforced) anonymous web requests: those are trusted and see everything.
   */
  viewer?: Viewer | undefined
  /** Reports progress of long operations (the CLI prints it on stderr). */
  progress?: (message: string) => void
  /** The LLM labeler's settings (secrets included): never put in a response, a log or a row. */
  llm?: LlmConfig
  /** Import sources for jobs started from the web (tokens included: never sent or logged). */
  imports?: ImportSettings
}

/** The same context over another handle, e.g. inside a transaction. */
export function withDb(ctx: Ctx, db: DbOrTx): Ctx {
  return { ...ctx, db }
}
