/**
 * @module Loading and error states shared by the pages, and the outcome of a page's actions.
 */
import { createSignal, Show } from 'solid-js'
import { ApiError } from '../api'

export function Loading(props: { what?: string }) {
  return (
    <p class="loading" role="status">
      Loading{props.what ? ` ${props.what}` : ''}…
    </p>
  )
}

/** An error from an ErrorBoundary, worded for a person; unknown errors show their message. */
export function ErrorNotice(props: { error: unknown; retry?: () => void }) {
  const title = () => {
    const e = props.error
    if (e instanceof ApiError) {
      if (e.status === 404) return 'Not found'
      if (e.status === 0) return 'The server is unreachable'
      if (e.status === 401) return 'Please sign in'
      if (e.status === 403) return 'Not allowed'
      return `Request failed (${e.status})`
    }
    return 'Something went wrong'
  }
  const message = () => (props.error instanceof Error ? props.error.message : String(props.error))
  return (
    <div class="notice notice-error" role="alert">
      <strong>{title()}</strong>
      <span class="notice-text">{message()}</span>
      <Show when={props.error instanceof ApiError && props.error.status === 404}>
        <a href="/">Go to the projects</a>
      </Show>
      <Show when={props.error instanceof ApiError && props.error.status === 401}>
        <a href={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`}>Sign in</a>
      </Show>
      <Show when={props.retry && !(props.error instanceof ApiError && props.error.status === 404) ? props.retry : undefined}>
        {(retry) => (
          <button type="button" class="button small" onClick={() => retry()()}>
            Try again
          </button>
        )}
      </Show>
    </div>
  )
}

export type Outcome = { kind: 'ok' | 'error'; text: string }

/**
 * The last action's outcome: `run(work, ok)` shows `ok` when the work succeeds, or the error's
 * message when it throws. Show it with `<OutcomeNotice outcome={outcome()} />`.
 */
export function createOutcome() {
  const [outcome, setOutcome] = createSignal<Outcome | null>(null)
  const run = async (work: () => Promise<unknown>, ok: string) => {
    try {
      await work()
      setOutcome({ kind: 'ok', text: ok })
    } catch (e) {
      setOutcome({ kind: 'error', text: e instanceof Error ? e.message : String(e) })
    }
  }
  return { outcome, run }
}

export function OutcomeNotice(props: { outcome: Outcome | null }) {
  return (
    <Show when={props.outcome}>
      {(m) => (
        <p class={`notice ${m().kind === 'ok' ? 'notice-ok' : 'notice-error'}`} role="status">
          {m().text}
        </p>
      )}
    </Show>
  )
}
