/**
 * @module `/p/:project/analysis`: the project's synchronization analysis. Pattern distribution,
 * pattern x maturity, similarity histogram, change types per platform and gap box plots, each
 * chart with its numbers as a table and a CSV link; the families with their patterns (links to
 * their timelines), sensitivity, tests, exclusions and windows. Settings live in the URL
 * (`?period=&codes=`).
 */
import { A, createAsync, useParams, useSearchParams } from '@solidjs/router'
import { createMemo, createSignal, For, Show, Suspense } from 'solid-js'
import type { JSX } from 'solid-js'
import { analysisReportHref, analysisTableHref, getAnalysis, getSensitivity } from '../api'
import type { AnalysisFamily, AnalysisQuery, AnalysisTable, AnalysisView } from '../api'
import { Chart } from '../components/Chart'
import { DataTable } from '../components/DataTable'
import { ExcludedRepositoryItems } from '../components/ExcludedRepositories'
import { Loading } from '../components/Feedback'
import { formatCount, plural } from '../format'
import { projectPath } from '../paths'
import { analysisQueryOf } from '../preload'
import type { AnalysisSearch } from '../preload'
import {
  changeTypesChart,
  changeTypesHeight,
  gapBoxChart,
  patternByMaturityChart,
  patternDistributionChart,
  similarityHistogramChart,
} from '../../../server/core/charts'
import { formatCell } from '../../../server/core/tables'
import './analysis.css'

export default function AnalysisPage() {
  const params = useParams<{ project: string }>()
  const [search, setSearch] = useSearchParams<AnalysisSearch>()
  const settings = createMemo(() => analysisQueryOf(search), undefined, {
    equals: (a, b) => a.period === b.period && a.codes === b.codes,
  })
  const analysis = createAsync(() => getAnalysis(params.project, settings()))
  return (
    <div class="analysis-page">
      <header class="page-header">
        <h1>Synchronization analysis</h1>
        <p class="description">
          How each family's GitHub repository and Hugging Face variants move together (arXiv 2508.10157): lag, type,
          intensity and pattern per family, then similarity of change types, maturity, gaps and their tests.
        </p>
        <Settings settings={settings()} onChange={(s) => setSearch({ period: s.period ? String(s.period) : undefined, codes: s.codes === 'prelabels' ? 'prelabels' : undefined })} project={params.project} />
      </header>
      <Suspense fallback={<Loading what="the analysis" />}>
        <Show when={analysis()}>{(view) => <AnalysisBody view={view()} project={params.project} settings={settings()} />}</Show>
      </Suspense>
    </div>
  )
}

function Settings(props: { settings: AnalysisQuery; project: string; onChange: (s: AnalysisQuery) => void }) {
  return (
    <div class="analysis-settings">
      <label>
        Period{' '}
        <select
          aria-label="Period length"
          onChange={(e) => props.onChange({ ...props.settings, period: Number(e.currentTarget.value) === 14 ? undefined : Number(e.currentTarget.value) })}
        >
          <For each={[7, 14, 30]}>
            {(p) => (
              <option value={p} selected={(props.settings.period ?? 14) === p}>
                {p} days{p === 14 ? ' (study)' : ''}
              </option>
            )}
          </For>
        </select>
      </label>
      <div class="segmented" role="group" aria-label="Change types from">
        <button type="button" aria-pressed={props.settings.codes !== 'prelabels'} onClick={() => props.onChange({ ...props.settings, codes: undefined })}>
          Final codes
        </button>
        <button
          type="button"
          aria-pressed={props.settings.codes === 'prelabels'}
          title="Fill commits without a final code with their newest machine pre-label (not adjudicated)"
          onClick={() => props.onChange({ ...props.settings, codes: 'prelabels' })}
        >
          + machine pre-labels
        </button>
      </div>
      <a class="button" href={analysisReportHref(props.project, props.settings)} download={`concord-${props.project}-analysis.html`}>
        Download the report (HTML)
      </a>
    </div>
  )
}

