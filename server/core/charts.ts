/**
 * @module The analysis charts as ECharts options, built from the result tables (and a family's
 * swimlanes). One definition feeds the Analysis and Family pages (rendered in the browser) and
 * the offline HTML report (rendered to SVG on the server). Pure: no I/O, no DOM.
 *
 * @example patternDistributionChart(table).series // [{ type: 'bar', data: [128, 50, ...] }]
 */
import type { CustomSeriesRenderItem, EChartsOption } from 'echarts'
import type { Swimlanes } from './swimlane'
import type { Cell, Table } from './tables'

export type ChartOption = EChartsOption

export const PLATFORM_COLORS = { github: '#3b4451', huggingface: '#f0a020', coActive: '#2e9e6b' } as const
const PATTERN_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f']

/** A table's column as values, by column name. */
export function column(table: Table, name: string): Cell[] {
  const i = table.columns.indexOf(name)
  if (i === -1) throw new Error(`table ${table.name} has no column ${name}`)
  return table.rows.map((r) => r[i] ?? null)
}

const numbers = (cells: Cell[]) => cells.map((c) => (typeof c === 'number' ? c : 0))
const texts = (cells: Cell[]) => cells.map((c) => String(c ?? ''))

// The pages and the report put a heading above each chart, so the chart carries no title of its
// own; the description still reaches screen readers through the aria component.
const base = (title: string): EChartsOption => ({
  animation: false,
  aria: { enabled: true, label: { description: title } },
  textStyle: { fontFamily: 'system-ui, sans-serif' },
  tooltip: { trigger: 'axis', confine: true },
  grid: { left: 8, right: 16, top: 32, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
})

/**
 * Bars of families per pattern (table `pattern_distribution`).
 * @example patternDistributionChart(tables.pattern_distribution)
 */
export function patternDistributionChart(table: Table): EChartsOption {
  return {
    ...base('Families per synchronization pattern'),
    xAxis: { type: 'category', data: texts(column(table, 'pattern')), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: 'value', name: 'families', minInterval: 1 },
    series: [
      {
        type: 'bar',
        name: 'families',
        data: numbers(column(table, 'families')).map((value, i) => ({
          value,
          itemStyle: { color: PATTERN_COLORS[i % PATTERN_COLORS.length] },
        })),
        label: { show: true, position: 'top' },
      },
    ],
  }
}

/**
 * Stacked 100% bars: pattern shares within each maturity group (table `pattern_by_maturity_share`).
 * @example patternByMaturityChart(tables.pattern_by_maturity_share)
 */
export function patternByMaturityChart(table: Table): EChartsOption {
  const groups = table.columns.slice(1)
  return {
    ...base('Pattern shares per maturity group'),
    legend: { type: 'scroll', bottom: 0, itemGap: 18 },
    grid: { left: 8, right: 16, top: 16, bottom: 40, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    xAxis: { type: 'category', data: groups },
    yAxis: { type: 'value', max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
    series: table.rows.map((row, i) => ({
      type: 'bar' as const,
      name: String(row[0]),
      stack: 'share',
      itemStyle: { color: PATTERN_COLORS[i % PATTERN_COLORS.length] },
      data: row.slice(1).map((v) => (typeof v === 'number' ? v : 0)),
    })),
  }
}

/**
 * Families per similarity bin (table `similarity_histogram`).
 * @example similarityHistogramChart(tables.similarity_histogram)
 */
export function similarityHistogramChart(table: Table): EChartsOption {
  return {
    ...base('Change-type similarity (Jaccard) of GitHub vs Hugging Face'),
    xAxis: { type: 'category', data: texts(column(table, 'bin')), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: 'value', name: 'families', minInterval: 1 },
    series: [{ type: 'bar', name: 'families', barCategoryGap: '4%', data: numbers(column(table, 'families')), itemStyle: { color: '#4e79a7' } }],
  }
}

/**
 * Share of each change type per platform, side by side (table `change_types_by_platform`).
 * @example changeTypesChart(tables.change_types_by_platform)
 */
export function changeTypesChart(table: Table): EChartsOption {
  const types = texts(column(table, 'change_type'))
  return {
    ...base('Change types per platform (share of coded commits)'),
    legend: { top: 0, right: 0 },
    grid: { left: 8, right: 24, top: 32, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    xAxis: { type: 'value', axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
    yAxis: { type: 'category', data: types, inverse: true, axisLabel: { interval: 0 } },
    series: [
      { type: 'bar', name: 'GitHub', data: numbers(column(table, 'github_share')), itemStyle: { color: PLATFORM_COLORS.github } },
      {
        type: 'bar',
        name: 'Hugging Face',
        data: numbers(column(table, 'huggingface_share')),
        itemStyle: { color: PLATFORM_COLORS.huggingface },
      },
    ],
  }
}

/**
 * Box plots of gap days per group (tables `gaps_by_pattern`, `gaps_by_lag`, `gaps_by_maturity`):
 * Tukey whiskers, quartiles and median; groups without gaps and the `all` row are left out.
 * @example gapBoxChart(tables.gaps_by_pattern, 'pattern')
 */
export function gapBoxChart(table: Table, by: string): EChartsOption {
  const rows = table.rows.filter((r) => r[0] !== 'all' && typeof r[table.columns.indexOf('transitions')] === 'number' && (r[table.columns.indexOf('transitions')] as number) > 0)
  const at = (r: Cell[], name: string) => Number(r[table.columns.indexOf(name)] ?? 0)
  return {
    ...base(`Cross-platform gap days by ${by}`),
    tooltip: { trigger: 'item', confine: true },
    xAxis: { type: 'category', data: rows.map((r) => String(r[0])), axisLabel: { interval: 0, rotate: rows.length > 4 ? 30 : 0 } },
    yAxis: { type: 'value', name: 'days' },
    series: [
      {
        type: 'boxplot',
        name: 'gap days',
        itemStyle: { color: '#dbe9f6', borderColor: '#2f5d8a' },
        data: rows.map((r) => [at(r, 'lower_whisker'), at(r, 'q1'), at(r, 'median'), at(r, 'q3'), at(r, 'upper_whisker')]),
      },
      {
        type: 'scatter',
        name: 'mean',
        symbol: 'diamond',
        symbolSize: 8,
        itemStyle: { color: '#e15759' },
        data: rows.map((r) => at(r, 'mean')),
      },
    ],
  }
}

const MS_PER_DAY = 86_400_000
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`)

// One rectangle per active period of a lane; drawn from the period's first day to the day after its last.
const renderPeriod: CustomSeriesRenderItem = (_params, api) => {
  const lane = api.value(0)
  const start = api.coord([api.value(1), lane])
  const end = api.coord([api.value(2), lane])
  const height = (api.size?.([0, 1]) as number[])[1]! * 0.62
  return {
    type: 'rect',
    shape: { x: start[0]!, y: start[1]! - height / 2, width: Math.max(end[0]! - start[0]!, 2), height },
    style: api.style(),
  }
}

/**
 * The family's swimlanes: one row per repository (GitHub first), a bar per active period,
 * green where the period is co-active with the other platform.
 * @example swimlaneChart(lanes, 'codegeex2')
 */
export function swimlaneChart(lanes: Swimlanes, family: string): EChartsOption {
  const names = lanes.lanes.map((l) => `${l.platform === 'github' ? 'GH' : 'HF'} ${l.name}${l.commits === 0 ? ' (no commits)' : ''}`)
  const data = lanes.lanes.flatMap((lane, i) =>
    lane.periods.map((p) => ({
      name: `${lane.name}, period ${p.period} (${p.from} to ${p.to}): ${p.commits} commit${p.commits === 1 ? '' : 's'}${p.coActive ? ', co-active' : ''}`,
      value: [i, dayMs(p.from), dayMs(p.to) + MS_PER_DAY, p.commits],
      itemStyle: { color: p.coActive ? PLATFORM_COLORS.coActive : PLATFORM_COLORS[lane.platform] },
    })),
  )
  return {
    ...base(`${family}: active ${lanes.periodDays}-day periods per repository`),
    // Tooltips are HTML: a '{b}' template has ECharts escape the (untrusted) repository names;
    // a function formatter would have to escape them itself.
    tooltip: { trigger: 'item', confine: true, formatter: '{b}' },
    grid: { left: 8, right: 24, top: 12, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    xAxis: { type: 'time', min: lanes.day0 ? dayMs(lanes.day0) : undefined },
    yAxis: { type: 'category', data: names, inverse: true, axisLabel: { width: 220, overflow: 'truncate' } },
    series: [{ type: 'custom', name: 'active periods', renderItem: renderPeriod, encode: { x: [1, 2], y: 0 }, data }],
  }
}

/** Height that fits a swimlane chart's lanes. */
export function swimlaneHeight(lanes: Swimlanes): number {
  return 60 + 30 * Math.max(lanes.lanes.length, 1)
}

/** Height that fits the change-type bars. */
export function changeTypesHeight(table: Table): number {
  return 70 + 30 * Math.max(table.rows.length, 1)
}

