/**
 * @module The Hono app: middleware, the API routes, errors in one place, and the built client.
 */
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { secureHeaders } from 'hono/secure-headers'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { ZodError } from 'zod'
import type { LlmConfig } from './config'
import type { Db } from './db'
import type { ErrorCode } from './services/errors'
import { RateLimitedError, ServiceError } from './services/errors'
import { authenticate, signInLink } from './auth/middleware'
import type { AuthOptions } from './auth/middleware'
import { createRateLimiter } from './auth/rate-limit'
import type { RateLimiter } from './auth/rate-limit'
import { authRoutes } from './routes/auth'
import type { ImportSettings } from './services/repository-import'
import { bodyLimits } from './routes/body-limits'
import type { AppEnv } from './routes/env'
import { health } from './routes/health'
import { projectRoutes } from './routes/projects'
import { userRoutes } from './routes/users'

const statusOf: Record<ErrorCode, 400 | 401 | 403 | 404 | 409 | 429> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
}

export type AppOptions = {
  db: Db
  /** The built client (vite's output); omitted in API-only tests. */
  clientDir?: string
  /** Sign-in: anonymous API calls get 401 unless `{ required: false }` is passed explicitly. */
  auth?: AuthOptions
  /** Failed sign-ins and invite attempts (default: 10 per address and per name in 15 minutes). */
  signInLimiter?: RateLimiter
  /** The LLM labeler's settings, for labeling runs started from the web app. */
  llm?: LlmConfig
  /** Where imports started from the web app read (GitHub, the Hub, clones) and the diff cap. */
  imports?: ImportSettings
}

export function createApp(options: AppOptions) {
  const auth = options.auth ?? {}
  // Closed unless the caller opens it on purpose: forgetting the option must not open the API.
  const required = auth.required ?? true
  const app = new Hono<AppEnv>()
    .use(
      secureHeaders({
        contentSecurityPolicy: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          // ECharts writes its tooltips as HTML with style attributes. An attribute cannot
          // select other elements or load anything (img-src), unlike a <style> element, which
          // stays refused.
          styleSrcAttr: ["'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
        },
        xFrameOptions: 'DENY',
        // A route may send its own stricter policy (the HTML report: no script at all).
        overwrite: false,
      }),
    )
    .use('/api/*', async (c, next) => {
      c.set('ctx', {
        db: options.db,
        actor: 'web',
        ...(options.llm ? { llm: options.llm } : {}),
        ...(options.imports ? { imports: options.imports } : {}),
      })
      await next()
    })
    .use('/api/*', authenticate({ db: options.db, required }))
    // After the sign-in check: with sign-in required, an anonymous call is refused before its body is read.
    .use('/api/*', bodyLimits())
    .use('*', signInLink({ db: options.db, link: auth.signInLink }))
    .route('/api/health', health)
    .route('/api/auth', authRoutes({ limiter: options.signInLimiter ?? createRateLimiter({ limit: 10, windowMs: 15 * 60_000 }), required }))
    .route('/api/users', userRoutes)
    .route('/api/projects', projectRoutes)

  app.onError((error, c) => {
    if (error instanceof RateLimitedError) c.header('Retry-After', String(error.retryAfterSeconds))
    if (error instanceof ServiceError) return c.json({ error: error.message, code: error.code }, statusOf[error.code])
    if (error instanceof ZodError) return c.json({ error: error.issues[0]?.message ?? 'invalid input', code: 'invalid' }, 400)
    if (error instanceof HTTPException) return error.getResponse()
    console.error(error)
    return c.json({ error: 'internal error', code: 'internal' }, 500)
  })
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}`, code: 'not_found' }, 404))

  if (options.clientDir) mountClient(app, options.clientDir)
  return app
}

/** Serves the built client; unknown non-API paths get index.html so client routes work on reload. */
function mountClient(app: Hono<AppEnv>, clientDir: string) {
  const root = path.relative(process.cwd(), clientDir) || '.'
  if (!existsSync(path.join(clientDir, 'index.html'))) {
    throw new Error(`the client is not built (${clientDir}/index.html missing): run npm run build`)
  }
  app.use('/assets/*', serveStatic({ root }))
  app.get('*', async (c, next) => {
    if (c.req.path.startsWith('/api/')) return next()
    return serveStatic({ root, path: 'index.html' })(c, next)
  })
}

export type AppType = ReturnType<typeof createApp>
