import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiTokens, auditLog, sessions, users } from '../../schema'
import { createApp } from '../../server/app'
import { createRateLimiter } from '../../server/auth/rate-limit'
import { ensureSiteAdmin } from '../../server/services/accounts'
import { ensureProject } from '../../server/services/projects'
import { enforcedApp, requesterFor, signedInApp } from '../helpers/auth'
import type { App } from '../helpers/auth'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'

let t: TestDatabase
let app: App
const adminPassword = 'admin-password-1'

beforeAll(async () => {
  t = await freshDatabase()
  await ensureProject(t.ctx, 'default')
  await ensureProject(t.ctx, 'secret')
  await ensureSiteAdmin(t.ctx, { name: 'admin', password: adminPassword })
  app = enforcedApp(t.db)
})
afterAll(() => t.dispose())

const post = (target: App, path: string, json: unknown, headers: Record<string, string> = {}) =>
  target.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(json) })

/** The cookies a response sets, by name, with their attributes. */
function cookiesOf(res: Response): Map<string, string> {
  return new Map(res.headers.getSetCookie().map((c) => [c.split('=')[0]!, c]))
}

async function signIn(target: App, name: string, password: string) {
  const res = await post(target, '/api/auth/signin', { name, password })
  const cookies = cookiesOf(res)
  const value = (n: string) => cookies.get(n)?.split(';')[0]?.split('=')[1] ?? ''
  return { res, session: value('concord_session'), csrf: value('concord_csrf'), body: (await res.json()) as { csrfToken: string } }
}

