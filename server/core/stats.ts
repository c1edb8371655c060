/**
 * @module Significance tests of the study (method.md §4, §6): chi-square test of independence
 * with Cramér's V, Kruskal-Wallis H, Dunn's post-hoc test. Pure: no I/O.
 *
 * Distribution tails come from @stdlib (regularized upper incomplete gamma, erfc), not jstat:
 * jstat's normal CDF returns exactly 0 beyond |z| ≈ 10, and the study's Dunn table holds
 * p-values down to 1e-67 (z ≈ 17), which must stay distinguishable from 0.
 *
 * @example chiSquareIndependence([[10, 10, 20], [20, 20, 20]]).pValue // ≈ 0.2494
 * @example kruskalWallis([[1, 3, 5, 7, 9], [2, 4, 6, 8, 10]]).statistic // ≈ 0.2727
 */
import erfc from '@stdlib/math-base-special-erfc'
import gammainc from '@stdlib/math-base-special-gammainc'

// ---------------------------------------------------------------------------------------------
// Distribution tails
// ---------------------------------------------------------------------------------------------

/**
 * Upper tail P(X > x) of the chi-square distribution with k degrees of freedom.
 * @example chiSquareSf(3.841458820694124, 1) // ≈ 0.05
 */
export function chiSquareSf(x: number, k: number): number {
  if (x <= 0) return 1
  return gammainc(x / 2, k / 2, true, true)
}

/**
 * Two-sided standard normal p-value P(|Z| > |z|) = erfc(|z| / √2), accurate far in the tail.
 * @example normalTwoSidedP(1.959963984540054) // ≈ 0.05
 */
export function normalTwoSidedP(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2)
}

// ---------------------------------------------------------------------------------------------
// Chi-square test of independence
// ---------------------------------------------------------------------------------------------

export type ChiSquareOptions = {
  /** Yates' continuity correction when dof = 1 (scipy's `chi2_contingency` default). */
  yates: boolean
  /** A cell is "low" when its expected count is below this ... */
  lowExpected: number
  /** ... and the test warns when more than this share of cells are low (Cochran's rule). */
  maxLowShare: number
}

export const DEFAULT_CHI_SQUARE_OPTIONS: Readonly<ChiSquareOptions> = Object.freeze({
  yates: true,
  lowExpected: 5,
  maxLowShare: 0.2,
})

export type ChiSquareResult = {
  statistic: number
  dof: number
  pValue: number
  n: number
  /** Expected counts of the table that was tested (after dropping empty rows/columns). */
  expected: number[][]
  /** sqrt(chi2 / (n (min(r, c) - 1))) from the uncorrected statistic (scipy's `association`). */
  cramersV: number | null
  yatesApplied: boolean
  lowExpectedCells: number
  lowExpectedShare: number
  warning: string | null
  /** Input indices of all-zero rows/columns: they carry no information and were dropped. */
  droppedRows: number[]
  droppedColumns: number[]
}

/**
 * Pearson's chi-square test of independence on an r x c table of counts, with Cramér's V and
 * the expected-count warning. All-zero rows and columns are dropped (their expected counts are 0).
 * @example
 * chiSquareIndependence([[10, 10, 20], [20, 20, 20]]) // statistic ≈ 2.778, dof 2, V ≈ 0.167
 */
