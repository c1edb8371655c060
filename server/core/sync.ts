/**
 * @module Synchronization detector (method.md §3): lag, type, intensity and pattern of one
 * family's GitHub repo vs its Hugging Face variants, from commit timestamps alone, with the
 * evidence that decided each part. Pure: no I/O.
 *
 * @example
 * detectSync({
 *   family: 'demo',
 *   github: ['2023-01-01T10:00:00Z', '2023-01-20T10:00:00Z'],
 *   variants: [{ name: 'org/demo-7b', timestamps: ['2023-01-02T09:00:00Z'] }],
 * })
 * // { status: 'ok', lag: 'no-lag', type: 'CS', intensity: 'R', code: 'CSR', pattern: 'Rare', ... }
 */
import { parseMonthDayYear, parseTimestamp } from './timestamps'

// ---------------------------------------------------------------------------------------------
// Days
// ---------------------------------------------------------------------------------------------

const MS_PER_DAY = 86_400_000

/**
 * The UTC calendar day (`YYYY-MM-DD`) of a timestamp. Accepts ISO-8601 with an offset or `Z`
 * (no offset = UTC), a bare `YYYY-MM-DD`, and the study's Hugging Face `m/d/Y` dates.
 * Throws on anything else: a silently dropped commit would change the periods.
 * @example utcDay('2023-01-01T23:30:00-05:00') // '2023-01-02'
 */
export function utcDay(timestamp: string): string {
  const text = timestamp.trim()
  const bare = dayParts(text)
  // A bare day is its own UTC day: checked by arithmetic, not a Date, since the analyses pass
  // every commit day of a project through here several times.
  if (bare && isRealDay(bare[0], bare[1], bare[2])) return text
  const instant = bare ? null : (parseTimestamp(text) ?? parseMonthDayYear(text))
  if (!instant) throw new Error(`unreadable timestamp: ${JSON.stringify(timestamp)}`)
  return instant.utc.slice(0, 10)
}

/** Year, month and day of a `YYYY-MM-DD` string (as /^(\d{4})-(\d{2})-(\d{2})$/), read without a regex. */
function dayParts(text: string): [number, number, number] | null {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null
  const year = digitsAt(text, 0, 4)
  const month = digitsAt(text, 5, 7)
  const day = digitsAt(text, 8, 10)
  return year < 0 || month < 0 || day < 0 ? null : [year, month, day]
}

/** The decimal number in text[from, to), or -1 when a character there is not a digit. */
function digitsAt(text: string, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return -1
    n = n * 10 + digit
  }
  return n
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function isRealDay(year: number, month: number, day: number): boolean {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  const last = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]
  return last !== undefined && day >= 1 && day <= last
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil), no Date. */
function civilDays(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

/**
 * Whole days since 1970-01-01 of a `YYYY-MM-DD` day, so day differences are integer subtraction.
 * @example dayNumber('1970-01-02') // 1
 */
export function dayNumber(day: string): number {
  const parts = dayParts(day)
  if (!parts) throw new Error(`not a YYYY-MM-DD day: ${JSON.stringify(day)}`)
  return civilDays(parts[0], parts[1], parts[2])
}

/**
 * Smallest and largest of a non-empty list, without spreading it into Math.min (which overflows
 * the call stack on very long lists).
 * @example minMax([3, 1, 2]) // { min: 1, max: 3 }
 */
export function minMax(values: readonly number[]): { min: number; max: number } {
  let min = Infinity
  let max = -Infinity
  for (const v of values) {
    if (v < min) min = v
    if (v > max) max = v
  }
  return { min, max }
}

/**
 * Inverse of {@link dayNumber}.
 * @example dayString(1) // '1970-01-02'
 */
export function dayString(n: number): string {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10)
}

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** One Hugging Face repo of the family and its commit (committer) timestamps. */
export type VariantTimeline = { name: string; timestamps: readonly string[] }

/** A family: its GitHub repo's commit timestamps and each variant's. */
export type FamilyTimeline = {
  family?: string
  github: readonly string[]
  variants: readonly VariantTimeline[]
}

/** Every threshold of the detector; defaults are the study's (method.md §3). */
export type SyncOptions = {
  /** Period length P in days. */
  periodDays: number
  /** R holds when every variant is active in at most this many periods. */
  rareMaxPeriods: number
  /** F holds when a variant has a run of at least this many consecutive periods in V_i ∩ G. */
  frequentRun: number
  /** VS needs at least this many periods ... */
  variantMinPeriods: number
  /** ... each with at least this many distinct variants active. */
  variantMinVariants: number
}

