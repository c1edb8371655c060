/**
 * @module Krippendorff's alpha with missing data, for nominal, ordinal, interval and ratio values
 * and for code sets (MASI or Jaccard distance), plus a seeded bootstrap interval over units.
 */
import type { Rating, UnitCounts } from './agreement-data'
import { buildRatingTable, unitCounts } from './agreement-data'
import { mulberry32, quantileSorted, sum } from './agreement-math'

/**
 * Distance between two values. 'masi' uses Passonneau's (2006) exact monotonicity weights
 * 1, 2/3, 1/3, 0; 'masi-nltk' the rounded 1, 0.67, 0.33, 0 of NLTK's masi_distance.
 */
export type AlphaMetric =
  | 'nominal'
  | 'ordinal'
  | 'interval'
  | 'ratio'
  | 'masi'
  | 'masi-nltk'
  | 'jaccard'

export type KrippendorffAlpha = {
  /** Alpha; null (with reason) when undefined. */
  value: number | null
  metric: AlphaMetric
  /** Units with two or more ratings: only they carry pairable values. */
  pairableUnits: number
  /** Units with a single rating, left out as in Krippendorff. */
  droppedUnits: number
  /** n.., the number of pairable values. */
  pairableValues: number
  categories: string[]
  /** n_c, pairable values per category. */
  marginals: number[]
  /** Coincidence matrix o_ck. */
  coincidence: number[][]
  /** D_o, mean distance within units. */
  observedDisagreement: number | null
  /** D_e, mean distance between all pairable values. */
  expectedDisagreement: number | null
  reason: string | null
}

export type AlphaInterval = {
  ci95: [number, number] | null
  resamples: number
  /** Resamples on which alpha was defined (the others are skipped). */
  valid: number
  seed: number
  reason: string | null
}

export type AlphaOptions = {
  coders?: readonly string[]
  metric?: AlphaMetric
  /** Category order for 'ordinal' (default: sorted, numbers by value). */
  categories?: readonly string[]
}

export type BootstrapOptions = { metric?: AlphaMetric; resamples?: number; seed?: number }

/** The default bootstrap seed, so reports are reproducible unless asked otherwise. */
export const DEFAULT_SEED = 1

/**
 * Jaccard distance 1 - |A ∩ B| / |A ∪ B|.
 * @example jaccardDistance(['1', '2'], ['1', '2', '3', '4']) // 0.5
 */
export function jaccardDistance(a: readonly string[], b: readonly string[]): number {
  const { shared, union } = overlap(a, b)
  return union === 0 ? 0 : 1 - shared / union
}

/**
 * MASI distance (Passonneau 2006): 1 - Jaccard * M, with M = 1 for identical sets, 2/3 when one
 * contains the other, 1/3 when they merely overlap, 0 when disjoint. `weights: 'nltk'` uses
 * NLTK's rounded 0.67 / 0.33.
 * @example masiDistance(['1', '2'], ['1', '2', '3', '4']) // 0.6667 (NLTK: 0.665)
 */
export function masiDistance(
  a: readonly string[],
  b: readonly string[],
  weights: 'exact' | 'nltk' = 'exact',
): number {
  const { shared, union, sizeA, sizeB } = overlap(a, b)
  if (union === 0) return 0
  const subset = weights === 'exact' ? 2 / 3 : 0.67
  const partial = weights === 'exact' ? 1 / 3 : 0.33
  const m =
    shared === sizeA && shared === sizeB
      ? 1
      : shared === sizeA || shared === sizeB
        ? subset
        : shared > 0
          ? partial
          : 0
  return 1 - (shared / union) * m
}

function overlap(a: readonly string[], b: readonly string[]) {
  const setA = new Set(a)
  const setB = new Set(b)
  const shared = [...setA].filter((x) => setB.has(x)).length
  return { shared, union: setA.size + setB.size - shared, sizeA: setA.size, sizeB: setB.size }
}

/** A pairable unit as its non-zero (category, count) entries. */
type SparseUnit = { entries: [number, number][]; m: number }

function sparseUnits(rows: UnitCounts['rows']): SparseUnit[] {
  return rows
    .map((row) => ({
      entries: row.flatMap((n, k): [number, number][] => (n > 0 ? [[k, n]] : [])),
      m: sum(row),
    }))
    .filter((u) => u.m >= 2)
}

/** o_ck = sum over units of n_uc (n_uk - [c = k]) / (m_u - 1). */
function coincidences(units: readonly SparseUnit[], q: number): number[][] {
  const o = Array.from({ length: q }, () => new Array<number>(q).fill(0))
  for (const { entries, m } of units) {
    for (const [c, nc] of entries) {
      for (const [k, nk] of entries) o[c]![k]! += (nc * (c === k ? nk - 1 : nk)) / (m - 1)
    }
  }
  return o
}

/** δ_ck for the metric; the ordinal distance depends on the marginals, hence the callback. */
function distanceFor(
  metric: AlphaMetric,
  counts: UnitCounts,
): (marginals: readonly number[]) => number[][] {
  const q = counts.categories.length
  const square = (f: (c: number, k: number) => number) =>
    Array.from({ length: q }, (_, c) => Array.from({ length: q }, (_, k) => f(c, k)))
  if (metric === 'ordinal') {
    return (n) =>
      square((c, k) => {
        const [lo, hi] = c < k ? [c, k] : [k, c]
        return (sum(n.slice(lo, hi + 1)) - (n[c]! + n[k]!) / 2) ** 2
      })
  }
  const fixed = fixedDistances(metric, counts, square)
  return () => fixed
}

