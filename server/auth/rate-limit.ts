/**
 * @module A small in-memory limiter for failed attempts (sign-in, invite links): a sliding
 * window of timestamps per key. One process, so memory is the right place.
 */

export type RateLimiter = {
  /** Seconds to wait before `key` may try again, or 0 when it may try now. */
  retryAfter: (key: string) => number
  /** Records a failed attempt for `key`. */
  fail: (key: string) => void
  /** Forgets `key` (after a success). */
  reset: (key: string) => void
}

/**
 * Allows `limit` failures per key within `windowMs`; the next attempt waits until the oldest
 * failure leaves the window.
 * @example const limiter = createRateLimiter({ limit: 5, windowMs: 60_000 })
 */
export function createRateLimiter(options: { limit: number; windowMs: number; now?: () => number; maxKeys?: number }): RateLimiter {
  const { limit, windowMs, now = Date.now, maxKeys = 10_000 } = options
  const failures = new Map<string, number[]>()
  const recent = (key: string, at: number) => (failures.get(key) ?? []).filter((t) => t > at - windowMs)
  return {
    retryAfter(key) {
      const at = now()
      const list = recent(key, at)
      if (list.length === 0) failures.delete(key)
      else failures.set(key, list)
      return list.length < limit ? 0 : Math.max(1, Math.ceil((list[0]! + windowMs - at) / 1000))
    },
    fail(key) {
      const at = now()
      // Bounded memory: a flood of distinct keys drops the oldest entries first.
      if (!failures.has(key) && failures.size >= maxKeys) failures.delete(failures.keys().next().value!)
      failures.set(key, [...recent(key, at), at])
    },
    reset(key) {
      failures.delete(key)
    },
  }
}