describe('with sign-in enforced', () => {
  it('answers anonymous requests with 401, except health and the sign-in API', async () => {
    for (const path of [
      '/api/projects',
      '/api/projects/default',
      '/api/projects/default/commits',
      '/api/projects/default/agreement',
      '/api/projects/default/rounds',
      '/api/projects/default/members',
      '/api/projects/default/export/labels',
      '/api/users',
      '/api/auth/me',
      '/api/auth/tokens',
    ]) {
      const res = await app.request(path)
      expect(res.status, path).toBe(401)
      expect(await res.json()).toMatchObject({ code: 'unauthorized' })
    }
    const created = await post(app, '/api/projects/default/rounds', { name: 'x', coders: ['a'] })
    expect(created.status).toBe(401)
    expect((await app.request('/api/health')).status).toBe(200)
  })

  it('signs in with a password into an HttpOnly, SameSite=Strict session cookie', async () => {
    const { res, session, csrf, body } = await signIn(app, 'admin', adminPassword)
    expect(res.status).toBe(200)
    const cookies = cookiesOf(res)
    expect(cookies.get('concord_session')).toMatch(/HttpOnly/i)
    expect(cookies.get('concord_session')).toMatch(/SameSite=Strict/i)
    expect(cookies.get('concord_csrf')).not.toMatch(/HttpOnly/i)
    expect(body.csrfToken).toBe(csrf)
    // Only a hash of the session secret is stored.
    const stored = await t.db.select().from(sessions)
    expect(stored.some((s) => s.tokenHash === session)).toBe(false)
    expect(stored.length).toBeGreaterThan(0)
    const me = await app.request('/api/auth/me', { headers: { cookie: `concord_session=${session}` } })
    expect(((await me.json()) as { user: { name: string } }).user.name).toBe('admin')
  })

  it('refuses a wrong password and an unknown name alike', async () => {
    const wrong = await post(app, '/api/auth/signin', { name: 'admin', password: 'nope-nope' })
    const unknown = await post(app, '/api/auth/signin', { name: 'nobody', password: 'nope-nope' })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(await wrong.json()).toEqual(await unknown.json())
  })

  it('rate-limits failed sign-ins: the 11th try within 15 minutes is 429 with Retry-After, even with the right password', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z')
    const windowMs = 15 * 60_000
    const limitedApp = createApp({ db: t.db, signInLimiter: createRateLimiter({ limit: 10, windowMs, now: () => now }) })
    const statuses: number[] = []
    for (let i = 0; i < 10; i++) {
      statuses.push((await post(limitedApp, '/api/auth/signin', { name: 'admin', password: `guess-${i}` })).status)
      now += 1_000
    }
    expect(statuses).toEqual(Array(10).fill(401))
    const eleventh = await post(limitedApp, '/api/auth/signin', { name: 'admin', password: 'guess-10' })
    expect(eleventh.status).toBe(429)
    expect(await eleventh.json()).toMatchObject({ code: 'rate_limited' })
    // The first failure leaves the window 15 minutes after it was made: 15 min - 10 s from now.
    expect(Number(eleventh.headers.get('retry-after'))).toBe((windowMs - 10_000) / 1000)
    const blocked = await post(limitedApp, '/api/auth/signin', { name: 'admin', password: adminPassword })
    expect(blocked.status).toBe(429)
    expect(cookiesOf(blocked).has('concord_session')).toBe(false)
    // Another name from the same address is refused too (the address is one of the keys).
    expect((await post(limitedApp, '/api/auth/signin', { name: 'carol', password: 'whatever-1' })).status).toBe(429)
    now += windowMs - 10_000 - 1_000
    expect((await post(limitedApp, '/api/auth/signin', { name: 'admin', password: adminPassword })).status).toBe(429)
    // Once the oldest failure has left the window, the right password works again.
    now += 1_000
    expect((await post(limitedApp, '/api/auth/signin', { name: 'admin', password: adminPassword })).status).toBe(200)
    // Another app (process) has its own limiter.
    expect((await post(createApp({ db: t.db }), '/api/auth/signin', { name: 'admin', password: adminPassword })).status).toBe(200)
  })

  it('refuses a mutation without the CSRF header, or from another origin', async () => {
    const { session, csrf } = await signIn(app, 'admin', adminPassword)
    const cookie = `concord_session=${session}; concord_csrf=${csrf}`
    const body = { name: 'csrf-probe', password: 'probe-password' }
    const bare = await post(app, '/api/projects/default/members', body, { cookie })
    expect(bare.status).toBe(403)
    const forged = await post(app, '/api/projects/default/members', body, { cookie, 'x-csrf-token': 'forged' })
    expect(forged.status).toBe(403)
    const crossSite = await post(app, '/api/projects/default/members', body, { cookie, 'x-csrf-token': csrf, origin: 'https://evil.example' })
    expect(crossSite.status).toBe(403)
    expect(await t.db.select().from(users).where(eq(users.name, 'csrf-probe'))).toHaveLength(0)
    const ok = await post(app, '/api/projects/default/members', body, { cookie, 'x-csrf-token': csrf })
    expect(ok.status).toBe(201)
  })

  it('signs the administrator in from the printed link, which works until restart', async () => {
    const { admin } = await ensureSiteAdmin(t.ctx, { name: 'admin' })
    const linked = createApp({ db: t.db, auth: { required: true, signInLink: { secret: 'link-secret', userId: admin.id } } })
    const res = await linked.request('/p/default?token=link-secret')
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/p/default')
    const session = cookiesOf(res).get('concord_session')!.split(';')[0]!.split('=')[1]!
    const me = await linked.request('/api/auth/me', { headers: { cookie: `concord_session=${session}` } })
    expect(((await me.json()) as { user: { name: string } }).user.name).toBe('admin')
    // A wrong token signs nobody in; a new process (restart) has another secret.
    expect(cookiesOf(await linked.request('/?token=other')).has('concord_session')).toBe(false)
    expect(cookiesOf(await app.request('/?token=link-secret')).has('concord_session')).toBe(false)
  })
})

