/**
 * Cross-platform gaps (method.md §4): ordering and direction on hand-built sequences, the study's
 * summary statistics from its own `days_difference` column, and structure on real histories.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import type { GapCommit, Platform } from '../../../server/core/gaps'
import {
  crossPlatformGaps,
  mergedTimeline,
  summarizeGaps,
  summarizeGroups,
} from '../../../server/core/gaps'
import { sharedPath } from '../../helpers/shared'

const gh = (sha: string, timestamp: string, repo = 'org/code'): GapCommit => ({
  platform: 'github',
  repo,
  sha,
  timestamp,
})
const hf = (sha: string, timestamp: string, repo = 'org/model'): GapCommit => ({
  platform: 'huggingface',
  repo,
  sha,
  timestamp,
})

describe('mergedTimeline', () => {
  it('sorts by UTC day, then github before huggingface, then repo, then sha', () => {
    const commits = [
      hf('h2', '2023-05-01T01:00:00Z', 'org/b'),
      gh('g9', '2023-05-01T23:59:00Z'),
      hf('h1', '2023-05-01T02:00:00Z', 'org/a'),
      hf('h0', '2023-05-01T03:00:00Z', 'org/b'),
      gh('g1', '2023-04-30T12:00:00Z'),
    ]
    expect(mergedTimeline(commits).map((c) => c.sha)).toEqual(['g1', 'g9', 'h1', 'h0', 'h2'])
  })

  it('ignores the time of day: a morning HF commit follows an evening GH commit', () => {
    const gaps = crossPlatformGaps([
      hf('h', '2023-05-01T00:10:00Z'),
      gh('g', '2023-05-01T23:50:00Z'),
    ])
    expect(gaps).toHaveLength(1)
    expect(gaps[0]).toMatchObject({ direction: 'GH->HF', days: 0 })
  })

  it('places commits on their UTC day, whatever their offset', () => {
    // 2023-05-01 20:00 at -05:00 is 2023-05-02 01:00 UTC
    const timeline = mergedTimeline([gh('g', '2023-05-01T20:00:00-05:00')])
    expect(timeline[0]!.day).toBe('2023-05-02')
  })

  it('drops commits before the minimum year (2016 by default)', () => {
    const commits = [gh('old', '2015-12-31T23:00:00Z'), hf('h', '2016-01-01T00:00:00Z')]
    expect(mergedTimeline(commits).map((c) => c.sha)).toEqual(['h'])
    expect(mergedTimeline(commits, { minYear: 2015 }).map((c) => c.sha)).toEqual(['old', 'h'])
  })

  it('compares repos by code unit, so upper case sorts before lower case', () => {
    const commits = [
      hf('b', '2023-01-01T00:00:00Z', 'abc/x'),
      hf('a', '2023-01-01T00:00:00Z', 'Zed/x'),
    ]
    expect(mergedTimeline(commits).map((c) => c.sha)).toEqual(['a', 'b'])
  })
})

describe('crossPlatformGaps', () => {
  const commits = [
    gh('g1', '2023-01-01T10:00:00Z'),
    gh('g2', '2023-01-03T10:00:00Z'),
    hf('h1', '2023-01-10T10:00:00Z'),
    hf('h2', '2023-01-11T10:00:00Z'),
    gh('g3', '2023-02-10T10:00:00Z'),
    hf('h3', '2023-02-10T11:00:00Z'),
  ]

  it('records only the pairs whose platform differs, in timeline order', () => {
    const gaps = crossPlatformGaps(commits)
    expect(gaps.map((g) => [g.from.sha, g.to.sha])).toEqual([
      ['g2', 'h1'],
      ['h2', 'g3'],
      ['g3', 'h3'],
    ])
  })

  it('gives each gap in whole days with its direction', () => {
    expect(crossPlatformGaps(commits).map((g) => [g.direction, g.days])).toEqual([
      ['GH->HF', 7],
      ['HF->GH', 30],
      ['GH->HF', 0],
    ])
  })

  it('counts calendar days, not 24-hour spans', () => {
    const gaps = crossPlatformGaps([
      gh('g', '2023-01-01T23:59:00Z'),
      hf('h', '2023-01-02T00:01:00Z'),
    ])
    expect(gaps[0]!.days).toBe(1)
  })

  it('gives no gaps for a single platform or an empty family', () => {
    expect(
      crossPlatformGaps([gh('a', '2023-01-01T00:00:00Z'), gh('b', '2023-02-01T00:00:00Z')]),
    ).toEqual([])
    expect(crossPlatformGaps([])).toEqual([])
  })
})

describe('summarizeGaps', () => {
  it('gives count, mean and median (mean of the middle two for an even count)', () => {
    expect(summarizeGaps([10, 0, 3, 0])).toEqual({ count: 4, mean: 3.25, median: 1.5 })
    expect(summarizeGaps([5, 1, 9])).toEqual({ count: 3, mean: 5, median: 5 })
  })

  it('has no mean or median for no gaps', () => {
    expect(summarizeGaps([])).toEqual({ count: 0, mean: null, median: null })
  })
})

// ---------------------------------------------------------------------------------------------
// The study's transitions
// ---------------------------------------------------------------------------------------------

type Row = Record<string, string>
const readCsv = (name: string): Row[] =>
  parse(readFileSync(sharedPath('data', 'paper', name), 'latin1'), { columns: true }) as Row[]

describe("the study's days_difference column (GH_HF_commit_time_differences.csv)", () => {
  const rows = readCsv('GH_HF_commit_time_differences.csv')
  const days = rows.map((r) => Number(r.days_difference))

  it('has 3,863 transitions with mean 14.86 days and median 0', () => {
    const s = summarizeGaps(days)
    expect(s.count).toBe(3863)
    expect(s.mean).toBeCloseTo(14.86, 2)
    expect(s.median).toBe(0)
  })

  it('gives the per-lag means: 15.82 upstream-first, 22.35 downstream-first, 9.32 no-lag', () => {
    const lagged = new Map(
      readCsv('all_auto_and_manual_patterns.csv').map((r) => [r.family!, r.Lagged!]),
    )
    const groups: Record<string, number[]> = {}
    for (const r of rows) (groups[lagged.get(r.family!)!] ??= []).push(Number(r.days_difference))
    const s = summarizeGroups(groups)
    expect(s['Upstream First']!.mean).toBeCloseTo(15.82, 2)
    expect(s['Downstream First']!.mean).toBeCloseTo(22.35, 2)
    expect(s['No Lag']!.mean).toBeCloseTo(9.32, 2)
  })

  it('gives about 127 days for Sporadic Disjoint and about 1 day for Frequent', () => {
    const names = new Map(
      readCsv('all_auto_and_manual_patterns.csv').map((r) => [r.family!, r.names!]),
    )
    const groups: Record<string, number[]> = {}
    for (const r of rows) (groups[names.get(r.family!)!] ??= []).push(Number(r.days_difference))
    const s = summarizeGroups(groups)
    expect(Math.round(s['Sporadic Disjoint']!.mean!)).toBe(127)
    expect(Math.round(s['Frequent Alignment']!.mean!)).toBe(1)
  })
})

// ---------------------------------------------------------------------------------------------
// Real histories
// ---------------------------------------------------------------------------------------------

describe('gaps on a real family (codegeex2)', () => {
  const load = (platform: Platform, repo: string): GapCommit[] =>
    readFileSync(
      sharedPath('data', 'commits', platform, `${repo.replace('/', '__')}.jsonl`),
      'utf8',
    )
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(
        (l) =>
          JSON.parse(l) as { platform: Platform; repo: string; sha: string; committed_at: string },
      )
      .map((c) => ({ platform: c.platform, repo: c.repo, sha: c.sha, timestamp: c.committed_at }))
  const commits = [
    ...load('github', 'THUDM/CodeGeeX2'),
    ...load('huggingface', 'THUDM/codegeex2-6b'),
  ]
  const gaps = crossPlatformGaps(commits)

  it('alternates directions, since each switch leaves the platform the last one entered', () => {
    expect(gaps.length).toBeGreaterThan(1)
    gaps.forEach((g, i) => {
      if (i > 0) expect(g.direction).not.toBe(gaps[i - 1]!.direction)
    })
  })

  it('starts with HF->GH: the HF repo predates the GitHub one (README: 07-19 vs 07-24)', () => {
    expect(gaps[0]!.direction).toBe('HF->GH')
    expect(gaps[0]!.days).toBeGreaterThanOrEqual(0)
  })

  it('has as many gaps as platform changes in the day-sorted sequence, all non-negative', () => {
    const byDay = commits
      .map((c) => ({
        day: new Date(c.timestamp).toISOString().slice(0, 10),
        gh: c.platform === 'github',
      }))
      .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : Number(b.gh) - Number(a.gh)))
    const switches = byDay.filter((c, i) => i > 0 && c.gh !== byDay[i - 1]!.gh).length
    expect(gaps).toHaveLength(switches)
    expect(gaps.every((g) => g.days >= 0)).toBe(true)
  })
})
