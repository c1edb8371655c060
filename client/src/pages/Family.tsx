/**
 * @module `/p/:project/analysis/families/:family`: one family's timeline as swimlanes (GitHub
 * plus one lane per variant, active and co-active periods), its lag, type, intensity and pattern
 * with the rule sentences that decided them, and what else the analysis knows about it
 * (evolution, sensitivity, similarity, contributors, gaps). Names and codes render as text.
 */
import { A, createAsync, useParams, useSearchParams } from '@solidjs/router'
import { createMemo, For, Show, Suspense } from 'solid-js'
import { getFamilyAnalysis } from '../api'
import type { AnalysisQuery, FamilyDetail } from '../api'
import { Chart } from '../components/Chart'
import { DataTable } from '../components/DataTable'
import { ExcludedRepositoryItems } from '../components/ExcludedRepositories'
import { Loading } from '../components/Feedback'
import { PlatformBadge } from '../components/PlatformBadge'
import { formatCount, plural } from '../format'
import { projectPath } from '../paths'
import { analysisQueryOf } from '../preload'
import type { AnalysisSearch } from '../preload'
import { PLATFORM_COLORS, swimlaneChart, swimlaneHeight } from '../../../server/core/charts'
import { formatCell } from '../../../server/core/tables'
import { analysisSearch } from '../api'
import './analysis.css'

export default function FamilyPage() {
  const params = useParams<{ project: string; family: string }>()
  const [search] = useSearchParams<AnalysisSearch>()
  const settings = createMemo(() => analysisQueryOf(search), undefined, {
    equals: (a, b) => a.period === b.period && a.codes === b.codes,
  })
  const detail = createAsync(() => getFamilyAnalysis(params.project, params.family, settings()))
  const back = () => {
    const q = new URLSearchParams(analysisSearch(settings())).toString()
    return projectPath(params.project, `/analysis${q ? `?${q}` : ''}`)
  }
  return (
    <div class="analysis-page family-page">
      <nav class="breadcrumbs" aria-label="Breadcrumbs">
        <A href={back()}>Analysis</A> <span aria-hidden="true">›</span> <span>{params.family}</span>
      </nav>
      <Suspense fallback={<Loading what="the family" />}>
        <Show when={detail()}>{(d) => <FamilyBody detail={d()} project={params.project} settings={settings()} />}</Show>
      </Suspense>
    </div>
  )
}

