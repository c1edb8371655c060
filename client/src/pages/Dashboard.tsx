/**
 * @module `/p/:project/rounds/:id`: a round's live agreement — progress per coder, Cohen's kappa
 * per pair (machine raters included when the round chose them), the multi-rater statistics, per
 * code agreement, a confusion matrix and the disagreements. Updates as coders save.
 */
import { A, createAsync, revalidate, useParams } from '@solidjs/router'
import { createMemo, createSignal, For, onCleanup, onMount, Show } from 'solid-js'
import { followRound, getDashboard, getMe, getRounds, revealRound } from '../api'
import type { AgreementView, Dashboard } from '../api'
import { PlatformBadge } from '../components/PlatformBadge'
import { CoderProgress } from '../components/Progress'
import { formatCount } from '../format'
import { commitHref } from '../paths'
import { roleIn } from '../role'
import { roundPath } from './Rounds'
import './coding.css'

const fmt = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? '—' : v.toFixed(digits))
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`)

export default function DashboardPage() {
  const params = useParams<{ project: string; id: string }>()
  const id = () => Number(params.id)
  const me = createAsync(() => getMe())
  const dashboard = createAsync(() => getDashboard(params.project, id()))
  const admin = () => roleIn(me(), params.project) === 'admin'
  const [error, setError] = createSignal<string | null>(null)
  onMount(() => {
    const stop = followRound(params.project, id(), () => void revalidate(getDashboard.keyFor(params.project, id())))
    onCleanup(stop)
  })
  const reveal = async () => {
    if (!confirm('Reveal the round? Coders will see each other’s labels, and their labels become locked.')) return
    try {
      await revealRound(params.project, id())
      await revalidate([getDashboard.keyFor(params.project, id()), getRounds.key])
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    }
  }
  return (
    <div class="dashboard-page">
      <Show when={dashboard()}>
        {(d) => (
          <>
            <header class="page-header row">
              <div>
                <h1>{d().round.name}</h1>
                <p class="muted">
                  {d().round.status === 'open' ? 'Open: coders code blind. Live agreement below.' : 'Revealed: labels are visible and locked.'}{' '}
                  {formatCount(d().round.units)} units · codebook v{d().round.codebookVersion}
                </p>
              </div>
              <div class="header-actions">
                <Show when={admin()}>
                  <A class="button" href={roundPath(params.project, id(), '/adjudicate')}>
                    Adjudicate
                  </A>
                  <Show when={d().round.status === 'open'}>
                    <button type="button" class="button primary" onClick={() => void reveal()}>
                      Reveal round
                    </button>
                  </Show>
                </Show>
              </div>
            </header>
            <Show when={error()}>{(m) => <p class="notice notice-error">{m()}</p>}</Show>
            <section class="panel">
              <h2>Progress</h2>
              <CoderProgress progress={d().round.progress ?? []} />
              <Show when={d().round.finalized !== null}>
                <p class="muted small">{formatCount(d().round.finalized ?? 0)} units have a final code.</p>
              </Show>
            </section>
            <Show when={d().report} fallback={<p class="panel empty">{d().reason}</p>}>
              {(report) => <Agreement report={report()} dashboard={d()} project={params.project} />}
            </Show>
          </>
        )}
      </Show>
    </div>
  )
}

function Agreement(props: { report: AgreementView; dashboard: Dashboard; project: string }) {
  const r = () => props.report
  const [pair, setPair] = createSignal(0)
  const matrix = createMemo(() => r().confusion_matrices[pair()] ?? r().confusion_matrices[0])
  return (
    <>
      <section class="panel agreement-summary">
        <h2>Agreement</h2>
        <div class="stat-tiles">
          <div class="tile">
            <span class="tile-label">percent agreement</span>
            <span class="tile-value">{pct(r().percent_agreement)}</span>
          </div>
          <div class="tile">
            <span class="tile-label">Fleiss' kappa</span>
            <span class="tile-value">{fmt(r().fleiss_kappa)}</span>
          </div>
          <div class="tile">
            <span class="tile-label">Krippendorff's alpha</span>
            <span class="tile-value">{fmt(r().krippendorff_alpha)}</span>
            <Show when={r().krippendorff_alpha_ci95}>{(ci) => <span class="tile-note">95% CI {fmt(ci()[0])} to {fmt(ci()[1])}</span>}</Show>
          </div>
          <div class="tile">
            <span class="tile-label">Gwet's AC1</span>
            <span class="tile-value">{fmt(r().gwet_ac1)}</span>
          </div>
          <div class="tile">
            <span class="tile-label">units rated</span>
            <span class="tile-value">{formatCount(r().units)}</span>
          </div>
        </div>
        <table class="dense pair-table">
          <thead>
            <tr>
              <th>Pair</th>
              <th class="num">Units both rated</th>
              <th class="num">Agreement</th>
              <th class="num">Cohen's kappa</th>
            </tr>
          </thead>
          <tbody>
            <For each={r().pairwise}>
              {(p, i) => (
                <tr classList={{ selected: i() === pair() }} onClick={() => setPair(i())} data-pair={p.coders.join('-')}>
                  <td>{p.coders.join(' – ')}</td>
                  <td class="num">{formatCount(p.n)}</td>
                  <td class="num">{pct(p.percent_agreement)}</td>
                  <td class="num kappa">{fmt(p.cohen_kappa)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <Show when={r().notes.length > 0}>
          <details class="notes">
            <summary class="muted small">{r().notes.length} notes</summary>
            <ul class="small">
              <For each={r().notes}>{(n) => <li>{n}</li>}</For>
            </ul>
          </details>
        </Show>
      </section>
      <div class="dashboard-grid">
        <section class="panel">
          <h2>
            Confusion matrix{' '}
            <select aria-label="Pair" value={String(pair())} onChange={(e) => setPair(Number(e.currentTarget.value))}>
              <For each={r().confusion_matrices}>{(m, i) => <option value={String(i())}>{m.coders.join(' × ')}</option>}</For>
            </select>
          </h2>
          <Show when={matrix()}>
            {(m) => (
              <div class="matrix-wrap">
                <table class="matrix">
                  <thead>
                    <tr>
                      <th class="corner">
                        {m().coders[0]} ↓ · {m().coders[1]} →
                      </th>
                      <For each={m().labels}>{(label) => <th class="col-label"><span>{label}</span></th>}</For>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={m().matrix}>
                      {(row, i) => (
                        <tr>
                          <th class="row-label">{m().labels[i()]}</th>
                          <For each={row}>
                            {(n, j) => (
                              <td classList={{ diagonal: n > 0 && i() === j(), empty: n === 0, off: n > 0 && i() !== j() }} class="num">
                                {n || ''}
                              </td>
                            )}
                          </For>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            )}
          </Show>
        </section>
        <section class="panel">
          <h2>Per code</h2>
          <table class="dense">
            <thead>
              <tr>
                <th>Code</th>
                <th class="num">Share</th>
                <th class="num">Agreement</th>
                <th class="num">Mean kappa</th>
                <th class="num">Alpha</th>
              </tr>
            </thead>
            <tbody>
              <For each={r().per_code}>
                {(c) => (
                  <tr>
                    <td>{c.code}</td>
                    <td class="num">{pct(c.prevalence)}</td>
                    <td class="num">{pct(c.percent_agreement)}</td>
                    <td class="num">{fmt(c.cohen_kappa_mean)}</td>
                    <td class="num">{fmt(c.krippendorff_alpha)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </section>
      </div>
      <section class="panel">
        <h2>
          Disagreements <span class="count">{formatCount(props.dashboard.disagreements.length)}</span>
        </h2>
        <table class="dense disagreements">
          <tbody>
            <For each={props.dashboard.disagreements} fallback={<tr><td class="muted">None: every unit rated by several raters got the same code.</td></tr>}>
              {(d) => (
                <tr>
                  <td>
                    <PlatformBadge platform={d.platform} />
                  </td>
                  <td>
                    <a href={commitHref(props.project, d.commitId)}>{d.subject || '(no message)'}</a>
                    <div class="muted small">{d.repository}</div>
                  </td>
                  <td>
                    <For each={Object.entries(d.codes)}>
                      {([rater, codes]) => (
                        <span class="rater-codes">
                          <span class="muted small">{rater}</span> {codes.join(' + ')}
                        </span>
                      )}
                    </For>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </section>
    </>
  )
}