export const DEFAULT_SYNC_OPTIONS: Readonly<SyncOptions> = Object.freeze({
  periodDays: 14,
  rareMaxPeriods: 3,
  frequentRun: 5,
  variantMinPeriods: 3,
  variantMinVariants: 3,
})

export type Lag = 'no-lag' | 'upstream-first' | 'downstream-first'
export type SyncType = 'CS' | 'PS' | 'VS' | 'AS'
export type Intensity = 'R' | 'F' | 'S'
export type PatternCode = Exclude<`${SyncType}${Intensity}`, 'ASF' | 'VSF'>
export type PatternName =
  | 'Disperse'
  | 'Sparse'
  | 'Rare'
  | 'Sporadic Disjoint'
  | 'Rare Disjoint'
  | 'Intermittent'
  | 'Frequent'
  | 'Dense Partial'

/** Pattern of each code (method.md §3). AS/VS cannot be F: F needs overlap with G. */
export const PATTERN_BY_CODE: Readonly<Record<PatternCode, PatternName>> = Object.freeze({
  PSS: 'Disperse',
  PSR: 'Sparse',
  CSR: 'Rare',
  ASS: 'Sporadic Disjoint',
  VSS: 'Sporadic Disjoint',
  ASR: 'Rare Disjoint',
  VSR: 'Rare Disjoint',
  CSS: 'Intermittent',
  CSF: 'Frequent',
  PSF: 'Dense Partial',
})

/**
 * The names the study's replication package uses for each pattern (`names` columns), for joining
 * with its tables. 'Rare Disjoing' is the package's own spelling.
 */
export const STUDY_NAME_BY_PATTERN: Readonly<Record<PatternName, string>> = Object.freeze({
  Disperse: 'Dispersed Alignment',
  Sparse: 'Sparse Alignment',
  Rare: 'Rare Alignment',
  'Sporadic Disjoint': 'Sporadic Disjoint',
  'Rare Disjoint': 'Rare Disjoing',
  Intermittent: 'Intermittent Alignment',
  Frequent: 'Frequent Alignment',
  'Dense Partial': 'Dense Partial Alignment',
})

/** Per-variant evidence: its active periods, those shared with GitHub, its longest shared run. */
export type VariantEvidence = {
  name: string
  periods: number[]
  overlap: number[]
  longestOverlapRun: { length: number; from: number | null; to: number | null }
}

export type SyncEvidence = {
  /** Earliest UTC day over both platforms; period 0 starts here. */
  day0: string
  periodDays: number
  /** G: GitHub's active periods, ascending. */
  github: number[]
  variants: VariantEvidence[]
  /** Union of all V_i, ascending. */
  union: number[]
  /** Periods with at least `variantMinVariants` distinct variants active (the VS rule's count). */
  crowdedPeriods: number[]
  /** The rule that decided each part, as a sentence. */
  rules: { lag: string; type: string; intensity: string }
}

type ResultBase = { family: string; ignoredVariants: string[]; options: SyncOptions }

export type SyncOk = ResultBase & {
  status: 'ok'
  lag: Lag
  type: SyncType
  intensity: Intensity
  code: PatternCode
  pattern: PatternName
  evidence: SyncEvidence
}

/** Same keys as {@link SyncOk} so the CLI can print either; the verdicts are null. */
export type SyncInsufficient = ResultBase & {
  status: 'insufficient-data'
  reason: string
  lag: null
  type: null
  intensity: null
  code: null
  pattern: null
  evidence: null
}

export type SyncResult = SyncOk | SyncInsufficient

// ---------------------------------------------------------------------------------------------
// Detector
// ---------------------------------------------------------------------------------------------

/**
 * Runs the detector on one family. Variants without commits are listed in `ignoredVariants` and
 * take no part; entries sharing a name are one variant (their timestamps are pooled). A family
 * without commits on one of the platforms is `insufficient-data`, never forced into a pattern.
 * @example
 * detectSync({ github: ['2023-01-01T00:00:00Z'], variants: [] }).status // 'insufficient-data'
 */
