/**
 * The optimised agreement statistics against a plain reference written from the definitions
 * (pair by pair, label by label, no interning or shared tallies), on one seeded data set of 2,000
 * units with missing ratings, a few multi-label ratings, repeated and empty ratings, shuffled.
 * Four coders, so units carry up to four ratings and coincidence terms are not all exact halves.
 */
import { describe, expect, it } from 'vitest'
import type { AgreementReport, Rating } from '../../../server/core/agreement'
import {
  agreementReport,
  bootstrapAlpha,
  buildRatingTable,
  cohenKappa,
  fleissKappa,
  krippendorffAlpha,
  mulberry32,
  unitCounts,
} from '../../../server/core/agreement'

const TOLERANCE = 1e-12
const CODERS = ['ann', 'bob', 'cy', 'llm']
const CODES = ['bug', 'build', 'ci', 'docs', 'perf', 'test']

/** Seeded ratings; unit names are zero-padded so plain sort() is the module's label order. */
function dataSet(): Rating[] {
  const random = mulberry32(2024)
  const pick = () => CODES[Math.floor(random() * CODES.length)]!
  const ratings: Rating[] = []
  for (let u = 0; u < 2000; u++) {
    const unit = `u${String(u).padStart(4, '0')}`
    const truth = pick()
    for (const rater of CODERS) {
      if (random() < 0.2) continue
      const code = random() < 0.7 ? truth : pick()
      ratings.push({ unit, rater, codes: random() < 0.03 ? [code, pick()] : [code] })
      if (random() < 0.01) ratings.push({ unit, rater, codes: [pick()] })
      if (random() < 0.01) ratings.push({ unit, rater, codes: [''] })
    }
  }
  for (let i = ratings.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[ratings[i], ratings[j]] = [ratings[j]!, ratings[i]!]
  }
  return ratings
}

// ---------------------------------------------------------------- the reference

/** unit -> coder -> sorted distinct codes, merged over repeated ratings, empty codes dropped. */
type Cells = Map<string, Map<string, string[]>>

function normalize(ratings: readonly Rating[]): Cells {
  const sets = new Map<string, Map<string, Set<string>>>()
  for (const { unit, rater, codes } of ratings) {
    for (const code of codes.filter((c) => c !== '')) {
      const row = sets.get(unit) ?? new Map<string, Set<string>>()
      sets.set(unit, row)
      row.set(rater, (row.get(rater) ?? new Set()).add(code))
    }
  }
  const cells: Cells = new Map()
  for (const unit of [...sets.keys()].sort()) {
    const row = sets.get(unit)!
    cells.set(unit, new Map([...row.keys()].sort().map((c) => [c, [...row.get(c)!].sort()])))
  }
  return cells
}

const labelOf = (codes: readonly string[]) => codes.join(' + ')
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const countBy = (xs: readonly string[]) => {
  const counts = new Map<string, number>()
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1)
  return counts
}

/** Every pair of coders (in name order) who both rated a unit, with their two values. */
function valuePairs<T>(cells: Cells, value: (codes: string[]) => T): [string, string, T, T][] {
  const pairs: [string, string, T, T][] = []
  for (const row of cells.values()) {
    const coders = [...row.keys()]
    coders.forEach((a, i) => {
      for (const b of coders.slice(i + 1)) {
        pairs.push([a, b, value(row.get(a)!), value(row.get(b)!)])
      }
    })
  }
  return pairs
}

function percentAgreement(pairs: readonly [string, string, string, string][]): number | null {
  return pairs.length === 0 ? null : pairs.filter(([, , x, y]) => x === y).length / pairs.length
}

/** Cohen's kappa: po - pe over 1 - pe, pe from the two coders' own marginals. */
function kappa(pairs: readonly [string, string, string, string][], a: string, b: string) {
  const shared = pairs.filter(([x, y]) => x === a && y === b)
  const n = shared.length
  if (n === 0) return null
  const po = shared.filter(([, , x, y]) => x === y).length / n
  const first = countBy(shared.map(([, , x]) => x))
  const second = countBy(shared.map(([, , , y]) => y))
  const pe = [...first].reduce((s, [label, c]) => s + (c / n) * ((second.get(label) ?? 0) / n), 0)
  return pe >= 1 ? null : (po - pe) / (1 - pe)
}

/** Per unit, the category of each rating (a code set is one category). */
const unitValues = (cells: Cells) =>
  [...cells.values()].map((row) => [...row.values()].map(labelOf))

