/**
 * @module Choosing and sharing out a coding round's units (pure): the sample size for a
 * confidence level and margin (with the finite population correction), seeded random and
 * stratified samples with proportional allocation, and coder queues with overlap.
 */
import { mulberry32 } from './agreement-math'

/**
 * The standard normal quantile (inverse CDF), Wichura's AS 241 (PPND16), accurate to about
 * 1e-16.
 * @example normalQuantile(0.975) // 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity
    if (p === 1) return Infinity
    throw new RangeError(`normalQuantile: p must lie in [0, 1], not ${p}`)
  }
  const q = p - 0.5
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q
    return (
      (q *
        (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r +
          45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
          133.14166789178437745) * r + 3.387132872796366608)) /
      (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r +
        21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
        42.313330701600911252) * r + 1)
    )
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p))
  let value: number
  if (r <= 5) {
    r -= 1.6
    value =
      (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
        1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
        4.6303378461565452959) * r + 1.42343711074968357734) /
      (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
        0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
        2.05319162663775882187) * r + 1)
  } else {
    r -= 5
    value =
      (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
        0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
        5.4637849111641143699) * r + 6.6579046435011037772) /
      (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
        7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
        0.59983220655588793769) * r + 1)
  }
  return q < 0 ? -value : value
}

export type SampleSizeInput = {
  /** Units to draw from; omit for an infinite population (no correction). */
  population?: number | undefined
  /** Two-sided confidence level, e.g. 0.95. */
  confidence?: number | undefined
  /** Half-width of the interval on a proportion, e.g. 0.05 for ±5 points. */
  margin?: number | undefined
  /** Expected proportion; 0.5 is the conservative (largest) choice. */
  proportion?: number | undefined
}

export type SampleSize = {
  /** The units to code (never more than the population). */
  n: number
  /** Before the finite population correction (Cochran's n0). */
  infinite: number
  z: number
  confidence: number
  margin: number
  proportion: number
  population: number | null
}

/**
 * Cochran's sample size for estimating a proportion, n0 = z² p (1 − p) / e², with the finite
 * population correction n = n0 / (1 + (n0 − 1) / N), rounded up.
 * @example sampleSize({ population: 1000, confidence: 0.95, margin: 0.05 }).n // 278
 */
