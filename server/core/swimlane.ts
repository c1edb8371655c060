/**
 * @module A family's timeline as swimlanes: GitHub plus one lane per variant, each lane's active
 * periods with their commit counts, co-active periods marked. What the Family page and the report
 * draw next to the detector's verdict. Pure: no I/O.
 *
 * @example
 * swimlanes({ family: 'f', github: [{ name: 'o/r', days: [{ day: '2023-01-01', commits: 3 }] }],
 *   variants: [{ name: 'o/m', days: [{ day: '2023-01-05', commits: 1 }] }] }, 14).lanes[1].periods
 * // [{ period: 0, from: '2023-01-01', to: '2023-01-14', commits: 1, coActive: true }]
 */
import type { FamilyInput } from './project-analysis'
import { dayNumber, dayString } from './sync'

export type LanePeriod = {
  period: number
  /** First and last day of the period (UTC). */
  from: string
  to: string
  commits: number
  /** GitHub lane: some variant is active too; variant lane: GitHub is active too. */
  coActive: boolean
}

export type Lane = {
  name: string
  platform: 'github' | 'huggingface'
  commits: number
  periods: LanePeriod[]
}

export type Swimlanes = {
  /** Earliest commit day over both platforms (period 0 starts there); null without commits. */
  day0: string | null
  periodDays: number
  /** Periods from 0 to the last active one. */
  periodCount: number
  lanes: Lane[]
}

/**
 * Lanes of a family: its GitHub repositories first, then its variants with commits in the given
 * order, then those without (they keep an empty lane, so the page can say they were ignored).
 * @example swimlanes(family, 14).periodCount
 */
export function swimlanes(family: FamilyInput, periodDays: number): Swimlanes {
  const all = [...family.github, ...family.variants].flatMap((s) => s.days.map((d) => dayNumber(d.day)))
  if (all.length === 0) {
    const empty = (platform: Lane['platform']) => (s: FamilyInput['github'][number]) => ({
      name: s.name,
      platform,
      commits: 0,
      periods: [],
    })
    return {
      day0: null,
      periodDays,
      periodCount: 0,
      lanes: [...family.github.map(empty('github')), ...family.variants.map(empty('huggingface'))],
    }
  }
  let day0 = Infinity
  for (const d of all) if (d < day0) day0 = d
  const periodOf = (day: string) => Math.floor((dayNumber(day) - day0) / periodDays)
  const counted = (s: FamilyInput['github'][number]) => {
    const byPeriod = new Map<number, number>()
    for (const d of s.days) byPeriod.set(periodOf(d.day), (byPeriod.get(periodOf(d.day)) ?? 0) + d.commits)
    return byPeriod
  }
  const gh = family.github.map((s) => ({ s, byPeriod: counted(s) }))
  const hf = family.variants.map((s) => ({ s, byPeriod: counted(s) }))
  const ghActive = new Set(gh.flatMap((g) => [...g.byPeriod.keys()]))
  const hfActive = new Set(hf.flatMap((v) => [...v.byPeriod.keys()]))
  const lane = (platform: Lane['platform'], other: Set<number>) => (x: (typeof gh)[number]) => ({
    name: x.s.name,
    platform,
    commits: [...x.byPeriod.values()].reduce((a, b) => a + b, 0),
    periods: [...x.byPeriod]
      .sort(([a], [b]) => a - b)
      .map(([period, commits]) => ({
        period,
        from: dayString(day0 + period * periodDays),
        to: dayString(day0 + (period + 1) * periodDays - 1),
        commits,
        coActive: other.has(period),
      })),
  })
  let last = 0
  for (const p of [...ghActive, ...hfActive]) if (p > last) last = p
  return {
    day0: dayString(day0),
    periodDays,
    periodCount: last + 1,
    lanes: [
      ...gh.map(lane('github', hfActive)),
      // Variants with commits first; those without keep an empty lane at the end.
      ...hf.filter((v) => v.byPeriod.size > 0).map(lane('huggingface', ghActive)),
      ...hf.filter((v) => v.byPeriod.size === 0).map(lane('huggingface', ghActive)),
    ],
  }
}
