import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { hashEmail, hashEmailsInText } from '../../../server/core/email-hash'

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex')

describe('hashEmailsInText', () => {
  it('replaces addresses in trailers by the hash of the lower-cased address', () => {
    const text = 'Fix\n\nCo-authored-by: Bob <Bob.Builder+hf@Example.co.uk>\nSigned-off-by: a@b.io'
    expect(hashEmailsInText(text)).toBe(
      `Fix\n\nCo-authored-by: Bob <email-sha1:${sha1('bob.builder+hf@example.co.uk')}>\nSigned-off-by: email-sha1:${sha1('a@b.io')}`,
    )
    expect(hashEmail('Bob.Builder+hf@Example.co.uk')).toBe(sha1('bob.builder+hf@example.co.uk'))
  })

  it('leaves text without addresses, hunk headers, decorators and git@ remotes alone', () => {
    const text = '@@ -1,3 +1,4 @@\n-x = 1\n+@property\n git clone git@github.com:org/repo.git\n user@localhost'
    expect(hashEmailsInText(text)).toBe(text)
    expect(hashEmailsInText('no at sign here')).toBe('no at sign here')
  })

  it('handles long runs of word characters and many @ signs', () => {
    const run = 'x'.repeat(200_000)
    expect(hashEmailsInText(`${run}@`)).toBe(`${run}@`)
    const many = '@'.repeat(50_000) + 'me@host.org'
    expect(hashEmailsInText(many)).toBe('@'.repeat(50_000) + `email-sha1:${sha1('me@host.org')}`)
    // A local part longer than 64 characters keeps its head; the address part is hashed.
    const long = `${'a'.repeat(70)}@x.org`
    expect(hashEmailsInText(long)).toBe(`${'a'.repeat(6)}email-sha1:${sha1(`${'a'.repeat(64)}@x.org`)}`)
  })
})
