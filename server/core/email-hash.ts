/**
 * @module E-mail addresses are only ever stored as sha1 of the lower-cased, stripped address.
 */
import { createHash } from 'node:crypto'

/**
 * @example hashEmail(' Ada@Example.org ') === hashEmail('ada@example.org')
 */
export function hashEmail(email: string): string {
  return createHash('sha1').update(email.trim().toLowerCase()).digest('hex')
}

/** A stable 40-hex id for a commit known without a sha (the study's GitHub rows). */
export function derivedSha(...parts: string[]): string {
  return createHash('sha1').update(parts.join('\n')).digest('hex')
}
