/**
 * @module `/p/:project/labeling`: machine pre-labels. Start a run (rules, classifier or an LLM)
 * after a dry-run estimate, follow it live (the job's server-sent events), cancel it; the runs
 * with their tokens and cost; and how well a labeler matches a coder or the final codes.
 * Rationales and codes are rendered as text only.
 */
import { createAsync, revalidate, useParams } from '@solidjs/router'
import {
  createEffect,
  createMemo,
  createSignal,
  For,
  Match,
  on,
  Show,
  Suspense,
  Switch,
} from 'solid-js'
import {
  estimateLabeling,
  getEvaluation,
  getLabeling,
  getLabelingRuns,
  platforms,
  startLabelingRun,
} from '../api'
import type {
  Evaluation,
  JobView,
  LabelingOverview,
  LabelingRun,
  LabelPlan,
  LabelRunBody,
  Platform,
} from '../api'
import { ErrorNotice, Loading } from '../components/Feedback'
import { isFinished, JobProgress } from '../components/JobProgress'
import { formatCount, formatTimestamp, platformNames } from '../format'
import './labeling.css'

type LabelerName = LabelRunBody['labeler']

const finished = (status: string) =>
  status === 'done' || status === 'failed' || status === 'cancelled'

const usd = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `$${v < 0.01 && v > 0 ? v.toFixed(4) : v.toFixed(2)}`
const score = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(3))

export default function LabelingPage() {
  const params = useParams<{ project: string }>()
  const overview = createAsync(() => getLabeling(params.project))
  const runs = createAsync(() => getLabelingRuns(params.project))
  /** The job followed live: its id, and its state as last seen (null until the first event). */
  const [followed, setFollowed] = createSignal<{ id: number; initial?: JobView | undefined }>()
  const [job, setJob] = createSignal<JobView>()
  const busy = () => Boolean(followed() && !(job() && isFinished(job()!)))
  let refreshed = 0

  const refresh = () =>
    revalidate([
      getLabelingRuns.keyFor(params.project),
      getLabeling.keyFor(params.project),
      getEvaluation.key,
    ])

  const follow = (id: number, initial?: JobView) => {
    setJob(initial)
    setFollowed({ id, initial })
    void revalidate(getLabelingRuns.keyFor(params.project))
  }
  const onUpdate = (update: JobView) => {
    setJob(update)
    if (!isFinished(update) && Date.now() - refreshed > 3000) {
      // The runs table shows the running run's tokens and cost: refresh it now and then.
      refreshed = Date.now()
      void revalidate(getLabelingRuns.keyFor(params.project))
    }
  }

  // A run already going (started here, elsewhere, or by the CLI) is followed on arrival.
  createEffect(
    on(runs, (list) => {
      const running = list?.find((r) => r.status === 'running' && r.job && !finished(r.job.status))
      if (running?.job && followed()?.id !== running.job.id && !busy()) follow(running.job.id)
    }),
  )

  return (
    <div class="labeling-page">
      <header class="page-header">
        <h1>Pre-labeling</h1>
        <p class="description">
          Machine labels for every commit, from offline rules, a classifier trained on the final
          codes, or an LLM. Each label records its source, and coders see it as a suggestion.
        </p>
      </header>
      <Suspense fallback={<Loading what="the labelers" />}>
        <Show when={overview()}>
          {(o) => (
            <>
              <RunLauncher
                project={params.project}
                overview={o()}
                busy={busy()}
                onStarted={(j) => follow(j.id, j)}
              />
              <Show when={followed()}>
                {(f) => (
                  <JobProgress
                    project={params.project}
                    jobId={f().id}
                    initial={f().initial}
                    title="Labeling run"
                    onUpdate={onUpdate}
                    onFinished={() => void refresh()}
                  />
                )}
              </Show>
              <section class="panel">
                <h2>
                  Runs <span class="count">{formatCount(runs()?.length ?? 0)}</span>
                </h2>
                <RunsTable runs={runs() ?? []} />
              </section>
              <EvaluationPanel project={params.project} overview={o()} />
            </>
          )}
        </Show>
      </Suspense>
    </div>
  )
}

