/**
 * @module Pair-based agreement: percent agreement, confusion matrices, Cohen's kappa (optionally
 * weighted, with asymptotic standard errors) and Scott's pi.
 */
import type { Rating } from './agreement-data'
import { coderPairs } from './agreement-data'
import type { CellView, RatingIndex } from './agreement-index'
import { categoryView, indexRatings, pairTables } from './agreement-index'
import { categoryOf, compareLabels } from './agreement-labels'
import { normalSf, sum, Z_975 } from './agreement-math'

/** Share of agreeing rating pairs. */
export type PercentAgreement = {
  value: number | null
  /** Pairable rating pairs (same unit, two coders). */
  pairs: number
  agreeing: number
  reason: string | null
}

/** Units both coders rated, cross-tabulated: rows = first coder, columns = second. */
export type ConfusionMatrix = {
  coders: [string, string]
  labels: string[]
  matrix: number[][]
  n: number
}

/** Agreement weights over category positions (Cicchetti-Allison linear, Fleiss-Cohen quadratic). */
export type KappaWeights = 'unweighted' | 'linear' | 'quadratic'

/** Cohen's kappa for a contingency table, with large-sample inference. */
export type KappaEstimate = {
  n: number
  weights: KappaWeights
  /** Observed (weighted) agreement. */
  po: number | null
  /** Chance (weighted) agreement from the two coders' own marginals. */
  pe: number | null
  /** Kappa; null (with reason) when undefined. */
  value: number | null
  /** Asymptotic standard error (Fleiss, Cohen & Everitt 1969), as SAS PROC FREQ / statsmodels. */
  se: number | null
  /** Standard error under H0: kappa = 0. */
  seH0: number | null
  /** kappa / seH0. */
  z: number | null
  pOneSided: number | null
  pTwoSided: number | null
  /** kappa ± 1.96 se. */
  ci95: [number, number] | null
  reason: string | null
}

export type CohenKappa = KappaEstimate & { coders: [string, string] }

export type ScottPi = {
  coders: [string, string]
  n: number
  po: number | null
  /** Chance agreement from the pooled marginals of both coders. */
  pe: number | null
  value: number | null
  reason: string | null
}

/** One row of the pairwise table. */
export type PairAgreement = {
  coders: [string, string]
  /** Units both coders rated. */
  n: number
  percentAgreement: number | null
  cohenKappa: number | null
  reason: string | null
}

export type PairOptions = {
  /** Category order (for weights) and categories to include even when unused. */
  categories?: readonly string[]
}

/**
 * Share of agreeing pairs among all pairable rating pairs: for every unit, every unordered pair of
 * coders who both rated it; a pair agrees when the two code sets are identical.
 * @example
 * percentAgreement([
 *   { unit: 'u', rater: 'a', codes: ['x'] },
 *   { unit: 'u', rater: 'b', codes: ['x'] },
 * ]).value // 1
 */
export function percentAgreement(
  ratings: readonly Rating[],
  options: { coders?: readonly string[] } = {},
): PercentAgreement {
  const index = indexRatings(ratings, options.coders)
  return pooledAgreement(pairConfusions(index, categoryView(index)))
}

/**
 * Percent agreement pooled over every coder pair's confusion matrix: their cells are exactly the
 * pairable rating pairs, their diagonals the agreeing ones.
 */
export function pooledAgreement(matrices: readonly ConfusionMatrix[]): PercentAgreement {
  let pairs = 0
  let agreeing = 0
  for (const { matrix, n } of matrices) {
    pairs += n
    matrix.forEach((row, i) => (agreeing += row[i]!))
  }
  if (pairs === 0) {
    return { value: null, pairs: 0, agreeing: 0, reason: 'no unit was rated by two coders' }
  }
  return { value: agreeing / pairs, pairs, agreeing, reason: null }
}

/**
 * Confusion matrices of every coder pair of an index (coderPairs order, rows = first coder), with
 * no pass over the units (see pairTables). Labels are those the pair used, in the view's order,
 * unless the view's labels are fixed.
 */
export function pairConfusions(index: RatingIndex, view: CellView): ConfusionMatrix[] {
  const tables = pairTables(index, view)
  const width = view.labels.length
  return coderPairs(index.coders).map((coders, p) => {
    const table = tables[p] ?? new Int32Array(width * width)
    const cell = (i: number, j: number) => table[i * width + j]!
    const all = view.labels.map((_, i) => i)
    const used = view.fixed ? all : all.filter((i) => all.some((j) => cell(i, j) + cell(j, i) > 0))
    const matrix = used.map((i) => used.map((j) => cell(i, j)))
    return { coders, labels: used.map((i) => view.labels[i]!), matrix, n: sum(table) }
  })
}

