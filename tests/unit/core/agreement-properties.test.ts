/**
 * Property tests for the agreement statistics: plain loops over seeded random rating sets.
 */
import { describe, expect, it } from 'vitest'
import type { AgreementReport, Rating } from '../../../server/core/agreement'
import {
  agreementReport,
  cohenKappa,
  confusionMatrix,
  congerKappa,
  fleissKappa,
  fleissKappaGeneralized,
  krippendorffAlpha,
  mulberry32,
  scottPi,
} from '../../../server/core/agreement'

type Random = () => number
const CASES = 40
const pick = <T>(rand: Random, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!

function shuffle<T>(rand: Random, xs: readonly T[]): T[] {
  const out = [...xs]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

type Shape = { missing?: boolean; multiLabel?: boolean; coders?: number; units?: number }

/** Ratings that agree more often than chance: each unit has a 'true' code coders often pick. */
function randomRatings(rand: Random, shape: Shape = {}): Rating[] {
  const coders = ['ann', 'bob', 'cy', 'llm'].slice(0, shape.coders ?? 2 + Math.floor(rand() * 3))
  const codes = ['bug', 'docs', 'test', 'perf', 'ci'].slice(0, 2 + Math.floor(rand() * 4))
  const units = shape.units ?? 6 + Math.floor(rand() * 30)
  const ratings: Rating[] = []
  for (let u = 0; u < units; u++) {
    const truth = pick(rand, codes)
    for (const rater of coders) {
      if (shape.missing && rand() < 0.25) continue
      const main = rand() < 0.6 ? truth : pick(rand, codes)
      const extra = shape.multiLabel && rand() < 0.3 ? [pick(rand, codes)] : []
      ratings.push({ unit: `u${u}`, rater, codes: [main, ...extra] })
    }
  }
  return ratings
}

type Relabel = (x: string) => string

function rename(ratings: readonly Rating[], raters: Relabel, codes: Relabel): Rating[] {
  return ratings.map((r) => ({ unit: r.unit, rater: raters(r.rater), codes: r.codes.map(codes) }))
}

/** A bijection that reverses the label order, so sorting really changes. */
function reversingMap(labels: readonly string[]): Relabel {
  const sorted = [...new Set(labels)].sort()
  return (x) => `z${sorted.length - sorted.indexOf(x)}-${x.toUpperCase()}`
}

const options = { bootstrapResamples: 100, seed: 5 }

function expectClose(actual: number | null, expected: number | null, label: string) {
  if (expected === null) expect(actual, label).toBeNull()
  else expect(actual, label).toBeCloseTo(expected, 10)
}

/** Compares the statistics that must not depend on rater or code names. */
function expectSameStatistics(a: AgreementReport, b: AgreementReport) {
  expectClose(a.percent_agreement, b.percent_agreement, 'percent_agreement')
  expectClose(a.fleiss_kappa, b.fleiss_kappa, 'fleiss_kappa')
  expectClose(a.fleiss_kappa_generalized, b.fleiss_kappa_generalized, 'fleiss generalized')
  expectClose(a.krippendorff_alpha, b.krippendorff_alpha, 'alpha')
  expectClose(a.gwet_ac1, b.gwet_ac1, 'gwet_ac1')
  expect(a.krippendorff_alpha_ci95 === null).toBe(b.krippendorff_alpha_ci95 === null)
  a.krippendorff_alpha_ci95?.forEach((x, i) => expectClose(x, b.krippendorff_alpha_ci95![i]!, 'ci'))
  const kappas = (r: AgreementReport) =>
    r.pairwise
      .map((p) => `${p.n}:${p.cohen_kappa?.toFixed(10)}:${p.percent_agreement?.toFixed(10)}`)
      .sort()
  expect(kappas(a)).toEqual(kappas(b))
  expect(a.units).toBe(b.units)
  expect(a.categories).toBe(b.categories)
  expect(a.disagreements.length).toBe(b.disagreements.length)
}

describe('agreement properties (seeded random data)', () => {
  it('is symmetric in raters: renaming and reordering raters changes nothing', () => {
    const rand = mulberry32(101)
    for (let i = 0; i < CASES; i++) {
      const ratings = randomRatings(rand, { missing: i % 2 === 0, multiLabel: i % 3 === 0 })
      const raters = reversingMap(ratings.map((r) => r.rater))
      const renamed = shuffle(rand, rename(ratings, raters, (c) => c))
      const a = agreementReport(ratings, options)
      const b = agreementReport(renamed, options)
      expectSameStatistics(a, b)
      expect(b.per_code.map((c) => c.code)).toEqual(a.per_code.map((c) => c.code))
      a.per_code.forEach((c, k) => {
        const other = b.per_code[k]!
        expectClose(other.percent_agreement, c.percent_agreement, `per-code agreement ${c.code}`)
        expectClose(other.cohen_kappa_mean, c.cohen_kappa_mean, `per-code kappa ${c.code}`)
        expectClose(other.krippendorff_alpha, c.krippendorff_alpha, `per-code alpha ${c.code}`)
      })
      expectClose(congerKappa(renamed).value, congerKappa(ratings).value, 'conger')
    }
  })

  it('is invariant to renaming codes', () => {
    const rand = mulberry32(202)
    for (let i = 0; i < CASES; i++) {
      const ratings = randomRatings(rand, { missing: i % 2 === 1, multiLabel: i % 3 === 1 })
      const codes = reversingMap(ratings.flatMap((r) => r.codes))
      const a = agreementReport(ratings, options)
      const b = agreementReport(rename(ratings, (x) => x, codes), options)
      expectSameStatistics(a, b)
      const byCode = new Map(b.per_code.map((c) => [c.code, c]))
      for (const c of a.per_code) {
        const renamed = byCode.get(codes(c.code))!
        expectClose(renamed.cohen_kappa_mean, c.cohen_kappa_mean, `per-code kappa ${c.code}`)
        expectClose(renamed.krippendorff_alpha, c.krippendorff_alpha, `per-code alpha ${c.code}`)
      }
    }
  })

  it("Cohen's kappa is symmetric in the pair and the confusion matrix transposes", () => {
    const rand = mulberry32(303)
    for (let i = 0; i < CASES; i++) {
      const ratings = randomRatings(rand, { missing: true, multiLabel: i % 2 === 0 })
      const kappa = (a: string, b: string) => cohenKappa(ratings, a, b).value
      expectClose(kappa('bob', 'ann'), kappa('ann', 'bob'), 'kappa')
      const ab = confusionMatrix(ratings, 'ann', 'bob')
      const ba = confusionMatrix(ratings, 'bob', 'ann')
      expect(ba.labels).toEqual(ab.labels)
      expect(ba.matrix).toEqual(ab.labels.map((_, j) => ab.matrix.map((row) => row[j])))
    }
  })

  it("alpha = Scott's pi up to the small-sample factor (two coders, no missing data)", () => {
    const rand = mulberry32(404)
    for (let i = 0; i < CASES; i++) {
      const ratings = randomRatings(rand, { coders: 2 })
      const pi = scottPi(ratings, 'ann', 'bob').value
      const alpha = krippendorffAlpha(ratings).value
      if (pi === null) {
        expect(alpha).toBeNull()
        continue
      }
      // n = 2N pairable values: alpha = 1 - (n - 1) / n * (1 - pi), so alpha -> pi as N grows.
      const n = ratings.length
      expect(alpha).toBeCloseTo(1 - ((n - 1) / n) * (1 - pi), 12)
      expect(Math.abs(alpha! - pi)).toBeLessThanOrEqual(Math.abs(1 - pi) / n + 1e-12)
    }
    const big = randomRatings(rand, { coders: 2, units: 5000 })
    expect(krippendorffAlpha(big).value).toBeCloseTo(scottPi(big, 'ann', 'bob').value!, 3)
  })

  it("complete data: Conger = Cohen, Fleiss = Scott's pi (2 coders), Fleiss = generalized", () => {
    const rand = mulberry32(505)
    for (let i = 0; i < CASES; i++) {
      const two = randomRatings(rand, { coders: 2 })
      expectClose(congerKappa(two).value, cohenKappa(two, 'ann', 'bob').value, 'conger')
      expectClose(fleissKappa(two).value, scottPi(two, 'ann', 'bob').value, 'fleiss')
      const many = randomRatings(rand)
      expectClose(fleissKappaGeneralized(many).value, fleissKappa(many).value, 'generalized')
    }
  })

  it('MASI alpha equals nominal alpha on single-label data', () => {
    const rand = mulberry32(606)
    for (let i = 0; i < CASES; i++) {
      const ratings = randomRatings(rand, { missing: true })
      const masi = krippendorffAlpha(ratings, { metric: 'masi' }).value
      expectClose(masi, krippendorffAlpha(ratings).value, 'masi')
    }
  })

  it('all ratings identical: kappa, alpha, Fleiss, AC1 are null with a reason, never 1.0', () => {
    const rand = mulberry32(707)
    for (let i = 0; i < CASES; i++) {
      const base = randomRatings(rand, { missing: i % 2 === 0, multiLabel: i % 3 === 0 })
      const code = pick(rand, ['bug', 'docs'])
      const same = base.map((r) => ({ ...r, codes: [code] }))
      const report = agreementReport(same, { bootstrapResamples: 20 })
      if (report.pairwise.every((p) => p.n === 0)) continue
      expect(report.pairwise.filter((p) => p.n > 0).every((p) => p.cohen_kappa === null)).toBe(true)
      expect(report.krippendorff_alpha).toBeNull()
      expect(report.gwet_ac1).toBeNull()
      expect(report.fleiss_kappa).toBeNull()
      expect(report.fleiss_kappa_generalized).toBeNull()
      expect(report.percent_agreement).toBe(1)
      expect(report.notes.join('\n')).toMatch(/expected agreement is 1/)
      expect(report.notes.join('\n')).toMatch(/expected disagreement is 0/)
    }
  })

  it('perfect agreement over several categories gives exactly 1', () => {
    const rand = mulberry32(808)
    for (let i = 0; i < CASES; i++) {
      const units = 4 + Math.floor(rand() * 20)
      const ratings = Array.from({ length: units }, (_, u) => {
        const code = u < 2 ? `k${u}` : pick(rand, ['k0', 'k1', 'k2'])
        return ['ann', 'bob', 'cy'].map((rater) => ({ unit: `u${u}`, rater, codes: [code] }))
      }).flat()
      const report = agreementReport(ratings, { bootstrapResamples: 20 })
      expect(report.pairwise.every((p) => p.cohen_kappa === 1)).toBe(true)
      expect(report.krippendorff_alpha).toBe(1)
      expect(report.fleiss_kappa).toBeCloseTo(1, 12)
      expect(report.gwet_ac1).toBeCloseTo(1, 12)
    }
  })
})