describe('accounts', () => {
  it('lets an admin add a coder with an initial password, who then signs in', async () => {
    const admin = await signedInApp(t.db, { role: 'admin', app })
    const added = await admin.json('/api/projects/default/members', { method: 'POST', json: { name: 'carol', password: 'carol-password' } })
    expect(added.status).toBe(201)
    expect(added.body).toMatchObject({ name: 'carol', role: 'coder', inviteUrl: null })
    const { res } = await signIn(app, 'carol', 'carol-password')
    expect(res.status).toBe(200)
  })

  it('invites a coder by a one-time link that sets their password', async () => {
    const admin = await signedInApp(t.db, { role: 'admin', app })
    const added = await admin.json<{ inviteUrl: string }>('/api/projects/default/members', { method: 'POST', json: { name: 'dave' } })
    const token = new URL(added.body.inviteUrl).searchParams.get('token')!
    expect(new URL(added.body.inviteUrl).pathname).toBe('/invite')
    const accepted = await post(app, '/api/auth/invite', { token, password: 'dave-password' })
    expect(accepted.status).toBe(200)
    expect(cookiesOf(accepted).has('concord_session')).toBe(true)
    expect((await post(app, '/api/auth/invite', { token, password: 'other-password' })).status).toBe(401)
    expect((await signIn(app, 'dave', 'dave-password')).res.status).toBe(200)
  })

  it('never accepts a short password', async () => {
    const admin = await signedInApp(t.db, { role: 'admin', app })
    const res = await admin.json('/api/projects/default/members', { method: 'POST', json: { name: 'erin', password: 'short' } })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatch(/at least 8/)
  })

  it('issues API tokens for scripts: hashed at rest, Bearer without CSRF, revocable', async () => {
    const admin = await signedInApp(t.db, { role: 'admin', app })
    const created = await admin.json<{ id: number; token: string }>('/api/auth/tokens', { method: 'POST', json: { name: 'script' } })
    expect(created.status).toBe(201)
    const token = created.body.token
    expect(token).toMatch(/^cnc_/)
    const stored = await t.db.select().from(apiTokens).where(eq(apiTokens.id, created.body.id))
    expect(stored[0]!.tokenHash).not.toContain(token)
    const auth = { authorization: `Bearer ${token}` }
    expect((await app.request('/api/projects', { headers: auth })).status).toBe(200)
    const member = await post(app, '/api/projects/default/members', { name: 'frank', password: 'frank-password' }, auth)
    expect(member.status).toBe(201)
    await admin.request(`/api/auth/tokens/${created.body.id}`, { method: 'DELETE' })
    expect((await app.request('/api/projects', { headers: auth })).status).toBe(401)
  })

  it('ends other sessions when the password changes', async () => {
    const admin = await signedInApp(t.db, { role: 'admin', app })
    await admin.json('/api/projects/default/members', { method: 'POST', json: { name: 'gina', password: 'gina-password' } })
    const first = await signIn(app, 'gina', 'gina-password')
    const second = await signIn(app, 'gina', 'gina-password')
    const changed = await post(app, '/api/auth/password', { current: 'gina-password', next: 'gina-password-2' }, {
      cookie: `concord_session=${first.session}`,
      'x-csrf-token': first.csrf,
    })
    expect(changed.status).toBe(200)
    expect((await app.request('/api/auth/me', { headers: { cookie: `concord_session=${first.session}` } })).status).toBe(200)
    expect((await app.request('/api/auth/me', { headers: { cookie: `concord_session=${second.session}` } })).status).toBe(401)
    expect((await signIn(app, 'gina', 'gina-password-2')).res.status).toBe(200)
  })
})

describe('passwords', () => {
  it('lets a person without a password (signed in by the start-up link) choose one; others must give theirs', async () => {
    const linked = await signedInApp(t.db, { role: 'admin', app })
    const me = await linked.json<{ hasPassword: boolean }>('/api/auth/me')
    expect(me.body.hasPassword).toBe(false)
    expect((await linked.request('/api/auth/password', { method: 'POST', json: { current: '', next: 'chosen-password' } })).status).toBe(200)
    expect((await signIn(app, linked.user.name, 'chosen-password')).res.status).toBe(200)
    const wrong = await linked.request('/api/auth/password', { method: 'POST', json: { current: 'not-it', next: 'another-password' } })
    expect(wrong.status).toBe(401)
  })
})

