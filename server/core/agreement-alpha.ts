/**
 * @module Krippendorff's alpha with missing data, for nominal, ordinal, interval and ratio values
 * and for code sets (MASI or Jaccard distance), plus a seeded bootstrap interval over units.
 */
import type { CountMatrix, Rating, UnitCounts, UnitMatrix } from './agreement-data'
import { asUnitMatrix } from './agreement-data'
import { categoryView, indexRatings, viewCounts } from './agreement-index'
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

/** The units with two or more ratings (pairable), and how many units have any. */
function pairableUnits({ units, start, count }: CountMatrix) {
  const pairable = new Int32Array(units)
  let size = 0
  let rated = 0
  for (let u = 0; u < units; u++) {
    const m = sum(count, start[u]!, start[u + 1]!)
    if (m > 0) rated++
    if (m >= 2) pairable[size++] = u
  }
  return { pairable: pairable.subarray(0, size), rated }
}

/**
 * Adds `times` copies of pairable unit u to the marginals (n_uc) and the coincidences o (q x q,
 * row-major): o_ck += n_uc (n_uk - [c = k]) / (m_u - 1), over its positive entries.
 */
function addUnit(
  { q, start, column, count }: CountMatrix,
  u: number,
  times: number,
  o: Float64Array,
  marginals: Float64Array,
): void {
  const end = start[u + 1]!
  const m = sum(count, start[u]!, end)
  for (let i = start[u]!; i < end; i++) {
    const c = column[i]!
    const nc = count[i]!
    if (!(nc > 0)) continue
    marginals[c]! += times * nc
    for (let j = start[u]!; j < end; j++) {
      const k = column[j]!
      const nk = count[j]!
      if (nk > 0) o[c * q + k]! += times * ((nc * (c === k ? nk - 1 : nk)) / (m - 1))
    }
  }
}

/**
 * The distinct rows among the given units: each unit's pattern, and one unit per pattern. A
 * bootstrap resample then only counts draws per pattern.
 */
function rowPatterns({ start, column, count }: CountMatrix, units: Int32Array) {
  const ids = new Map<string, number>()
  const representative: number[] = []
  const patternOf = units.map((u) => {
    let key = ''
    for (let e = start[u]!; e < start[u + 1]!; e++) key += `${column[e]}:${count[e]},`
    const known = ids.get(key)
    if (known !== undefined) return known
    ids.set(key, representative.length)
    return representative.push(u) - 1
  })
  return { patternOf, representative }
}

/** Category labels and the code set behind each: what the distances are defined on. */
export type Labelled = Pick<UnitCounts, 'categories' | 'sets'>

/** δ_ck for the marginals n_c (only the ordinal distance depends on them). */
type Distance = (marginals: ArrayLike<number>) => number[][]

/** δ_ck for the metric; the ordinal distance depends on the marginals, hence the callback. */
function distanceFor(metric: AlphaMetric, counts: Labelled): Distance {
  const q = counts.categories.length
  const square = (f: (c: number, k: number) => number) =>
    Array.from({ length: q }, (_, c) => Array.from({ length: q }, (_, k) => f(c, k)))
  if (metric === 'ordinal') {
    return (n) =>
      square((c, k) => {
        const [lo, hi] = c < k ? [c, k] : [k, c]
        return (sum(n, lo, hi + 1) - (n[c]! + n[k]!) / 2) ** 2
      })
  }
  const fixed = fixedDistances(metric, counts, square)
  return () => fixed
}

