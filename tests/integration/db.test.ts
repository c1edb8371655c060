import { createClient } from '@libsql/client'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isBusyError, openDatabase } from '../../server/db'
import { audit } from '../../server/services/audit'
import { engines, freshDatabase } from '../helpers/db'
import { sqldBinary, startSqld } from '../../server/sqld'
import type { TestDatabase } from '../helpers/db'

const auditRows = async (t: TestDatabase) => Number((await t.client.execute('select count(*) as n from audit_log')).rows[0]!.n)

describe('openDatabase on a file', () => {
  let t: TestDatabase
  beforeEach(async () => {
    t = await freshDatabase()
  })
  afterEach(() => t.dispose())

  it('sets WAL, synchronous=NORMAL, a short busy timeout (the rest is retries) and foreign keys', async () => {
    const pragma = async (name: string) => Object.values((await t.client.execute(`PRAGMA ${name}`)).rows[0]!)[0]
    expect(await pragma('journal_mode')).toBe('wal')
    expect(await pragma('synchronous')).toBe(1)
    expect(await pragma('busy_timeout')).toBe(250)
    expect(await pragma('foreign_keys')).toBe(1)
  })

  it('keeps its pragmas after a transaction', async () => {
    await t.db.transaction(async (tx) => {
      await audit({ ...t.ctx, db: tx }, { projectId: null, action: 'test', entity: 'none' })
    })
    const [row] = (await t.client.execute('PRAGMA synchronous')).rows
    expect(Object.values(row!)[0]).toBe(1)
  })

  it('applies migrations idempotently when opened again', async () => {
    const again = await openDatabase({ url: `file:${t.file}` })
    const migrations = await again.client.execute('select count(*) as n from __drizzle_migrations')
    expect(Number(migrations.rows[0]!.n)).toBeGreaterThanOrEqual(2)
    again.close()
  })

  describe('while another connection holds the write lock past the busy timeout', () => {
    // A second connection stands for another process (a CLI import): it takes the write lock and
    // keeps it until the server's side has failed once with SQLITE_BUSY.
    async function holdLock() {
      const other = createClient({ url: `file:${t.file}` })
      const holder = await other.transaction('write')
      await holder.execute("insert into audit_log (action, entity, actor) values ('held', 'none', 'other')")
      return { release: () => holder.commit().finally(() => other.close()) }
    }

    it('retries a transaction and a statement that failed busy, and they succeed once it is released', async () => {
      for (const kind of ['transaction', 'statement'] as const) {
        const lock = await holdLock()
        const retries: unknown[] = []
        const server = await openDatabase({
          url: `file:${t.file}`,
          busyTimeoutMs: 10,
          busyRetry: { attempts: 5, baseMs: 5, maxMs: 20, onRetry: (_, error) => retries.push(error) && retries.length === 1 && void lock.release() },
        })
        const ctx = { db: server.db, actor: 'test' }
        if (kind === 'transaction') await server.db.transaction((tx) => audit({ ...ctx, db: tx }, { projectId: null, action: 'mine', entity: 'none' }))
        else await audit(ctx, { projectId: null, action: 'mine', entity: 'none' })
        server.close()
        expect(retries.length, kind).toBeGreaterThanOrEqual(1)
        expect(retries.every(isBusyError)).toBe(true)
      }
      // Each side's row exactly once, committed (another connection sees it): a retry never
      // doubles a write, and the connection that failed busy was replaced (libsql-client-ts#352).
      const rows = (await t.client.execute("select action from audit_log where action in ('held', 'mine')")).rows
      expect(rows.map((r) => r.action).sort()).toEqual(['held', 'held', 'mine', 'mine'])
    })

    it('lets other callers through while a write waits for the lock', async () => {
      const lock = await holdLock()
      const server = await openDatabase({ url: `file:${t.file}`, busyTimeoutMs: 30_000 })
      let settled = false
      const write = audit({ db: server.db, actor: 'test' }, { projectId: null, action: 'mine', entity: 'none' }).finally(() => (settled = true))
      // SQLite's own wait is short and blocks; between retries the queue and the event loop are free.
      const read = await server.client.execute('select count(*) as n from audit_log')
      expect(Number(read.rows[0]!.n)).toBe(0)
      expect(settled).toBe(false)
      await lock.release()
      await write
      server.close()
      expect(await auditRows(t)).toBe(2)
    })

    it('gives up after its attempts with the busy error', async () => {
      const lock = await holdLock()
      let retries = 0
      const server = await openDatabase({ url: `file:${t.file}`, busyTimeoutMs: 10, busyRetry: { attempts: 3, baseMs: 5, maxMs: 10, onRetry: () => retries++ } })
      const error = await audit({ db: server.db, actor: 'test' }, { projectId: null, action: 'mine', entity: 'none' }).catch((e: unknown) => e)
      server.close()
      await lock.release()
      expect(isBusyError(error)).toBe(true)
      expect(retries).toBe(2)
    })
  })

  it('never retries a constraint error', async () => {
    let retries = 0
    const server = await openDatabase({ url: `file:${t.file}`, busyRetry: { onRetry: () => retries++ } })
    await audit({ db: server.db, actor: 'test' }, { projectId: null, action: 'create', entity: 'thing' })
    await expect(server.client.execute('delete from audit_log')).rejects.toThrow(/append-only/)
    await expect(server.client.execute("insert into audit_log (id, action, entity, actor) select id, 'again', 'thing', 'test' from audit_log")).rejects.toThrow(/UNIQUE|constraint/i)
    server.close()
    expect(retries).toBe(0)
  })
})

