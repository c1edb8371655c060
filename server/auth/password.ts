/**
 * @module Password hashing with scrypt (node:crypto, no native dependency). The stored form
 * carries its parameters, so they can be raised later without breaking existing hashes.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import type { ScryptOptions } from 'node:crypto'

/**
 * One of OWASP's equivalent scrypt minimums (N = 2^14, r = 8, p = 5): the work of N = 2^17
 * with 16 MB of memory per hash instead of 128 MB, so concurrent sign-ins stay affordable.
 */
const defaults = { N: 2 ** 14, r: 8, p: 5 }
const keyLength = 64

export const minPasswordLength = 8

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem must cover 128 * N * r bytes, with room to spare.
    scrypt(password.normalize('NFC'), salt, keyLength, { ...options, maxmem: 256 * options.N! * options.r! }, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}

/**
 * Hashes a password as `scrypt$N$r$p$salt$hash` (salt and hash in base64url).
 * @example await hashPassword('correct horse') // 'scrypt$131072$8$1$…$…'
 */
export async function hashPassword(password: string, params: { N: number; r: number; p: number } = defaults): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, params)
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** True when the password matches the stored hash; false for a malformed or empty hash. */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parts = stored?.split('$')
  if (!parts || parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  if (![N, r, p].every((v) => Number.isInteger(v) && v > 0)) return false
  const expected = Buffer.from(parts[5]!, 'base64url')
  const key = await derive(password, Buffer.from(parts[4]!, 'base64url'), { N, r, p })
  return key.length === expected.length && timingSafeEqual(key, expected)
}

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < minPasswordLength) return `a password needs at least ${minPasswordLength} characters`
  if (password.length > 1024) return 'a password may have at most 1,024 characters'
  return null
}