function AnalysisBody(props: { view: AnalysisView; project: string; settings: AnalysisQuery }) {
  const table = (name: string) => {
    const t = props.view.tables.find((x) => x.name === name)
    if (!t) throw new Error(`the analysis has no table ${name}`)
    return t
  }
  const csv = (name: string) => analysisTableHref(props.project, name, props.settings)
  const s = () => props.view.summary
  const hasPatterns = () => s().with_pattern > 0
  const coded = () => props.view.codes.final_commits + props.view.codes.prelabel_commits
  const [gapsBy, setGapsBy] = createSignal<'pattern' | 'lag' | 'maturity'>('pattern')
  return (
    <>
      <p class="stats">
        <span>{plural(s().families, 'family', 'families')}</span>
        <span>{formatCount(s().with_pattern)} with a pattern</span>
        <span>{formatCount(s().insufficient_data)} with insufficient data</span>
        <span>{formatCount(s().excluded)} excluded</span>
        <span>
          period {props.view.settings.period_days} days · R ≤ {props.view.settings.rare_max_periods} · F run ≥ {props.view.settings.frequent_run} · VS ≥{' '}
          {props.view.settings.variant_min_periods} periods × {props.view.settings.variant_min_variants} variants
        </span>
      </p>
      <p class="muted small codes-source" classList={{ prelabels: props.view.codes.source === 'prelabels' }}>
        Change types: {props.view.codes.label}.
      </p>
      <Exclusions view={props.view} />

      <Show when={hasPatterns()} fallback={<NoPatterns families={props.view.families} project={props.project} />}>
        <ChartSection
          title="Synchronization patterns"
          table={table('pattern_distribution')}
          csv={csv('pattern_distribution')}
          more={
            <div class="two-tables">
              <DataTable table={table('lag_distribution')} csvHref={csv('lag_distribution')} />
              <DataTable table={table('pattern_by_lag')} csvHref={csv('pattern_by_lag')} />
            </div>
          }
        >
          <Chart option={patternDistributionChart(table('pattern_distribution'))} label="Families per synchronization pattern" />
        </ChartSection>
        <ChartSection title="Pattern x maturity" table={table('pattern_by_maturity')} csv={csv('pattern_by_maturity')}>
          <p class="muted small">
            Maturity: tertiles of the mean variant age, cut at {cutPoints(props.view.tertiles.maturity.cut_points, ' days')} ({props.view.tertiles.maturity.n} families).
          </p>
          <Chart option={patternByMaturityChart(table('pattern_by_maturity_share'))} label="Pattern shares per maturity group" />
        </ChartSection>
      </Show>

      <ChartSection title="Change-type similarity" table={table('similarity_histogram')} csv={csv('similarity_histogram')}>
        <Show when={props.view.tertiles.similarity.n > 0} fallback={<NoCodes view={props.view} project={props.project} />}>
          <p class="muted small">
            Jaccard of the change types on each side; tertiles cut at {cutPoints(props.view.tertiles.similarity.cut_points, '')}, mean{' '}
            {formatCell(props.view.tertiles.similarity.mean)} over {props.view.tertiles.similarity.n} families.
          </p>
          <Chart option={similarityHistogramChart(table('similarity_histogram'))} label="Families per similarity bin" />
        </Show>
      </ChartSection>

      <ChartSection title="Change types per platform" table={table('change_types_by_platform')} csv={csv('change_types_by_platform')}>
        <Show when={coded() > 0 && table('change_types_by_platform').rows.length > 0} fallback={<NoCodes view={props.view} project={props.project} />}>
          <Chart
            option={changeTypesChart(table('change_types_by_platform'))}
            height={changeTypesHeight(table('change_types_by_platform'))}
            label="Share of each change type per platform"
          />
        </Show>
      </ChartSection>

      <Show when={hasPatterns()}>
        <ChartSection title="Cross-platform gaps" table={table(`gaps_by_${gapsBy()}`)} csv={csv(`gaps_by_${gapsBy()}`)}>
          <div class="segmented" role="group" aria-label="Group gaps by">
            <For each={['pattern', 'lag', 'maturity'] as const}>
              {(by) => (
                <button type="button" aria-pressed={gapsBy() === by} onClick={() => setGapsBy(by)}>
                  by {by}
                </button>
              )}
            </For>
          </div>
          <Show when={table('gaps').rows.length > 0} fallback={<p class="empty-state compact">No switch between platforms in any family with a pattern.</p>}>
            <Chart option={gapBoxChart(table(`gaps_by_${gapsBy()}`), gapsBy())} label={`Gap days by ${gapsBy()}`} />
          </Show>
        </ChartSection>
      </Show>

      <section class="panel">
        <h2>Families</h2>
        <FamilyTable families={props.view.families} project={props.project} />
        <p class="small">
          <a href={csv('families')} download="families.csv">families.csv</a> · <a href={csv('pattern_evolution')} download="pattern_evolution.csv">pattern_evolution.csv</a> ·{' '}
          <a href={csv('contributors')} download="contributors.csv">contributors.csv</a> · <a href={csv('similarity')} download="similarity.csv">similarity.csv</a>
        </p>
      </section>

      <Show when={hasPatterns()}>
        <Sensitivity project={props.project} settings={props.settings} />
      </Show>

      <section class="panel">
        <h2>Statistical tests</h2>
        <DataTable table={table('tests')} csvHref={csv('tests')} />
        <For each={props.view.tables.filter((t) => t.name.startsWith('dunn_'))}>{(t) => <DataTable table={t} csvHref={csv(t.name)} />}</For>
      </section>
    </>
  )
}

function cutPoints(points: readonly [number, number] | null, unit: string) {
  return points ? `${formatCell(points[0])}${unit} and ${formatCell(points[1])}${unit}` : '— (no values)'
}

