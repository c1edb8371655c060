/**
 * @module Change-type similarity between the platforms (method.md §5): Jaccard of a family's GH
 * and HF change-type sets, and tertile grouping (also used for maturity). Pure: no I/O.
 *
 * @example jaccard(['model structure', 'preprocessing'], ['preprocessing']) // 0.5
 * @example tertiles([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]).groups // ['Low', 'Low', 'Moderate', ...]
 */

export type JaccardOptions = {
  /** Fallback codes that say nothing about the change; dropped from both sets. */
  fallbackCodes: readonly string[]
}

export const DEFAULT_JACCARD_OPTIONS: Readonly<JaccardOptions> = Object.freeze({
  fallbackCodes: Object.freeze(['unclear']),
})

/**
 * Jaccard index |A ∩ B| / |A ∪ B| of the change types present on each platform (duplicates and
 * fallback codes ignored); 0 when the union is empty.
 * @example jaccard(['docs', 'unclear'], ['docs']) // 1
 * @example jaccard([], []) // 0
 */
export function jaccard(
  github: Iterable<string>,
  huggingface: Iterable<string>,
  options: Partial<JaccardOptions> = {},
): number {
  const { fallbackCodes } = { ...DEFAULT_JACCARD_OPTIONS, ...options }
  const fallback = new Set(fallbackCodes)
  const a = new Set([...github].filter((c) => !fallback.has(c)))
  const b = new Set([...huggingface].filter((c) => !fallback.has(c)))
  const union = new Set([...a, ...b])
  if (union.size === 0) return 0
  let shared = 0
  for (const c of a) if (b.has(c)) shared++
  return shared / union.size
}

/**
 * Quantile with linear interpolation between order statistics, Hyndman-Fan type 7 (numpy's and
 * pandas' default): h = (n - 1) p, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
 * @example quantile([1, 2, 3, 4], 0.5) // 2.5
 */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('quantile of an empty list')
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile probability must be in [0, 1], got ${p}`)
  const xs = [...values].sort((a, b) => a - b)
  const h = (xs.length - 1) * p
  const lo = Math.floor(h)
  const low = xs[lo]!
  const high = xs[Math.min(lo + 1, xs.length - 1)]!
  return low + (h - lo) * (high - low)
}

export type Tertiles<L extends string> = {
  /** The 1/3 and 2/3 type-7 quantiles; null for an empty input. */
  cutPoints: [number, number] | null
  /** One label per input value, in input order. */
  groups: L[]
  counts: Record<L, number>
}

export const SIMILARITY_LABELS = ['Low', 'Moderate', 'High'] as const
export const MATURITY_LABELS = ['Recent', 'Intermediate', 'Matured'] as const

/**
 * Tertile groups: bins closed on the right with the lowest value included (pandas
 * `qcut(q=3)`): v <= q1 -> first label, q1 < v <= q2 -> second, v > q2 -> third. When q1 = q2
 * (many ties) the middle group is empty rather than an error.
 * @example tertiles([1, 2, 3, 4, 5, 6]).cutPoints // [2.666..., 4.333...]
 * @example tertiles([5, 40, 300], MATURITY_LABELS).groups // ['Recent', 'Intermediate', 'Matured']
 */
export function tertiles<L extends string = (typeof SIMILARITY_LABELS)[number]>(
  values: readonly number[],
  labels: readonly [L, L, L] = SIMILARITY_LABELS as unknown as readonly [L, L, L],
): Tertiles<L> {
  if (values.some((v) => Number.isNaN(v))) throw new RangeError('tertiles of a list with NaN')
  const counts = Object.fromEntries(labels.map((l) => [l, 0])) as Record<L, number>
  if (values.length === 0) return { cutPoints: null, groups: [], counts }
  const cutPoints: [number, number] = [quantile(values, 1 / 3), quantile(values, 2 / 3)]
  const groups = values.map((v) => labels[v <= cutPoints[0] ? 0 : v <= cutPoints[1] ? 1 : 2])
  for (const g of groups) counts[g]++
  return { cutPoints, groups, counts }
}
