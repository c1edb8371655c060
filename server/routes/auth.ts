/**
 * @module Signing in and out, invites, one's own password and API tokens. Mounted at
 * `/api/auth`; sign-in and invite acceptance are open to anonymous callers, rate-limited.
 */
import { getConnInfo } from '@hono/node-server/conninfo'
import { validate } from './validate'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { z } from 'zod'
import { clearSessionCookies, setSessionCookies } from '../auth/middleware'
import { requireSignedIn } from '../auth/guards'
import type { RateLimiter } from '../auth/rate-limit'
import { csrfTokenFor } from '../auth/tokens'
import {
  acceptInvite,
  changePassword,
  checkCredentials,
  createApiToken,
  createSession,
  endSession,
  hasPassword,
  listApiTokens,
  myProjects,
  revokeApiToken,
} from '../services/accounts'
import type { Viewer } from '../services/context'
import { RateLimitedError, ServiceError } from '../services/errors'
import type { AppEnv } from './env'

const SignIn = z.object({ name: z.string().min(1).max(200), password: z.string().min(1).max(1024) })
const Invite = z.object({ token: z.string().min(1).max(200), password: z.string().max(1024) })
const Password = z.object({ current: z.string().max(1024), next: z.string().max(1024) })
const TokenInput = z.object({ name: z.string().max(100) })
const IdParam = z.object({ id: z.coerce.number().int().positive() })

/** The caller's address, for rate limiting (`local` when there is no socket, as in tests). */
function clientAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'local'
  } catch {
    return 'local'
  }
}

/** Runs an attempt under the limiter: refused while limited, failures counted, success resets. */
async function limited<T>(limiter: RateLimiter, keys: string[], attempt: () => Promise<T>): Promise<T> {
  const wait = Math.max(...keys.map((k) => limiter.retryAfter(k)))
  if (wait > 0) throw new RateLimitedError(`too many failed attempts: try again in ${wait} s`, wait)
  try {
    const result = await attempt()
    for (const k of keys) limiter.reset(k)
    return result
  } catch (error) {
    if (error instanceof ServiceError && error.code === 'unauthorized') for (const k of keys) limiter.fail(k)
    throw error
  }
}

async function startSession(c: Context<AppEnv>, viewer: Viewer) {
  const { secret } = await createSession(c.var.ctx, viewer.id)
  setSessionCookies(c, secret)
  return { user: viewer, csrfToken: csrfTokenFor(secret) }
}

export function authRoutes(options: { limiter: RateLimiter; required: boolean }) {
  const { limiter } = options
  return new Hono<AppEnv>()
    .get('/me', async (c) => {
      const viewer = c.var.viewer
      if (!viewer) return c.json({ user: null, csrfToken: null, projects: [], hasPassword: false, authRequired: options.required }, 200)
      const secret = c.var.sessionSecret
      return c.json(
        {
          user: viewer,
          csrfToken: secret ? csrfTokenFor(secret) : null,
          projects: await myProjects(c.var.ctx),
          hasPassword: await hasPassword(c.var.ctx),
          authRequired: options.required,
        },
        200,
      )
    })
    .post('/signin', validate('json', SignIn), async (c) => {
      const input = c.req.valid('json')
      const keys = [`ip:${clientAddress(c)}`, `name:${input.name.trim().toLowerCase()}`]
      const viewer = await limited(limiter, keys, () => checkCredentials(c.var.ctx, input))
      return c.json(await startSession(c, viewer), 200)
    })
    .post('/invite', validate('json', Invite), async (c) => {
      const input = c.req.valid('json')
      const viewer = await limited(limiter, [`ip:${clientAddress(c)}`], () => acceptInvite(c.var.ctx, input))
      return c.json(await startSession(c, viewer), 200)
    })
    .post('/signout', async (c) => {
      const secret = c.var.sessionSecret
      if (secret) await endSession(c.var.ctx, secret)
      clearSessionCookies(c)
      return c.json({ ok: true as const }, 200)
    })
    .use('/password', requireSignedIn())
    .post('/password', validate('json', Password), async (c) => {
      await changePassword(c.var.ctx, { ...c.req.valid('json'), keepSession: c.var.sessionSecret })
      return c.json({ ok: true as const }, 200)
    })
    .use('/tokens/*', requireSignedIn())
    .use('/tokens', requireSignedIn())
    .get('/tokens', async (c) => c.json(await listApiTokens(c.var.ctx), 200))
    .post('/tokens', validate('json', TokenInput), async (c) => c.json(await createApiToken(c.var.ctx, c.req.valid('json')), 201))
    .delete('/tokens/:id', validate('param', IdParam), async (c) => {
      await revokeApiToken(c.var.ctx, c.req.valid('param').id)
      return c.json({ ok: true as const }, 200)
    })
}