export function chiSquareIndependence(
  table: readonly (readonly number[])[],
  options: Partial<ChiSquareOptions> = {},
): ChiSquareResult {
  const opts = { ...DEFAULT_CHI_SQUARE_OPTIONS, ...options }
  validateTable(table)
  const width = table[0]?.length ?? 0
  const droppedRows = indices(table.length).filter((i) => sum(table[i]!) === 0)
  const droppedColumns = indices(width).filter((j) => sum(table.map((row) => row[j]!)) === 0)
  const observed = table
    .filter((_, i) => !droppedRows.includes(i))
    .map((row) => row.filter((_, j) => !droppedColumns.includes(j)))
  const r = observed.length
  const c = observed[0]?.length ?? 0
  if (r === 0 || c === 0) throw new RangeError('chi-square of a table without counts')

  const rowTotals = observed.map(sum)
  const colTotals = indices(c).map((j) => sum(observed.map((row) => row[j]!)))
  const n = sum(rowTotals)
  const expected = rowTotals.map((rt) => colTotals.map((ct) => (rt * ct) / n))
  const dof = (r - 1) * (c - 1)

  const plain = pearson(observed, expected)
  const yatesApplied = opts.yates && dof === 1
  const statistic =
    dof === 0 ? 0 : yatesApplied ? pearson(yatesShift(observed, expected), expected) : plain
  const pValue = dof === 0 ? 1 : chiSquareSf(statistic, dof)
  const k = Math.min(r, c) - 1
  const cramersV = k > 0 ? Math.sqrt(plain / (n * k)) : null

  const lowExpectedCells = expected.flat().filter((e) => e < opts.lowExpected).length
  const lowExpectedShare = lowExpectedCells / (r * c)
  const warning =
    lowExpectedShare > opts.maxLowShare ? lowExpectedWarning(lowExpectedCells, r * c, opts) : null
  return {
    statistic,
    dof,
    pValue,
    n,
    expected,
    cramersV,
    yatesApplied,
    lowExpectedCells,
    lowExpectedShare,
    warning,
    droppedRows,
    droppedColumns,
  }
}

function lowExpectedWarning(low: number, cells: number, opts: ChiSquareOptions): string {
  const share = ((100 * low) / cells).toFixed(1)
  return (
    `${low} of ${cells} cells (${share}%) have expected counts below ${opts.lowExpected}; ` +
    'the chi-square approximation may be unreliable'
  )
}

function validateTable(table: readonly (readonly number[])[]): void {
  const width = table[0]?.length ?? 0
  for (const row of table) {
    if (row.length !== width) throw new RangeError('chi-square table rows differ in length')
    for (const v of row) {
      if (!Number.isFinite(v) || v < 0)
        throw new RangeError(`chi-square count must be >= 0, got ${v}`)
    }
  }
}

function pearson(observed: readonly (readonly number[])[], expected: readonly number[][]): number {
  let chi2 = 0
  observed.forEach((row, i) =>
    row.forEach((o, j) => {
      const e = expected[i]![j]!
      chi2 += ((o - e) * (o - e)) / e
    }),
  )
  return chi2
}

/** Yates: move each observed count up to 0.5 towards its expected count (as scipy does). */
function yatesShift(
  observed: readonly (readonly number[])[],
  expected: readonly number[][],
): number[][] {
  return observed.map((row, i) =>
    row.map((o, j) => {
      const diff = expected[i]![j]! - o
      return o + Math.sign(diff) * Math.min(0.5, Math.abs(diff))
    }),
  )
}

// ---------------------------------------------------------------------------------------------
// Ranks, Kruskal-Wallis, Dunn
// ---------------------------------------------------------------------------------------------

/**
 * Samples keyed by group label (an array works too: its labels are '0', '1', ...). Results follow
 * the object's key order, in which JavaScript puts integer-like keys first.
 */
export type Groups = Readonly<Record<string, readonly number[]>> | readonly (readonly number[])[]

type Ranked = {
  labels: string[]
  sizes: number[]
  rankSums: number[]
  n: number
  /** Σ (t³ - t) over groups of tied values. */
  tieSum: number
}

/** Mid-ranks over the pooled samples; empty groups are left out (they have no mean rank). */
function rankGroups(groups: Groups): Ranked {
  const entries = Object.entries(groups).filter(([, v]) => v.length > 0)
  const pooled = entries.flatMap(([, values], g) => values.map((value) => ({ value, g })))
  if (pooled.some((p) => Number.isNaN(p.value))) throw new RangeError('rank test on NaN values')
  pooled.sort((a, b) => a.value - b.value)
  const rankSums = entries.map(() => 0)
  let tieSum = 0
  for (let i = 0; i < pooled.length;) {
    let j = i
    while (j + 1 < pooled.length && pooled[j + 1]!.value === pooled[i]!.value) j++
    const midRank = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) rankSums[pooled[k]!.g]! += midRank
    const t = j - i + 1
    tieSum += t * t * t - t
    i = j + 1
  }
  return {
    labels: entries.map(([label]) => label),
    sizes: entries.map(([, v]) => v.length),
    rankSums,
    n: pooled.length,
    tieSum,
  }
}

