/**
 * The project-level analyses on hand-built families: tables, maturity and similarity groups,
 * gaps, sensitivity, evolution, contributors, and the result-table helpers they use.
 */
import { describe, expect, it } from 'vitest'
import { changeTypesChart, gapBoxChart, patternDistributionChart, swimlaneChart } from '../../../server/core/charts'
import { normaliseName, sharedContributors } from '../../../server/core/contributors'
import { boxStats } from '../../../server/core/gaps'
import { analyseProject, defaultScenarios } from '../../../server/core/project-analysis'
import type { DayCount, FamilyInput, ProjectAnalysisOptions } from '../../../server/core/project-analysis'
import { swimlanes } from '../../../server/core/swimlane'
import { crossTab, formatCell, tableToCsv, tableToJson } from '../../../server/core/tables'
import type { Table } from '../../../server/core/tables'
import { renderSvg } from '../../../server/report/svg'

const DAY0 = Date.UTC(2023, 0, 1)
/** `YYYY-MM-DD` of a day index counted from 2023-01-01. */
const d = (n: number) => new Date(DAY0 + n * 86_400_000).toISOString().slice(0, 10)
const days = (...ns: number[]): DayCount[] => ns.map((n) => ({ day: d(n), commits: 1 }))

const options: ProjectAnalysisOptions = {
  sync: {},
  fallbackCodes: ['unclear'],
  codeSource: 'final codes',
  scenarios: defaultScenarios(),
  gapMinYear: 2016,
}

const table = (tables: Table[], name: string) => {
  const t = tables.find((x) => x.name === name)
  if (!t) throw new Error(`no table ${name}`)
  return tableToJson(t).rows
}

// Three families with both sides, one without HF commits.
const rare: FamilyInput = {
  family: 'rare',
  github: [{ name: 'o/rare', days: days(0, 15, 30) }],
  variants: [{ name: 'o/rare-7b', days: days(1) }, { name: 'o/rare-empty', days: [] }],
  codes: {
    github: [
      { commitId: 1, codes: ['model structure'] },
      { commitId: 2, codes: ['external documentation'] },
      { commitId: 3, codes: ['unclear'] },
    ],
    huggingface: [
      { commitId: 4, codes: ['external documentation'] },
      { commitId: 5, codes: ['sharing'] },
    ],
  },
  contributors: {
    github: [{ name: 'Ada Lovelace', emailHash: 'a' }, { name: 'Bob', emailHash: 'b' }],
    huggingface: [{ name: 'ada  lovelace', emailHash: null }, { name: 'system', emailHash: 's' }],
  },
}
const disperse: FamilyInput = {
  family: 'disperse',
  github: [{ name: 'o/disp', days: days(0, 14, 28, 42) }],
  variants: [{ name: 'o/disp-v', days: days(20, 40, 60, 90, 300) }],
  codes: { github: [{ commitId: 10, codes: ['sharing'] }], huggingface: [{ commitId: 11, codes: ['sharing'] }] },
}
const late: FamilyInput = {
  family: 'late',
  github: [{ name: 'o/late', days: days(100) }],
  variants: [{ name: 'o/late-v', days: days(0, 1) }],
  codes: { github: [], huggingface: [{ commitId: 20, codes: ['sharing'] }] },
}
const ghOnly: FamilyInput = {
  family: 'gh-only',
  github: [{ name: 'o/gh', days: days(0, 5) }],
  variants: [{ name: 'o/gh-v', days: [] }],
}

