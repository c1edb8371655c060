/**
 * Jaccard similarity and tertiles (method.md §5): numpy/pandas reference values and the study's
 * similarity groups from family_similarity_scores.csv.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { MATURITY_LABELS, jaccard, quantile, tertiles } from '../../../server/core/similarity'
import { sharedPath } from '../../helpers/shared'

describe('jaccard', () => {
  it('divides the shared change types by all change types present', () => {
    expect(
      jaccard(
        ['model structure', 'preprocessing', 'sharing'],
        ['preprocessing', 'sharing', 'output data'],
      ),
    ).toBe(0.5)
  })

  it('uses sets: repeated codes count once', () => {
    expect(jaccard(['sharing', 'sharing', 'sharing'], ['sharing'])).toBe(1)
  })

  it('leaves the fallback code out of both sets', () => {
    expect(jaccard(['sharing', 'unclear'], ['sharing'])).toBe(1)
    expect(jaccard(['unclear'], ['unclear'])).toBe(0)
  })

  it('takes other fallback codes as a parameter (the study dropped four)', () => {
    const study = { fallbackCodes: ['bug fix', 'unclear', 'uncategorized', 'add model'] }
    expect(jaccard(['sharing', 'bug fix'], ['sharing'])).toBe(0.5)
    expect(jaccard(['sharing', 'bug fix'], ['sharing'], study)).toBe(1)
  })

  it('is 0 when both sets are empty or disjoint', () => {
    expect(jaccard([], [])).toBe(0)
    expect(jaccard(['a'], ['b'])).toBe(0)
  })
})

describe('quantile (Hyndman-Fan type 7)', () => {
  it("matches numpy's documented example: np.quantile([[10, 7, 4], [3, 2, 1]], 0.5) = 3.5", () => {
    expect(quantile([10, 7, 4, 3, 2, 1], 0.5)).toBe(3.5)
  })

  it('interpolates linearly between order statistics', () => {
    // np.quantile(np.arange(1, 11), [1/3, 2/3]) = [4, 7]: h = 9/3 = 3 and 6 exactly
    expect(quantile([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 1 / 3)).toBeCloseTo(4, 12)
    expect(quantile([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 2 / 3)).toBeCloseTo(7, 12)
    // np.quantile([3, 1, 4, 1, 5, 9, 2, 6], 1/3): sorted 1 1 2 3 4 5 6 9, h = 7/3 -> 2 + 1/3
    expect(quantile([3, 1, 4, 1, 5, 9, 2, 6], 1 / 3)).toBeCloseTo(7 / 3, 12)
    // ... and 2/3: h = 14/3 -> x[4] + 2/3 (x[5] - x[4]) = 4 + 2/3
    expect(quantile([3, 1, 4, 1, 5, 9, 2, 6], 2 / 3)).toBeCloseTo(14 / 3, 12)
    expect(quantile([1, 2, 3, 4], 0)).toBe(1)
    expect(quantile([1, 2, 3, 4], 1)).toBe(4)
  })

  it('refuses an empty list and a probability outside [0, 1]', () => {
    expect(() => quantile([], 0.5)).toThrow(RangeError)
    expect(() => quantile([1], 1.5)).toThrow(RangeError)
  })
})

describe('tertiles', () => {
  it("bins like pandas: pd.qcut(range(5), 3, labels=['good', 'medium', 'bad'])", () => {
    // pandas docs: ['good', 'good', 'medium', 'bad', 'bad']
    const t = tertiles([0, 1, 2, 3, 4], ['good', 'medium', 'bad'])
    expect(t.groups).toEqual(['good', 'good', 'medium', 'bad', 'bad'])
    expect(t.counts).toEqual({ good: 2, medium: 1, bad: 2 })
  })

  it('closes bins on the right and includes the lowest value', () => {
    // cut points of 1..10 are 4 and 7: 4 is Low, 7 is Moderate, 1 is Low
    const t = tertiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(t.cutPoints).toEqual([4, 7])
    expect(t.groups.slice(0, 4)).toEqual(['Low', 'Low', 'Low', 'Low'])
    expect(t.groups[6]).toBe('Moderate')
    expect(t.groups[7]).toBe('High')
  })

  it('keeps the input order and takes maturity labels', () => {
    expect(tertiles([300, 5, 40], MATURITY_LABELS).groups).toEqual([
      'Matured',
      'Recent',
      'Intermediate',
    ])
  })

  it('leaves the middle group empty when both cut points coincide', () => {
    const t = tertiles([0, 0, 0, 0, 1])
    expect(t.cutPoints).toEqual([0, 0])
    expect(t.counts).toEqual({ Low: 4, Moderate: 0, High: 1 })
  })

  it('returns no cut points for no values', () => {
    expect(tertiles([])).toEqual({
      cutPoints: null,
      groups: [],
      counts: { Low: 0, Moderate: 0, High: 0 },
    })
  })
})

describe("the study's similarity groups (family_similarity_scores.csv)", () => {
  const rows = parse(
    readFileSync(sharedPath('data', 'paper', 'family_similarity_scores.csv'), 'latin1'),
    {
      columns: true,
    },
  ) as Record<string, string>[]
  const scores = rows.map((r) => Number(r['Similarity Score']))

  it('has 325 families with mean similarity 0.414', () => {
    expect(scores).toHaveLength(325)
    expect(scores.reduce((a, b) => a + b, 0) / scores.length).toBeCloseTo(0.414, 3)
  })

  it('gives Low n=116 (<= 0.333), Moderate n=104, High n=105 (>= 0.5)', () => {
    const t = tertiles(scores)
    expect(t.counts).toEqual({ Low: 116, Moderate: 104, High: 105 })
    const byGroup = (g: string) => scores.filter((_, i) => t.groups[i] === g)
    expect(Math.max(...byGroup('Low'))).toBeLessThanOrEqual(0.3334)
    expect(Math.min(...byGroup('High'))).toBeGreaterThanOrEqual(0.5)
    expect(t.cutPoints![0]).toBeCloseTo(1 / 3, 12)
  })
})
