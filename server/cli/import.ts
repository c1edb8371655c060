/**
 * @module `concord import jsonl|families|labels`.
 */
import { studyFormats } from '../ingest/study-csv'
import type { StudyFormat } from '../ingest/study-csv'
import { importFamiliesFile, importJsonlFiles, importLongLabels, importStudyFile } from '../services/importing'
import { UsageError, openSession, output, parseFlags } from './command'

export const importHelp = `Usage: concord import <source> [flags]

Sources:
  jsonl FILE...                  commits in the record format (repositories created as needed)
  families FILE                  a families.json: family, github, huggingface, mirrored_hf
  labels FILE --format FORMAT    codes made elsewhere; FORMAT is long (CSV repo,sha,coder,code),
                                 study-gh or study-hf (the study's coded files)

Each file is stored whole or not at all; importing the same data twice adds nothing.
Flags: --project NAME (default: default), --json, --help`

const labelFormats = ['long', ...studyFormats] as const

export async function importCommand(args: string[]): Promise<void> {
  const { values, positionals: all } = parseFlags(args, { format: { type: 'string' } })
  if (values.help) return void console.log(importHelp)
  const [source, ...positionals] = all
  if (!source) throw new UsageError('import needs a source: jsonl, families or labels (see --help)')
  if (!['jsonl', 'families', 'labels'].includes(source)) throw new UsageError(`unknown import source '${source}'`)
  if (positionals.length === 0) throw new UsageError(`import ${source} needs a FILE`)
  if (source !== 'jsonl' && positionals.length > 1) throw new UsageError(`import ${source} takes one FILE`)
  const format = values.format
  if (source === 'labels' && !(labelFormats as readonly string[]).includes(format ?? '')) {
    throw new UsageError(`import labels needs --format ${labelFormats.join('|')}`)
  }

  const session = await openSession(values.project)
  const { ctx, project, config } = session
  try {
    const file = positionals[0]!
    if (source === 'jsonl') {
      const result = await importJsonlFiles(ctx, { projectId: project.id, files: positionals, diffCap: config.diffCap })
      output(values.json, result, () =>
        `imported ${result.imported} commits from ${result.files} files (${result.skipped_duplicates} duplicates skipped)`,
      )
    } else if (source === 'families') {
      const result = await importFamiliesFile(ctx, { projectId: project.id, file })
      output(values.json, result, () => `imported ${result.families} families over ${result.repositories} repositories`)
    } else if (format === 'long') {
      const result = await importLongLabels(ctx, { projectId: project.id, file })
      output(values.json, result, () => `imported ${result.imported} labels`)
    } else {
      const result = await importStudyFile(ctx, { projectId: project.id, file, format: format as StudyFormat })
      output(values.json, result, () =>
        `imported ${result.imported} labels on ${result.commits} commits by ${result.raters.join(', ')}`,
      )
    }
  } finally {
    session.database.close()
  }
}
