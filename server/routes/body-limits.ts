/**
 * @module How large a request body each API path accepts. Most calls carry a few fields, so
 * the default is small (sign-in is open to anyone: a big body there costs memory for nothing);
 * a few editing calls carry lists, and only the codebook uploads carry whole files.
 * Too large answers 413 with the usual JSON error body.
 */
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { maxCodebookBytes } from '../services/codebook-exchange'
import type { AppEnv } from './env'

const KB = 1024
const MB = 1024 * KB

/** Everything not listed below: sign-in, coding, rounds, members, imports by name, ... */
export const defaultBodyLimit = 64 * KB

/** Path patterns (after `/api`) with a larger limit, first match wins. */
const larger: { path: RegExp; maxSize: number }[] = [
  // A codebook file (REFI-QDA or JSON) as a JSON string, for a new project or an import:
  // escaping can double its size.
  { path: /^\/projects\/?$/, maxSize: 2 * maxCodebookBytes },
  { path: /^\/projects\/[^/]+\/codebook\/import$/, maxSize: 2 * maxCodebookBytes },
  // Up to 5,000 cards of open-code text; a code with 50 examples.
  { path: /^\/projects\/[^/]+\/card-sort\//, maxSize: 1 * MB },
  { path: /^\/projects\/[^/]+\/codebook\/(codes|edit)$/, maxSize: 1 * MB },
]

const sizeText = (bytes: number) => (bytes >= MB ? `${bytes / MB} MB` : `${bytes / KB} KB`)

function limit(maxSize: number): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize,
    onError: (c) => c.json({ error: `request body too large: at most ${sizeText(maxSize)} for ${c.req.method} ${c.req.path}`, code: 'too_large' }, 413),
  })
}

/**
 * Mount on `/api/*`.
 * @example app.use('/api/*', bodyLimits())
 */
export function bodyLimits(): MiddlewareHandler<AppEnv> {
  const small = limit(defaultBodyLimit)
  const rules = larger.map((rule) => ({ path: rule.path, check: limit(rule.maxSize) }))
  return async function bodyLimits(c, next) {
    const rest = c.req.path.slice('/api'.length)
    const check = rules.find((rule) => rule.path.test(rest))?.check ?? small
    return check(c, next)
  }
}
