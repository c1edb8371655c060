/**
 * @module `concord export project` and `concord import project`: a whole project as one file.
 */
import { progressFigures } from '../core/progress'
import type { ArchiveProgress, ArchiveSummary } from '../services/project-archive'
import { exportProjectArchive, importProjectArchive } from '../services/project-archive'
import type { JobView } from '../services/jobs'
import { UsageError, openDatabaseSession, output } from './command'
import { stderrProgress } from './progress'

/** The archive's progress as the bar the import commands draw on stderr. */
function progressOnStderr(label: string): (p: ArchiveProgress) => void {
  // stderrProgress reads these fields of a job only.
  const show = stderrProgress(label) as (job: Pick<JobView, 'done' | 'total' | 'message' | 'progress'>) => void
  const started = Date.now()
  return ({ done, total }) => show({ done, total, message: '', progress: progressFigures({ done, total, elapsedMs: Date.now() - started }) })
}

const rows = (summary: ArchiveSummary) => Object.values(summary.tables).reduce((a, b) => a + b, 0)

export async function exportProjectCommand(values: { project: string; json: boolean; out?: string | undefined }, extra: string[]) {
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}' (the project is --project NAME)`)
  if (!values.out) throw new UsageError('export project needs --out FILE')
  const session = await openDatabaseSession()
  try {
    const summary = await exportProjectArchive(session.ctx, { project: values.project, file: values.out, onProgress: progressOnStderr('export project') })
    output(values.json, summary, () => `exported project '${summary.project}' to ${summary.file} (${rows(summary)} rows)`)
  } finally {
    session.database.close()
  }
}

export async function importProjectCommand(values: { json: boolean; as?: string | undefined }, files: string[]) {
  if (files.length !== 1) throw new UsageError('import project takes one FILE')
  const session = await openDatabaseSession()
  try {
    const summary = await importProjectArchive(session.ctx, { file: files[0]!, as: values.as, onProgress: progressOnStderr('import project') })
    output(values.json, summary, () => `imported project '${summary.project}' from ${summary.file} (${rows(summary)} rows)`)
  } finally {
    session.database.close()
  }
}