/**
 * Confusion matrix of two coders over the units both rated; labels = their categories (a code set
 * is one category), sorted, unless `options.categories` fixes them.
 * @example confusionMatrix(ratings, 'a', 'b').matrix[0][1] // a said labels[0], b labels[1]
 */
export function confusionMatrix(
  ratings: readonly Rating[],
  coderA: string,
  coderB: string,
  options: PairOptions = {},
): ConfusionMatrix {
  if (coderA === coderB) throw new Error('a confusion matrix needs two different coders')
  const index = indexRatings(ratings, [coderA, coderB])
  const view = categoryView(index, options.categories)
  // The index orders the pair by label; put coderA's codes first whatever the names.
  const flip = compareLabels(coderA, coderB) > 0
  if (view.valueOfSet.includes(-1)) checkListed(index, view, flip)
  const [m] = pairConfusions(index, view)
  const matrix = flip ? m!.labels.map((_, j) => m!.matrix.map((row) => row[j]!)) : m!.matrix
  return { coders: [coderA, coderB], labels: m!.labels, matrix, n: m!.n }
}

/** Throws for the first unit both coders rated with a category missing from the fixed list. */
function checkListed(index: RatingIndex, view: CellView, flip: boolean): void {
  const { start, cellSet } = index
  for (let u = 0; u < index.units.length; u++) {
    if (start[u + 1]! - start[u]! < 2) continue
    const sets = [cellSet[start[u]!]!, cellSet[start[u]! + 1]!]
    if (sets.every((set) => view.valueOfSet[set]! >= 0)) continue
    const [x, y] = (flip ? sets.reverse() : sets).map((set) => categoryOf(index.sets[set]!))
    throw new Error(`category not in list: ${x} / ${y}`)
  }
}

/**
 * Cohen's kappa of two coders over the units both rated. A multi-label code set counts as one
 * category (its sorted codes joined), so two ratings agree only on identical sets; per-code
 * agreement is in perCodeAgreement. Weighted forms weight by category position in
 * `options.categories` (default: observed categories sorted), i.e. by rank as R irr::kappa2.
 * @example cohenKappa(ratings, 'coder1', 'llm').value // 0.685 on the study's GitHub sample
 */
export function cohenKappa(
  ratings: readonly Rating[],
  coderA: string,
  coderB: string,
  options: PairOptions & { weights?: KappaWeights } = {},
): CohenKappa {
  const table = confusionMatrix(ratings, coderA, coderB, options)
  return { coders: table.coders, ...cohenKappaFromTable(table.matrix, options.weights) }
}

/**
 * Cohen's kappa from a square contingency table (rows = first coder), with the asymptotic
 * standard error and the test of kappa = 0.
 * @example cohenKappaFromTable([[20, 20], [10, 50]]).value // 0.3478
 */
export function cohenKappaFromTable(
  matrix: readonly (readonly number[])[],
  weights: KappaWeights = 'unweighted',
): KappaEstimate {
  const k = matrix.length
  if (matrix.some((row) => row.length !== k)) throw new Error('contingency table is not square')
  const n = sum(matrix.map((row) => sum(row)))
  const none = { n, weights, po: null, pe: null, value: null, se: null, seH0: null, z: null }
  const empty = { ...none, pOneSided: null, pTwoSided: null, ci95: null }
  if (n === 0) return { ...empty, reason: 'no unit was rated by both coders' }
  const w = agreementWeights(k, weights)
  const rowTotals = matrix.map((row) => sum(row))
  const colTotals = matrix.map((_, j) => sum(matrix.map((row) => row[j]!)))
  // Sum integer counts first and divide once, so perfect agreement gives exactly 1.
  let agree = 0
  let chance = 0
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      agree += w[i]![j]! * matrix[i]![j]!
      chance += w[i]![j]! * rowTotals[i]! * colTotals[j]!
    }
  }
  const po = agree / n
  const pe = chance / (n * n)
  if (pe >= 1) {
    const reason =
      'expected agreement is 1 (both coders used one and the same category on every unit), ' +
      'so kappa is 0/0 and undefined'
    return { ...empty, po, pe, reason }
  }
  const kappa = (po - pe) / (1 - pe)
  const p = matrix.map((row) => row.map((c) => c / n))
  const rows = rowTotals.map((t) => t / n)
  const cols = colTotals.map((t) => t / n)
  const { se, seH0 } = kappaStandardErrors(p, rows, cols, w, kappa, pe, n)
  const z = seH0 > 0 ? kappa / seH0 : null
  return {
    n,
    weights,
    po,
    pe,
    value: kappa,
    se,
    seH0,
    z,
    pOneSided: z === null ? null : normalSf(z),
    pTwoSided: z === null ? null : 2 * normalSf(Math.abs(z)),
    ci95: [kappa - Z_975 * se, kappa + Z_975 * se],
    reason: null,
  }
}

