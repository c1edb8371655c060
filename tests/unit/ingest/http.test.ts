import { describe, expect, it } from 'vitest'
import { nextLink, rateLimitWaitMs } from '../../../server/ingest/http'

const answer = (status: number, headers: Record<string, string>) => ({ status, headers: new Headers(headers) })

describe('rateLimitWaitMs', () => {
  const now = Date.UTC(2024, 0, 1, 12)
  it('reads Retry-After in seconds or as a date', () => {
    expect(rateLimitWaitMs(answer(429, { 'retry-after': '3' }), now)).toBe(3_000)
    expect(rateLimitWaitMs(answer(403, { 'retry-after': new Date(now + 5_000).toUTCString() }), now)).toBe(5_000)
  })
  it('waits until a second after X-RateLimit-Reset when nothing remains', () => {
    const reset = String(now / 1000 + 30)
    expect(rateLimitWaitMs(answer(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), now)).toBe(31_000)
  })
  it('reads the Hub’s RateLimit header', () => {
    expect(rateLimitWaitMs(answer(429, { ratelimit: '"api";r=0;t=55' }), now)).toBe(55_000)
  })
  it('treats a plain 403 as a refusal, not a rate limit, and other statuses as none', () => {
    expect(rateLimitWaitMs(answer(403, { 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': '1' }), now)).toBeNull()
    expect(rateLimitWaitMs(answer(500, { 'retry-after': '1' }), now)).toBeNull()
    expect(rateLimitWaitMs(answer(429, {}), now)).toBe(60_000)
  })
})

describe('nextLink', () => {
  it('finds rel="next" among other relations and resolves it', () => {
    const link = '<https://api.github.com/repositories/1/commits?page=1>; rel="prev", <https://api.github.com/repositories/1/commits?page=3>; rel="next", <https://api.github.com/repositories/1/commits?page=9>; rel="last"'
    expect(nextLink(link, 'https://api.github.com/x')).toBe('https://api.github.com/repositories/1/commits?page=3')
    expect(nextLink('</api/models/a/b/commits/main?p=1>; rel="next"', 'http://127.0.0.1:9/api/models/a/b/commits/main')).toBe(
      'http://127.0.0.1:9/api/models/a/b/commits/main?p=1',
    )
    expect(nextLink('<https://x/?page=1>; rel="first"', 'https://x/')).toBeNull()
    expect(nextLink(null, 'https://x/')).toBeNull()
  })
})
