/**
 * Session lookups are remembered for a few seconds (bench/load.ts): whatever ends a session or
 * changes its person must still take effect on the very next request (disabling: auth.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureProject } from '../../server/services/projects'
import { enforcedApp, signedInApp } from '../helpers/auth'
import type { App } from '../helpers/auth'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'

let t: TestDatabase
let app: App

beforeAll(async () => {
  t = await freshDatabase()
  await ensureProject(t.ctx, 'default')
  app = enforcedApp(t.db)
})
afterAll(() => t.dispose())

describe('a remembered session', () => {
  it('is refused right after signing out', async () => {
    const coder = await signedInApp(t.db, { role: 'coder', app })
    expect((await coder.request('/api/projects/default')).status).toBe(200)
    expect((await coder.request('/api/auth/signout', { method: 'POST' })).status).toBe(200)
    expect((await coder.request('/api/projects/default')).status).toBe(401)
  })

  it('loses site administration right after it is withdrawn', async () => {
    const admin = await signedInApp(t.db, { role: 'admin', app })
    const other = await signedInApp(t.db, { role: 'admin', app })
    expect((await other.request('/api/users')).status).toBe(200)
    expect((await admin.request(`/api/users/${other.user.id}`, { method: 'PATCH', json: { siteAdmin: false } })).status).toBe(200)
    expect((await other.request('/api/users')).status).toBe(403)
  })

})
