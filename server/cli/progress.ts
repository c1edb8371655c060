/**
 * @module Progress on stderr: a redrawn bar on a terminal, a line every few seconds in logs.
 */
import { formatProgress } from '../core/progress'
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
