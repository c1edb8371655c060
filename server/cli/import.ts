/**
 * @module `concord import jsonl|families|labels|git|github|hf|project`.
 */
import { studyFormats } from '../ingest/study-csv'
import type { StudyFormat } from '../ingest/study-csv'
import { importFamiliesFile, importJsonlFiles, importLongLabels, importStudyFile } from '../services/importing'
import { runRepositoryImport } from '../services/repository-import'
import type { RepositoryImportInput } from '../services/repository-import'
import { UsageError, openSession, output, parseFlags } from './command'
import { importProjectCommand } from './project-archive'
import { stderrCountdown, stderrProgress } from './progress'

export const importHelp = `Usage: concord import <source> [flags]

Sources:
  jsonl FILE...                  commits in the record format (repositories created as needed)
  families FILE                  a families.json: family, github, huggingface, mirrored_hf
  labels FILE --format FORMAT    codes made elsewhere; FORMAT is long (CSV repo,sha,coder,code),
                                 study-gh or study-hf (the study's coded files)

Repositories, from where they live (each commit stored once; a rerun fetches only what is missing):
  git PATH --platform github|huggingface --repo OWNER/NAME
                                 a local clone: every commit reachable from HEAD, read with git
  github OWNER/NAME              the GitHub REST API (GITHUB_TOKEN, GITHUB_API_URL)
  hf OWNER/NAME                  the Hugging Face Hub: API metadata and commit list, files and
                                 diffs from a bare git clone without LFS content (HF_TOKEN, HF_ENDPOINT)
  --family NAME                  also puts the repository into that family (created if needed)

A whole project:
  project FILE [--as NAME]       an archive of concord export project, as a new project named as
                                 in the archive or NAME (an existing name is refused); users are
                                 matched by name, the missing ones created without a password

Each file is stored whole or not at all; importing the same data twice adds nothing.
Flags: --project NAME (default: default), --json, --help`

const labelFormats = ['long', ...studyFormats] as const

export async function importCommand(args: string[]): Promise<void> {
  const { values, positionals: all } = parseFlags(args, {
    format: { type: 'string' },
    platform: { type: 'string' },
    repo: { type: 'string' },
    family: { type: 'string' },
    as: { type: 'string' },
  })
  if (values.help) return void console.log(importHelp)
  const [source, ...positionals] = all
  if (!source) throw new UsageError('import needs a source: jsonl, families, labels, git, github, hf or project (see --help)')
  if (source === 'project') return importProjectCommand(values, positionals)
  if (values.as) throw new UsageError('--as is for import project')
  if (source === 'git' || source === 'github' || source === 'hf') return importRepositoryCommand(source, positionals, values)
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

/** `import git|github|hf`: one repository's history, as a job with progress on stderr. */
async function importRepositoryCommand(
  source: 'git' | 'github' | 'hf',
  positionals: string[],
  values: { project: string; json: boolean; platform?: string | undefined; repo?: string | undefined; family?: string | undefined },
): Promise<void> {
  const [target, ...extra] = positionals
  if (!target) throw new UsageError(source === 'git' ? 'import git needs the PATH of a local clone' : `import ${source} needs OWNER/NAME`)
  if (extra.length > 0) throw new UsageError(`import ${source} takes one ${source === 'git' ? 'PATH' : 'OWNER/NAME'}`)
  let input: RepositoryImportInput
  if (source === 'git') {
    if (values.platform !== 'github' && values.platform !== 'huggingface') {
      throw new UsageError('import git needs --platform github|huggingface')
    }
    if (!values.repo) throw new UsageError('import git needs --repo OWNER/NAME (the repository the clone is of)')
    input = { source, path: target, platform: values.platform, repo: values.repo, family: values.family }
  } else {
    if (values.platform || values.repo) throw new UsageError(`import ${source} takes OWNER/NAME, not --platform or --repo`)
    input = { source, repo: target, family: values.family }
  }
  const session = await openSession(values.project)
  const { ctx, project, config } = session
  try {
    const result = await runRepositoryImport(ctx, {
      projectId: project.id,
      input,
      settings: { ...config.sources, diffCap: config.diffCap },
      onProgress: stderrProgress(`import ${source}`),
      onWait: stderrCountdown(),
    })
    output(values.json, result, () => {
      const proposals = result.proposals > 0 ? `; ${result.proposals} family links proposed (see: concord family proposals)` : ''
      return `imported ${result.imported} commits of ${result.repository.platform}:${result.repository.fullName} (${result.skipped_duplicates} already stored)${proposals}`
    })
  } finally {
    session.database.close()
  }
}