export function sampleSize(input: SampleSizeInput): SampleSize {
  const confidence = input.confidence ?? 0.95
  const margin = input.margin ?? 0.05
  const proportion = input.proportion ?? 0.5
  const population = input.population ?? null
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must lie strictly between 0 and 1, not ${confidence}`)
  if (!(margin > 0 && margin < 1)) throw new RangeError(`margin must lie strictly between 0 and 1, not ${margin}`)
  if (!(proportion > 0 && proportion < 1)) throw new RangeError(`proportion must lie strictly between 0 and 1, not ${proportion}`)
  if (population !== null && !(Number.isInteger(population) && population >= 0)) {
    throw new RangeError(`population must be a whole number, not ${population}`)
  }
  const z = normalQuantile(1 - (1 - confidence) / 2)
  const infinite = (z * z * proportion * (1 - proportion)) / (margin * margin)
  // A tiny epsilon keeps an exact integer (e.g. 384.0000000001 from rounding) from going up by one.
  if (population === 0) return { n: 0, infinite: Math.ceil(infinite - 1e-9), z, confidence, margin, proportion, population }
  const corrected = population === null ? infinite : infinite / (1 + (infinite - 1) / population)
  const n = Math.ceil(corrected - 1e-9)
  return {
    n: population === null ? n : Math.min(n, population),
    infinite: Math.ceil(infinite - 1e-9),
    z,
    confidence,
    margin,
    proportion,
    population,
  }
}

/** Fisher-Yates with a seeded generator: the same seed gives the same order. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = mulberry32(seed)
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/**
 * Shares `n` among strata in proportion to their sizes (largest remainder, ties to the larger
 * stratum, then by name), never more than a stratum holds.
 * @example allocateProportional({ github: 300, huggingface: 100 }, 40) // { github: 30, huggingface: 10 }
 */
export function allocateProportional(sizes: Readonly<Record<string, number>>, n: number): Record<string, number> {
  const names = Object.keys(sizes).sort()
  const total = names.reduce((s, k) => s + sizes[k]!, 0)
  const target = Math.min(Math.max(0, Math.floor(n)), total)
  const out: Record<string, number> = Object.fromEntries(names.map((k) => [k, 0]))
  if (target === 0) return out
  const exact = names.map((k) => ({ k, quota: (sizes[k]! * target) / total }))
  let given = 0
  for (const e of exact) {
    out[e.k] = Math.floor(e.quota)
    given += out[e.k]!
  }
  const order = [...exact].sort(
    (a, b) => b.quota - Math.floor(b.quota) - (a.quota - Math.floor(a.quota)) || sizes[b.k]! - sizes[a.k]! || (a.k < b.k ? -1 : 1),
  )
  // Quotas never exceed the stratum, so the floors fit; the remainder goes where room is left.
  for (let i = 0; given < target; i = (i + 1) % order.length) {
    const k = order[i]!.k
    if (out[k]! < sizes[k]!) {
      out[k]! += 1
      given += 1
    }
  }
  return out
}

export type Candidate = { id: number; stratum: string }

export type SelectionSpec =
  | { mode: 'all'; seed: number }
  | { mode: 'random'; size: number; seed: number }
  | { mode: 'stratified'; size: number; seed: number }

/** A chosen unit and the stratum it was drawn from. */
export type SelectedUnit = { id: number; stratum: string }

/**
 * Picks a round's units from the candidates: all of them, a simple random sample, or a
 * stratified sample with proportional allocation. The result is in round order, shuffled with
 * the seed so that queues carry no order effect (e.g. by date).
 */
export function selectUnits(candidates: readonly Candidate[], spec: SelectionSpec): SelectedUnit[] {
  if (spec.mode === 'all') return shuffled(candidates, spec.seed)
  const size = Math.min(Math.max(0, Math.floor(spec.size)), candidates.length)
  if (spec.mode === 'random') return shuffled(candidates, spec.seed).slice(0, size)
  const groups = new Map<string, Candidate[]>()
  for (const c of candidates) groups.set(c.stratum, [...(groups.get(c.stratum) ?? []), c])
  const quota = allocateProportional(Object.fromEntries([...groups].map(([k, v]) => [k, v.length])), size)
  const picked = [...groups.keys()].sort().flatMap((k, i) => shuffled(groups.get(k)!, spec.seed + i + 1).slice(0, quota[k]))
  return shuffled(picked, spec.seed)
}

export type OverlapSpec = { mode: 'k'; k: number } | { mode: 'share'; share: number }

export type Assignment = { unit: number; coder: string; position: number }

/**
 * Shares units among coders. `k`: every unit is coded by k coders (rotating, so loads differ by
 * at most one). `share`: the first ⌈share × units⌉ units are coded by every coder (the overlap
 * that agreement is computed on) and the rest are split among the coders one each. Each
 * coder's queue keeps round order; `position` numbers it from 0.
 * @example assignUnits([1, 2, 3], ['a', 'b'], { mode: 'k', k: 2 }).length // 6
 */
export function assignUnits(units: readonly number[], coders: readonly string[], overlap: OverlapSpec): Assignment[] {
  if (coders.length === 0) throw new RangeError('a round needs at least one coder')
  if (new Set(coders).size !== coders.length) throw new RangeError('a coder is listed twice')
  const byCoder = new Map(coders.map((c) => [c, [] as number[]]))
  if (overlap.mode === 'k') {
    if (!Number.isInteger(overlap.k) || overlap.k < 1 || overlap.k > coders.length) {
      throw new RangeError(`overlap k must be a whole number from 1 to ${coders.length} (the coders), not ${overlap.k}`)
    }
    units.forEach((unit, i) => {
      for (let j = 0; j < overlap.k; j++) byCoder.get(coders[(i * overlap.k + j) % coders.length]!)!.push(unit)
    })
  } else {
    if (!(overlap.share >= 0 && overlap.share <= 1)) throw new RangeError(`overlap share must lie in [0, 1], not ${overlap.share}`)
    const shared = Math.ceil(overlap.share * units.length - 1e-9)
    units.forEach((unit, i) => {
      if (i < shared) for (const c of coders) byCoder.get(c)!.push(unit)
      else byCoder.get(coders[(i - shared) % coders.length]!)!.push(unit)
    })
  }
  return coders.flatMap((coder) => byCoder.get(coder)!.map((unit, position) => ({ unit, coder, position })))
}
