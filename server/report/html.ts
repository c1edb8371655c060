/**
 * @module The self-contained HTML report of a project's synchronization analysis: charts as
 * inline SVG (rendered on the server), every table, the exclusions and windows, each family's
 * swimlanes with the rules that decided its pattern. No script, no external file: it opens
 * offline and passes a strict CSP. Every piece of data is escaped.
 */
import {
  changeTypesChart,
  changeTypesHeight,
  gapBoxChart,
  patternByMaturityChart,
  patternDistributionChart,
  similarityHistogramChart,
  swimlaneChart,
  swimlaneHeight,
} from '../core/charts'
import type { ChartOption } from '../core/charts'
import type { Swimlanes } from '../core/swimlane'
import { formatCell } from '../core/tables'
import type { Table } from '../core/tables'
import type { ProjectAnalysisView } from '../services/analysis'
import { renderSvg } from './svg'

export type ReportFamily = {
  family: string
  lanes: Swimlanes
  code: string | null
  pattern: string | null
  lag: string | null
  rules: { lag: string; type: string; intensity: string } | null
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

export function tableHtml(table: Table, options: { csvHref?: string } = {}): string {
  const head = table.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')
  const body = table.rows.length
    ? table.rows
        .map((r) => `<tr>${r.map((c) => `<td${typeof c === 'number' ? ' class="num"' : ''}>${escapeHtml(formatCell(c))}</td>`).join('')}</tr>`)
        .join('\n')
    : `<tr><td colspan="${table.columns.length}" class="empty">no rows</td></tr>`
  const csv = options.csvHref ? ` <a href="${escapeHtml(options.csvHref)}">${escapeHtml(table.name)}.csv</a>` : ''
  return `<figure class="table" id="table-${escapeHtml(table.name)}">
<figcaption><strong>${escapeHtml(table.title)}</strong> <span class="muted">(${escapeHtml(table.name)})</span>${csv}<br><span class="muted">${escapeHtml(table.description)}</span></figcaption>
<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table></div></figure>`
}

function chart(option: ChartOption, height = 360, width = 820): string {
  return `<div class="chart">${renderSvg(option, { width, height })}</div>`
}

const empty = (text: string) => `<p class="empty-state">${escapeHtml(text)}</p>`

const tableByName = (view: ProjectAnalysisView, name: string) => {
  const t = view.tables.find((x) => x.name === name)
  if (!t) throw new Error(`the analysis has no table ${name}`)
  return t
}

const numberColumnSum = (table: Table, column: string) => {
  const i = table.columns.indexOf(column)
  return table.rows.reduce((s, r) => s + (typeof r[i] === 'number' ? (r[i] as number) : 0), 0)
}

/**
 * The whole report as one HTML document; `csvHref` links each table to its CSV file (the report
 * folder has them under `tables/`; a lone downloaded report has none).
 * @example renderReportHtml(view, families, { csvHref: (t) => `tables/${t}.csv` })
 */
export function renderReportHtml(
  view: ProjectAnalysisView,
  families: readonly ReportFamily[],
  options: { csvHref?: ((table: string) => string) | undefined } = {},
): string {
  const t = (name: string) => tableByName(view, name)
  const csv = (name: string) => (options.csvHref ? { csvHref: options.csvHref(name) } : {})
  const hasPatterns = view.summary.with_pattern > 0
  const hasCodes = numberColumnSum(t('change_types_by_platform'), 'github') + numberColumnSum(t('change_types_by_platform'), 'huggingface') > 0
  const hasSimilarity = numberColumnSum(t('similarity_histogram'), 'families') > 0
  const hasGaps = t('gaps').rows.length > 0
  const noPatternText =
    'No family has commits on both platforms inside its window, so there is no pattern to chart ' +
    '(a family needs GitHub and Hugging Face commits).'
  const noCodesText =
    `No coded commits (${view.codes.label}): change types and similarity need final codes. ` +
    'Adjudicate codes, or ask for the labelled fallback to machine pre-labels (--codes prelabels).'

  const sections: string[] = []
  sections.push(`<section id="patterns"><h2>Synchronization patterns</h2>
${hasPatterns ? chart(patternDistributionChart(t('pattern_distribution'))) : empty(noPatternText)}
${tableHtml(t('pattern_distribution'), csv('pattern_distribution'))}
${tableHtml(t('code_distribution'), csv('code_distribution'))}
${tableHtml(t('lag_distribution'), csv('lag_distribution'))}
${tableHtml(t('pattern_by_lag'), csv('pattern_by_lag'))}
</section>`)
  sections.push(`<section id="maturity"><h2>Maturity</h2>
<p>Tertile cut points of the mean variant age: ${escapeHtml(cutPoints(view.tertiles.maturity.cut_points, ' days'))} (${view.tertiles.maturity.n} families).</p>
${hasPatterns ? chart(patternByMaturityChart(t('pattern_by_maturity_share'))) : empty(noPatternText)}
${tableHtml(t('pattern_by_maturity'), csv('pattern_by_maturity'))}
${tableHtml(t('pattern_by_maturity_share'), csv('pattern_by_maturity_share'))}
</section>`)
  sections.push(`<section id="similarity"><h2>Change-type similarity</h2>
<p>Codes: ${escapeHtml(view.codes.label)}. Tertile cut points: ${escapeHtml(cutPoints(view.tertiles.similarity.cut_points, ''))}; mean ${escapeHtml(formatCell(view.tertiles.similarity.mean))} over ${view.tertiles.similarity.n} families.</p>
${hasSimilarity ? chart(similarityHistogramChart(t('similarity_histogram'))) : empty(noCodesText)}
${tableHtml(t('similarity_histogram'), csv('similarity_histogram'))}
${tableHtml(t('similarity_by_maturity'), csv('similarity_by_maturity'))}
${tableHtml(t('similarity'), csv('similarity'))}
</section>`)
  sections.push(`<section id="change-types"><h2>Change types per platform</h2>
${hasCodes ? chart(changeTypesChart(t('change_types_by_platform')), changeTypesHeight(t('change_types_by_platform'))) : empty(noCodesText)}
${tableHtml(t('change_types_by_platform'), csv('change_types_by_platform'))}
${tableHtml(t('change_types_by_maturity'), csv('change_types_by_maturity'))}
</section>`)
  const gapCharts = (['pattern', 'lag', 'maturity'] as const)
    .map((by) => `${hasGaps ? chart(gapBoxChart(t(`gaps_by_${by}`), by)) : ''}\n${tableHtml(t(`gaps_by_${by}`), csv(`gaps_by_${by}`))}`)
    .join('\n')
  sections.push(`<section id="gaps"><h2>Cross-platform gaps</h2>
${hasGaps ? '' : empty('No switch between platforms in any family with a pattern.')}
${gapCharts}
</section>`)
  const dunnTables = view.tables.filter((x) => x.name.startsWith('dunn_'))
  sections.push(`<section id="tests"><h2>Statistical tests</h2>
${tableHtml(t('tests'), csv('tests'))}
${dunnTables.map((d) => tableHtml(d, csv(d.name))).join('\n')}
</section>`)
  sections.push(`<section id="families"><h2>Families</h2>
${tableHtml(t('families'), csv('families'))}
${families.length ? families.map(familySection).join('\n') : empty(noPatternText)}
</section>`)
  const shown = new Set([
    'pattern_distribution', 'code_distribution', 'lag_distribution', 'pattern_by_lag', 'pattern_by_maturity',
    'pattern_by_maturity_share', 'similarity_histogram', 'similarity_by_maturity', 'similarity',
    'change_types_by_platform', 'change_types_by_maturity', 'gaps_by_pattern', 'gaps_by_lag', 'gaps_by_maturity',
    'tests', 'families', 'exclusions', 'windows', ...dunnTables.map((d) => d.name),
  ])
  sections.push(`<section id="more"><h2>Other tables</h2>
${view.tables.filter((x) => !shown.has(x.name)).map((x) => tableHtml(x, csv(x.name))).join('\n')}
</section>`)

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`Synchronization report: ${view.project}`)}</title>
<style>${css}</style></head>
<body><main>
<header><h1>Synchronization report: ${escapeHtml(view.project)}</h1>
<p class="muted">Generated by Concord on ${escapeHtml(view.generated_at)}. Method: arXiv 2508.10157 as restated in method.md §3-§7.</p>
<dl class="facts">
<dt>Detector</dt><dd>period ${view.settings.period_days} days; rare &le; ${view.settings.rare_max_periods} periods; frequent run &ge; ${view.settings.frequent_run}; variant-driven &ge; ${view.settings.variant_min_periods} periods with &ge; ${view.settings.variant_min_variants} variants</dd>
<dt>Families</dt><dd>${view.summary.families} in the project, ${view.summary.excluded} excluded, ${view.summary.analysed} analysed: ${view.summary.with_pattern} with a pattern, ${view.summary.insufficient_data} with insufficient data</dd>
<dt>Change types</dt><dd>${escapeHtml(view.codes.label)}; fallback codes left out: ${escapeHtml(view.codes.fallback_codes.join(', ') || 'none')}</dd>
</dl>
<nav><a href="#exclusions">Exclusions</a> <a href="#patterns">Patterns</a> <a href="#maturity">Maturity</a> <a href="#similarity">Similarity</a> <a href="#change-types">Change types</a> <a href="#gaps">Gaps</a> <a href="#tests">Tests</a> <a href="#families">Families</a> <a href="#more">Other tables</a></nav>
</header>
<section id="exclusions"><h2>Exclusions and observation windows</h2>
${exclusionsHtml(view)}
${tableHtml(t('exclusions'), csv('exclusions'))}
${tableHtml(t('windows'), csv('windows'))}
</section>
${sections.join('\n')}
</main></body></html>
`
}

function cutPoints(points: [number, number] | null, unit: string): string {
  return points ? `${formatCell(points[0])}${unit} and ${formatCell(points[1])}${unit}` : 'none (no values)'
}

function exclusionsHtml(view: ProjectAnalysisView): string {
  const x = view.exclusions
  if (!x.families.length && !x.repositories.length && !x.windows.length) {
    return '<p>None: every family and repository is analysed, every commit counts.</p>'
  }
  const items = [
    ...x.families.map((f) => `<li>family <strong>${escapeHtml(f.family)}</strong> excluded: ${escapeHtml(f.reason)}</li>`),
    ...x.repositories.map(
      (r) => `<li>${escapeHtml(r.platform)} repository <strong>${escapeHtml(r.repository)}</strong> excluded: ${escapeHtml(r.reason)}</li>`,
    ),
    ...x.windows.map(
      (w) =>
        `<li>${escapeHtml(w.platform)} repository <strong>${escapeHtml(w.repository)}</strong> observed up to ${escapeHtml(w.observation_end)}: ${w.ignored_commits} later commit(s) ignored</li>`,
    ),
  ]
  return `<ul>${items.join('\n')}</ul>`
}

function familySection(f: ReportFamily): string {
  const rules = f.rules
    ? `<ul class="rules"><li>${escapeHtml(f.rules.lag)}</li><li>${escapeHtml(f.rules.type)}</li><li>${escapeHtml(f.rules.intensity)}</li></ul>`
    : ''
  return `<article class="family" id="family-${escapeHtml(f.family)}">
<h3>${escapeHtml(f.family)}: ${escapeHtml(f.pattern ?? 'insufficient data')} ${f.code ? `(${escapeHtml(f.code)}, ${escapeHtml(f.lag ?? '')})` : ''}</h3>
${chart(swimlaneChart(f.lanes, f.family), swimlaneHeight(f.lanes))}
${rules}
</article>`
}

const css = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;margin:0;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #d8dee4;padding-bottom:4px}
h3{font-size:15px;margin:20px 0 4px}
.muted{color:#59636e}.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}.facts dt{font-weight:600}
nav a{margin-right:10px}
.chart svg{max-width:100%;height:auto}
figure.table{margin:12px 0}figcaption{margin-bottom:4px}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:12px}
th,td{border:1px solid #d8dee4;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f0f2f4}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.empty{color:#59636e;font-style:italic}
.empty-state{padding:12px;background:#fff8e6;border:1px solid #f0d9a0;border-radius:4px}
.rules{margin:4px 0 0;padding-left:18px;color:#30363d}
@media print{body{background:#fff}main{padding:0}}
`