export function detectSync(family: FamilyTimeline, options: Partial<SyncOptions> = {}): SyncResult {
  const opts = resolveOptions(options)
  const name = family.family ?? ''
  const ghDays = family.github.map(utcDay)
  const variants = pooledVariants(family.variants)
  const active = variants.filter((v) => v.days.length > 0)
  const ignoredVariants = variants.filter((v) => v.days.length === 0).map((v) => v.name)
  const base = { family: name, ignoredVariants, options: opts }

  const reason = missingSide(ghDays.length > 0, active.length > 0, variants.length)
  if (reason) return insufficient(base, reason)

  const day0 = minMax([...ghDays, ...active.flatMap((v) => v.days)].map(dayNumber)).min
  const periodOf = (day: string) => Math.floor((dayNumber(day) - day0) / opts.periodDays)
  const g = new Set(ghDays.map(periodOf))
  const series = active.map((v) => ({ name: v.name, periods: new Set(v.days.map(periodOf)) }))

  const lag = decideLag(g, series)
  const type = decideType(g, series, opts)
  const intensity = decideIntensity(g, series, opts)
  const code = `${type.value}${intensity.value}` as PatternCode
  return {
    ...base,
    status: 'ok',
    lag: lag.value,
    type: type.value,
    intensity: intensity.value,
    code,
    pattern: PATTERN_BY_CODE[code],
    evidence: {
      day0: dayString(day0),
      periodDays: opts.periodDays,
      github: sorted(g),
      variants: series.map((s) => variantEvidence(s, g)),
      union: sorted(unionOf(series)),
      crowdedPeriods: crowdedPeriods(series, opts.variantMinVariants),
      rules: { lag: lag.rule, type: type.rule, intensity: intensity.rule },
    },
  }
}

/**
 * Every threshold with its default filled in; throws a RangeError on a non-positive or
 * non-integer value.
 * @example resolveOptions({ periodDays: 7 }).rareMaxPeriods // 3
 */
export function resolveOptions(options: Partial<SyncOptions>): SyncOptions {
  // Only the known keys: callers may pass a wider options object (e.g. with a window).
  const opts = { ...DEFAULT_SYNC_OPTIONS }
  for (const key of Object.keys(DEFAULT_SYNC_OPTIONS) as (keyof SyncOptions)[]) {
    const value = options[key] ?? DEFAULT_SYNC_OPTIONS[key]
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`sync option ${key} must be a positive integer, got ${value}`)
    }
    opts[key] = value
  }
  return opts
}

type Pooled = { name: string; days: string[] }

function pooledVariants(variants: readonly VariantTimeline[]): Pooled[] {
  const byName = new Map<string, string[]>()
  for (const v of variants) {
    byName.set(v.name, (byName.get(v.name) ?? []).concat(v.timestamps.map(utcDay)))
  }
  return [...byName].map(([name, days]) => ({ name, days }))
}

function missingSide(hasGithub: boolean, hasHf: boolean, variantCount: number): string | null {
  if (!hasGithub && !hasHf) return 'no commits on either platform'
  if (!hasGithub) return 'no GitHub commits'
  if (hasHf) return null
  return variantCount === 0
    ? 'no Hugging Face variants'
    : `no Hugging Face commits in any of its ${variantCount} variant(s)`
}

function insufficient(base: ResultBase, reason: string): SyncInsufficient {
  return {
    ...base,
    status: 'insufficient-data',
    reason,
    lag: null,
    type: null,
    intensity: null,
    code: null,
    pattern: null,
    evidence: null,
  }
}

type Series = { name: string; periods: Set<number> }
type Decision<T> = { value: T; rule: string }

/** Lag looks at period 0 only: day0 is the earliest commit day, so something happens there. */
function decideLag(g: Set<number>, series: readonly Series[]): Decision<Lag> {
  const hfFirst = series.filter((s) => s.periods.has(0)).map((s) => s.name)
  const first = 'In the first period (0)'
  if (g.has(0) && hfFirst.length > 0) {
    const who = `${count(hfFirst, 'variant')} (${list(hfFirst)})`
    return { value: 'no-lag', rule: `${first} GitHub and ${who} are active: no-lag.` }
  }
  if (g.has(0)) {
    return { value: 'upstream-first', rule: `${first} only GitHub is active: upstream-first.` }
  }
  return {
    value: 'downstream-first',
    rule: `${first} only Hugging Face is active (${list(hfFirst)}): downstream-first.`,
  }
}