describe('analyseProject', () => {
  const result = analyseProject([rare, disperse, late, ghOnly], options)

  it('detects each family and sorts them by name', () => {
    expect(result.families.map((f) => [f.family, f.sync.code])).toEqual([
      ['disperse', 'PSS'],
      ['gh-only', null],
      ['late', 'ASR'],
      ['rare', 'CSR'],
    ])
  })

  it('counts patterns over the families with a pattern only, with shares', () => {
    const rows = table(result.tables, 'pattern_distribution')
    expect(rows.find((r) => r.pattern === 'Disperse')).toMatchObject({ families: 1, share: 1 / 3 })
    expect(rows.find((r) => r.pattern === 'Rare Disjoint')).toMatchObject({ families: 1, codes: 'ASR VSR' })
    expect(rows.reduce((s, r) => s + (r.families as number), 0)).toBe(3)
  })

  it('crosses pattern and lag', () => {
    const rows = table(result.tables, 'pattern_by_lag')
    expect(rows.find((r) => r.pattern === 'Rare Disjoint')).toMatchObject({ 'downstream-first': 1, total: 1 })
    expect(rows.find((r) => r.pattern === 'Rare')).toMatchObject({ 'no-lag': 1 })
  })

  it('puts families into maturity tertiles by mean variant age', () => {
    // ages: rare 0 (one commit), late 1, disperse 280
    const f = Object.fromEntries(result.families.map((x) => [x.family, x]))
    expect([f.rare!.age, f.late!.age, f.disperse!.age]).toEqual([0, 1, 280])
    expect([f.rare!.maturity, f.late!.maturity, f.disperse!.maturity]).toEqual(['Recent', 'Intermediate', 'Matured'])
    expect(f['gh-only']!.maturity).toBeNull()
    expect(result.maturity.counts).toEqual({ Recent: 1, Intermediate: 1, Matured: 1 })
  })

  it('computes Jaccard from coded commits, leaving the fallback code out, and says why it cannot', () => {
    const f = Object.fromEntries(result.families.map((x) => [x.family, x]))
    // GH {model structure, external documentation}, HF {external documentation, sharing}: 1 / 3
    expect(f.rare!.similarity).toMatchObject({ jaccard: 1 / 3, coded: { github: 3, huggingface: 2 }, shared: ['external documentation'] })
    expect(f.disperse!.similarity!.jaccard).toBe(1)
    expect(f.late!.similarity).toMatchObject({ jaccard: null, reason: 'no coded commit on the GitHub side' })
    expect(result.similarity.n).toBe(2)
    const histogram = table(result.tables, 'similarity_histogram')
    expect(histogram.find((r) => r.bin === '0.3 to 0.4')!.families).toBe(1)
    expect(histogram.find((r) => r.bin === '0.9 to 1.0')!.families).toBe(1)
  })

  it('counts change types per platform once per commit, without fallback-coded commits', () => {
    const rows = table(result.tables, 'change_types_by_platform')
    expect(rows.find((r) => r.change_type === 'sharing')).toMatchObject({ github: 1, huggingface: 3 })
    expect(rows.find((r) => r.change_type === 'unclear')).toBeUndefined()
    expect(rows.reduce((s, r) => s + (r.github as number), 0)).toBe(3)
  })

  it('gives every platform switch as a gap and groups them by lag, pattern and maturity', () => {
    const f = Object.fromEntries(result.families.map((x) => [x.family, x]))
    // rare: GH 0, HF 1, GH 15, GH 30 -> gaps 1 (GH->HF) and 14 (HF->GH)
    expect(f.rare!.gaps).toEqual([
      { days: 1, direction: 'GH->HF' },
      { days: 14, direction: 'HF->GH' },
    ])
    const byLag = table(result.tables, 'gaps_by_lag')
    const all = byLag.find((r) => r.group === 'all')!
    expect(all.transitions).toBe(result.families.reduce((s, x) => s + (x.sync.status === 'ok' ? x.gaps.length : 0), 0))
    expect(byLag.find((r) => r.group === 'no-lag')).toMatchObject({ transitions: 2, mean: 7.5, median: 7.5 })
    const tests = table(result.tables, 'tests')
    expect(tests.find((r) => r.name === 'gaps_by_lag')).toMatchObject({ test: 'kruskal-wallis' })
    expect(result.tables.some((t) => t.name === 'dunn_gaps_by_pattern')).toBe(true)
  })

  it('reports tests it cannot run with the reason instead of failing', () => {
    const tests = table(analyseProject([ghOnly], options).tables, 'tests')
    expect(tests.every((r) => r.p_value === null && typeof r.note === 'string')).toBe(true)
  })

  it('merges contributors by e-mail hash or name and lists those on both sides', () => {
    const rows = table(result.tables, 'contributors')
    expect(rows.find((r) => r.family === 'rare')).toMatchObject({
      github_people: 2,
      huggingface_people: 2,
      shared: 1,
      shared_by_name: 1,
      shared_names: 'Ada Lovelace / ada  lovelace',
    })
  })

  it('reruns the detector for the sensitivity scenarios and lists the families that change', () => {
    const summary = table(result.tables, 'sensitivity_summary')
    expect(summary.map((r) => r.scenario)).toEqual(defaultScenarios().map((s) => s.name))
    expect(summary.find((r) => r.scenario === 'period 14 days')!.changed).toBe(0)
    const changes = table(result.tables, 'sensitivity_changes')
    for (const c of changes) {
      const f = result.families.find((x) => x.family === c.family)!
      expect(f.sensitivity[c.scenario as string]).toBe(c.scenario_code)
      expect(c.scenario_code).not.toBe(f.sync.code)
    }
    // A variant active in 4 periods, all shared with GitHub: CSS, R when 4 periods count as
    // rare, F when a run of 4 is frequent.
    const four: FamilyInput = {
      family: 'four',
      github: [{ name: 'o/four', days: days(0, 14, 28, 42) }],
      variants: [{ name: 'o/four-v', days: days(1, 15, 29, 43) }],
    }
    const f = analyseProject([four], options).families[0]!
    expect(f.sync.code).toBe('CSS')
    expect(f.sensitivity).toMatchObject({ 'rare <= 4 periods': 'CSR', 'frequent run >= 4': 'CSF', 'rare <= 2 periods': 'CSS' })
  })

  it('runs the detector on the early and late halves', () => {
    const e = result.families.find((x) => x.family === 'disperse')!.evolution!
    expect(e.midpoint).toBe(d(150))
    expect(e.early.window).toEqual({ from: d(0), to: d(150) })
    expect(e.late.status).toBe('insufficient-data')
    expect(table(result.tables, 'pattern_transitions').find((r) => r.early_pattern === 'Disperse')!['insufficient-data']).toBe(1)
  })
})