function fixedDistances(
  metric: Exclude<AlphaMetric, 'ordinal'>,
  counts: Labelled,
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

type AlphaValue = Pick<
  KrippendorffAlpha,
  'value' | 'observedDisagreement' | 'expectedDisagreement' | 'reason'
>

/** alpha = 1 - D_o / D_e from the coincidences o (row-major) and the marginals n_c. */
function alphaOfCoincidences(
  o: Float64Array,
  marginals: Float64Array,
  distance: Distance,
): AlphaValue {
  const q = marginals.length
  const n = sum(marginals)
  const delta = distance(marginals)
  let observed = 0
  let expected = 0
  for (let c = 0; c < q; c++) {
    for (let k = 0; k < q; k++) {
      observed += o[c * q + k]! * delta[c]![k]!
      expected += marginals[c]! * marginals[k]! * delta[c]![k]!
    }
  }
  const observedDisagreement = observed / n
  const expectedDisagreement = expected / (n * (n - 1))
  if (expectedDisagreement === 0) {
    const reason =
      'expected disagreement is 0 (every pairable value is the same), so alpha is 0/0 and undefined'
    return { value: null, observedDisagreement, expectedDisagreement, reason }
  }
  const value = 1 - observedDisagreement / expectedDisagreement
  return { value, observedDisagreement, expectedDisagreement, reason: null }
}

/**
 * What alpha needs from unit x category counts: the coincidences o_ck (q x q, row-major), the
 * marginals n_c, and how many units are pairable (two or more ratings) or rated only once.
 */
export type Coincidences = {
  readonly q: number
  readonly o: Float64Array
  readonly marginals: Float64Array
  readonly pairableUnits: number
  readonly droppedUnits: number
}

/** The coincidences of counts, summed unit by unit in order. */
export function coincidencesOf(counts: CountMatrix): Coincidences {
  const { q } = counts
  const { pairable, rated } = pairableUnits(counts)
  const o = new Float64Array(q * q)
  // n_c = row sums of o_ck, summed from the integer counts so they stay exact.
  const marginals = new Float64Array(q)
  for (const u of pairable) addUnit(counts, u, 1, o, marginals)
  return { q, o, marginals, pairableUnits: pairable.length, droppedUnits: rated - pairable.length }
}

/**
 * The coincidences once categories are merged, category k becoming map[k] (< width). Both o and
 * the marginals just add up: n_uv (n_uw - [v = w]) is the sum of n_uc (n_uk - [c = k]) over the c
 * merged into v and the k into w. So a coarser view (one code's presence, say) needs no pass over
 * the units; the sums are regrouped, which can move the last bit when a term is not a multiple
 * of 1/2 (units with four or more ratings).
 */
export function mergeCoincidences(c: Coincidences, map: Int32Array, width: number): Coincidences {
  const o = new Float64Array(width * width)
  const marginals = new Float64Array(width)
  for (let k = 0; k < c.q; k++) {
    marginals[map[k]!]! += c.marginals[k]!
    for (let l = 0; l < c.q; l++) o[map[k]! * width + map[l]!]! += c.o[k * c.q + l]!
  }
  return { ...c, q: width, o, marginals }
}

/** Krippendorff's alpha from coincidences over the given categories. */
export function alphaFromCoincidences(
  c: Coincidences,
  labelled: Labelled,
  metric: AlphaMetric = 'nominal',
): KrippendorffAlpha {
  const { q, o, marginals } = c
  // Built first: a metric that does not fit the categories fails even without pairable units.
  const distance = distanceFor(metric, labelled)
  const base = {
    metric,
    pairableUnits: c.pairableUnits,
    pairableValues: sum(marginals),
    categories: [...labelled.categories],
    marginals: [...marginals],
    coincidence: Array.from({ length: q }, (_, k) => [...o.subarray(k * q, (k + 1) * q)]),
  }
  const dropped = { droppedUnits: c.droppedUnits }
  if (c.pairableUnits === 0) {
    const reason = 'no unit has two or more ratings, so there are no pairable values'
    const none = { value: null, observedDisagreement: null, expectedDisagreement: null, reason }
    return { ...base, ...none, ...dropped }
  }
  return { ...base, ...alphaOfCoincidences(o, marginals, distance), ...dropped }
}

/**
 * Krippendorff's alpha from unit x category counts: alpha = 1 - D_o / D_e over the coincidence
 * matrix; units with fewer than two ratings carry no pairable value and drop out.
 * @example krippendorffAlphaFromCounts({ categories: ['a', 'b'], rows: [[2, 0], [1, 1]] }).value
 */
export function krippendorffAlphaFromCounts(
  counts: UnitCounts | UnitMatrix,
  metric: AlphaMetric = 'nominal',
): KrippendorffAlpha {
  const matrix = asUnitMatrix(counts)
  return alphaFromCoincidences(coincidencesOf(matrix), matrix, metric)
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
  const index = indexRatings(ratings, options.coders)
  const counts = viewCounts(index, categoryView(index, options.categories))
  return krippendorffAlphaFromCounts(counts, options.metric)
}

/**
 * Percentile bootstrap 95% interval for alpha: resample the pairable units with replacement
 * (seeded mulberry32), recompute alpha, take the 2.5% and 97.5% quantiles (type 7). Resamples
 * where alpha is undefined (e.g. all one category) are skipped and counted.
 * @example bootstrapAlpha(counts, { resamples: 1000, seed: 1 }).ci95 // [0.61, 0.83]
 */
export function bootstrapAlpha(
  counts: UnitCounts | UnitMatrix,
  options: BootstrapOptions = {},
): AlphaInterval {
  const { metric = 'nominal', resamples = 1000, seed = DEFAULT_SEED } = options
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new Error(`bootstrap resamples must be a positive integer, got ${resamples}`)
  }
  const matrix = asUnitMatrix(counts)
  const { pairable } = pairableUnits(matrix)
  const base = { resamples, seed }
  if (pairable.length === 0) {
    return { ...base, ci95: null, valid: 0, reason: 'no unit has two or more ratings' }
  }
  const distance = distanceFor(metric, matrix)
  const random = mulberry32(seed)
  const { patternOf, representative } = rowPatterns(matrix, pairable)
  const size = pairable.length
  const drawn = new Float64Array(representative.length)
  const o = new Float64Array(matrix.q * matrix.q)
  const marginals = new Float64Array(matrix.q)
  const values: number[] = []
  for (let b = 0; b < resamples; b++) {
    // The draws of resampling the pairable units one by one, with replacement; only how often
    // each distinct row came up matters, so a resample is O(units) without touching the rows.
    // (Adding times x term is exact for 2 or 3 ratings per unit, where every term is a multiple
    // of 1/2; otherwise it can differ from adding term after term in the last bit.)
    drawn.fill(0)
    for (let i = 0; i < size; i++) drawn[patternOf[Math.floor(random() * size)]!]! += 1
    o.fill(0)
    marginals.fill(0)
    drawn.forEach((times, p) => {
      if (times > 0) addUnit(matrix, representative[p]!, times, o, marginals)
    })
    const alpha = alphaOfCoincidences(o, marginals, distance).value
    if (alpha !== null) values.push(alpha)
  }
  if (values.length === 0) {
    return { ...base, ci95: null, valid: 0, reason: 'alpha was undefined on every resample' }
  }
  values.sort((x, y) => x - y)
  const ci95: [number, number] = [quantileSorted(values, 0.025), quantileSorted(values, 0.975)]
  return { ...base, ci95, valid: values.length, reason: null }
}