describe('roles', () => {
  it('keeps a coder out of admin actions and out of projects they are not in', async () => {
    const coder = await signedInApp(t.db, { role: 'coder', project: 'default', app })
    const forbidden: [string, RequestInit & { json?: unknown }][] = [
      ['/api/projects/default/members', { method: 'POST', json: { name: 'mallory', password: 'mallory-password' } }],
      ['/api/projects/default/rounds', { method: 'POST', json: { name: 'mine', coders: [coder.user.name] } }],
      ['/api/users', {}],
      [`/api/users/${coder.user.id}`, { method: 'PATCH', json: { siteAdmin: true } }],
      ['/api/projects/secret', {}],
      ['/api/projects/secret/commits', {}],
      ['/api/projects', { method: 'POST', json: { name: 'coder-made' } }],
      // Comparing labelers with a coder would show other coders' labels before a reveal.
      ['/api/projects/default/labeling/evaluation?labeler=rules&against=coder1', {}],
    ]
    for (const [path, init] of forbidden) {
      const res = await coder.request(path, init)
      expect(res.status, `${init.method ?? 'GET'} ${path}`).toBe(403)
    }
    const listed = await coder.json<{ name: string }[]>('/api/projects')
    expect(listed.body.map((p) => p.name)).toEqual(['default'])
    const [row] = await t.db.select().from(users).where(eq(users.id, coder.user.id))
    expect(row!.siteAdmin).toBe(false)
  })

  it('lets an admin change roles and disable accounts, which ends their sessions', async () => {
    const admin = await signedInApp(t.db, { role: 'admin', app })
    const coder = await signedInApp(t.db, { role: 'coder', app })
    expect((await coder.request('/api/projects/default')).status).toBe(200)
    const promoted = await admin.request(`/api/projects/default/members/${coder.user.id}`, { method: 'PATCH', json: { role: 'admin' } })
    expect(promoted.status).toBe(200)
    const roles = await admin.json<{ name: string; role: string }[]>('/api/projects/default/members')
    expect(roles.body.find((m) => m.name === coder.user.name)?.role).toBe('admin')
    const disabled = await admin.request(`/api/users/${coder.user.id}`, { method: 'PATCH', json: { disabled: true } })
    expect(disabled.status).toBe(200)
    expect((await coder.request('/api/projects/default')).status).toBe(401)
  })

  it('audits account changes', async () => {
    const rows = await t.db.select().from(auditLog)
    const actions = new Set(rows.map((r) => `${r.action} ${r.entity}`))
    for (const a of ['add-member user', 'create api-token', 'revoke api-token', 'change-password user', 'accept-invite user', 'set-role user']) {
      expect(actions, a).toContain(a)
    }
  })
})

describe('the default', () => {
  it('is enforced: an app made without auth options answers anonymous calls with 401', async () => {
    const res = await createApp({ db: t.db }).request('/api/projects')
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ code: 'unauthorized' })
  })
})

describe('with sign-in turned off explicitly', () => {
  it('serves anonymous requests, and signed-in ones as their person', async () => {
    const open = createApp({ db: t.db, auth: { required: false } })
    expect((await open.request('/api/projects')).status).toBe(200)
    const me = await open.request('/api/auth/me')
    expect(await me.json()).toMatchObject({ user: null, authRequired: false })
    const [carol] = await t.db.select().from(users).where(eq(users.name, 'carol'))
    const asCarol = await requesterFor(open, t.db, { id: carol!.id, name: 'carol' })
    expect((await asCarol.request('/api/projects/secret')).status).toBe(403)
  })
})
