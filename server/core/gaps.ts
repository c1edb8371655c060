/**
 * @module Cross-platform gaps (method.md §4): in one family's merged GH + HF commit sequence,
 * the whole-day gap at every switch of platform, and summary statistics. Pure: no I/O.
 *
 * @example
 * crossPlatformGaps([
 *   { platform: 'github', repo: 'o/r', sha: 'a1', timestamp: '2023-01-01T10:00:00Z' },
 *   { platform: 'huggingface', repo: 'o/m', sha: 'b1', timestamp: '2023-01-05T08:00:00Z' },
 * ]) // [{ direction: 'GH->HF', days: 4, ... }]
 */
import { quantile } from './similarity'
import { dayNumber, utcDay } from './sync'

export type Platform = 'github' | 'huggingface'

export type GapCommit = { platform: Platform; repo: string; sha: string; timestamp: string }

/** A commit placed on the merged timeline: its UTC day instead of the raw timestamp. */
export type DayCommit = { platform: Platform; repo: string; sha: string; day: string }

export type Direction = 'GH->HF' | 'HF->GH'

export type Gap = { from: DayCommit; to: DayCommit; days: number; direction: Direction }

export type GapOptions = {
  /** Commits whose UTC day is in an earlier year are dropped (the study kept years >= 2016). */
  minYear: number
}

export const DEFAULT_GAP_OPTIONS: Readonly<GapOptions> = Object.freeze({ minYear: 2016 })

/**
 * The family's commits as one sequence sorted by (UTC day, platform with github first, repo,
 * sha). Repo and sha compare by code unit, not locale, so the order is the same everywhere.
 * @example mergedTimeline(commits).map((c) => c.day)
 */
export function mergedTimeline(
  commits: readonly GapCommit[],
  options: Partial<GapOptions> = {},
): DayCommit[] {
  const { minYear } = { ...DEFAULT_GAP_OPTIONS, ...options }
  return commits
    .map((c) => ({ platform: c.platform, repo: c.repo, sha: c.sha, day: utcDay(c.timestamp) }))
    .filter((c) => Number(c.day.slice(0, 4)) >= minYear)
    .sort(byTimeline)
}

function byTimeline(a: DayCommit, b: DayCommit): number {
  return (
    dayNumber(a.day) - dayNumber(b.day) ||
    platformRank(a.platform) - platformRank(b.platform) ||
    compareCodeUnits(a.repo, b.repo) ||
    compareCodeUnits(a.sha, b.sha)
  )
}

const platformRank = (p: Platform): number => (p === 'github' ? 0 : 1)

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Every consecutive pair of the merged timeline whose platform differs, with the gap in whole
 * days (later day minus earlier day, so same-day switches are 0) and the direction.
 * @example crossPlatformGaps(commits).filter((g) => g.direction === 'HF->GH').length
 */
export function crossPlatformGaps(
  commits: readonly GapCommit[],
  options: Partial<GapOptions> = {},
): Gap[] {
  const timeline = mergedTimeline(commits, options)
  const gaps: Gap[] = []
  for (let i = 1; i < timeline.length; i++) {
    const from = timeline[i - 1]!
    const to = timeline[i]!
    if (from.platform === to.platform) continue
    gaps.push({
      from,
      to,
      days: dayNumber(to.day) - dayNumber(from.day),
      direction: from.platform === 'github' ? 'GH->HF' : 'HF->GH',
    })
  }
  return gaps
}

export type GapSummary = { count: number; mean: number | null; median: number | null }

/**
 * Count, mean and median of gap lengths (median of an even count = mean of the middle two, as
 * numpy). Mean and median are null for no gaps.
 * @example summarizeGaps([0, 0, 3, 10]) // { count: 4, mean: 3.25, median: 1.5 }
 */
export function summarizeGaps(days: readonly number[]): GapSummary {
  if (days.length === 0) return { count: 0, mean: null, median: null }
  const sortedDays = [...days].sort((a, b) => a - b)
  const mid = Math.floor(sortedDays.length / 2)
  const median =
    sortedDays.length % 2 === 1 ? sortedDays[mid]! : (sortedDays[mid - 1]! + sortedDays[mid]!) / 2
  const mean = sortedDays.reduce((acc, d) => acc + d, 0) / sortedDays.length
  return { count: sortedDays.length, mean, median }
}

/**
 * {@link summarizeGaps} per group, e.g. gap days keyed by lag or by pattern.
 * @example summarizeGroups({ 'no-lag': [0, 2], 'upstream-first': [5] })['no-lag'].mean // 1
 */
export function summarizeGroups(
  groups: Readonly<Record<string, readonly number[]>>,
): Record<string, GapSummary> {
  return Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, summarizeGaps(v)]))
}

export type BoxStats = {
  n: number
  min: number
  q1: number
  median: number
  q3: number
  max: number
  mean: number
  /** Tukey's whiskers: the most extreme values within 1.5 IQR of the quartiles. */
  lowerWhisker: number
  upperWhisker: number
  /** Values beyond the whiskers. */
  outliers: number
}

/**
 * Five-number summary for a box plot, quartiles by linear interpolation (type 7, as numpy),
 * with Tukey's 1.5 IQR whiskers; null for no values.
 * @example boxStats([0, 1, 2, 3, 100]) // { median: 2, q1: 1, q3: 3, upperWhisker: 3, outliers: 1, ... }
 */
export function boxStats(values: readonly number[]): BoxStats | null {
  if (values.length === 0) return null
  const xs = [...values].sort((a, b) => a - b)
  const q1 = quantile(xs, 0.25)
  const q3 = quantile(xs, 0.75)
  const fence = 1.5 * (q3 - q1)
  const inside = xs.filter((v) => v >= q1 - fence && v <= q3 + fence)
  return {
    n: xs.length,
    min: xs[0]!,
    q1,
    median: quantile(xs, 0.5),
    q3,
    max: xs[xs.length - 1]!,
    mean: xs.reduce((s, v) => s + v, 0) / xs.length,
    lowerWhisker: inside[0] ?? q1,
    upperWhisker: inside[inside.length - 1] ?? q3,
    outliers: xs.length - inside.length,
  }
}
