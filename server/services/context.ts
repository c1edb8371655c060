/**
 * @module The context every service runs in: a database handle and who is acting.
 */
import type { DbOrTx } from '../db'

export type Ctx = {
  db: DbOrTx
  /** Recorded in the audit log: `cli`, `system` or `user:NAME`. */
  actor: string
  /** Reports progress of long operations (the CLI prints it on stderr). */
  progress?: (message: string) => void
}

/** The same context over another handle, e.g. inside a transaction. */
export function withDb(ctx: Ctx, db: DbOrTx): Ctx {
  return { ...ctx, db }
}
