/**
 * @module Progress on stderr: a redrawn bar on a terminal, a line every few seconds in logs.
 */
import { formatDuration, formatProgress } from '../core/progress'
import type { Wait } from '../ingest/http'
import type { JobView } from '../services/jobs'

export function stderrProgress(label: string, intervalMs = 2_000): (job: JobView) => void {
  const tty = process.stderr.isTTY
  let last = 0
  return (job) => {
    const at = Date.now()
    const finished = job.total !== null && job.done >= job.total
    if (!finished && at - last < (tty ? 100 : intervalMs)) return
    last = at
    const line = formatProgress(label, job.progress) + (job.message ? ` ${job.message}` : '')
    process.stderr.write(tty ? `\r\x1b[2K${line}${finished ? '\n' : ''}` : `${line}\n`)
  }
}

/**
 * A rate-limit wait on stderr: redrawn every second on a terminal; in logs, a line when the
 * wait starts, every 10 seconds, and for the last 3.
 */
export function stderrCountdown(): (wait: Wait) => void {
  const tty = process.stderr.isTTY
  let current = 0
  return (wait) => {
    const starts = wait.until.getTime() !== current
    current = wait.until.getTime()
    const line = `${wait.reason}: waiting ${formatDuration(wait.secondsLeft)} (until ${wait.until.toISOString().slice(11, 19)} UTC)`
    if (tty) process.stderr.write(`\r\x1b[2K${line}${wait.secondsLeft <= 1 ? '\n' : ''}`)
    else if (starts || wait.secondsLeft % 10 === 0 || wait.secondsLeft <= 3) process.stderr.write(`${line}\n`)
  }
}
