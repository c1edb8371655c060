/**
 * @module Multi-rater chance-corrected coefficients from unit x category counts: Fleiss' kappa,
 * its generalization to missing ratings, Gwet's AC1, Brennan-Prediger and Conger's kappa, in
 * the formulas of Gwet (2014, Handbook of Inter-Rater Reliability) as implemented by irrCAC.
 */
import type { CountMatrix, Rating } from './agreement-data'
import { asCountMatrix } from './agreement-data'
import type { CellView, RatingIndex } from './agreement-index'
import { categoryView, indexRatings, viewCounts } from './agreement-index'
import { sum } from './agreement-math'

/** Unit x category counts: rows, or the same as a CountMatrix. */
type Counts = readonly (readonly number[])[] | CountMatrix

/** A chance-corrected coefficient (pa - pe) / (1 - pe). */
export type ChanceCorrected = {
  /** The coefficient; null (with reason) when undefined. */
  value: number | null
  /** Observed agreement: mean over units with >= 2 ratings of the share of agreeing pairs. */
  pa: number | null
  /** Chance agreement. */
  pe: number | null
  reason: string | null
}

/** With Gwet's linearization standard error (irrCAC, no finite-population correction). */
export type ChanceCorrectedWithSe = ChanceCorrected & { se: number | null }

/** Fleiss' kappa (1971) for a fixed number of ratings per unit. */
export type FleissKappa = ChanceCorrected & {
  /** Ratings per unit (null when units differ). */
  raters: number | null
  units: number
  /** Per-unit agreement P_i. */
  pI: number[]
  /** Category shares p_j. */
  pJ: number[]
  /** Standard error under H0: kappa = 0 (Fleiss, Nee & Landis 1979), as R irr::kappam.fleiss. */
  seH0: number | null
  z: number | null
}

export type CountOptions = { coders?: readonly string[]; categories?: readonly string[] }

/** What every count-based coefficient shares: units with ratings, pa and category shares. */
type Core = {
  counts: CountMatrix
  /** Rows of the units with >= 1 rating. */
  kept: Int32Array
  /** Ratings per kept unit. */
  r: Float64Array
  /** Units with >= 1 rating, and with >= 2. */
  n: number
  n2: number
  /** Per kept unit, its share of agreeing pairs (0 for single-rating units). */
  paI: Float64Array
  pa: number | null
  /** pi_k: mean over units of the share of the unit's ratings in category k. */
  pi: number[]
}

// Fleiss, its generalization and AC1 of one report read the same counts: their core is shared.
const cores = new WeakMap<CountMatrix, Core>()

function core(given: Counts): Core {
  const counts = asCountMatrix(given)
  const cached = cores.get(counts)
  if (cached) return cached
  const computed = coreOf(counts)
  cores.set(counts, computed)
  return computed
}

function coreOf(counts: CountMatrix): Core {
  const { q, start, column, count } = counts
  const kept = new Int32Array(counts.units)
  const r = new Float64Array(counts.units)
  const paI = new Float64Array(counts.units)
  const piSums = new Float64Array(q)
  let n = 0
  let n2 = 0
  for (let u = 0; u < counts.units; u++) {
    const ri = sum(count, start[u]!, start[u + 1]!)
    if (!(ri > 0)) continue
    // Only non-zero counts are stored; the zeros would add nothing (x + 0 = x) to these sums.
    let same = 0
    for (let e = start[u]!; e < start[u + 1]!; e++) {
      same += count[e]! * (count[e]! - 1)
      piSums[column[e]!]! += count[e]! / ri
    }
    kept[n] = u
    r[n] = ri
    paI[n++] = ri < 2 ? 0 : same / (ri * (ri - 1))
    if (ri >= 2) n2++
  }
  const pi = [...piSums].map((total) => (n === 0 ? 0 : total / n))
  const pa = n2 === 0 ? null : sum(paI, 0, n) / n2
  return {
    counts,
    kept: kept.subarray(0, n),
    r: r.subarray(0, n),
    n,
    n2,
    paI: paI.subarray(0, n),
    pa,
    pi,
  }
}

/** sum_k x_uk w_k over each kept unit's row, divided by its ratings: the units' shares in pe. */
function unitShares(c: Core, w: readonly number[]): Float64Array {
  const { start, column, count } = c.counts
  const shares = new Float64Array(c.n)
  for (let i = 0; i < c.n; i++) {
    let total = 0
    for (let e = start[c.kept[i]!]!; e < start[c.kept[i]! + 1]!; e++) {
      total += count[e]! * w[column[e]!]!
    }
    shares[i] = total / c.r[i]!
  }
  return shares
}

