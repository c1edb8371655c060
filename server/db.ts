/**
 * @module The libSQL client, its pragmas, the Drizzle instance and migrations.
 */
import { createClient } from '@libsql/client'
import type { Client, Transaction, TransactionMode } from '@libsql/client'
import { drizzle } from 'drizzle-orm/libsql'
import type { LibSQLDatabase } from 'drizzle-orm/libsql'
import { migrate } from 'drizzle-orm/libsql/migrator'
import { fileURLToPath } from 'node:url'
import * as schema from '../schema'

export type Db = LibSQLDatabase<typeof schema>
/** A Drizzle transaction handle, accepted wherever `Db` is. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]
export type DbOrTx = Db | Tx

export type Database = { db: Db; client: Client; url: string; close: () => void }

/**
 * Retries of a statement or transaction that found the database busy: another process (a CLI
 * import) holds a file's write lock, or a libSQL server reports its database locked.
 */
export type BusyRetry = {
  /** Tries at least, the first included. */
  attempts: number
  /** Tries go on (past `attempts`) until this long has passed since the first. */
  budgetMs: number
  /** The n-th wait is random in [0, min(maxMs, baseMs * 2^n)) (full jitter), so retries spread. */
  baseMs: number
  maxMs: number
  /** Sees every retry (tests count them). */
  onRetry?: (attempt: number, error: unknown) => void
}

export const defaultBusyRetry: BusyRetry = { attempts: 5, budgetMs: 0, baseMs: 50, maxMs: 2_000 }

/**
 * A file's busy handler waits this long at most: SQLite waits inside the call, which blocks the
 * event loop, so longer waits are made of retries with the loop free in between.
 */
const busySpinMs = 250

const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url))

/** True for URLs served by the embedded engine (a file or memory), not a libSQL server. */
export function isLocalUrl(url: string): boolean {
  return url.startsWith('file:') || url === ':memory:'
}

/**
 * Opens the database and applies every pending migration (idempotent).
 * File databases get WAL, `synchronous=NORMAL` and a short busy timeout; `busyTimeoutMs` is how
 * long a statement or transaction waits for another process's lock in all (see BusyRetry).
 */
export async function openDatabase(options: {
  url: string
  authToken?: string | undefined
  busyTimeoutMs?: number
  busyRetry?: Partial<BusyRetry>
}): Promise<Database> {
  const { url, authToken, busyTimeoutMs = 10_000 } = options
  // The busy timeout is the whole wait for another process's lock: spins and retries together.
  const retry = { ...defaultBusyRetry, budgetMs: busyTimeoutMs, ...options.busyRetry }
  const local = isLocalUrl(url)
  const connect = async (): Promise<Client> => {
    // Per-connection pragmas (synchronous) would be lost on the pool's later connections, so a
    // local database keeps one connection and queues callers in-process instead.
    const raw = createClient({ url, authToken, timeout: Math.min(busyTimeoutMs, busySpinMs), concurrency: local ? 1 : 20 })
    if (local && url !== ':memory:') await raw.execute('PRAGMA synchronous = NORMAL')
    await raw.execute('PRAGMA foreign_keys = ON')
    return raw
  }
  // Retries wrap the queue, so a retry's wait lets the other callers through.
  const client = retrying(local ? serialized(await connect(), url === ':memory:' ? null : connect) : await connect(), retry)
  if (local && url !== ':memory:') await client.execute('PRAGMA journal_mode = WAL')
  const db = drizzle(client, { schema })
  // A whole transaction is run again (its callback too): a busy error can come at BEGIN, at any
  // statement or at COMMIT, and SQLite rolls the transaction back. Savepoints are not retried.
  const transaction = db.transaction.bind(db)
  db.transaction = ((fn, config) => withBusyRetry(() => transaction(fn, config), retry)) as Db['transaction']
  await migrate(db, { migrationsFolder })
  return { db, client, url, close: () => client.close() }
}

/** True for SQLITE_BUSY / SQLITE_LOCKED ("database is locked"), wherever in the error's causes. */
export function isBusyError(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)) return true
    if (/\bdatabase (table )?is locked\b|\bSQLITE_BUSY\b/.test(e.message)) return true
  }
  return false
}