function decideType(
  g: Set<number>,
  series: readonly Series[],
  opts: SyncOptions,
): Decision<SyncType> {
  const outside = series
    .map((s) => ({ name: s.name, extra: sorted(s.periods).filter((p) => !g.has(p)) }))
    .filter((s) => s.extra.length > 0)
  if (outside.length === 0) {
    const all = count(series, 'variant')
    return { value: 'CS', rule: `Every variant's active periods lie inside GitHub's (${all}): CS.` }
  }
  const out = outside[0]!
  const notCs = `Not CS: ${out.name} is active outside GitHub's periods (${list(out.extra)})`
  const shared = sorted(unionOf(series)).filter((p) => g.has(p))
  if (shared.length > 0) {
    const meets = `the variants' union meets GitHub's periods in ${count(shared, 'period')}`
    return { value: 'PS', rule: `${notCs}; ${meets} (${list(shared)}): PS.` }
  }
  const crowded = crowdedPeriods(series, opts.variantMinVariants)
  const which = crowded.length > 0 ? ` (${list(crowded)})` : ''
  const atLeast = `with at least ${opts.variantMinVariants} variants active`
  const crowd = `${count(crowded, 'period')} ${atLeast}${which}`
  const disjoint = "No variant period overlaps GitHub's"
  if (crowded.length >= opts.variantMinPeriods) {
    const rule = `${disjoint}; ${crowd}, at least ${opts.variantMinPeriods} needed: VS.`
    return { value: 'VS', rule }
  }
  const rule = `${disjoint}, and only ${crowd}, fewer than ${opts.variantMinPeriods}: AS.`
  return { value: 'AS', rule }
}

function decideIntensity(
  g: Set<number>,
  series: readonly Series[],
  opts: SyncOptions,
): Decision<Intensity> {
  const busiest = [...series].sort((a, b) => b.periods.size - a.periods.size)[0]!
  const busy = `${busiest.name} is active in ${count(busiest.periods.size, 'period')}`
  if (busiest.periods.size <= opts.rareMaxPeriods) {
    const most = `at most ${opts.rareMaxPeriods} periods`
    const rule = `Every variant is active in ${most} (most: ${busy}): R.`
    return { value: 'R', rule }
  }
  const runs = series.map((s) => ({
    name: s.name,
    run: longestRun(sorted(s.periods).filter((p) => g.has(p))),
  }))
  const best = [...runs].sort((a, b) => b.run.length - a.run.length)[0]!
  const span = best.run.length > 0 ? ` (${best.run.from}-${best.run.to})` : ''
  const runText =
    'the longest run of consecutive periods co-active with GitHub is ' +
    `${best.run.length}${span}, in ${best.name}`
  if (best.run.length >= opts.frequentRun) {
    return { value: 'F', rule: `Not R: ${busy}; ${runText}, at least ${opts.frequentRun}: F.` }
  }
  return {
    value: 'S',
    rule: `Not R: ${busy}; not F: ${runText}, fewer than ${opts.frequentRun}: S.`,
  }
}

function variantEvidence(s: Series, g: Set<number>): VariantEvidence {
  const overlap = sorted(s.periods).filter((p) => g.has(p))
  return {
    name: s.name,
    periods: sorted(s.periods),
    overlap,
    longestOverlapRun: longestRun(overlap),
  }
}

function crowdedPeriods(series: readonly Series[], minVariants: number): number[] {
  const counts = new Map<number, number>()
  for (const s of series) for (const p of s.periods) counts.set(p, (counts.get(p) ?? 0) + 1)
  return sorted(new Set([...counts].filter(([, n]) => n >= minVariants).map(([p]) => p)))
}

/** Longest run of consecutive integers in an ascending list. */
function longestRun(ascending: readonly number[]): {
  length: number
  from: number | null
  to: number | null
} {
  let best = { length: 0, from: null as number | null, to: null as number | null }
  let start = 0
  for (let i = 0; i < ascending.length; i++) {
    if (i > 0 && ascending[i] !== ascending[i - 1]! + 1) start = i
    const length = i - start + 1
    if (length > best.length) best = { length, from: ascending[start]!, to: ascending[i]! }
  }
  return best
}

function unionOf(series: readonly Series[]): Set<number> {
  return new Set(series.flatMap((s) => [...s.periods]))
}

function sorted(set: Iterable<number>): number[] {
  return [...set].sort((a, b) => a - b)
}