const noPairs = 'no unit has two or more ratings'

function undefinedResult(reason: string, pa: number | null = null, pe: number | null = null) {
  return { value: null, pa, pe, reason }
}

/**
 * Gwet's linearized variance of a coefficient: each unit's contribution, corrected for the
 * estimated chance agreement. `peI` is each unit's share in pe.
 */
function linearizedSe(c: Core, value: number, pe: number, peI: Float64Array): number | null {
  if (c.n < 2) return null
  const terms = c.r.map((ri, i) => {
    const own = ((c.n / c.n2) * (c.paI[i]! - (ri >= 2 ? pe : 0))) / (1 - pe)
    return own - (2 * (1 - value) * (peI[i]! - pe)) / (1 - pe)
  })
  return Math.sqrt(sum(terms.map((t) => (t - value) ** 2)) / (c.n * (c.n - 1)))
}

function countsOf(ratings: readonly Rating[], options: CountOptions): CountMatrix {
  const index = indexRatings(ratings, options.coders)
  return viewCounts(index, categoryView(index, options.categories))
}

/**
 * Fleiss' kappa from per-unit category counts; every unit must have the same number of ratings,
 * otherwise the value is null (see fleissKappaGeneralized for missing ratings).
 * @example fleissKappaFromCounts([[0, 0, 14], [0, 2, 12]]).value
 */
export function fleissKappaFromCounts(counts: Counts): FleissKappa {
  const c = core(counts)
  // A loop, not Math.min(...r): hundreds of thousands of arguments overflow the stack.
  const fewest = c.r.reduce((a, b) => Math.min(a, b), Infinity)
  const most = c.r.reduce((a, b) => Math.max(a, b), -Infinity)
  const raters = c.n > 0 && fewest === most ? fewest : null
  const base = { raters, units: c.n, pI: [...c.paI], pJ: [...c.pi] }
  const fail = (reason: string, pe: number | null = null) => ({
    ...base,
    ...undefinedResult(reason, c.pa, pe),
    seH0: null,
    z: null,
  })
  if (c.n === 0) return fail('no ratings')
  if (raters === null) {
    const reason =
      `units have between ${fewest} and ${most} ratings; ` +
      "Fleiss' kappa needs the same number of ratings per unit (fleiss_kappa_generalized " +
      'handles missing ratings)'
    return fail(reason)
  }
  if (c.pa === null) return fail(noPairs)
  const pe = sum(c.pi.map((p) => p * p))
  if (pe >= 1) return fail('expected agreement is 1 (every rating is in one category)', pe)
  const value = (c.pa - pe) / (1 - pe)
  const seH0 = fleissSeH0(c.pi, c.n, base.raters!)
  return { ...base, value, pa: c.pa, pe, reason: null, seH0, z: seH0 ? value / seH0 : null }
}

/** Fleiss, Nee & Landis (1979) standard error of kappa under H0, for m ratings per unit. */
function fleissSeH0(p: readonly number[], units: number, m: number): number | null {
  const pq = sum(p.map((x) => x * (1 - x)))
  const skew = sum(p.map((x) => x * (1 - x) * (1 - 2 * x)))
  const variance = (2 / (pq * pq * units * m * (m - 1))) * (pq * pq - skew)
  return variance > 0 ? Math.sqrt(variance) : null
}

/**
 * Fleiss' kappa over ratings (a code set is one category); null when units have different
 * numbers of ratings.
 * @example fleissKappa(ratings).value
 */
export function fleissKappa(ratings: readonly Rating[], options: CountOptions = {}): FleissKappa {
  return fleissKappaFromCounts(countsOf(ratings, options))
}

/**
 * Fleiss' kappa generalized to missing ratings (Gwet 2014; irrCAC fleiss.kappa.raw): pa over
 * units with >= 2 ratings, pe = sum_k pi_k^2 over all rated units. Equals Fleiss' kappa when every
 * unit has the same number of ratings.
 * @example fleissKappaGeneralizedFromCounts([[2, 0], [1, 1], [0, 3]]).value
 */
export function fleissKappaGeneralizedFromCounts(counts: Counts): ChanceCorrectedWithSe {
  const c = core(counts)
  if (c.pa === null) return { ...undefinedResult(noPairs), se: null }
  const pe = sum(c.pi.map((p) => p * p))
  if (pe >= 1) {
    const reason = 'expected agreement is 1 (every rating is in one category)'
    return { ...undefinedResult(reason, c.pa, pe), se: null }
  }
  const value = (c.pa - pe) / (1 - pe)
  const peI = unitShares(c, c.pi)
  return { value, pa: c.pa, pe, reason: null, se: linearizedSe(c, value, pe, peI) }
}