/** Fleiss generalized to missing ratings and Gwet's AC1, from their definitions (Gwet 2014). */
function chanceCorrected(units: readonly string[][]) {
  const categories = [...new Set(units.flat())].sort()
  const rated = units.filter((values) => values.length > 0)
  const agreement = rated
    .filter((values) => values.length >= 2)
    .map((values) => {
      const r = values.length
      return [...countBy(values).values()].reduce((s, n) => s + n * (n - 1), 0) / (r * (r - 1))
    })
  const pa = mean(agreement)
  const share = (values: string[], c: string) =>
    values.filter((x) => x === c).length / values.length
  const pi = categories.map((c) => mean(rated.map((values) => share(values, c))))
  const fleissPe = pi.reduce((s, p) => s + p * p, 0)
  const gwetPe = pi.reduce((s, p) => s + p * (1 - p), 0) / (categories.length - 1)
  return { fleiss: (pa - fleissPe) / (1 - fleissPe), gwet: (pa - gwetPe) / (1 - gwetPe) }
}

/** MASI distance, Passonneau's weights: 1 - Jaccard x (1, 2/3, 1/3 or 0). */
function masi(a: string, b: string): number {
  const [x, y] = [new Set(a.split(' + ')), new Set(b.split(' + '))]
  const shared = [...x].filter((c) => y.has(c)).length
  const union = x.size + y.size - shared
  // Identical sets weigh 1, one inside the other 2/3, overlapping 1/3, disjoint 0.
  const nested = shared === Math.min(x.size, y.size)
  const weight = nested && x.size === y.size ? 1 : nested ? 2 / 3 : shared > 0 ? 1 / 3 : 0
  return 1 - (shared / union) * weight
}
const nominal = (a: string, b: string) => (a === b ? 0 : 1)

/**
 * Krippendorff's alpha from pairable values: D_o averages the distance over the ordered pairs of
 * values within a unit (weight 1 / (m_u - 1)), D_e over all pairs of pairable values.
 */
function alpha(units: readonly string[][], distance: (a: string, b: string) => number) {
  const pairable = units.filter((values) => values.length >= 2)
  const n = pairable.reduce((s, values) => s + values.length, 0)
  let observed = 0
  for (const values of pairable) {
    values.forEach((x, i) =>
      values.forEach((y, j) => {
        if (i !== j) observed += distance(x, y) / (values.length - 1)
      }),
    )
  }
  const totals = [...countBy(pairable.flat())]
  let expected = 0
  for (const [x, nx] of totals) {
    for (const [y, ny] of totals) expected += nx * (x === y ? ny - 1 : ny) * distance(x, y)
  }
  const de = expected / (n * (n - 1))
  return de === 0 ? null : 1 - observed / n / de
}

/** Percentile bootstrap, the same draws: pairable units in label order, mulberry32(seed). */
function bootstrap(
  units: readonly string[][],
  distance: typeof masi,
  resamples: number,
  seed: number,
) {
  const pairable = units.filter((values) => values.length >= 2)
  const random = mulberry32(seed)
  const values: number[] = []
  for (let b = 0; b < resamples; b++) {
    const sample = pairable.map(() => pairable[Math.floor(random() * pairable.length)]!)
    const value = alpha(sample, distance)
    if (value !== null) values.push(value)
  }
  values.sort((x, y) => x - y)
  const quantile = (p: number) => {
    const h = (values.length - 1) * p
    const lo = Math.floor(h)
    return values[lo]! + (h - lo) * (values[Math.min(lo + 1, values.length - 1)]! - values[lo]!)
  }
  return [quantile(0.025), quantile(0.975)]
}

// ---------------------------------------------------------------- the comparison

