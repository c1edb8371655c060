import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../server/db'
import { audit } from '../../server/services/audit'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'

let t: TestDatabase
beforeEach(async () => {
  t = await freshDatabase()
})
afterEach(() => t.dispose())

describe('openDatabase on a file', () => {
  it('sets WAL, synchronous=NORMAL, a busy timeout and foreign keys', async () => {
    const pragma = async (name: string) => Object.values((await t.client.execute(`PRAGMA ${name}`)).rows[0]!)[0]
    expect(await pragma('journal_mode')).toBe('wal')
    expect(await pragma('synchronous')).toBe(1)
    expect(await pragma('busy_timeout')).toBe(10_000)
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

  it('lets concurrent callers wait their turn instead of failing while a transaction is open', async () => {
    const writes = Array.from({ length: 20 }, (_, i) =>
      t.db.transaction(async (tx) => {
        await audit({ ...t.ctx, db: tx }, { projectId: null, action: `w${i}`, entity: 'none' })
      }),
    )
    const reads = Array.from({ length: 20 }, () => t.client.execute('select count(*) from audit_log'))
    await Promise.all([...writes, ...reads])
    const [row] = (await t.client.execute('select count(*) as n from audit_log')).rows
    expect(Number(row!.n)).toBe(20)
  })
})

describe('the audit log', () => {
  it('is append-only: updates and deletes are refused', async () => {
    await audit(t.ctx, { projectId: null, action: 'create', entity: 'thing', entityId: 1 })
    await expect(t.client.execute("update audit_log set action = 'forged'")).rejects.toThrow(/append-only/)
    await expect(t.client.execute('delete from audit_log')).rejects.toThrow(/append-only/)
    const [row] = (await t.client.execute('select action from audit_log')).rows
    expect(row!.action).toBe('create')
  })
})