/** A chart with its numbers below (open when there is something to read) and further tables. */
function ChartSection(props: { title: string; table: AnalysisTable; csv: string; children: JSX.Element; more?: JSX.Element }) {
  const hasNumbers = () => props.table.rows.some((r) => r.slice(1).some((c) => typeof c === 'number' && c !== 0))
  return (
    <section class="panel chart-section">
      <h2>{props.title}</h2>
      {props.children}
      <details class="numbers" open={hasNumbers()}>
        <summary>Numbers ({props.table.name}.csv)</summary>
        <DataTable table={props.table} csvHref={props.csv} />
      </details>
      {props.more}
    </section>
  )
}

function Exclusions(props: { view: AnalysisView }) {
  const x = () => props.view.exclusions
  const none = () => x().families.length + x().repositories.length + x().windows.length === 0
  return (
    <section class="notice exclusions" classList={{ 'notice-warn': !none() }} aria-label="Exclusions and observation windows">
      <Show when={!none()} fallback={<span>No exclusions and no observation windows: every family, repository and commit counts.</span>}>
        <div>
          <strong>Exclusions and windows in force</strong>
          <ul>
            <For each={x().families}>{(f) => <li>family {f.family} excluded: {f.reason}</li>}</For>
            <ExcludedRepositoryItems repositories={x().repositories} windows={x().windows} />
          </ul>
        </div>
      </Show>
    </section>
  )
}

function NoPatterns(props: { families: AnalysisFamily[]; project: string }) {
  return (
    <div class="empty-state">
      <h2>No family has commits on both platforms yet</h2>
      <p>
        A pattern needs GitHub commits and Hugging Face commits in the same family. Import the Hugging Face histories of the
        variants (<code>concord import jsonl FILE…</code> or <code>concord import hf OWNER/NAME</code>); until then each family is
        reported as <em>insufficient data</em>, with the reason, in the table below.
      </p>
      <Show when={props.families.length === 0}>
        <p>
          This project has no families. <A href={projectPath(props.project)}>Import families</A> first.
        </p>
      </Show>
    </div>
  )
}

function NoCodes(props: { view: AnalysisView; project: string }) {
  return (
    <div class="empty-state compact">
      <h3>No coded commits yet</h3>
      <p>
        Similarity and change-type distributions use final codes only ({props.view.codes.label}).
        <Show when={props.view.codes.source === 'final'}>
          {' '}
          Adjudicate codes first, or look at the machine pre-labels instead (clearly labelled, not adjudicated) with the
          “+ machine pre-labels” switch above.
        </Show>
      </p>
    </div>
  )
}

function FamilyTable(props: { families: AnalysisFamily[]; project: string }) {
  const href = (family: string) => projectPath(props.project, `/analysis/families/${encodeURIComponent(family)}`)
  return (
    <div class="table-scroll">
      <table class="families-table">
        <thead>
          <tr>
            <th scope="col">family</th>
            <th scope="col">pattern</th>
            <th scope="col">code</th>
            <th scope="col">lag</th>
            <th scope="col" class="num">GitHub commits</th>
            <th scope="col" class="num">HF commits</th>
            <th scope="col" class="num">variants</th>
            <th scope="col" class="num">age (days)</th>
            <th scope="col">maturity</th>
            <th scope="col" class="num">similarity</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.families} fallback={<tr><td colSpan={10} class="muted">No families analysed.</td></tr>}>
            {(f) => (
              <tr classList={{ insufficient: f.status !== 'ok' }}>
                <td>
                  <A href={href(f.family)}>{f.family}</A>
                </td>
                <Show when={f.status === 'ok'} fallback={<td colSpan={3} class="muted">insufficient data: {f.reason}</td>}>
                  <td>{f.pattern}</td>
                  <td>
                    <code>{f.code}</code>
                  </td>
                  <td>{f.lag}</td>
                </Show>
                <td class="num">{formatCount(f.commits.github)}</td>
                <td class="num">{formatCount(f.commits.huggingface)}</td>
                <td class="num">
                  {f.active_variants}/{f.variants}
                </td>
                <td class="num">{formatCell(f.age_days)}</td>
                <td>{f.maturity ?? ''}</td>
                <td class="num">{formatCell(f.similarity)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  )
}

function Sensitivity(props: { project: string; settings: AnalysisQuery }) {
  const data = createAsync(() => getSensitivity(props.project, props.settings))
  return (
    <section class="panel">
      <h2>Sensitivity</h2>
      <p class="muted small">The detector rerun with another period length or one threshold moved a step; which families change pattern.</p>
      <Suspense fallback={<Loading what="the sensitivity reruns" />}>
        <Show when={data()}>
          {(d) => (
            <For each={d().tables}>{(t) => <DataTable table={t} csvHref={analysisTableHref(props.project, t.name, props.settings)} />}</For>
          )}
        </Show>
      </Suspense>
    </section>
  )
}