function expectClose(actual: number | null | undefined, expected: number | null, label: string) {
  if (expected === null) return expect(actual, label).toBeNull()
  expect(actual, label).not.toBeNull()
  expect(Math.abs(actual! - expected), `${label}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    TOLERANCE,
  )
}

describe('optimised statistics = reference computation (2,000 units, 4 coders)', () => {
  const ratings = dataSet()
  const cells = normalize(ratings)
  const values = unitValues(cells)
  const pairs = valuePairs(cells, labelOf)
  const report: AgreementReport = agreementReport(ratings, { bootstrapResamples: 200, seed: 7 })

  it('the data set has what it is meant to have', () => {
    expect(report.units).toBe(cells.size)
    expect(report.multi_label).toBe(true)
    expect(values.some((v) => v.length < CODERS.length)).toBe(true)
    expect(values.some((v) => v.length === CODERS.length)).toBe(true)
  })

  it('percent agreement, pairwise kappas and confusion matrices', () => {
    expectClose(report.percent_agreement, percentAgreement(pairs), 'percent agreement')
    for (const p of report.pairwise) {
      const [a, b] = p.coders
      const shared = pairs.filter(([x, y]) => x === a && y === b)
      expect(p.n).toBe(shared.length)
      expectClose(p.percent_agreement, percentAgreement(shared), `agreement ${a}-${b}`)
      expectClose(p.cohen_kappa, kappa(pairs, a, b), `kappa ${a}-${b}`)
      expectClose(cohenKappa(ratings, b, a).value, kappa(pairs, a, b), `kappa ${b}-${a}`)
      const matrix = report.confusion_matrices.find((m) => m.coders.join() === p.coders.join())!
      const cell = (x: string, y: string) =>
        shared.filter(([, , u, v]) => u === x && v === y).length
      expect(matrix.matrix).toEqual(matrix.labels.map((x) => matrix.labels.map((y) => cell(x, y))))
      expect(new Set(matrix.labels)).toEqual(new Set(shared.flatMap(([, , x, y]) => [x, y])))
    }
  })

  it("Fleiss (generalized and on complete units), Gwet's AC1", () => {
    const reference = chanceCorrected(values)
    expect(report.fleiss_kappa).toBeNull()
    expectClose(report.fleiss_kappa_generalized, reference.fleiss, 'fleiss generalized')
    expectClose(report.gwet_ac1, reference.gwet, 'gwet ac1')
    const complete = new Set(
      [...cells].filter(([, row]) => row.size === CODERS.length).map(([unit]) => unit),
    )
    const completeRatings = ratings.filter((r) => complete.has(r.unit))
    const completeValues = unitValues(normalize(completeRatings))
    const fleiss = chanceCorrected(completeValues).fleiss
    expectClose(fleissKappa(completeRatings).value, fleiss, 'fleiss on complete units')
  })

  it("Krippendorff's alpha (MASI and nominal over sets) and the bootstrap interval", () => {
    expect(report.alpha_weighting).toBe('masi')
    expectClose(report.krippendorff_alpha, alpha(values, masi), 'masi alpha')
    expectClose(krippendorffAlpha(ratings).value, alpha(values, nominal), 'nominal alpha')
    const [lo, hi] = bootstrap(values, masi, 200, 7)
    expectClose(report.krippendorff_alpha_ci95![0], lo!, 'ci low')
    expectClose(report.krippendorff_alpha_ci95![1], hi!, 'ci high')
    const counts = unitCounts(buildRatingTable(ratings))
    const interval = bootstrapAlpha(counts, { resamples: 150, seed: 3 }).ci95!
    const [nominalLo, nominalHi] = bootstrap(values, nominal, 150, 3)
    expectClose(interval[0], nominalLo!, 'nominal ci low')
    expectClose(interval[1], nominalHi!, 'nominal ci high')
  })

  it('per-code agreement', () => {
    expect(report.per_code.map((c) => c.code)).toEqual(CODES)
    for (const c of report.per_code) {
      const presence = (codes: string[]) => (codes.includes(c.code) ? 'present' : 'absent')
      const codePairs = valuePairs(cells, presence)
      const rows = [...cells.values()].map((row) => [...row.values()].map(presence))
      expectClose(c.prevalence, mean(rows.flat().map((v) => (v === 'present' ? 1 : 0))), c.code)
      expectClose(c.percent_agreement, percentAgreement(codePairs), `${c.code} agreement`)
      const kappas = report.pairwise.map((p) => kappa(codePairs, ...p.coders))
      const defined = kappas.filter((k): k is number => k !== null)
      expectClose(c.cohen_kappa_mean, defined.length ? mean(defined) : null, `${c.code} kappa`)
      expectClose(c.krippendorff_alpha, alpha(rows, nominal), `${c.code} alpha`)
    }
  })

  it('disagreements: exactly the units whose coders gave different code sets', () => {
    const expected = [...cells]
      .filter(([, row]) => new Set([...row.values()].map(labelOf)).size > 1)
      .map(([unit, row]) => ({ unit, codes: Object.fromEntries(row) }))
    expect(report.disagreements).toEqual(expected)
  })
})