function RunLauncher(props: {
  project: string
  overview: LabelingOverview
  busy: boolean
  onStarted: (job: JobView) => void
}) {
  const labelers = () => props.overview.labelers
  const [labeler, setLabeler] = createSignal<LabelerName>('rules')
  const [limit, setLimit] = createSignal('')
  const [concurrency, setConcurrency] = createSignal('')
  const [budget, setBudget] = createSignal('')
  const [plan, setPlan] = createSignal<LabelPlan>()
  const [error, setError] = createSignal<unknown>()
  const [pending, setPending] = createSignal(false)

  const options = (): {
    name: LabelerName
    label: string
    available: boolean
    reason: string | null
  }[] => [
    { name: 'rules', label: 'Rules (offline)', available: true, reason: null },
    { name: 'classifier', label: 'Classifier (final codes)', ...labelers().classifier },
    {
      name: 'llm',
      label: labelers().llm.model ? `LLM · ${labelers().llm.model}` : 'LLM',
      available: labelers().llm.available,
      reason: labelers().llm.reason,
    },
  ]
  const chosen = () => options().find((o) => o.name === labeler())!
  const body = (): LabelRunBody => {
    const n = (text: string) =>
      /^\d+$/.test(text.trim()) && Number(text) > 0 ? Number(text) : undefined
    const usdValue = Number(budget())
    return {
      labeler: labeler(),
      ...(n(limit()) ? { limit: n(limit()) } : {}),
      ...(labeler() === 'llm' && n(concurrency()) ? { concurrency: n(concurrency()) } : {}),
      ...(labeler() === 'llm' && budget().trim() && usdValue > 0 ? { budgetUsd: usdValue } : {}),
    }
  }
  // A new choice invalidates the estimate.
  createEffect(on([labeler, limit], () => setPlan(undefined), { defer: true }))

  const run = async (what: 'estimate' | 'start') => {
    setPending(true)
    setError(undefined)
    try {
      if (what === 'estimate') setPlan(await estimateLabeling(props.project, body()))
      else {
        const started = await startLabelingRun(props.project, body())
        setPlan(undefined)
        props.onStarted(started.job)
      }
    } catch (e) {
      setError(e)
    } finally {
      setPending(false)
    }
  }

  return (
    <section class="panel launcher">
      <h2>Start a run</h2>
      <div class="segmented labeler-choice" role="group" aria-label="Labeler">
        <For each={options()}>
          {(o) => (
            <button
              type="button"
              aria-pressed={labeler() === o.name}
              disabled={!o.available}
              title={o.reason ?? ''}
              onClick={() => setLabeler(o.name)}
            >
              {o.label}
            </button>
          )}
        </For>
      </div>
      <Show when={options().some((o) => !o.available) && options().filter((o) => !o.available)}>
        {(off) => (
          <ul class="unavailable">
            <For each={off()}>
              {(o) => (
                <li>
                  <strong>{o.label}</strong>: {o.reason}
                </li>
              )}
            </For>
          </ul>
        )}
      </Show>
      <div class="launch-fields">
        <label>
          Limit{' '}
          <input
            type="text"
            inputmode="numeric"
            placeholder="all"
            value={limit()}
            onInput={(e) => setLimit(e.currentTarget.value)}
          />
        </label>
        <Show when={labeler() === 'llm'}>
          <label>
            Concurrency{' '}
            <input
              type="text"
              inputmode="numeric"
              placeholder={String(labelers().llm.concurrency ?? 4)}
              value={concurrency()}
              onInput={(e) => setConcurrency(e.currentTarget.value)}
            />
          </label>
          <label>
            Budget (USD){' '}
            <input
              type="text"
              inputmode="decimal"
              placeholder={labelers().llm.budgetUsd ? String(labelers().llm.budgetUsd) : 'none'}
              value={budget()}
              disabled={!labelers().llm.pricesConfigured}
              title={
                labelers().llm.pricesConfigured
                  ? ''
                  : 'Set CONCORD_LLM_INPUT_USD_PER_MTOK and CONCORD_LLM_OUTPUT_USD_PER_MTOK'
              }
              onInput={(e) => setBudget(e.currentTarget.value)}
            />
          </label>
        </Show>
        <button
          type="button"
          class="button"
          disabled={pending() || !chosen().available}
          onClick={() => run('estimate')}
        >
          Estimate
        </button>
        <button
          type="button"
          class="button primary"
          disabled={pending() || props.busy || !chosen().available}
          onClick={() => run('start')}
        >
          Start run
        </button>
      </div>
      <Show when={plan()}>{(p) => <PlanSummary plan={p()} />}</Show>
      <Show when={error()}>{(e) => <ErrorNotice error={e()} />}</Show>
    </section>
  )
}