function fixedDistances(
  metric: Exclude<AlphaMetric, 'ordinal'>,
  counts: UnitCounts,
  square: (f: (c: number, k: number) => number) => number[][],
): number[][] {
  if (metric === 'nominal') return square((c, k) => (c === k ? 0 : 1))
  if (metric === 'interval' || metric === 'ratio') {
    const x = counts.categories.map(Number)
    const bad = counts.categories.filter((_, i) => !Number.isFinite(x[i]))
    if (bad.length > 0) {
      throw new Error(`${metric} alpha needs numeric values, got: ${bad.join(', ')}`)
    }
    if (metric === 'interval') return square((c, k) => (x[c]! - x[k]!) ** 2)
    return square((c, k) => (x[c]! + x[k]! === 0 ? 0 : ((x[c]! - x[k]!) / (x[c]! + x[k]!)) ** 2))
  }
  const sets = counts.sets ?? counts.categories.map((c) => [c])
  const distance =
    metric === 'jaccard'
      ? jaccardDistance
      : (a: readonly string[], b: readonly string[]) =>
          masiDistance(a, b, metric === 'masi' ? 'exact' : 'nltk')
  return square((c, k) => distance(sets[c]!, sets[k]!))
}

/**
 * Krippendorff's alpha from unit x category counts: alpha = 1 - D_o / D_e over the coincidence
 * matrix; units with fewer than two ratings carry no pairable value and drop out.
 * @example krippendorffAlphaFromCounts({ categories: ['a', 'b'], rows: [[2, 0], [1, 1]] }).value
 */
export function krippendorffAlphaFromCounts(
  counts: UnitCounts,
  metric: AlphaMetric = 'nominal',
): KrippendorffAlpha {
  const units = sparseUnits(counts.rows)
  const rated = counts.rows.filter((row) => sum(row) > 0).length
  const alpha = alphaOf(units, counts.categories, metric, distanceFor(metric, counts))
  return { ...alpha, droppedUnits: rated - units.length }
}

function alphaOf(
  units: readonly SparseUnit[],
  categories: readonly string[],
  metric: AlphaMetric,
  distance: (marginals: readonly number[]) => number[][],
): Omit<KrippendorffAlpha, 'droppedUnits'> {
  const q = categories.length
  const coincidence = coincidences(units, q)
  // n_c = row sums of o_ck, summed from the integer counts so they stay exact.
  const marginals = new Array<number>(q).fill(0)
  for (const { entries } of units) for (const [c, nc] of entries) marginals[c]! += nc
  const n = sum(marginals)
  const base = {
    metric,
    pairableUnits: units.length,
    pairableValues: n,
    categories: [...categories],
    marginals,
    coincidence,
  }
  if (units.length === 0) {
    const reason = 'no unit has two or more ratings, so there are no pairable values'
    return { ...base, value: null, observedDisagreement: null, expectedDisagreement: null, reason }
  }
  const delta = distance(marginals)
  let observed = 0
  let expected = 0
  for (let c = 0; c < q; c++) {
    for (let k = 0; k < q; k++) {
      observed += coincidence[c]![k]! * delta[c]![k]!
      expected += marginals[c]! * marginals[k]! * delta[c]![k]!
    }
  }
  const observedDisagreement = observed / n
  const expectedDisagreement = expected / (n * (n - 1))
  if (expectedDisagreement === 0) {
    const reason =
      'expected disagreement is 0 (every pairable value is the same), so alpha is 0/0 and undefined'
    return { ...base, value: null, observedDisagreement, expectedDisagreement, reason }
  }
  const value = 1 - observedDisagreement / expectedDisagreement
  return { ...base, value, observedDisagreement, expectedDisagreement, reason: null }
}

/**
 * Krippendorff's alpha over ratings. With metric 'nominal' a code set is one value (identical
 * sets agree, anything else disagrees); 'masi' / 'jaccard' give partial credit to overlapping
 * sets.
 * @example krippendorffAlpha(ratings, { metric: 'masi' }).value
 */
export function krippendorffAlpha(
  ratings: readonly Rating[],
  options: AlphaOptions = {},
): KrippendorffAlpha {
  const counts = unitCounts(buildRatingTable(ratings, options.coders), options.categories)
  return krippendorffAlphaFromCounts(counts, options.metric)
}

/**
 * Percentile bootstrap 95% interval for alpha: resample the pairable units with replacement
 * (seeded mulberry32), recompute alpha, take the 2.5% and 97.5% quantiles (type 7). Resamples
 * where alpha is undefined (e.g. all one category) are skipped and counted.
 * @example bootstrapAlpha(counts, { resamples: 1000, seed: 1 }).ci95 // [0.61, 0.83]
 */
export function bootstrapAlpha(counts: UnitCounts, options: BootstrapOptions = {}): AlphaInterval {
  const { metric = 'nominal', resamples = 1000, seed = DEFAULT_SEED } = options
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new Error(`bootstrap resamples must be a positive integer, got ${resamples}`)
  }
  const units = sparseUnits(counts.rows)
  const base = { resamples, seed }
  if (units.length === 0) {
    return { ...base, ci95: null, valid: 0, reason: 'no unit has two or more ratings' }
  }
  const distance = distanceFor(metric, counts)
  const random = mulberry32(seed)
  const values: number[] = []
  for (let b = 0; b < resamples; b++) {
    const sample = units.map(() => units[Math.floor(random() * units.length)]!)
    const alpha = alphaOf(sample, counts.categories, metric, distance).value
    if (alpha !== null) values.push(alpha)
  }
  if (values.length === 0) {
    return { ...base, ci95: null, valid: 0, reason: 'alpha was undefined on every resample' }
  }
  values.sort((x, y) => x - y)
  const ci95: [number, number] = [quantileSorted(values, 0.025), quantileSorted(values, 0.975)]
  return { ...base, ci95, valid: values.length, reason: null }
}