/** fleissKappaGeneralizedFromCounts over ratings. */
export function fleissKappaGeneralized(
  ratings: readonly Rating[],
  options: CountOptions = {},
): ChanceCorrectedWithSe {
  return fleissKappaGeneralizedFromCounts(countsOf(ratings, options))
}

/**
 * Gwet's AC1 from unit x category counts, multi-rater form with missing ratings (irrCAC
 * gwet.ac1.raw): pe = sum_k pi_k (1 - pi_k) / (q - 1), q = number of categories (columns).
 * @example gwetAc1FromCounts([[2, 0], [1, 1], [0, 2]]).value
 */
export function gwetAc1FromCounts(counts: Counts): ChanceCorrectedWithSe {
  const c = core(counts)
  const q = c.pi.length
  if (c.pa === null) return { ...undefinedResult(noPairs), se: null }
  if (q < 2) {
    const reason = 'only one category was used; AC1 chance agreement needs two or more'
    return { ...undefinedResult(reason, c.pa), se: null }
  }
  const pe = sum(c.pi.map((p) => p * (1 - p))) / (q - 1)
  const value = (c.pa - pe) / (1 - pe)
  const peI = unitShares(c, c.pi.map((p) => 1 - p)).map((share) => share / (q - 1))
  return { value, pa: c.pa, pe, reason: null, se: linearizedSe(c, value, pe, peI) }
}

/**
 * Gwet's AC1 over ratings (a code set is one category; q = categories observed unless
 * `options.categories` lists more).
 * @example gwetAc1(ratings).value
 */
export function gwetAc1(
  ratings: readonly Rating[],
  options: CountOptions = {},
): ChanceCorrectedWithSe {
  return gwetAc1FromCounts(countsOf(ratings, options))
}

/**
 * Brennan-Prediger coefficient (= Bennett's S for two coders): chance agreement 1/q.
 * @example brennanPrediger(ratings).value
 */
export function brennanPrediger(
  ratings: readonly Rating[],
  options: CountOptions = {},
): ChanceCorrected {
  const c = core(countsOf(ratings, options))
  const q = c.pi.length
  if (c.pa === null) return undefinedResult(noPairs)
  if (q < 2) {
    return undefinedResult('only one category was used, so 1/q chance agreement is 1', c.pa)
  }
  const pe = 1 / q
  return { value: (c.pa - pe) / (1 - pe), pa: c.pa, pe, reason: null }
}

/**
 * Conger's kappa (1980): Fleiss' pa with chance agreement averaged over Cohen-type pairwise
 * estimates, i.e. from each coder's own category shares (irrCAC conger.kappa.raw, unweighted).
 * Equals Cohen's kappa for two coders who rated the same units.
 * @example congerKappa(ratings).value
 */
export function congerKappa(
  ratings: readonly Rating[],
  options: CountOptions = {},
): ChanceCorrected {
  const index = indexRatings(ratings, options.coders)
  const view = categoryView(index, options.categories)
  const counts = viewCounts(index, view)
  const c = core(counts)
  if (c.pa === null) return undefinedResult(noPairs)
  const shares = coderShares(index, view)
  const r = shares.length
  const pe = sum(
    counts.categories.map((_, k) => {
      const pk = shares.map((s) => s[k]!)
      const mean = sum(pk) / r
      const variance = sum(pk.map((p) => (p - mean) ** 2)) / (r - 1)
      return mean * mean - variance / r
    }),
  )
  if (pe >= 1) return undefinedResult('expected agreement is 1 (one category throughout)', c.pa, pe)
  return { value: (c.pa - pe) / (1 - pe), pa: c.pa, pe, reason: null }
}

/** Each coder's share of ratings per category, over the units that coder rated. */
function coderShares(index: RatingIndex, view: CellView): number[][] {
  // Coders in order of their first rating in table order, the order the shares are averaged in.
  const byCoder = new Map<number, number[]>()
  index.cellCoder.forEach((coder, cell) => {
    const counts = byCoder.get(coder) ?? view.labels.map(() => 0)
    byCoder.set(coder, counts)
    counts[view.valueOfSet[index.cellSet[cell]!]!]! += 1
  })
  return [...byCoder.values()].map((counts) => counts.map((x) => x / sum(counts)))
}
