/**
 * @module `concord export labels|project`: every label with its source (CSV or JSON), or a whole
 * project as one archive file.
 */
import { exportLabels, labelsCsv } from '../services/export'
import { UsageError, openSession, parseFlags } from './command'
import { exportProjectCommand } from './project-archive'

export const exportHelp = `Usage: concord export labels [--format csv|json] [--project NAME]
       concord export project --out FILE [--project NAME]

Every label of the project with its source: human coders, machine labelers (rules, classifier,
llm:MODEL) and the final codes (coder and source "final"). CSV columns:
platform,repo,sha,coder,source,code (multi-label codes joined by |). JSON adds the model, prompt
and codebook versions, confidence and rationale. Written to stdout.

export project writes the whole project (commits with files and diffs, families, the codebook and
its history, every label and final code, rounds, runs, jobs and the audit log; users by name
only, never passwords or tokens) as one gzip-compressed JSON Lines file that import project reads
into any Concord database. Progress on stderr.`

export async function exportCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseFlags(args, { format: { type: 'string', default: 'csv' }, out: { type: 'string' } })
  if (values.help) return void console.log(exportHelp)
  const [what, ...rest] = positionals
  if (what === 'project') return exportProjectCommand(values, rest)
  if (what !== 'labels') throw new UsageError(`export takes 'labels' or 'project'${what ? `, not '${what}'` : ''}`)
  if (values.out) throw new UsageError('export labels writes to stdout; --out is for export project')
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`)
  // --json is the same as --format json: one document on stdout.
  const format = values.json ? 'json' : values.format
  if (format !== 'csv' && format !== 'json') throw new UsageError('--format takes csv or json')
  const session = await openSession(values.project)
  try {
    const rows = await exportLabels(session.ctx, session.project.id)
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify(rows)}\n`)
      return
    }
    process.stdout.write(labelsCsv(rows))
  } finally {
    session.database.close()
  }
}