describe.each(engines())('a %s database', (engine) => {
  let t: TestDatabase
  beforeEach(async () => {
    t = await freshDatabase(engine)
  })
  afterEach(() => t.dispose())

  it('lets concurrent callers wait their turn instead of failing while a transaction is open', async () => {
    const writes = Array.from({ length: 20 }, (_, i) =>
      t.db.transaction(async (tx) => {
        await audit({ ...t.ctx, db: tx }, { projectId: null, action: `w${i}`, entity: 'none' })
      }),
    )
    const reads = Array.from({ length: 20 }, () => t.client.execute('select count(*) from audit_log'))
    await Promise.all([...writes, ...reads])
    expect(await auditRows(t)).toBe(20)
  })

  it('keeps the audit log append-only: updates and deletes are refused', async () => {
    await audit(t.ctx, { projectId: null, action: 'create', entity: 'thing', entityId: 1 })
    await expect(t.client.execute("update audit_log set action = 'forged'")).rejects.toThrow(/append-only/)
    await expect(t.client.execute('delete from audit_log')).rejects.toThrow(/append-only/)
    const [row] = (await t.client.execute('select action from audit_log')).rows
    expect(row!.action).toBe('create')
  })
})

describe.skipIf(!engines().includes('sqld'))('a libSQL server over HTTP', () => {
  it('works as over WebSockets, for a proxy that does not pass WebSocket upgrades', async () => {
    expect(sqldBinary()).not.toBeNull()
    const t = await freshDatabase('file')
    const sqld = await startSqld({ dataDir: `${t.dir}/sqld` })
    try {
      expect(sqld.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const overHttp = await openDatabase({ url: sqld.httpUrl })
      await overHttp.db.transaction((tx) => audit({ db: tx, actor: 'test' }, { projectId: null, action: 'over-http', entity: 'none' }))
      overHttp.close()
      const overWs = await openDatabase({ url: sqld.url })
      const rows = (await overWs.client.execute("select action from audit_log where action = 'over-http'")).rows
      overWs.close()
      expect(rows).toHaveLength(1)
    } finally {
      await sqld.stop()
      await t.dispose()
    }
  })
})
