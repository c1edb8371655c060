/**
 * Maturity (method.md §6): variant and family ages, tertile groups, the study's published ages.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { familyAge, maturityGroups, variantAge } from '../../../server/core/maturity'
import { sharedPath } from '../../helpers/shared'

describe('variantAge', () => {
  it('is the last HF commit day minus the first, in whole UTC days', () => {
    expect(
      variantAge(['2023-03-02T08:00:00Z', '2023-01-01T10:00:00Z', '2023-02-01T00:00:00Z']),
    ).toBe(60)
  })

  it('compares UTC days, so offsets can change the age', () => {
    // 2023-01-01T23:30-05:00 is 2023-01-02 UTC: the same day as the second commit
    expect(variantAge(['2023-01-01T23:30:00-05:00', '2023-01-02T01:00:00Z'])).toBe(0)
    expect(variantAge(['2023-01-01T23:30:00+00:00', '2023-01-02T01:00:00Z'])).toBe(1)
  })

  it('is 0 for one commit and null for none', () => {
    expect(variantAge(['2023-01-01T00:00:00Z'])).toBe(0)
    expect(variantAge([])).toBeNull()
  })
})

describe('familyAge', () => {
  it('is the mean age of the variants that have commits', () => {
    const f = familyAge([
      { name: 'x', timestamps: ['2023-01-01', '2023-01-11'] },
      { name: 'y', timestamps: ['2023-05-01'] },
      { name: 'z', timestamps: [] },
    ])
    expect(f.age).toBe(5)
    expect(f.perVariant).toEqual([
      { name: 'x', age: 10 },
      { name: 'y', age: 0 },
    ])
    expect(f.ignoredVariants).toEqual(['z'])
  })

  it('has no age without any HF commit', () => {
    expect(familyAge([{ name: 'z', timestamps: [] }]).age).toBeNull()
  })
})

describe('maturityGroups', () => {
  it('labels tertiles Recent / Intermediate / Matured and keeps the rows', () => {
    const g = maturityGroups([
      { family: 'a', age: 5 },
      { family: 'b', age: 40 },
      { family: 'c', age: 300 },
    ])
    expect(g.groups.map((f) => [f.family, f.group])).toEqual([
      ['a', 'Recent'],
      ['b', 'Intermediate'],
      ['c', 'Matured'],
    ])
  })
})

describe("the study's published ages (grouped_data_RQ2.csv)", () => {
  // two `family` columns that disagree: read by position and use the first (paper README)
  const rows = (
    parse(readFileSync(sharedPath('data', 'paper', 'grouped_data_RQ2.csv'), 'latin1')) as string[][]
  ).slice(1)
  const families = rows.map((r) => ({ family: r[1]!, age: Number(r[5]), published: r[11]! }))
  const g = maturityGroups(families)

  it('gives 109 / 108 / 108 by the tertile rule (method.md §6)', () => {
    expect(families).toHaveLength(325)
    expect(g.counts).toEqual({ Recent: 109, Intermediate: 108, Matured: 108 })
  })

  it('differs from the published groups only between our cut points and theirs', () => {
    const label = {
      Recent: 'Recent-Families',
      Intermediate: 'Intermediate-Families',
      Matured: 'Matured-Families',
    }
    const ages = (group: string) => families.filter((f) => f.published === group).map((f) => f.age)
    const recentMax = Math.max(...ages('Recent-Families'))
    const matureMin = Math.min(...ages('Matured-Families'))
    const [q1, q2] = g.cutPoints!
    const differing = g.groups.filter((f) => label[f.group] !== f.published)
    expect(differing.length).toBeLessThan(10)
    for (const f of differing) {
      const nearLow = f.age >= Math.min(q1, recentMax) && f.age <= Math.max(q1, recentMax) + 1
      const nearHigh = f.age >= Math.min(q2, matureMin) - 1 && f.age <= Math.max(q2, matureMin)
      expect(nearLow || nearHigh, `${f.family} (${f.age} days)`).toBe(true)
    }
  })
})

describe('ages of the real HF histories (shared/data/commits)', () => {
  it('match the first and newest commit dates of the README table', () => {
    // README "Hugging Face model repositories" table: first .. newest commit (UTC days)
    const table: [string, string, string][] = [
      ['THUDM/codegeex2-6b', '2023-07-19', '2023-08-09'],
      ['THUDM/chatglm3-6b', '2023-10-25', '2023-12-07'],
      ['baichuan-inc/Baichuan2-13B-Chat', '2023-09-06', '2023-09-12'],
      ['google-bert/bert-base-uncased', '2018-11-14', '2024-02-19'],
    ]
    for (const [repo, first, last] of table) {
      const file = sharedPath('data', 'commits', 'huggingface', `${repo.replace('/', '__')}.jsonl`)
      const timestamps = readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => (JSON.parse(l) as { committed_at: string }).committed_at)
      const expected = (Date.parse(last) - Date.parse(first)) / 86_400_000
      expect(variantAge(timestamps), repo).toBe(expected)
    }
  })
})