/** Agreement weights w_ij (1 on the diagonal) over category positions. */
function agreementWeights(k: number, weights: KappaWeights): number[][] {
  const span = Math.max(k - 1, 1)
  return Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) => {
      if (weights === 'unweighted') return i === j ? 1 : 0
      const d = Math.abs(i - j) / span
      return weights === 'linear' ? 1 - d : 1 - d * d
    }),
  )
}

/**
 * Large-sample variances of (weighted) kappa, Fleiss, Cohen & Everitt (1969), in the form SAS and
 * statsmodels print; the unweighted case is w = identity.
 */
function kappaStandardErrors(
  p: readonly (readonly number[])[],
  rows: readonly number[],
  cols: readonly number[],
  w: readonly (readonly number[])[],
  kappa: number,
  pe: number,
  n: number,
): { se: number; seH0: number } {
  const k = p.length
  // Mean agreement weight of row category i (against the column marginals), and of column j.
  const wRow = rows.map((_, i) => sum(cols.map((c, j) => c * w[i]![j]!)))
  const wCol = cols.map((_, j) => sum(rows.map((r, i) => r * w[i]![j]!)))
  let a = 0
  let a0 = 0
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const spread = wRow[i]! + wCol[j]!
      a += p[i]![j]! * (w[i]![j]! - spread * (1 - kappa)) ** 2
      a0 += rows[i]! * cols[j]! * (w[i]![j]! - spread) ** 2
    }
  }
  const scale = (1 - pe) ** 2 * n
  const variance = (a - (kappa - pe * (1 - kappa)) ** 2) / scale
  const variance0 = (a0 - pe ** 2) / scale
  // Rounding can push a zero variance (perfect agreement) slightly below 0.
  return { se: Math.sqrt(Math.max(variance, 0)), seH0: Math.sqrt(Math.max(variance0, 0)) }
}

/**
 * Scott's pi: like Cohen's kappa, but chance agreement comes from the two coders' pooled marginals.
 * @example scottPi(ratings, 'a', 'b').value
 */
export function scottPi(ratings: readonly Rating[], coderA: string, coderB: string): ScottPi {
  const { coders, matrix, n } = confusionMatrix(ratings, coderA, coderB)
  if (n === 0) {
    const reason = 'no unit was rated by both coders'
    return { coders, n, po: null, pe: null, value: null, reason }
  }
  const po = sum(matrix.map((row, i) => row[i]!)) / n
  const pooled = matrix.map((row, i) => (sum(row) + sum(matrix.map((r) => r[i]!))) / (2 * n))
  const pe = sum(pooled.map((q) => q * q))
  if (pe >= 1) {
    const reason = 'expected agreement is 1 (a single category throughout), so pi is undefined'
    return { coders, n, po, pe, value: null, reason }
  }
  return { coders, n, po, pe, value: (po - pe) / (1 - pe), reason: null }
}

/**
 * Percent agreement and Cohen's kappa for every coder pair, ordered by coder names.
 * @example
 * pairwiseAgreement(ratings)[0]
 * // { coders: ['a', 'b'], n: 160, percentAgreement: 0.9, cohenKappa: 0.8, reason: null }
 */
export function pairwiseAgreement(
  ratings: readonly Rating[],
  options: { coders?: readonly string[] } = {},
): PairAgreement[] {
  const index = indexRatings(ratings, options.coders)
  return pairConfusions(index, categoryView(index)).map(pairAgreement)
}

/** The pairwise row of one confusion matrix. */
export function pairAgreement({ coders, matrix }: ConfusionMatrix): PairAgreement {
  const k = cohenKappaFromTable(matrix)
  // Unweighted po is the share of shared units on which the two code sets are identical.
  return { coders, n: k.n, percentAgreement: k.po, cohenKappa: k.value, reason: k.reason }
}
