import { describe, expect, it } from 'vitest'
import {
  allocateProportional,
  assignUnits,
  normalQuantile,
  sampleSize,
  selectUnits,
  shuffled,
} from '../../../server/core/sampling'

describe('normalQuantile', () => {
  it('matches the standard normal quantiles to 1e-12', () => {
    // scipy.stats.norm.ppf
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12)
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489004, 12)
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 12)
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9)
    expect(normalQuantile(0.5)).toBe(0)
  })

  it('is odd around one half and rejects probabilities outside [0, 1]', () => {
    for (const p of [0.01, 0.2, 0.4, 0.49]) expect(normalQuantile(p)).toBeCloseTo(-normalQuantile(1 - p), 12)
    expect(normalQuantile(0)).toBe(-Infinity)
    expect(() => normalQuantile(1.5)).toThrow(/\[0, 1\]/)
  })
})

describe('sampleSize', () => {
  it("gives Cochran's 385 for 95% ± 5% on an infinite population", () => {
    const s = sampleSize({ confidence: 0.95, margin: 0.05 })
    expect(s.n).toBe(385)
    expect(s.infinite).toBe(385)
    expect(s.population).toBeNull()
  })

  it('applies the finite population correction', () => {
    // n0 = 384.146; n = n0 / (1 + (n0 - 1) / N)
    expect(sampleSize({ population: 1000 }).n).toBe(278)
    expect(sampleSize({ population: 320 }).n).toBe(175)
    expect(sampleSize({ population: 100_000 }).n).toBe(383)
  })

  it('grows with the confidence and shrinks with the margin and a skewed proportion', () => {
    expect(sampleSize({ confidence: 0.99, margin: 0.05 }).n).toBe(664)
    expect(sampleSize({ confidence: 0.95, margin: 0.1 }).n).toBe(97)
    expect(sampleSize({ proportion: 0.1 }).n).toBeLessThan(sampleSize({ proportion: 0.5 }).n)
  })

  it('never asks for more units than the population holds', () => {
    expect(sampleSize({ population: 10 }).n).toBe(10)
    expect(sampleSize({ population: 0 }).n).toBe(0)
  })

  it('rejects impossible settings with the field named', () => {
    expect(() => sampleSize({ confidence: 1 })).toThrow(/confidence/)
    expect(() => sampleSize({ margin: 0 })).toThrow(/margin/)
    expect(() => sampleSize({ population: 2.5 })).toThrow(/population/)
  })
})

describe('allocateProportional', () => {
  it('splits in proportion to the strata sizes', () => {
    expect(allocateProportional({ github: 300, huggingface: 100 }, 40)).toEqual({ github: 30, huggingface: 10 })
  })

  it('hands out the remainder by largest fraction and sums to n', () => {
    const out = allocateProportional({ a: 1, b: 1, c: 1 }, 2)
    expect(Object.values(out).reduce((s, v) => s + v, 0)).toBe(2)
    const uneven = allocateProportional({ a: 5, b: 3, c: 2 }, 7)
    expect(uneven).toEqual({ a: 4, b: 2, c: 1 })
  })

  it('caps at the population', () => {
    expect(allocateProportional({ a: 2, b: 3 }, 50)).toEqual({ a: 2, b: 3 })
  })
})

describe('selectUnits', () => {
  const candidates = Array.from({ length: 200 }, (_, i) => ({ id: i + 1, stratum: i < 150 ? 'github' : 'huggingface' }))

  it('takes every candidate in a seeded order for "all"', () => {
    const all = selectUnits(candidates, { mode: 'all', seed: 3 })
    expect(all.map((u) => u.id).sort((a, b) => a - b)).toEqual(candidates.map((c) => c.id))
    expect(selectUnits(candidates, { mode: 'all', seed: 3 })).toEqual(all)
    expect(selectUnits(candidates, { mode: 'all', seed: 4 })).not.toEqual(all)
  })

  it('draws a random sample of the asked size without repeats, reproducibly', () => {
    const a = selectUnits(candidates, { mode: 'random', size: 30, seed: 9 })
    expect(a).toHaveLength(30)
    expect(new Set(a.map((u) => u.id)).size).toBe(30)
    expect(selectUnits(candidates, { mode: 'random', size: 30, seed: 9 })).toEqual(a)
  })

  it('draws a stratified sample with proportional allocation', () => {
    const s = selectUnits(candidates, { mode: 'stratified', size: 40, seed: 2 })
    expect(s).toHaveLength(40)
    expect(s.filter((u) => u.stratum === 'github')).toHaveLength(30)
    expect(s.filter((u) => u.stratum === 'huggingface')).toHaveLength(10)
    for (const u of s) expect(candidates.find((c) => c.id === u.id)!.stratum).toBe(u.stratum)
  })
})

describe('assignUnits', () => {
  const units = Array.from({ length: 10 }, (_, i) => i + 1)
  const perUnit = (a: ReturnType<typeof assignUnits>) => {
    const m = new Map<number, string[]>()
    for (const x of a) m.set(x.unit, [...(m.get(x.unit) ?? []), x.coder])
    return m
  }

  it('gives every unit to k distinct coders with balanced loads', () => {
    const a = assignUnits(units, ['a', 'b', 'c'], { mode: 'k', k: 2 })
    expect(a).toHaveLength(20)
    for (const coders of perUnit(a).values()) {
      expect(coders).toHaveLength(2)
      expect(new Set(coders).size).toBe(2)
    }
    const loads = ['a', 'b', 'c'].map((c) => a.filter((x) => x.coder === c).length)
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1)
  })

  it('numbers each queue from 0 in round order', () => {
    const a = assignUnits(units, ['a', 'b'], { mode: 'k', k: 2 })
    expect(a.filter((x) => x.coder === 'b').map((x) => x.position)).toEqual(units.map((_, i) => i))
    expect(a.filter((x) => x.coder === 'b').map((x) => x.unit)).toEqual(units)
  })

  it('with an overlap share, gives the shared units to everyone and splits the rest', () => {
    const a = assignUnits(units, ['a', 'b'], { mode: 'share', share: 0.3 })
    const m = perUnit(a)
    expect([1, 2, 3].map((u) => m.get(u)!.length)).toEqual([2, 2, 2])
    for (const u of units.slice(3)) expect(m.get(u)).toHaveLength(1)
    expect(a.filter((x) => x.coder === 'a')).toHaveLength(3 + 4)
    expect(a.filter((x) => x.coder === 'b')).toHaveLength(3 + 3)
  })

  it('rejects a k larger than the coders and a duplicated coder', () => {
    expect(() => assignUnits(units, ['a', 'b'], { mode: 'k', k: 3 })).toThrow(/from 1 to 2/)
    expect(() => assignUnits(units, ['a', 'a'], { mode: 'k', k: 1 })).toThrow(/twice/)
  })
})

describe('shuffled', () => {
  it('permutes without losing items', () => {
    const xs = Array.from({ length: 50 }, (_, i) => i)
    const s = shuffled(xs, 1)
    expect([...s].sort((a, b) => a - b)).toEqual(xs)
    expect(s).not.toEqual(xs)
  })
})