function PlanSummary(props: { plan: LabelPlan }) {
  const p = () => props.plan
  return (
    <dl class="plan" aria-label="Dry-run estimate">
      <div>
        <dt>Commits to label</dt>
        <dd>{formatCount(p().units)}</dd>
      </div>
      <Show when={p().labeler === 'llm'}>
        <div>
          <dt>From the cache</dt>
          <dd>{formatCount(p().cached)}</dd>
        </div>
        <div>
          <dt>Requests</dt>
          <dd>{formatCount(p().to_send)}</dd>
        </div>
        <div>
          <dt>Est. tokens</dt>
          <dd>{formatCount(p().estimated_prompt_tokens + p().estimated_completion_tokens)}</dd>
        </div>
        <div>
          <dt>Est. cost</dt>
          <dd title={p().estimated_cost_usd === null ? 'No prices configured' : ''}>
            {usd(p().estimated_cost_usd)}
          </dd>
        </div>
        <div>
          <dt>Prompt version</dt>
          <dd>
            <code>{p().prompt_version}</code>
          </dd>
        </div>
      </Show>
      <div>
        <dt>Rater</dt>
        <dd>{p().rater}</dd>
      </div>
    </dl>
  )
}

function RunsTable(props: { runs: LabelingRun[] }) {
  return (
    <Show when={props.runs.length > 0} fallback={<p class="empty">No run yet: start one above.</p>}>
      <table class="dense runs-table">
        <thead>
          <tr>
            <th class="num">Run</th>
            <th>Labeler</th>
            <th>Model · prompt</th>
            <th>Status</th>
            <th class="num">Labeled</th>
            <th class="num">Failed</th>
            <th class="num">Requests</th>
            <th class="num">Cached</th>
            <th class="num">Tokens</th>
            <th class="num">Cost</th>
            <th>Started</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.runs}>
            {(run) => (
              <tr>
                <td class="num">{run.id}</td>
                <td>
                  <span class={`source source-${run.labeler}`}>{run.labeler}</span>
                </td>
                <td class="model">
                  <Show when={run.model} fallback={<span class="muted">—</span>}>
                    {run.model}
                  </Show>
                  <Show when={run.promptVersion}>
                    {(v) => (
                      <>
                        {' · '}
                        <code title="Prompt version (content hash of the templates)">{v()}</code>
                      </>
                    )}
                  </Show>
                </td>
                <td>
                  <span class={`job-status job-status-${run.status}`} title={run.error ?? ''}>
                    {run.status}
                  </span>
                </td>
                <td class="num">{formatCount(run.labeled)}</td>
                <td class="num">{formatCount(run.failed)}</td>
                <td class="num">{formatCount(run.requests)}</td>
                <td class="num">{formatCount(run.cached)}</td>
                <td class="num">{formatCount(run.promptTokens + run.completionTokens)}</td>
                <td class="num">{run.labeler === 'llm' ? usd(run.costUsd) : '—'}</td>
                <td class="when">{formatTimestamp(run.startedAt ?? run.createdAt)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </Show>
  )
}

function EvaluationPanel(props: { project: string; overview: LabelingOverview }) {
  const machines = createMemo(() =>
    props.overview.raters.filter((r) => r.kind === 'machine').map((r) => r.name),
  )
  const references = createMemo(() => [
    ...(props.overview.finalCodes > 0 ? ['final'] : []),
    ...props.overview.raters.filter((r) => r.kind === 'human').map((r) => r.name),
  ])
  const [labeler, setLabeler] = createSignal<string>()
  const [against, setAgainst] = createSignal<string>()
  const [platform, setPlatform] = createSignal<Platform>()
  const chosenLabeler = () => labeler() ?? (machines().includes('rules') ? 'rules' : machines()[0])
  const chosenAgainst = () => against() ?? references()[0]
  const evaluation = createAsync(async () => {
    const l = chosenLabeler()
    const a = chosenAgainst()
    return l && a
      ? getEvaluation(props.project, { labeler: l, against: a, platform: platform() })
      : undefined
  })
  return (
    <section class="panel evaluation">
      <h2>Evaluation</h2>
      <Show
        when={machines().length > 0 && references().length > 0}
        fallback={
          <p class="empty">
            Evaluation needs machine labels and a coder's labels or final codes in this project.
          </p>
        }
      >
        <div class="eval-choice">
          <label>
            Labeler{' '}
            <select
              aria-label="Labeler to evaluate"
              onChange={(e) => setLabeler(e.currentTarget.value)}
            >
              <For each={machines()}>
                {(name) => (
                  <option value={name} selected={name === chosenLabeler()}>
                    {name}
                  </option>
                )}
              </For>
            </select>
          </label>
          <label>
            against{' '}
            <select aria-label="Reference" onChange={(e) => setAgainst(e.currentTarget.value)}>
              <For each={references()}>
                {(name) => (
                  <option value={name} selected={name === chosenAgainst()}>
                    {name === 'final' ? 'final codes' : name}
                  </option>
                )}
              </For>
            </select>
          </label>
          <label>
            on{' '}
            <select
              aria-label="Platform"
              onChange={(e) => setPlatform(platforms.find((p) => p === e.currentTarget.value))}
            >
              <option value="" selected={!platform()}>
                both platforms
              </option>
              <For each={platforms}>
                {(p) => (
                  <option value={p} selected={p === platform()}>
                    {platformNames[p]}
                  </option>
                )}
              </For>
            </select>
          </label>
        </div>
        <Suspense fallback={<Loading what="the evaluation" />}>
          <Switch>
            <Match when={evaluation()}>{(e) => <EvaluationView evaluation={e()} />}</Match>
          </Switch>
        </Suspense>
      </Show>
    </section>
  )
}

function EvaluationView(props: { evaluation: Evaluation }) {
  const e = () => props.evaluation
  return (
    <>
      <dl class="plan scores" aria-label="Scores">
        <div>
          <dt>Commits</dt>
          <dd>{formatCount(e().n)}</dd>
        </div>
        <div>
          <dt>Accuracy</dt>
          <dd>{score(e().accuracy)}</dd>
        </div>
        <div>
          <dt>Macro-F1</dt>
          <dd>{score(e().macro_f1)}</dd>
        </div>
        <div>
          <dt>Cohen's kappa</dt>
          <dd>{score(e().cohen_kappa)}</dd>
        </div>
      </dl>
      <For each={e().notes}>{(note) => <p class="notice notice-warn">{note}</p>}</For>
      <div class="eval-tables">
        <table class="dense per-code">
          <thead>
            <tr>
              <th>Code</th>
              <th class="num">Support</th>
              <th class="num">Predicted</th>
              <th class="num">Precision</th>
              <th class="num">Recall</th>
              <th class="num">F1</th>
            </tr>
          </thead>
          <tbody>
            <For each={e().per_code}>
              {(c) => (
                <tr>
                  <td>{c.code}</td>
                  <td class="num">{c.support}</td>
                  <td class="num">{c.predicted}</td>
                  <td class="num">{score(c.precision)}</td>
                  <td class="num">{score(c.recall)}</td>
                  <td class="num">
                    <span class="f1" style={{ '--f1': String(c.f1 ?? 0) }}>
                      {score(c.f1)}
                    </span>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <ConfusionMatrix evaluation={e()} />
      </div>
    </>
  )
}

function ConfusionMatrix(props: { evaluation: Evaluation }) {
  const labels = () => props.evaluation.confusion.labels
  const matrix = () => props.evaluation.confusion.matrix
  const max = () => Math.max(1, ...matrix().flat())
  return (
    <figure class="confusion">
      <figcaption>
        Confusion matrix: rows {props.evaluation.reference}, columns {props.evaluation.labeler}
      </figcaption>
      <table class="matrix">
        <thead>
          <tr>
            <th />
            <For each={labels()}>{(label, j) => <th title={label}>{j() + 1}</th>}</For>
          </tr>
        </thead>
        <tbody>
          <For each={matrix()}>
            {(row, i) => (
              <tr>
                <th class="row-label" title={labels()[i()]}>
                  {i() + 1}. {labels()[i()]}
                </th>
                <For each={row}>
                  {(n, j) => (
                    <td
                      classList={{ diagonal: i() === j(), zero: n === 0 }}
                      style={{ '--share': String(n / max()) }}
                      title={`${labels()[i()]} → ${labels()[j()]}: ${n}`}
                    >
                      {n === 0 ? '' : n}
                    </td>
                  )}
                </For>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </figure>
  )
}
