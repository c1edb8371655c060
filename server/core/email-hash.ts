/**
 * @module E-mail addresses are only ever stored as sha1 of the lower-cased, stripped address.
 */
import { createHash } from 'node:crypto'

/**
 * @example hashEmail(' Ada@Example.org ') === hashEmail('ada@example.org')
 */
export function hashEmail(email: string): string {
  const normalised = email.trim().toLowerCase()
  let hash = hashes.get(normalised)
  if (hash === undefined) {
    hash = createHash('sha1').update(normalised).digest('hex')
    // A history repeats the same few addresses thousands of times; the memo stays small.
    if (hashes.size >= 20_000) hashes.clear()
    hashes.set(normalised, hash)
  }
  return hash
}

const hashes = new Map<string, string>()

/** A stable 40-hex id for a commit known without a sha (the study's GitHub rows). */
export function derivedSha(...parts: string[]): string {
  return createHash('sha1').update(parts.join('\n')).digest('hex')
}

// After the `@`: a dotted domain ending in a letter TLD (as the shared data's extraction did).
const domainPattern = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/
const localChar = /[A-Za-z0-9._%+-]/

/**
 * Replaces every e-mail address in a text (commit message, diff) by `email-sha1:<hashEmail>`.
 * `git@HOST` (an SSH remote, not a person) is kept, as in the shared data. Scans from each `@`
 * (local part at most 64 characters, domain 255), so long runs of word characters stay linear.
 * @example hashEmailsInText('Co-authored-by: Bob <bob@x.org>') // 'Co-authored-by: Bob <email-sha1:…>'
 */
export function hashEmailsInText(text: string): string {
  let at = text.indexOf('@')
  if (at === -1) return text
  let out = ''
  let last = 0
  while (at !== -1) {
    let start = at
    while (start > last && at - start < 64 && localChar.test(text[start - 1]!)) start -= 1
    const domain = start < at ? domainPattern.exec(text.slice(at + 1, at + 256)) : null
    if (domain) {
      const end = at + 1 + domain[0].length
      const address = text.slice(start, end)
      out += text.slice(last, start) + (address.startsWith('git@') ? address : `email-sha1:${hashEmail(address)}`)
      last = end
      at = text.indexOf('@', end)
    } else {
      at = text.indexOf('@', at + 1)
    }
  }
  return out + text.slice(last)
}