/**
 * Runs `fn`, again after a jittered wait while it fails with a busy error (at least `attempts`
 * tries, and for `budgetMs`); any other error is thrown at once.
 */
export async function withBusyRetry<T>(fn: () => Promise<T>, policy: BusyRetry = defaultBusyRetry): Promise<T> {
  const started = Date.now()
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (error) {
      const spent = attempt >= policy.attempts && Date.now() - started >= policy.budgetMs
      if (spent || !isBusyError(error)) throw error
      policy.onRetry?.(attempt, error)
      const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1))
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling))
    }
  }
}

/**
 * Retries the client's atomic calls (a statement, a batch, migrations) on busy errors.
 * `executeMultiple` is not atomic and an open transaction's statements are retried as a whole
 * transaction, so neither is wrapped here.
 */
function retrying(client: Client, policy: BusyRetry): Client {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function') return value
      const bound = (value as (...a: unknown[]) => unknown).bind(target)
      if (prop === 'execute' || prop === 'batch' || prop === 'migrate') {
        return (...args: unknown[]) => withBusyRetry(() => bound(...args) as Promise<unknown>, policy)
      }
      return bound
    },
  })
}

/**
 * Wraps a local database's single connection so concurrent callers wait their turn instead of
 * failing. After a busy error the connection is replaced (`reconnect`) before the next caller
 * uses it: libsql leaves the failed statement in progress (libsql-client-ts#352), and until it is
 * finalized every COMMIT on that connection fails and autocommit writes are left uncommitted,
 * holding the write lock.
 */
function serialized(first: Client, reconnect: (() => Promise<Client>) | null): Client {
  let current = first
  let broken = false
  const watch = <T>(promise: Promise<T>): Promise<T> =>
    promise.catch((error: unknown) => {
      if (reconnect && isBusyError(error)) broken = true
      throw error
    })
  let tail: Promise<void> = Promise.resolve()
  const acquire = async (): Promise<() => void> => {
    let release!: () => void
    const turn = new Promise<void>((resolve) => (release = resolve))
    const previous = tail
    tail = previous.then(() => turn)
    await previous
    if (broken && reconnect) {
      try {
        const old = current
        current = await reconnect()
        broken = false
        old.close()
      } catch (error) {
        release()
        throw error
      }
    }
    return release
  }
  const exclusive =
    (name: 'execute' | 'batch' | 'executeMultiple' | 'migrate') =>
    async (...args: unknown[]): Promise<unknown> => {
      const release = await acquire()
      try {
        return await watch((current[name] as (...a: unknown[]) => Promise<unknown>).apply(current, args))
      } finally {
        release()
      }
    }
  const transaction = async (mode?: TransactionMode): Promise<Transaction> => {
    const release = await acquire()
    try {
      return holdUntilDone(await watch(current.transaction(mode)), release, watch)
    } catch (error) {
      release()
      throw error
    }
  }
  return new Proxy(first, {
    get(_target, prop) {
      if (prop === 'transaction') return transaction
      if (prop === 'execute' || prop === 'batch' || prop === 'executeMultiple' || prop === 'migrate') return exclusive(prop)
      const value = Reflect.get(current, prop, current)
      return typeof value === 'function' ? value.bind(current) : value
    },
  })
}

/** Keeps the queue held until the transaction commits, rolls back or closes. */
function holdUntilDone(tx: Transaction, release: () => void, watch: <T>(p: Promise<T>) => Promise<T>): Transaction {
  let released = false
  const done = () => {
    if (!released) {
      released = true
      release()
    }
  }
  return new Proxy(tx, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function') return value
      const bound = value.bind(target)
      if (prop === 'commit' || prop === 'rollback') {
        return async () => {
          try {
            return await watch(bound())
          } finally {
            done()
          }
        }
      }
      if (prop === 'close') {
        return () => {
          bound()
          done()
        }
      }
      if (prop === 'execute' || prop === 'batch' || prop === 'executeMultiple') return (...args: unknown[]) => watch(bound(...args))
      return bound
    },
  })
}
