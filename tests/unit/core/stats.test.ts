/**
 * Chi-square, Kruskal-Wallis and Dunn against published reference values (scipy and R docs) and
 * against the study's Dunn table (dunn_test_results.csv), rebuilt from its gap days.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import {
  chiSquareIndependence,
  chiSquareSf,
  dunn,
  kruskalWallis,
  normalTwoSidedP,
} from '../../../server/core/stats'
import { sharedPath } from '../../helpers/shared'

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.abs(b)

describe('distribution tails', () => {
  it('gives the textbook 5% critical values', () => {
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 12) // qchisq(0.95, 1)
    expect(chiSquareSf(5.991464547107979, 2)).toBeCloseTo(0.05, 12) // qchisq(0.95, 2)
    expect(normalTwoSidedP(1.959963984540054)).toBeCloseTo(0.05, 12) // qnorm(0.975)
    expect(normalTwoSidedP(-1.959963984540054)).toBeCloseTo(0.05, 12)
  })

  it('stays accurate far in the normal tail, where jstat returns 0', () => {
    // 2 * pnorm(-10) = 2 * 7.619853024160527e-24
    expect(relErr(normalTwoSidedP(10), 2 * 7.619853024160527e-24)).toBeLessThan(1e-9)
    expect(normalTwoSidedP(17)).toBeGreaterThan(0)
    expect(normalTwoSidedP(17)).toBeLessThan(1e-60)
  })

  it('matches the closed form exp(-x/2) of the chi-square tail with 2 degrees of freedom', () => {
    for (const x of [0.5, 7, 40, 300])
      expect(relErr(chiSquareSf(x, 2), Math.exp(-x / 2))).toBeLessThan(1e-12)
  })
})

describe('chiSquareIndependence', () => {
  it("reproduces scipy's chi2_contingency docs example [[10, 10, 20], [20, 20, 20]]", () => {
    const r = chiSquareIndependence([
      [10, 10, 20],
      [20, 20, 20],
    ])
    expect(r.statistic).toBeCloseTo(2.7777777777777777, 12)
    expect(r.pValue).toBeCloseTo(0.24935220877729619, 12)
    expect(r.dof).toBe(2)
    expect(r.expected).toEqual([
      [12, 12, 16],
      [18, 18, 24],
    ])
    // V = sqrt(2.7778 / (100 * 1)) = 1/6
    expect(r.cramersV).toBeCloseTo(1 / 6, 12)
    expect(r.yatesApplied).toBe(false)
    expect(r.warning).toBeNull()
  })

  it("reproduces R's chisq.test example (Agresti): X² = 30.07, p = 2.954e-07", () => {
    const r = chiSquareIndependence([
      [762, 327, 468],
      [484, 239, 477],
    ])
    expect(r.statistic).toBeCloseTo(30.07, 2)
    expect(relErr(r.pValue, 2.954e-7)).toBeLessThan(5e-4)
    expect(r.dof).toBe(2)
  })

  it("applies Yates' correction to a 2x2 table; V uses the uncorrected statistic", () => {
    // expected 15 everywhere; |O - E| = 5, 4.5 with Yates: 4 * 4.5² / 15 = 5.4; plain 4 * 25 / 15
    const table = [
      [10, 20],
      [20, 10],
    ]
    const r = chiSquareIndependence(table)
    expect(r.yatesApplied).toBe(true)
    expect(r.statistic).toBeCloseTo(5.4, 12)
    expect(r.pValue).toBeGreaterThan(0.01) // 5.4 lies between the 1% (6.635) and 5% (3.841) values
    expect(r.pValue).toBeLessThan(0.05)
    expect(r.cramersV).toBeCloseTo(Math.sqrt(20 / 3 / 60), 12)
    expect(chiSquareIndependence(table, { yates: false }).statistic).toBeCloseTo(20 / 3, 12)
  })

  it('warns when more than 20% of cells expect fewer than 5', () => {
    const r = chiSquareIndependence([
      [30, 2],
      [30, 6],
      [30, 1],
    ])
    // expected counts of the second column: 9 * 32/99, 9 * 36/99, 9 * 31/99, all below 5
    expect(r.lowExpectedCells).toBe(3)
    expect(r.lowExpectedShare).toBeCloseTo(0.5, 12)
    expect(r.warning).toMatch(/3 of 6 cells/)
    expect(
      chiSquareIndependence(
        [
          [30, 2],
          [30, 6],
          [30, 1],
        ],
        { maxLowShare: 0.5 },
      ).warning,
    ).toBeNull()
  })

  it('drops all-zero rows and columns and says which', () => {
    const r = chiSquareIndependence([
      [10, 0, 10, 20],
      [0, 0, 0, 0],
      [20, 0, 20, 20],
    ])
    expect(r.droppedRows).toEqual([1])
    expect(r.droppedColumns).toEqual([1])
    expect(r.statistic).toBeCloseTo(2.7777777777777777, 12)
  })

  it('gives statistic 0 and p 1 for a single row, and refuses negative counts', () => {
    const r = chiSquareIndependence([[3, 4, 5]])
    expect([r.statistic, r.pValue, r.dof, r.cramersV]).toEqual([0, 1, 0, null])
    expect(() => chiSquareIndependence([[1, -1]])).toThrow(RangeError)
    expect(() => chiSquareIndependence([[1, 2], [3]])).toThrow(RangeError)
  })
})

describe('kruskalWallis', () => {
  it("reproduces scipy's kruskal docs examples", () => {
    const a = kruskalWallis([
      [1, 3, 5, 7, 9],
      [2, 4, 6, 8, 10],
    ])
    expect(a.statistic).toBeCloseTo(0.2727272727272734, 12)
    expect(a.pValue).toBeCloseTo(0.6015081344405895, 12)
    // tied: uncorrected H = 5, correction 1 - 144/504, so H = 7
    const b = kruskalWallis({ x: [1, 1, 1], y: [2, 2, 2], z: [2, 2] })
    expect(b.statistic).toBeCloseTo(7, 12)
    expect(b.pValue).toBeCloseTo(0.0301973834223185, 12)
    expect(b.dof).toBe(2)
  })

  it('ignores empty groups and needs two non-empty ones', () => {
    expect(kruskalWallis({ a: [1, 3, 5, 7, 9], none: [], b: [2, 4, 6, 8, 10] }).dof).toBe(1)
    expect(() => kruskalWallis({ a: [1, 2], b: [] })).toThrow(RangeError)
  })
})

describe('dunn', () => {
  it('matches the hand computation on a small tied example', () => {
    // ranks of {a: 1 1 1, b: 2 2 2, c: 2 2}: a -> 2, b and c -> 6; N = 8, Σ(t³ - t) = 24 + 120
    const r = dunn({ a: [1, 1, 1], b: [2, 2, 2], c: [2, 2] }, { adjust: 'none' })
    const variance = (8 * 9) / 12 - 144 / (12 * 7)
    const ab = r.pairs.find((p) => p.a === 'a' && p.b === 'b')!
    expect(ab.z).toBeCloseTo((2 - 6) / Math.sqrt(variance * (1 / 3 + 1 / 3)), 12)
    expect(r.pairs.find((p) => p.a === 'b' && p.b === 'c')!.z).toBe(0)
    expect(r.matrix[0]![0]).toBe(1)
  })

  it('multiplies by the number of pairs for Bonferroni and caps at 1', () => {
    const groups = { a: [1, 2, 3, 4, 5], b: [2, 3, 4, 5, 6], c: [20, 21, 22, 23, 24] }
    const raw = dunn(groups, { adjust: 'none' })
    const adj = dunn(groups)
    adj.pairs.forEach((p, i) =>
      expect(p.pAdjusted).toBeCloseTo(Math.min(1, 3 * raw.pairs[i]!.p), 14),
    )
    expect(adj.pairs.some((p) => p.pAdjusted === 1)).toBe(true)
    expect(adj.matrix[0]![2]).toBe(adj.matrix[2]![0])
  })
})

// ---------------------------------------------------------------------------------------------
// The study's Dunn table
// ---------------------------------------------------------------------------------------------

const readCsv = (name: string) =>
  parse(readFileSync(sharedPath('data', 'paper', name), 'latin1'), { columns: true }) as Record<
    string,
    string
  >[]

describe("the study's Dunn post-hoc table (dunn_test_results.csv)", () => {
  // How the study grouped: each transition of GH_HF_commit_time_differences.csv takes the pattern
  // (`names`, repository naming) of its family in all_auto_and_manual_patterns.csv; the 13
  // families of must_exclude_from_all_analysis.csv are left out (none of them has transitions).
  const excluded = new Set(readCsv('must_exclude_from_all_analysis.csv').map((r) => r.family!))
  const patternOf = new Map(
    readCsv('all_auto_and_manual_patterns.csv').map((r) => [r.family!, r.names!]),
  )
  const rows = readCsv('GH_HF_commit_time_differences.csv').filter((r) => !excluded.has(r.family!))
  const groups: Record<string, number[]> = {}
  for (const r of rows) (groups[patternOf.get(r.family!)!] ??= []).push(Number(r.days_difference))

  const table = parse(
    readFileSync(sharedPath('data', 'paper', 'dunn_test_results.csv'), 'latin1'),
  ) as string[][]
  const labels = table[0]!.slice(1)
  const published = table.slice(1).map((row) => row.slice(1).map(Number))

  it('groups all 3,863 transitions of the 325 analysed families into the 8 patterns', () => {
    expect(rows).toHaveLength(3863)
    expect(new Set(rows.map((r) => r.family)).size).toBe(325)
    expect(Object.keys(groups).sort()).toEqual([...labels].sort())
  })

  it('reproduces all 64 Bonferroni-adjusted p-values to a relative error below 1e-12', () => {
    const ordered = Object.fromEntries(labels.map((l) => [l, groups[l]!]))
    const r = dunn(ordered)
    expect(r.labels).toEqual(labels)
    let worst = 0
    published.forEach((row, i) =>
      row.forEach((p, j) => {
        worst = Math.max(worst, relErr(r.matrix[i]![j]!, p))
      }),
    )
    expect(worst).toBeLessThan(1e-12)
    // the table spans p-values down to ~1e-67: the far normal tail must not collapse to 0
    expect(Math.min(...published.flat())).toBeLessThan(1e-60)
  })

  it('finds a significant Kruskal-Wallis difference between the 8 patterns', () => {
    const kw = kruskalWallis(groups)
    expect(kw.n).toBe(3863)
    expect(kw.dof).toBe(7)
    expect(kw.tieCorrection).toBeLessThan(1) // gap days are heavily tied (median 0)
    expect(kw.pValue).toBeLessThan(1e-10)
  })
})