describe('defaultScenarios', () => {
  it('steps each threshold around the settings in force and never below 1', () => {
    const names = defaultScenarios({ rareMaxPeriods: 1, periodDays: 10 }, [10, 20]).map((s) => s.name)
    expect(names).toContain('period 20 days')
    expect(names).toContain('rare <= 2 periods')
    expect(names).not.toContain('rare <= 0 periods')
  })
})

describe('swimlanes', () => {
  it('gives each lane its periods with commit counts and marks co-active ones, active variants first', () => {
    const lanes = swimlanes(
      {
        family: 'f',
        github: [{ name: 'o/r', days: [{ day: d(0), commits: 2 }, { day: d(13), commits: 1 }, { day: d(30), commits: 1 }] }],
        variants: [{ name: 'o/empty', days: [] }, { name: 'o/m', days: [{ day: d(14), commits: 4 }, { day: d(2), commits: 1 }] }],
      },
      14,
    )
    expect(lanes.day0).toBe(d(0))
    expect(lanes.periodCount).toBe(3)
    expect(lanes.lanes.map((l) => l.name)).toEqual(['o/r', 'o/m', 'o/empty'])
    expect(lanes.lanes[0]!.periods).toEqual([
      { period: 0, from: d(0), to: d(13), commits: 3, coActive: true },
      { period: 2, from: d(28), to: d(41), commits: 1, coActive: false },
    ])
    expect(lanes.lanes[1]!.periods.map((p) => [p.period, p.commits, p.coActive])).toEqual([
      [0, 1, true],
      [1, 4, false],
    ])
    expect(lanes.lanes[2]!.periods).toEqual([])
  })
})

describe('result tables', () => {
  const t: Table = { name: 't', title: 'T', description: '', columns: ['a', 'b'], rows: [[1.5, 'x,"y"'], [null, 'line\nbreak']] }

  it('writes RFC 4180 CSV with quoting and empty cells for null', () => {
    expect(tableToCsv(t)).toBe('a,b\n1.5,"x,""y"""\n,"line\nbreak"\n')
  })

  it('cross-tabulates in the given order and appends unknown labels', () => {
    const tab = crossTab([{ row: 'z', column: 'x' }, { row: 'a', column: 'y' }], ['a', 'b'], ['x'])
    expect(tab).toEqual({ rows: ['a', 'b', 'z'], columns: ['x', 'y'], counts: [[0, 1], [0, 0], [1, 0]] })
  })

  it('formats cells for reading', () => {
    expect([formatCell(3), formatCell(0.123456), formatCell(1.2e-67), formatCell(null), formatCell(true)]).toEqual([
      '3',
      '0.1235',
      '1.20e-67',
      '',
      'true',
    ])
  })

  it('summarises a box plot with type-7 quartiles and Tukey whiskers', () => {
    expect(boxStats([0, 1, 2, 3, 100])).toMatchObject({ q1: 1, median: 2, q3: 3, upperWhisker: 3, outliers: 1, max: 100 })
    expect(boxStats([])).toBeNull()
  })

  it('normalises names for matching', () => {
    expect(normaliseName('  Ada   LOVELACE ')).toBe('ada lovelace')
    expect(sharedContributors([{ name: '', emailHash: null }], [{ name: '', emailHash: null }]).shared).toEqual([])
  })
})

describe('charts', () => {
  const result = analyseProject([rare, disperse, late], options)
  const t = (name: string) => result.tables.find((x) => x.name === name)!

  it('draws the tables as SVG on the server, escaping names', () => {
    const svg = renderSvg(patternDistributionChart(t('pattern_distribution')), { width: 600, height: 300 })
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).not.toContain('<script')
    expect(svg).toContain('Disperse')
    const lanes = swimlanes({ ...rare, family: '<b>x</b>' }, 14)
    const lanesSvg = renderSvg(swimlaneChart(lanes, '<b>x</b>'), { width: 600, height: 200 })
    expect(lanesSvg).not.toContain('<b>x</b>')
  })

  it('plots one box per group with gaps and the change-type shares per platform', () => {
    const boxes = gapBoxChart(t('gaps_by_pattern'), 'pattern')
    const series = boxes.series as { type: string; data: unknown[] }[]
    const groups = table(result.tables, 'gaps_by_pattern').filter((r) => r.group !== 'all' && (r.transitions as number) > 0)
    expect(series[0]!.data).toHaveLength(groups.length)
    const bars = changeTypesChart(t('change_types_by_platform')).series as { data: number[] }[]
    expect(bars[0]!.data.reduce((a, b) => a + b, 0)).toBeCloseTo(1)
  })
})