function count(n: number | readonly unknown[], noun: string): string {
  const k = typeof n === 'number' ? n : n.length
  return `${k} ${noun}${k === 1 ? '' : 's'}`
}

/** A readable list, cut after a few items: evidence sentences should stay one line. */
function list(items: readonly (string | number)[], max = 8): string {
  if (items.length <= max) return items.join(', ')
  return `${items.slice(0, max).join(', ')}, ... (${items.length} in all)`
}

// ---------------------------------------------------------------------------------------------
// Windows, pattern evolution, sensitivity
// ---------------------------------------------------------------------------------------------

/** Inclusive UTC-day bounds (`YYYY-MM-DD`); a missing bound is open. */
export type DayWindow = { from?: string; to?: string }

/**
 * The family with only the commits whose UTC day falls inside the window.
 * @example restrictToWindow(fam, { from: '2023-01-01', to: '2023-06-30' })
 */
export function restrictToWindow(family: FamilyTimeline, window: DayWindow): FamilyTimeline {
  const lo = window.from === undefined ? -Infinity : dayNumber(window.from)
  const hi = window.to === undefined ? Infinity : dayNumber(window.to)
  const inside = (ts: string) => {
    const d = dayNumber(utcDay(ts))
    return d >= lo && d <= hi
  }
  return {
    ...family,
    github: family.github.filter(inside),
    variants: family.variants.map((v) => ({
      name: v.name,
      timestamps: v.timestamps.filter(inside),
    })),
  }
}

/**
 * Runs the detector on the commits inside a window only. day0 is recomputed inside the window
 * (the earliest commit day in it), so the window's first period starts at its first commit.
 * @example detectOnWindow(fam, { to: '2023-06-30' }).pattern
 */
export function detectOnWindow(
  family: FamilyTimeline,
  window: DayWindow,
  options: Partial<SyncOptions> = {},
): SyncResult {
  return detectSync(restrictToWindow(family, window), options)
}

export type EarlyLateSplit = {
  firstDay: string
  lastDay: string
  /** Last day of the early half. */
  midpoint: string
  early: { window: DayWindow; family: FamilyTimeline }
  late: { window: DayWindow; family: FamilyTimeline }
}

/**
 * Splits a family's active span (first..last commit day over both platforms) at its midpoint
 * day, `first + floor((last - first) / 2)`: the early half is first..midpoint, the late half the
 * days after it. Null when the family has no commits at all.
 * @example splitEarlyLate(fam)?.midpoint // '2023-04-01' for a 2023-01-01..2023-06-30 span
 */
export function splitEarlyLate(family: FamilyTimeline): EarlyLateSplit | null {
  const stamps = [...family.github, ...family.variants.flatMap((v) => v.timestamps)]
  if (stamps.length === 0) return null
  const { min: first, max: last } = minMax(stamps.map((t) => dayNumber(utcDay(t))))
  const mid = first + Math.floor((last - first) / 2)
  const early = { from: dayString(first), to: dayString(mid) }
  const late = { from: dayString(mid + 1), to: dayString(last) }
  return {
    firstDay: dayString(first),
    lastDay: dayString(last),
    midpoint: dayString(mid),
    early: { window: early, family: restrictToWindow(family, early) },
    late: { window: late, family: restrictToWindow(family, late) },
  }
}

/**
 * Pattern evolution: the detector on the early and the late half of the family's span
 * (see {@link splitEarlyLate}). Null when the family has no commits at all.
 * @example detectEarlyLate(fam)?.late.pattern
 */
export function detectEarlyLate(
  family: FamilyTimeline,
  options: Partial<SyncOptions> = {},
): { split: EarlyLateSplit; early: SyncResult; late: SyncResult } | null {
  const split = splitEarlyLate(family)
  if (!split) return null
  return {
    split,
    early: detectSync(split.early.family, options),
    late: detectSync(split.late.family, options),
  }
}

/**
 * Reruns the detector with other period lengths, everything else as in `options`.
 * @example
 * sensitivity(fam).map((r) => `${r.periodDays}: ${r.result.code}`)
 * // ['7: PSS', '14: PSS', '30: CSS']
 */
export function sensitivity(
  family: FamilyTimeline,
  periodLengths: readonly number[] = [7, 14, 30],
  options: Partial<SyncOptions> = {},
): { periodDays: number; result: SyncResult }[] {
  return periodLengths.map((periodDays) => ({
    periodDays,
    result: detectSync(family, { ...options, periodDays }),
  }))
}
