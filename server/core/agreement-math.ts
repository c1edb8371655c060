/**
 * @module Small numeric helpers for the agreement statistics: seeded PRNG, normal tail, quantile.
 */

/** Two-sided 95% standard normal quantile (norm.isf(0.025)). */
export const Z_975 = 1.959963984540054

/**
 * mulberry32: a tiny seeded 32-bit PRNG, so bootstrap intervals are reproducible run to run.
 * @example const rand = mulberry32(42); rand() // same value on every run, in [0, 1)
 */
export function mulberry32(seed: number): () => number {
  // Held as a signed 32-bit integer (same bits as the unsigned state of the reference code), so
  // V8 keeps it unboxed: no heap number per draw in the bootstrap's hundreds of millions.
  let state = seed | 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Upper tail of the standard normal, P(Z > z). Complementary error function after Numerical
 * Recipes (erfcc, relative error < 1.2e-7), which is plenty for p-values printed to 4 digits.
 * @example normalSf(1.959963984540054) // ≈ 0.025
 */
export function normalSf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.5 * x)
  const poly = [
    -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398,
    1.48851587, -0.82215223, 0.17087277,
  ]
  let acc = 0
  for (let i = poly.length - 1; i >= 1; i--) acc = t * (poly[i]! + acc)
  const erfc = t * Math.exp(-x * x + poly[0]! + acc)
  return z >= 0 ? erfc / 2 : 1 - erfc / 2
}

/**
 * Quantile of sorted values with linear interpolation (R type 7, numpy's default).
 * @example quantileSorted([1, 2, 3, 4], 0.5) // 2.5
 */
export function quantileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('quantile of an empty list')
  const h = (sorted.length - 1) * p
  const lo = Math.floor(h)
  const low = sorted[lo]!
  const high = sorted[Math.min(lo + 1, sorted.length - 1)]!
  return low + (h - lo) * (high - low)
}

/** Sum of values[from] .. values[to - 1] (by default all of them), added in order. */
export function sum(values: ArrayLike<number>, from = 0, to = values.length): number {
  let total = 0
  for (let i = from; i < to; i++) total += values[i]!
  return total
}

/** Mean of the numbers that are not null; null when there are none. */
export function meanOrNull(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null)
  return present.length === 0 ? null : sum(present) / present.length
}
