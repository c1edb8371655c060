/**
 * @module Random secrets (session cookies, API tokens, invite and sign-in links) and the forms
 * they are stored and compared in.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * A new random secret: 32 bytes in base64url, with an optional prefix that says what it is.
 * @example newSecret('cnc_') // 'cnc_Zq3…'
 */
export function newSecret(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`
}

/** How a secret is stored: its sha256 in hex (secrets are random, so no salt is needed). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/**
 * The CSRF token that goes with a session: derived from the session secret, so it needs no
 * storage and an attacker who cannot read the cookie cannot compute it.
 */
export function csrfTokenFor(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('concord csrf').digest('base64url')
}

/** Compares two strings in constant time (for secrets). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
