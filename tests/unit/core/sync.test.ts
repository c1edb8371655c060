/**
 * The synchronization detector (method.md §3) on hand-built timelines that hit every rule and
 * pattern, and on the real commit histories in shared/data/commits.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { FamilyTimeline, SyncOk, SyncResult } from '../../../server/core/sync'
import {
  PATTERN_BY_CODE,
  STUDY_NAME_BY_PATTERN,
  detectEarlyLate,
  detectOnWindow,
  detectSync,
  sensitivity,
  splitEarlyLate,
  utcDay,
} from '../../../server/core/sync'
import { sharedPath } from '../../helpers/shared'

// Hand-built timelines: period p (P = 14) starts 14 p days after 2023-01-01 (a Sunday; nothing
// depends on that). Day 0 must hold a commit on some side so that period 0 starts there.
const DAY0 = Date.UTC(2023, 0, 1)
const at = (period: number, dayInPeriod = 0, periodDays = 14): string =>
  new Date(DAY0 + (period * periodDays + dayInPeriod) * 86_400_000 + 12 * 3_600_000).toISOString()
const periods = (ps: readonly number[]): string[] => ps.map((p) => at(p))
const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)

function family(github: readonly number[], ...variants: (readonly number[])[]): FamilyTimeline {
  return {
    family: 'hand-built',
    github: periods(github),
    variants: variants.map((v, i) => ({ name: `v${i + 1}`, timestamps: periods(v) })),
  }
}

function ok(result: SyncResult): SyncOk {
  if (result.status !== 'ok') throw new Error(`expected ok, got ${result.status}: ${result.reason}`)
  return result
}

describe('the eight patterns', () => {
  const cases: { name: string; fam: FamilyTimeline; code: string; pattern: string }[] = [
    { name: 'CSR Rare', fam: family([0, 1, 2], [0, 2]), code: 'CSR', pattern: 'Rare' },
    {
      name: 'CSS Intermittent',
      fam: family(range(0, 9), [0, 2, 4, 6]),
      code: 'CSS',
      pattern: 'Intermittent',
    },
    {
      name: 'CSF Frequent',
      fam: family(range(0, 9), range(1, 5)),
      code: 'CSF',
      pattern: 'Frequent',
    },
    { name: 'PSR Sparse', fam: family([0, 1], [1, 5]), code: 'PSR', pattern: 'Sparse' },
    {
      name: 'PSS Disperse',
      fam: family(range(0, 3), [0, 1, 2, 3, 10]),
      code: 'PSS',
      pattern: 'Disperse',
    },
    {
      name: 'PSF Dense Partial',
      fam: family(range(0, 5), [0, 1, 2, 3, 4, 9]),
      code: 'PSF',
      pattern: 'Dense Partial',
    },
    { name: 'ASR Rare Disjoint', fam: family([0], [2, 3]), code: 'ASR', pattern: 'Rare Disjoint' },
    {
      name: 'ASS Sporadic Disjoint',
      fam: family([0], [1, 2, 3, 4]),
      code: 'ASS',
      pattern: 'Sporadic Disjoint',
    },
    {
      name: 'VSR Rare Disjoint',
      fam: family([0], [2, 3, 4], [2, 3, 4], [2, 3, 4]),
      code: 'VSR',
      pattern: 'Rare Disjoint',
    },
    {
      name: 'VSS Sporadic Disjoint',
      fam: family([0], [2, 3, 4, 5], [2, 3, 4, 5], [2, 3, 4, 5]),
      code: 'VSS',
      pattern: 'Sporadic Disjoint',
    },
  ]

  for (const c of cases) {
    it(`classifies the ${c.name} timeline as ${c.code}`, () => {
      const r = ok(detectSync(c.fam))
      expect(r.code).toBe(c.code)
      expect(r.pattern).toBe(c.pattern)
      expect(r.type + r.intensity).toBe(c.code)
    })
  }

  it('covers all eight pattern names and nothing else', () => {
    expect(new Set(cases.map((c) => c.pattern)).size).toBe(8)
    expect(new Set(Object.values(PATTERN_BY_CODE))).toEqual(new Set(cases.map((c) => c.pattern)))
  })

  it('has a study name for every pattern, in the replication package spelling', () => {
    expect(STUDY_NAME_BY_PATTERN['Rare Disjoint']).toBe('Rare Disjoing')
    expect(STUDY_NAME_BY_PATTERN.Disperse).toBe('Dispersed Alignment')
    expect(Object.keys(STUDY_NAME_BY_PATTERN)).toHaveLength(8)
  })
})

describe('lag', () => {
  it('is no-lag when GitHub and a variant are active in the first period', () => {
    const r = ok(
      detectSync({ github: [at(0, 3)], variants: [{ name: 'v', timestamps: [at(0, 10)] }] }),
    )
    expect(r.lag).toBe('no-lag')
    expect(r.evidence.rules.lag).toMatch(/no-lag/)
  })

  it('is upstream-first when only GitHub is active in the first period', () => {
    expect(ok(detectSync(family([0, 1], [1]))).lag).toBe('upstream-first')
  })

  it('is downstream-first when only Hugging Face is active in the first period', () => {
    const r = ok(detectSync(family([1, 2], [0, 1])))
    expect(r.lag).toBe('downstream-first')
    expect(r.evidence.rules.lag).toMatch(/only Hugging Face/)
  })

  it('counts periods from the earliest day on either platform', () => {
    const r = ok(
      detectSync({
        github: ['2023-03-10T00:00:00Z'],
        variants: [{ name: 'v', timestamps: ['2023-03-01T00:00:00Z'] }],
      }),
    )
    expect(r.evidence.day0).toBe('2023-03-01')
    // 9 days later is still inside the first 14-day period
    expect(r.evidence.github).toEqual([0])
    expect(r.lag).toBe('no-lag')
  })
})

describe('type: first rule that holds', () => {
  it('says CS, not PS, when every variant lies inside GitHub (both rules hold)', () => {
    const r = ok(detectSync(family([0, 1, 2], [0, 1], [2])))
    expect(r.type).toBe('CS')
    expect(r.evidence.union.some((p) => r.evidence.github.includes(p))).toBe(true)
  })

  it('says CS, not VS, when three crowded periods all lie inside GitHub', () => {
    expect(ok(detectSync(family([0, 1, 2], [0, 1, 2], [0, 1, 2], [0, 1, 2]))).type).toBe('CS')
  })

  it('says PS, not VS, when crowded periods exist but the union meets GitHub', () => {
    const r = ok(detectSync(family([0], [0, 2, 3, 4], [2, 3, 4], [2, 3, 4])))
    expect(r.evidence.crowdedPeriods).toEqual([2, 3, 4])
    expect(r.type).toBe('PS')
  })

  it('needs only one variant outside GitHub to fall from CS to PS', () => {
    expect(ok(detectSync(family([0, 1, 2], [0, 1], [1, 7]))).type).toBe('PS')
  })

  it('says VS with exactly three periods of three variants, AS with two', () => {
    expect(ok(detectSync(family([0], [2, 3, 4], [2, 3, 4], [2, 3, 4]))).type).toBe('VS')
    expect(ok(detectSync(family([0], [2, 3, 4], [2, 3, 4], [2, 3, 9]))).type).toBe('AS')
  })

  it('says AS when three periods have only two variants each', () => {
    const r = ok(detectSync(family([0], [2, 3, 4], [2, 3, 4])))
    expect(r.type).toBe('AS')
    expect(r.evidence.crowdedPeriods).toEqual([])
    expect(r.evidence.rules.type).toMatch(/fewer than 3: AS/)
  })

  it('counts distinct variants: one busy variant does not crowd a period', () => {
    // three commits of one variant in the same periods are still one variant per period
    const fam: FamilyTimeline = {
      github: [at(0)],
      variants: [{ name: 'v', timestamps: [at(2), at(2, 1), at(2, 2), at(3), at(3, 5), at(4)] }],
    }
    expect(ok(detectSync(fam)).type).toBe('AS')
  })
})

describe('intensity: first rule that holds', () => {
  it('says R when every variant has at most 3 periods, S with 4', () => {
    expect(ok(detectSync(family(range(0, 9), [0, 4, 8]))).intensity).toBe('R')
    expect(ok(detectSync(family(range(0, 9), [0, 4, 6, 8]))).intensity).toBe('S')
  })

  it('looks at every variant for R: one busy variant is enough to leave R', () => {
    expect(ok(detectSync(family(range(0, 9), [0], [0, 2, 4, 6]))).intensity).toBe('S')
  })

  it('says F only for a run of 5 consecutive co-active periods, S for a run of 4', () => {
    expect(ok(detectSync(family(range(0, 9), range(2, 6)))).intensity).toBe('F')
    expect(ok(detectSync(family(range(0, 9), [...range(2, 5), 7]))).intensity).toBe('S')
  })

  it('needs the run inside V_i ∩ G: a run of the variant across a GitHub gap is not F', () => {
    const r = ok(detectSync(family([0, 1, 2, 4, 5, 6], range(0, 6))))
    expect(r.evidence.variants[0]!.overlap).toEqual([0, 1, 2, 4, 5, 6])
    expect(r.evidence.variants[0]!.longestOverlapRun.length).toBe(3)
    expect(r.intensity).toBe('S')
  })

  it('does not join runs of different variants', () => {
    const r = ok(detectSync(family(range(0, 5), [0, 1, 2, 10], [3, 4, 5, 11])))
    expect(r.evidence.union).toEqual([...range(0, 5), 10, 11])
    expect(r.code).toBe('PSS')
  })

  it('says R before F when both hold (rare threshold raised to 6)', () => {
    const fam = family(range(0, 9), range(0, 4))
    expect(ok(detectSync(fam)).intensity).toBe('F')
    expect(ok(detectSync(fam, { rareMaxPeriods: 6 })).intensity).toBe('R')
  })

  it('explains the run that made it F', () => {
    const r = ok(detectSync(family(range(0, 9), [1, ...range(3, 8)])))
    expect(r.intensity).toBe('F')
    expect(r.evidence.variants[0]!.longestOverlapRun).toEqual({ length: 6, from: 3, to: 8 })
    expect(r.evidence.rules.intensity).toMatch(/6 \(3-8\).*: F\.$/)
  })
})

describe('timeline', () => {
  it('converts to the UTC calendar day before taking periods', () => {
    expect(utcDay('2023-01-01T23:30:00-05:00')).toBe('2023-01-02')
    expect(utcDay('2023-01-02T01:30:00+05:00')).toBe('2023-01-01')
    expect(utcDay('2024-06-13 08:04:40+00:00')).toBe('2024-06-13')
    expect(utcDay('2023-05-07')).toBe('2023-05-07')
    expect(utcDay('5/12/2024')).toBe('2024-05-12')
  })

  it('moves a late-evening commit west of UTC to the next UTC day and period', () => {
    // 2023-01-14 local is day 13 (period 0); in UTC it is 2023-01-15, day 14, period 1
    const fam: FamilyTimeline = {
      github: ['2023-01-01T12:00:00Z'],
      variants: [{ name: 'v', timestamps: ['2023-01-14T23:30:00-05:00'] }],
    }
    const r = ok(detectSync(fam))
    expect(r.evidence.variants[0]!.periods).toEqual([1])
    expect(r.lag).toBe('upstream-first')
  })

  it('refuses an unreadable timestamp instead of dropping the commit', () => {
    expect(() => detectSync({ github: ['yesterday'], variants: [] })).toThrow(/unreadable/)
  })

  it('keeps sets of periods: many commits in a period count once', () => {
    const fam: FamilyTimeline = {
      github: [at(0), at(0, 1), at(0, 13), at(1)],
      variants: [{ name: 'v', timestamps: [at(1), at(1, 2)] }],
    }
    const r = ok(detectSync(fam))
    expect(r.evidence.github).toEqual([0, 1])
    expect(r.evidence.variants[0]!.periods).toEqual([1])
  })

  it('pools entries that share a variant name', () => {
    const fam: FamilyTimeline = {
      github: [at(0)],
      variants: [
        { name: 'v', timestamps: [at(2)] },
        { name: 'v', timestamps: [at(3)] },
      ],
    }
    expect(ok(detectSync(fam)).evidence.variants).toHaveLength(1)
    expect(ok(detectSync(fam)).evidence.variants[0]!.periods).toEqual([2, 3])
  })
})

describe('period boundaries and midnight UTC', () => {
  const gh = (ts: string[]): FamilyTimeline => ({ github: ts, variants: [{ name: 'v', timestamps: ['2023-01-01T12:00:00Z'] }] })

  it('keeps day 13 in period 0 and puts day 14 in period 1', () => {
    // day0 2023-01-01: day 13 is 2023-01-14, day 14 is 2023-01-15
    expect(ok(detectSync(gh(['2023-01-14T12:00:00Z']))).evidence.github).toEqual([0])
    expect(ok(detectSync(gh(['2023-01-15T12:00:00Z']))).evidence.github).toEqual([1])
    expect(ok(detectSync(gh(['2023-01-14T12:00:00Z']))).lag).toBe('no-lag')
    expect(ok(detectSync(gh(['2023-01-15T12:00:00Z']))).lag).toBe('downstream-first')
  })

  it('moves the boundary with the period length (day 6 vs 7 for P = 7, day 29 vs 30 for P = 30)', () => {
    expect(ok(detectSync(gh(['2023-01-07T00:00:00Z']), { periodDays: 7 })).evidence.github).toEqual([0])
    expect(ok(detectSync(gh(['2023-01-08T00:00:00Z']), { periodDays: 7 })).evidence.github).toEqual([1])
    expect(ok(detectSync(gh(['2023-01-30T23:59:59Z']), { periodDays: 30 })).evidence.github).toEqual([0])
    expect(ok(detectSync(gh(['2023-01-31T00:00:00Z']), { periodDays: 30 })).evidence.github).toEqual([1])
  })

  it('splits the last second before midnight UTC from the first second after it', () => {
    expect(ok(detectSync(gh(['2023-01-14T23:59:59Z']))).evidence.github).toEqual([0])
    expect(ok(detectSync(gh(['2023-01-15T00:00:00Z']))).evidence.github).toEqual([1])
  })

  it('reads the same instant the same way whatever its offset', () => {
    // 2023-01-15T00:30+01:00 is 2023-01-14T23:30Z: still day 13, period 0
    expect(ok(detectSync(gh(['2023-01-15T00:30:00+01:00']))).evidence.github).toEqual([0])
    // 2023-01-14T19:30-05:00 is 2023-01-15T00:30Z: day 14, period 1
    expect(ok(detectSync(gh(['2023-01-14T19:30:00-05:00']))).evidence.github).toEqual([1])
    // an offset can move day0 itself: the variant's 2023-01-01T00:30+02:00 is 2022-12-31 in UTC
    const r = ok(
      detectSync({
        github: ['2023-01-14T12:00:00Z'],
        variants: [{ name: 'v', timestamps: ['2023-01-01T00:30:00+02:00'] }],
      }),
    )
    expect(r.evidence.day0).toBe('2022-12-31')
    expect(r.evidence.github).toEqual([1])
    expect(r.lag).toBe('downstream-first')
  })

  it('accepts a bare UTC day and refuses an impossible one', () => {
    expect(ok(detectSync(gh(['2023-01-15']))).evidence.github).toEqual([1])
    expect(() => detectSync(gh(['2023-02-29']))).toThrow(/unreadable/)
    expect(utcDay('2024-02-29')).toBe('2024-02-29')
  })
})

describe('insufficient data', () => {
  it('reports a family without GitHub commits instead of forcing a pattern', () => {
    const r = detectSync({
      family: 'f',
      github: [],
      variants: [{ name: 'v', timestamps: [at(0)] }],
    })
    expect(r).toMatchObject({ family: 'f', status: 'insufficient-data', pattern: null, code: null })
    expect(r.status === 'insufficient-data' && r.reason).toMatch(/no GitHub commits/)
  })

  it('reports a family whose variants have no commits, listing them as ignored', () => {
    const r = detectSync({
      github: [at(0)],
      variants: [
        { name: 'a', timestamps: [] },
        { name: 'b', timestamps: [] },
      ],
    })
    expect(r.status).toBe('insufficient-data')
    expect(r.status === 'insufficient-data' && r.reason).toMatch(
      /no Hugging Face commits in any of its 2/,
    )
    expect(r.ignoredVariants).toEqual(['a', 'b'])
    expect(r.lag).toBeNull()
  })

  it('reports a family without variants and one without any commit', () => {
    expect(detectSync({ github: [at(0)], variants: [] }).status).toBe('insufficient-data')
    const none = detectSync({ github: [], variants: [] })
    expect(none.status === 'insufficient-data' && none.reason).toMatch(/either platform/)
  })
})

describe('variants without commits', () => {
  it('are listed and do not change the result', () => {
    const base = family([0, 1, 2], [0, 2])
    const withEmpty: FamilyTimeline = {
      ...base,
      variants: [...base.variants, { name: 'empty', timestamps: [] }],
    }
    const a = ok(detectSync(base))
    const b = ok(detectSync(withEmpty))
    expect(b.ignoredVariants).toEqual(['empty'])
    expect(b.code).toBe(a.code)
    expect(b.evidence.variants.map((v) => v.name)).toEqual(['v1'])
  })
})

describe('parameters', () => {
  it('moves the pattern when the period length changes', () => {
    // GH on days 0 and 20, HF on day 10: P=14 -> G={0,1}, V={0}; P=7 -> G={0,2}, V={1}
    const fam: FamilyTimeline = {
      github: [at(0, 0), at(0, 20)],
      variants: [{ name: 'v', timestamps: [at(0, 10)] }],
    }
    expect(ok(detectSync(fam)).code).toBe('CSR')
    const weekly = ok(detectSync(fam, { periodDays: 7 }))
    expect(weekly.code).toBe('ASR')
    expect(weekly.lag).toBe('upstream-first')
    expect(sensitivity(fam, [7, 14]).map((s) => [s.periodDays, s.result.code])).toEqual([
      [7, 'ASR'],
      [14, 'CSR'],
    ])
  })

  it('reruns 7, 14 and 30 days by default in sensitivity', () => {
    const runs = sensitivity(family([0, 1], [1]))
    expect(runs.map((r) => r.periodDays)).toEqual([7, 14, 30])
    expect(runs.map((r) => r.result.options.periodDays)).toEqual([7, 14, 30])
  })

  it('makes F easier with a shorter required run', () => {
    const fam = family(range(0, 3), [0, 1, 2, 3, 10])
    expect(ok(detectSync(fam)).code).toBe('PSS')
    expect(ok(detectSync(fam, { frequentRun: 4 })).code).toBe('PSF')
  })

  it('makes VS easier with fewer variants or periods required', () => {
    const pairs = family([0], [2, 3, 4], [2, 3, 4])
    expect(ok(detectSync(pairs)).type).toBe('AS')
    expect(ok(detectSync(pairs, { variantMinVariants: 2 })).type).toBe('VS')
    const twoCrowded = family([0], [2, 3, 9], [2, 3, 9], [2, 3])
    expect(ok(detectSync(twoCrowded)).type).toBe('AS')
    expect(ok(detectSync(twoCrowded, { variantMinPeriods: 2 })).type).toBe('VS')
  })

  it('rejects thresholds that are not positive integers', () => {
    expect(() => detectSync(family([0], [0]), { periodDays: 0 })).toThrow(RangeError)
    expect(() => detectSync(family([0], [0]), { frequentRun: 2.5 })).toThrow(RangeError)
  })
})

describe('windows and pattern evolution', () => {
  const fam: FamilyTimeline = {
    github: ['2023-01-01T10:00:00Z', '2023-01-16T10:00:00Z', '2023-01-31T10:00:00Z'],
    variants: [{ name: 'v', timestamps: ['2023-01-17T10:00:00Z', '2023-01-30T10:00:00Z'] }],
  }

  it('splits the span at its midpoint day, the midpoint going to the early half', () => {
    const split = splitEarlyLate(fam)!
    expect(split).toMatchObject({
      firstDay: '2023-01-01',
      lastDay: '2023-01-31',
      midpoint: '2023-01-16',
    })
    expect(split.early.family.github).toHaveLength(2)
    expect(split.late.family.github).toEqual(['2023-01-31T10:00:00Z'])
    expect(split.early.family.variants[0]!.timestamps).toEqual([])
    expect(split.late.window).toEqual({ from: '2023-01-17', to: '2023-01-31' })
  })

  it('runs each half on its own day0 and says when a half lacks a platform', () => {
    const { early, late } = detectEarlyLate(fam)!
    expect(early.status).toBe('insufficient-data')
    expect(early.ignoredVariants).toEqual(['v'])
    const l = ok(late)
    expect(l.evidence.day0).toBe('2023-01-17')
    expect(l.lag).toBe('downstream-first')
  })

  it('restricts the detector to a window of days', () => {
    const r = ok(detectOnWindow(fam, { from: '2023-01-16' }))
    expect(r.evidence.day0).toBe('2023-01-16')
    expect(r.evidence.github).toEqual([0, 1])
    expect(r.lag).toBe('no-lag')
  })

  it('returns null for a family without any commit', () => {
    expect(splitEarlyLate({ github: [], variants: [] })).toBeNull()
  })
})

// ---------------------------------------------------------------------------------------------
// Real histories
// ---------------------------------------------------------------------------------------------

type FamilyEntry = { family: string; github: string; huggingface: string[]; mirrored_hf: string[] }

const commitsDir = (...p: string[]) => sharedPath('data', 'commits', ...p)
const entries = JSON.parse(readFileSync(commitsDir('families.json'), 'utf8')) as FamilyEntry[]

function committedAt(platform: 'github' | 'huggingface', repo: string): string[] {
  const text = readFileSync(commitsDir(platform, `${repo.replace('/', '__')}.jsonl`), 'utf8')
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { committed_at: string }).committed_at)
}

function realFamily(e: FamilyEntry): FamilyTimeline {
  return {
    family: e.family,
    github: committedAt('github', e.github),
    // every published id is a variant; those we have no history for come with no timestamps
    variants: e.huggingface.map((name) => ({
      name,
      timestamps: e.mirrored_hf.includes(name) ? committedAt('huggingface', name) : [],
    })),
  }
}

/** Independent of the core's parser: Date reads ISO-8601 offsets, toISOString is UTC. */
const dayIndex = (ts: string) => Math.floor(new Date(ts).getTime() / 86_400_000)

