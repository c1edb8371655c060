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

const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url))

/** True for URLs served by the embedded engine (a file or memory), not a libSQL server. */
export function isLocalUrl(url: string): boolean {
  return url.startsWith('file:') || url === ':memory:'
}

/**
 * Opens the database and applies every pending migration (idempotent).
 * File databases get WAL, `synchronous=NORMAL` and a busy timeout.
 */
export async function openDatabase(options: {
  url: string
  authToken?: string | undefined
  busyTimeoutMs?: number
}): Promise<Database> {
  const { url, authToken, busyTimeoutMs = 10_000 } = options
  const local = isLocalUrl(url)
  // Per-connection pragmas (synchronous) would be lost on the pool's later connections, so a
  // local database keeps one connection and queues callers in-process instead.
  const raw = createClient({ url, authToken, timeout: busyTimeoutMs, concurrency: local ? 1 : 20 })
  const client = local ? serialized(raw) : raw
  if (local && url !== ':memory:') {
    await client.execute('PRAGMA journal_mode = WAL')
    await client.execute('PRAGMA synchronous = NORMAL')
  }
  await client.execute('PRAGMA foreign_keys = ON')
  const db = drizzle(client, { schema })
  await migrate(db, { migrationsFolder })
  return { db, client, url, close: () => raw.close() }
}

/** Wraps a single-connection client so concurrent callers wait their turn instead of failing. */
function serialized(client: Client): Client {
  let tail: Promise<void> = Promise.resolve()
  const acquire = async (): Promise<() => void> => {
    let release!: () => void
    const turn = new Promise<void>((resolve) => (release = resolve))
    const previous = tail
    tail = previous.then(() => turn)
    await previous
    return release
  }
  const exclusive =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const release = await acquire()
      try {
        return await fn(...args)
      } finally {
        release()
      }
    }
  const transaction = async (mode?: TransactionMode): Promise<Transaction> => {
    const release = await acquire()
    try {
      return holdUntilDone(await client.transaction(mode), release)
    } catch (error) {
      release()
      throw error
    }
  }
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'transaction') return transaction
      const value = Reflect.get(target, prop, receiver)
      if (prop === 'execute' || prop === 'batch' || prop === 'executeMultiple' || prop === 'migrate') {
        return exclusive((value as (...a: unknown[]) => Promise<unknown>).bind(target))
      }
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/** Keeps the queue held until the transaction commits, rolls back or closes. */
function holdUntilDone(tx: Transaction, release: () => void): Transaction {
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
            return await bound()
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
      return bound
    },
  })
}
