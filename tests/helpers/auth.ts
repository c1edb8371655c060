import { eq } from 'drizzle-orm'
import type { Page } from 'playwright-core'
import { users } from '../../schema'
import { createApp } from '../../server/app'
import { csrfCookie, csrfHeader, sessionCookie } from '../../server/auth/middleware'
import { csrfTokenFor } from '../../server/auth/tokens'
import type { Db } from '../../server/db'
import { createSession } from '../../server/services/accounts'
import type { Ctx } from '../../server/services/context'
import { ensureProject } from '../../server/services/projects'
import { ensureMember, ensureRater } from '../../server/services/users'
import type { RunningServer } from './server'

export type App = ReturnType<typeof createApp>

/** A request as a signed-in person: session cookie always, CSRF header on mutations. */
export type Requester = {
  user: { id: number; name: string }
  app: App
  /** `json` is sent as the JSON body. */
  request: (path: string, init?: RequestInit & { json?: unknown }) => Promise<Response>
  /** The same, returning the status and the parsed JSON body. */
  json: <T = any>(path: string, init?: RequestInit & { json?: unknown }) => Promise<{ status: number; body: T }>
}

/** An app with sign-in enforced (the default, spelled out). */
export function enforcedApp(db: Db): App {
  return createApp({ db, auth: { required: true } })
}

let counter = 0

/**
 * A request function signed in as a new person on `app` (default: a new enforced app):
 * `role: 'admin'` makes a site administrator (sees and does everything, as the tests did before
 * sign-in existed); `role: 'coder'` a coder member of `project` (default `default`, created when
 * missing). The session is made directly (no password), so it costs no scrypt.
 * @example const admin = await signedInApp(t.db, { role: 'admin' }); await admin.json('/api/projects')
 */
export async function signedInApp(
  db: Db,
  options: { role?: 'admin' | 'coder'; project?: string; name?: string; app?: App } = {},
): Promise<Requester> {
  const app = options.app ?? enforcedApp(db)
  const ctx: Ctx = { db, actor: 'test' }
  const role = options.role ?? 'admin'
  const name = options.name ?? `${role}-${process.pid}-${++counter}`
  const { id } = await ensureRater(ctx, name)
  if (role === 'admin') {
    await db.update(users).set({ siteAdmin: true }).where(eq(users.id, id))
  } else {
    const project = await ensureProject(ctx, options.project ?? 'default')
    await ensureMember(ctx, project.id, id, 'coder')
  }
  return requesterFor(app, db, { id, name })
}

/**
 * A site admin and coders of `project`, all signed in on one enforced app.
 * @example const { admin, coders: [ann, ben] } = await projectTeam(t.db, { project: 'study', coders: ['ann', 'ben'] })
 */
export async function projectTeam<const Names extends readonly string[]>(
  db: Db,
  options: { project: string; coders: Names; adminName?: string },
): Promise<{ app: App; admin: Requester; coders: { [K in keyof Names]: Requester } }> {
  const app = enforcedApp(db)
  const admin = await signedInApp(db, { role: 'admin', app, ...(options.adminName ? { name: options.adminName } : {}) })
  const coders: Requester[] = []
  for (const name of options.coders) coders.push(await signedInApp(db, { role: 'coder', project: options.project, name, app }))
  return { app, admin, coders: coders as { [K in keyof Names]: Requester } }
}

/** A request function signed in (by a new session) as an existing person. */
export async function requesterFor(app: App, db: Db, user: { id: number; name: string }): Promise<Requester> {
  const { secret } = await createSession({ db, actor: 'test' }, user.id)
  const csrf = csrfTokenFor(secret)
  const request: Requester['request'] = (path, init = {}) => {
    const headers = new Headers(init.headers)
    headers.set('cookie', `${sessionCookie}=${secret}; ${csrfCookie}=${csrf}`)
    if (init.method && !['GET', 'HEAD'].includes(init.method.toUpperCase())) headers.set(csrfHeader, csrf)
    const { json, ...rest } = init
    if (json !== undefined) {
      headers.set('content-type', 'application/json')
      return Promise.resolve(app.request(path, { ...rest, headers, body: JSON.stringify(json) }))
    }
    return Promise.resolve(app.request(path, { ...rest, headers }))
  }
  return {
    user,
    app,
    request,
    json: async (path, init) => {
      const res = await request(path, init)
      const text = await res.text()
      return { status: res.status, body: text ? JSON.parse(text) : null }
    },
  }
}

/**
 * Signs a browser page in as the administrator with the link the server printed (start it with
 * `CONCORD_AUTH: 'required'`; `server.signInUrl` carries the `?token=`).
 */
export async function signInWithPrintedLink(page: Page, server: RunningServer): Promise<void> {
  if (!server.signInUrl.includes('?token=')) throw new Error('the server printed no sign-in link: start it with CONCORD_AUTH=required')
  await page.goto(server.signInUrl)
}
