/**
 * @module A background job, followed live: a bar (or a moving stripe while the total is
 * unknown), done/total, rate, ETA, the job's current message (e.g. a rate-limit countdown),
 * its result or error, and a Cancel button. `JobProgress` follows a job by id over
 * server-sent events; `JobProgressView` only draws a job a page already follows.
 */
import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js'
import { cancelJob, followJob } from '../api'
import type { JobView } from '../api'
import { formatCount } from '../format'
import { ErrorNotice } from './Feedback'
import './job-progress.css'

export const finishedJobStatuses: readonly string[] = ['done', 'failed', 'cancelled']
export const isFinished = (job: JobView) => finishedJobStatuses.includes(job.status)

const kindTitles: Record<string, string> = {
  'import-git': 'Import from a local clone',
  'import-github': 'Import from GitHub',
  'import-hf': 'Import from the Hugging Face Hub',
  label: 'Labeling',
}

/** `Import from GitHub · acme/lm` from the job's kind and parameters. */
export function jobTitle(job: JobView): string {
  const title = kindTitles[job.kind] ?? job.kind
  const repo = (job.params as { repo?: unknown }).repo
  return typeof repo === 'string' ? `${title} · ${repo}` : title
}

/** `0:42`, `1:02:03`; `—` when unknown. */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—'
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const rest = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`
}

export type JobProgressProps = {
  project: string
  jobId: number
  /** The job as already known (e.g. the start request's answer), shown until the first event. */
  initial?: JobView | undefined
  title?: string
  /** What is counted: `commits` (default). */
  unit?: string
  /** Whether a rate per second means anything (not for a handful of steps); default true. */
  rate?: boolean
  onUpdate?: (job: JobView) => void
  /** Called once, when the job ends (done, failed or cancelled). */
  onFinished?: (job: JobView) => void
}

/** Follows a job by id and draws it; stops following when unmounted or given another id. */
export function JobProgress(props: JobProgressProps) {
  const [job, setJob] = createSignal<JobView | undefined>(props.initial)
  createEffect(
    on(
      () => [props.project, props.jobId] as const,
      ([project, id]) => {
        let ended = false
        const stop = followJob(project, id, (update) => {
          setJob(update)
          props.onUpdate?.(update)
          if (!ended && isFinished(update)) {
            ended = true
            props.onFinished?.(update)
          }
        })
        onCleanup(stop)
      },
    ),
  )
  return (
    <Show when={job()} fallback={<section class="panel job-card" aria-busy="true">Connecting to job {props.jobId}…</section>}>
      {(j) => <JobProgressView project={props.project} job={j()} title={props.title} unit={props.unit} rate={props.rate} />}
    </Show>
  )
}

export function JobProgressView(props: {
  project: string
  job: JobView
  title?: string | undefined
  unit?: string | undefined
  rate?: boolean | undefined
}) {
  const j = () => props.job
  const unit = () => props.unit ?? 'commits'
  const running = () => !isFinished(j())
  const percent = () => (j().progress.fraction === null ? null : Math.round(j().progress.fraction! * 100))
  const [cancelError, setCancelError] = createSignal<unknown>()
  const cancel = async () => {
    try {
      await cancelJob(props.project, j().id)
    } catch (error) {
      setCancelError(error)
    }
  }
  const elapsed = () => {
    const start = j().startedAt ? Date.parse(j().startedAt!) : null
    const end = j().finishedAt ? Date.parse(j().finishedAt!) : j().updatedAt ? Date.parse(j().updatedAt!) : null
    return start !== null && end !== null ? (end - start) / 1000 : null
  }
  return (
    <section class="panel job-card" aria-live="polite" data-status={j().status}>
      <header class="job-head">
        <h2>{props.title ?? jobTitle(j())}</h2>
        <span class={`job-status job-status-${j().status}`}>{j().status}</span>
        <span class="muted small">job {j().id}</span>
        <Show when={running()}>
          <button type="button" class="button small job-cancel" disabled={j().cancelRequested} onClick={cancel}>
            {j().cancelRequested ? 'Cancelling…' : 'Cancel'}
          </button>
        </Show>
      </header>
      <div
        class="job-bar"
        classList={{ indeterminate: percent() === null && running() }}
        role="progressbar"
        aria-label={`${props.title ?? jobTitle(j())}: progress`}
        aria-valuemin="0"
        aria-valuemax={j().total ?? undefined}
        aria-valuenow={j().done}
      >
        <div class="job-bar-fill" style={{ width: `${percent() ?? 0}%` }} />
      </div>
      <p class="job-figures">
        <span>
          <strong>{formatCount(j().done)}</strong>
          <Show when={j().total !== null}> of {formatCount(j().total!)}</Show> {unit()}
          <Show when={percent() !== null}> ({percent()}%)</Show>
        </span>
        <Show when={props.rate !== false}>
          <span>{j().progress.rate >= 10 ? Math.round(j().progress.rate) : j().progress.rate.toFixed(1)} {unit()}/s</span>
        </Show>
        <Show when={running()}>
          <span>ETA {formatSeconds(j().progress.etaSeconds)}</span>
        </Show>
        <span class="muted">elapsed {formatSeconds(elapsed())}</span>
      </p>
      <Show when={j().message}>
        <p class="job-message">{j().message}</p>
      </Show>
      <Show when={j().status === 'done' && j().result}>{(result) => <JobResult result={result()} />}</Show>
      <Show when={j().error}>
        {(message) => (
          <p class="notice notice-error">
            <strong>Failed</strong> <span class="notice-text">{message()}</span>
          </p>
        )}
      </Show>
      <Show when={cancelError()}>{(error) => <ErrorNotice error={error()} />}</Show>
    </section>
  )
}

/** The job's result (its command's --json document): scalar fields, and names of objects. */
function JobResult(props: { result: Record<string, unknown> }) {
  const entries = () =>
    Object.entries(props.result).flatMap(([key, value]) => {
      if (typeof value === 'number') return [[key, formatCount(value)] as const]
      if (typeof value === 'string' || typeof value === 'boolean') return [[key, String(value)] as const]
      const name = (value as { fullName?: unknown } | null)?.fullName
      return typeof name === 'string' ? [[key, name] as const] : []
    })
  return (
    <dl class="job-result">
      <For each={entries()}>
        {([key, value]) => (
          <div>
            <dt>{key.replace(/_/g, ' ')}</dt>
            <dd>{value}</dd>
          </div>
        )}
      </For>
    </dl>
  )
}
