/**
 * @module Who is asking: the session cookie or an API token becomes the request's viewer;
 * mutations with a cookie must carry the CSRF header; the sign-in link printed at start-up
 * (`/?token=…`) signs the administrator in. With enforcement on, anonymous requests get 401.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { Db } from '../db'
import type { AppEnv } from '../routes/env'
import { apiTokenViewer, createSession, sessionDays, sessionViewer } from '../services/accounts'
import type { Viewer } from '../services/context'
import { ForbiddenError, UnauthorizedError } from '../services/errors'
import { csrfTokenFor, sameSecret } from './tokens'

export const sessionCookie = 'concord_session'
/** Readable by the page (not HttpOnly): the client copies it into the CSRF header. */
export const csrfCookie = 'concord_csrf'
export const csrfHeader = 'x-csrf-token'

/** The sign-in link of this process: valid until the server restarts (as Jupyter's token). */
export type SignInLink = { secret: string; userId: number }

export type AuthOptions = {
  /** Anonymous requests get 401 (except the sign-in API, static client files and health). */
  required?: boolean
  signInLink?: SignInLink | undefined
}

/** API paths anyone may call while enforcement is on. */
const publicApi = new Set(['/api/health', '/api/auth/signin', '/api/auth/invite'])

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

const isHttps = (c: Context) => new URL(c.req.url).protocol === 'https:'

/** Sets the session and CSRF cookies for a new session. */
export function setSessionCookies(c: Context, secret: string): void {
  const common = { path: '/', sameSite: 'Strict', secure: isHttps(c), maxAge: sessionDays * 24 * 60 * 60 } as const
  setCookie(c, sessionCookie, secret, { ...common, httpOnly: true })
  setCookie(c, csrfCookie, csrfTokenFor(secret), common)
}

export function clearSessionCookies(c: Context): void {
  deleteCookie(c, sessionCookie, { path: '/' })
  deleteCookie(c, csrfCookie, { path: '/' })
}

/**
 * Resolves the viewer for `/api/*` and puts it on the request's service context.
 * @example app.use('/api/*', authenticate({ db, required: true }))
 */
export function authenticate(options: AuthOptions & { db: Db }): MiddlewareHandler<AppEnv> {
  const required = options.required ?? false
  return async function authenticate(c, next) {
    const base = c.var.ctx
    let viewer: Viewer | null = null
    let sessionSecret: string | undefined
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
    if (bearer) {
      viewer = await apiTokenViewer(base, bearer)
      // A script with a wrong token should hear so, not silently act anonymously.
      if (!viewer) throw new UnauthorizedError('unknown or revoked API token')
    } else {
      const cookie = getCookie(c, sessionCookie)
      if (cookie) {
        viewer = await sessionViewer(base, cookie)
        if (viewer) sessionSecret = cookie
        else clearSessionCookies(c)
      }
    }
    const unsafe = !safeMethods.has(c.req.method)
    if (unsafe) checkOrigin(c)
    // Cookies ride along on cross-site requests; a header a page of another site cannot set does not.
    if (unsafe && sessionSecret) {
      const sent = c.req.header(csrfHeader) ?? ''
      if (!sameSecret(sent, csrfTokenFor(sessionSecret))) throw new ForbiddenError(`missing or wrong ${csrfHeader} header (reload the page)`)
    }
    if (!viewer && required && !publicApi.has(c.req.path)) throw new UnauthorizedError()
    c.set('viewer', viewer ?? undefined)
    c.set('sessionSecret', sessionSecret)
    if (viewer) c.set('ctx', { ...base, viewer, actor: `user:${viewer.name}` })
    await next()
  }
}

/** Refuses mutations sent from a page of another origin (browsers always send Origin on them). */
function checkOrigin(c: Context): void {
  const origin = c.req.header('origin')
  if (!origin || origin === 'null') return
  const host = c.req.header('host') ?? new URL(c.req.url).host
  if (new URL(origin).host !== host) throw new ForbiddenError(`cross-site request from ${origin} refused`)
}

/**
 * `GET /anything?token=SECRET` with the start-up link's secret: starts a session for the
 * administrator and redirects to the same address without the token (out of the history).
 */
export function signInLink(options: { db: Db; link: SignInLink | undefined }): MiddlewareHandler<AppEnv> {
  return async function signInLink(c, next) {
    const token = c.req.query('token')
    if (c.req.method !== 'GET' || !token || c.req.path.startsWith('/api/')) return next()
    if (!options.link || !sameSecret(token, options.link.secret)) return next()
    const { secret } = await createSession({ db: options.db, actor: 'system' }, options.link.userId)
    setSessionCookies(c, secret)
    const url = new URL(c.req.url)
    url.searchParams.delete('token')
    return c.redirect(`${url.pathname}${url.search}`, 302)
  }
}