describe('real commit histories (shared/data/commits)', () => {
  const withHf = entries.filter((e) => e.mirrored_hf.length > 0)
  const withoutHf = entries.filter((e) => e.mirrored_hf.length === 0)

  it('has 8 families with a Hugging Face history and 15 without', () => {
    expect(withHf).toHaveLength(8)
    expect(withoutHf).toHaveLength(15)
  })

  for (const e of withHf) {
    it(`detects a pattern for ${e.family} whose evidence matches the raw timestamps`, () => {
      const fam = realFamily(e)
      const r = ok(detectSync(fam))
      expect(r.family).toBe(e.family)
      expect(Object.keys(PATTERN_BY_CODE)).toContain(r.code)
      expect(r.pattern).toBe(PATTERN_BY_CODE[r.code])

      const hf = fam.variants.filter((v) => v.timestamps.length > 0)
      const day0 = Math.min(...[...fam.github, ...hf.flatMap((v) => v.timestamps)].map(dayIndex))
      const periodSet = (ts: readonly string[]) =>
        [...new Set(ts.map((t) => Math.floor((dayIndex(t) - day0) / 14)))].sort((a, b) => a - b)
      expect(r.evidence.day0).toBe(new Date(day0 * 86_400_000).toISOString().slice(0, 10))
      expect(r.evidence.github).toEqual(periodSet(fam.github))
      expect(r.evidence.variants.map((v) => v.name)).toEqual(hf.map((v) => v.name))
      hf.forEach((v, i) => {
        const mine = periodSet(v.timestamps)
        expect(r.evidence.variants[i]!.periods).toEqual(mine)
        expect(r.evidence.variants[i]!.overlap).toEqual(
          mine.filter((p) => r.evidence.github.includes(p)),
        )
      })
      expect(r.ignoredVariants).toEqual(e.huggingface.filter((n) => !e.mirrored_hf.includes(n)))
      // a single mirrored variant can never make three periods with three variants
      expect(r.type).not.toBe('VS')
      // the type verdict agrees with the evidence sets
      const inside = r.evidence.variants.every((v) => v.overlap.length === v.periods.length)
      expect(r.type === 'CS').toBe(inside)
    })
  }

  it('finds the lag the first-commit dates in the data README imply', () => {
    // README tables (UTC): GH first commit vs HF first commit. Same 14-day period -> no-lag.
    const expected: Record<string, string> = {
      bert: 'upstream-first', // GH 2018-10-25, HF 2018-11-14 (20 days later)
      'chinese-bert-wwm': 'upstream-first', // 2019-06-19 vs 2019-12-19
      bart: 'upstream-first', // 2017-09-15 vs 2020-02-21
      'gpt-j': 'upstream-first', // 2021-03-13 vs 2021-08-05
      'minicpm-v': 'upstream-first', // 2024-02-01 vs 2024-04-09
      chatglm3: 'no-lag', // HF 2023-10-25, GH 2023-10-27 (2 days later)
      codegeex2: 'no-lag', // HF 2023-07-19, GH 2023-07-24 (5 days later)
      baichuan2: 'no-lag', // both 2023-09-06
    }
    const found = Object.fromEntries(
      withHf.map((e) => [e.family, ok(detectSync(realFamily(e))).lag]),
    )
    expect(found).toEqual(expected)
  })

  it('reports the families without a Hugging Face history as insufficient-data', () => {
    for (const e of withoutHf) {
      const r = detectSync(realFamily(e))
      expect(r.status, e.family).toBe('insufficient-data')
      expect(r.pattern).toBeNull()
      expect(r.ignoredVariants).toEqual(e.huggingface)
    }
  })
})
