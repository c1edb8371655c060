/**
 * @module Progress in a coding round: one bar (done of total, with its numbers on it) and the
 * table of every coder's bar, as the rounds list and a round's dashboard both show it.
 */
import { For } from 'solid-js'
import { formatCount } from '../format'
import './progress.css'

export function ProgressBar(props: { done: number; total: number; label?: string }) {
  const share = () => (props.total === 0 ? 0 : props.done / props.total)
  return (
    <div class="progress-bar" role="progressbar" aria-valuemin={0} aria-valuemax={props.total} aria-valuenow={props.done} aria-label={props.label ?? 'progress'}>
      <div class="progress-fill" style={{ width: `${(share() * 100).toFixed(1)}%` }} />
      <span class="progress-text">
        {formatCount(props.done)} / {formatCount(props.total)}
      </span>
    </div>
  )
}

type CoderCount = { coder: string; done: number; assigned: number; skipped: number }

/** One row per coder: name, bar, and how many units they skipped (if any). */
export function CoderProgress(props: { progress: readonly CoderCount[] }) {
  return (
    <table class="dense coder-progress">
      <tbody>
        <For each={props.progress}>
          {(p) => (
            <tr>
              <td class="coder">{p.coder}</td>
              <td class="wide">
                <ProgressBar done={p.done} total={p.assigned} label={`${p.coder}'s progress`} />
              </td>
              <td class="muted small">{p.skipped ? `${p.skipped} skipped` : ''}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  )
}