function FamilyBody(props: { detail: FamilyDetail; project: string; settings: AnalysisQuery }) {
  const f = () => props.detail.family
  const tableHref = (name: string) => {
    const q = new URLSearchParams(analysisSearch(props.settings)).toString()
    return `/api/projects/${encodeURIComponent(props.project)}/analysis/families/${encodeURIComponent(f().family)}/tables/${name}.csv${q ? `?${q}` : ''}`
  }
  const table = (name: string) => props.detail.tables.find((t) => t.name === name)!
  const hasCommits = () => props.detail.swimlanes.day0 !== null
  return (
    <>
      <header class="page-header family-header">
        <h1>{f().family}</h1>
        <Show
          when={f().status === 'ok'}
          fallback={
            <p class="verdict insufficient">
              <strong>Insufficient data</strong>: {f().reason}
            </p>
          }
        >
          <p class="verdict">
            <span class="pattern-name">{f().pattern}</span> <code class="pattern-code">{f().code}</code>
            <span class="verdict-part">lag: {f().lag}</span>
            <span class="verdict-part">type: {f().type}</span>
            <span class="verdict-part">intensity: {f().intensity}</span>
          </p>
        </Show>
        <Show when={f().excluded_reason}>
          {(reason) => (
            <p class="notice notice-warn">
              This family is excluded from the project's analyses ({reason()}); it is shown here analysed on its own.
            </p>
          )}
        </Show>
        <p class="stats">
          <span>{plural(f().commits.github, 'GitHub commit')}</span>
          <span>{plural(f().commits.huggingface, 'Hugging Face commit')}</span>
          <span>
            {f().active_variants} of {plural(f().variants, 'variant')} with commits
          </span>
          <Show when={f().age_days !== null}>
            <span>
              mean variant age {formatCell(f().age_days)} days{f().maturity ? ` (${f().maturity})` : ''}
            </span>
          </Show>
          <span>
            periods of {props.detail.settings.period_days} days{props.detail.swimlanes.day0 ? ` from ${props.detail.swimlanes.day0}` : ''}
          </span>
        </p>
      </header>

      <Show when={props.detail.evidence}>
        {(e) => (
          <section class="panel why">
            <h2>Why</h2>
            <dl class="rules">
              <dt>Lag</dt>
              <dd>{e().rules.lag}</dd>
              <dt>Type</dt>
              <dd>{e().rules.type}</dd>
              <dt>Intensity</dt>
              <dd>{e().rules.intensity}</dd>
            </dl>
          </section>
        )}
      </Show>

      <section class="panel chart-section">
        <h2>Timeline</h2>
        <Show when={hasCommits()} fallback={<p class="empty-state compact">No commits in this family (inside its windows).</p>}>
          <p class="legend small" aria-hidden="true">
            <span class="swatch" style={{ background: PLATFORM_COLORS.github }} /> GitHub active
            <span class="swatch" style={{ background: PLATFORM_COLORS.huggingface }} /> variant active
            <span class="swatch" style={{ background: PLATFORM_COLORS.coActive }} /> co-active (both platforms in the period)
          </p>
          <Chart
            option={swimlaneChart(props.detail.swimlanes, f().family)}
            height={swimlaneHeight(props.detail.swimlanes)}
            label={`Active periods per repository of ${f().family}`}
          />
        </Show>
        <LaneSummary detail={props.detail} />
        <details class="numbers">
          <summary>Numbers</summary>
          <DataTable table={table('lanes')} csvHref={tableHref('lanes')} />
        </details>
      </section>

      <Show when={f().ignored_variants.length + f().excluded_repositories.length + f().windows.length > 0}>
        <section class="panel">
          <h2>Left out</h2>
          <ul>
            <Show when={f().ignored_variants.length > 0}>
              <li>
                Variants without commits, listed and ignored: <span class="names">{f().ignored_variants.join(', ')}</span>
              </li>
            </Show>
            <ExcludedRepositoryItems repositories={f().excluded_repositories} windows={f().windows} />
          </ul>
        </section>
      </Show>

      <div class="two-panels">
        <section class="panel">
          <h2>Evolution</h2>
          <Show when={props.detail.evolution} fallback={<p class="muted">No commits.</p>}>
            {(e) => (
              <table class="plain">
                <tbody>
                  <For each={[['early', e().early], ['late', e().late]] as const}>
                    {([name, half]) => (
                      <tr>
                        <th scope="row">{name} half</th>
                        <td>
                          {half.window.from} to {half.window.to}
                        </td>
                        <td>{half.pattern ? `${half.pattern} (${half.code}, ${half.lag})` : `insufficient data: ${half.reason}`}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            )}
          </Show>
          <h2>Gaps</h2>
          <p>
            {plural(props.detail.gaps.count, 'switch', 'switches')} between platforms ({props.detail.gaps.gh_to_hf} GitHub → Hugging Face,{' '}
            {props.detail.gaps.hf_to_gh} back)
            <Show when={props.detail.gaps.count > 0}>
              ; mean gap {formatCell(props.detail.gaps.days.reduce((a, b) => a + b, 0) / props.detail.gaps.count)} days
            </Show>
            .
          </p>
        </section>
        <section class="panel">
          <h2>Change types</h2>
          <Show when={props.detail.similarity} fallback={<p class="muted">Codes not read.</p>}>
            {(s) => (
              <>
                <p>
                  {formatCount(s().coded.github)} coded GitHub commits, {formatCount(s().coded.huggingface)} coded Hugging Face commits ({props.detail.codes.label}).
                </p>
                <Show when={s().jaccard !== null} fallback={<p class="muted">No similarity: {s().reason}.</p>}>
                  <p>
                    Jaccard similarity <strong>{formatCell(s().jaccard)}</strong>
                    {s().group ? ` (${s().group})` : ''}; shared: {s().shared.join(', ') || 'none'}.
                  </p>
                </Show>
              </>
            )}
          </Show>
          <h2>Contributors</h2>
          <Show when={props.detail.contributors}>
            {(c) => (
              <p>
                {plural(c().github, 'person', 'people')} on GitHub, {plural(c().huggingface, 'person', 'people')} on Hugging Face;{' '}
                {c().shared.length} on both
                <Show when={c().shared.length > 0}>: {c().shared.map((p) => `${p.names.join(' / ')} (by ${p.matchedBy})`).join('; ')}</Show>.
              </p>
            )}
          </Show>
        </section>
      </div>

      <section class="panel">
        <h2>Sensitivity</h2>
        <DataTable table={table('sensitivity')} csvHref={tableHref('sensitivity')} />
      </section>
    </>
  )
}

function LaneSummary(props: { detail: FamilyDetail }) {
  const github = () => new Set(props.detail.evidence?.github ?? [])
  return (
    <table class="lanes">
      <thead>
        <tr>
          <th scope="col">repository</th>
          <th scope="col" class="num">commits</th>
          <th scope="col" class="num">active periods</th>
          <th scope="col" class="num">co-active</th>
          <th scope="col">periods (co-active in bold)</th>
        </tr>
      </thead>
      <tbody>
        <For each={props.detail.swimlanes.lanes}>
          {(lane) => (
            <tr classList={{ muted: lane.commits === 0 }}>
              <td>
                <PlatformBadge platform={lane.platform} /> {lane.name}
              </td>
              <td class="num">{formatCount(lane.commits)}</td>
              <td class="num">{lane.periods.length}</td>
              <td class="num">{lane.periods.filter((p) => p.coActive).length}</td>
              <td class="periods">
                <Show when={lane.periods.length > 0} fallback={<span class="muted">no commits: ignored</span>}>
                  <For each={lane.periods}>
                    {(p, i) => (
                      <>
                        {i() > 0 ? ', ' : ''}
                        <span classList={{ co: p.coActive }} title={`${p.from} to ${p.to}: ${p.commits} commit(s)${lane.platform === 'huggingface' && github().has(p.period) ? ', GitHub active' : ''}`}>
                          {p.period}
                        </span>
                      </>
                    )}
                  </For>
                </Show>
              </td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  )
}