export type KruskalWallisResult = {
  /** H corrected for ties (scipy's `kruskal` statistic). NaN when every value is tied. */
  statistic: number
  dof: number
  pValue: number
  n: number
  /** 1 - Σ(t³ - t) / (N³ - N): the divisor applied to the uncorrected H. */
  tieCorrection: number
  labels: string[]
}

/**
 * Kruskal-Wallis H test with tie correction; p from the chi-square approximation with k - 1
 * degrees of freedom. Empty groups are ignored; at least two non-empty groups are needed.
 * @example kruskalWallis({ a: [1, 1, 1], b: [2, 2, 2], c: [2, 2] }).statistic // 7
 */
export function kruskalWallis(groups: Groups): KruskalWallisResult {
  const r = rankGroups(groups)
  if (r.labels.length < 2)
    throw new RangeError('Kruskal-Wallis needs at least two non-empty groups')
  const { n } = r
  let h = 0
  r.rankSums.forEach((s, g) => (h += (s * s) / r.sizes[g]!))
  h = (12 / (n * (n + 1))) * h - 3 * (n + 1)
  const tieCorrection = 1 - r.tieSum / (n * n * n - n)
  const statistic = h / tieCorrection
  const dof = r.labels.length - 1
  return { statistic, dof, pValue: chiSquareSf(statistic, dof), n, tieCorrection, labels: r.labels }
}

export type DunnOptions = {
  /** Family-wise adjustment over the k(k-1)/2 pairs; 'bonferroni' caps at 1. */
  adjust: 'bonferroni' | 'none'
}

export type DunnPair = {
  a: string
  b: string
  /** (mean rank of a - mean rank of b) / SE, with the tie-corrected variance. */
  z: number
  p: number
  pAdjusted: number
}

export type DunnResult = {
  labels: string[]
  pairs: DunnPair[]
  /** Adjusted p-values, matrix[i][j] for labels[i] vs labels[j]; 1 on the diagonal. */
  matrix: number[][]
}

/**
 * Dunn's (1964) post-hoc test after Kruskal-Wallis, as scikit-posthocs' `posthoc_dunn`:
 * SE² = (N(N+1)/12 - Σ(t³ - t) / (12(N - 1))) (1/n_a + 1/n_b), two-sided normal p, then
 * Bonferroni over all pairs (p × k(k-1)/2, capped at 1).
 * @example
 * dunn({ a: [1, 2, 3], b: [4, 5, 6], c: [7, 8, 9] }).pairs[0]
 * // { a: 'a', b: 'b', z: -1.34..., p: 0.18..., pAdjusted: 0.54... }
 */
export function dunn(groups: Groups, options: Partial<DunnOptions> = {}): DunnResult {
  const { adjust } = { adjust: 'bonferroni' as const, ...options }
  const r = rankGroups(groups)
  const k = r.labels.length
  if (k < 2) throw new RangeError("Dunn's test needs at least two non-empty groups")
  const { n } = r
  const variance = (n * (n + 1)) / 12 - r.tieSum / (12 * (n - 1))
  const meanRank = r.rankSums.map((s, g) => s / r.sizes[g]!)
  const m = (k * (k - 1)) / 2
  const pairs: DunnPair[] = []
  const matrix = r.labels.map(() => r.labels.map(() => 1))
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const se = Math.sqrt(variance * (1 / r.sizes[i]! + 1 / r.sizes[j]!))
      const z = (meanRank[i]! - meanRank[j]!) / se
      const p = normalTwoSidedP(z)
      const pAdjusted = adjust === 'bonferroni' ? Math.min(1, p * m) : p
      pairs.push({ a: r.labels[i]!, b: r.labels[j]!, z, p, pAdjusted })
      matrix[i]![j] = pAdjusted
      matrix[j]![i] = pAdjusted
    }
  }
  return { labels: r.labels, pairs, matrix }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function sum(values: readonly number[]): number {
  let total = 0
  for (const v of values) total += v
  return total
}

function indices(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i)
}
