/**
 * @module `concord codebook`: list, history, export, import, init, and the operations that grow
 * a codebook (add, rename, edit, merge, split, retire, mode), each making a new version.
 */
import { writeFile } from 'node:fs/promises'
import { userInfo } from 'node:os'
import path from 'node:path'
import type { CodeSnapshot } from '../../schema'
import type { CodebookFormat } from '../core/codebook-document'
import { codebookFormats } from '../core/codebook-document'
import { readImportFile } from '../ingest/text'
import { codebookView, versionSnapshot } from '../services/codebook'
import type { CodeView } from '../services/codebook'
import { addCode, completeRecode, editCode, listRecodeQueue, mergeCodes, renameCode, retireCode, setMultiLabel, splitCode } from '../services/codebook-evolution'
import { exportCodebook, importCodebook, readCodebookText } from '../services/codebook-exchange'
import type { InitialCodebook } from '../services/projects'
import { createProject } from '../services/projects'
import { UsageError, openDatabaseSession, openSession, output, parseFlags } from './command'
import type { Session } from './command'

export const codebookHelp = `Usage: concord codebook <action> [flags]

Manage the project's codebook. Every change makes a new codebook version with a changelog entry
and an author; labels record the version they were made under.

Actions:
  list [--version N]             the codes (current version, or as they stood in version N)
  history                        the versions with their changelogs
  export [--format json|qdc] [--out FILE]
                                 Concord's JSON (default) or a REFI-QDA codebook (.qdc)
  import FILE [--format json|qdc]
                                 update the codebook from a file: codes matched by guid, then by
                                 name; new codes added; codes the file omits are kept
  init [--from default|empty|FILE] [--format json|qdc]
                                 create the project (--project) with this codebook
  add NAME [code flags]          a new code
  rename CODE NEW                rename a code (its labels follow it)
  edit CODE [code flags] [--status active|retired]
  merge CODE INTO                every label and final code carrying CODE carries INTO instead
  split CODE --into B,C[,…]      retire CODE; commits coded CODE go to the re-coding queue
  retire CODE                    no new labels with CODE; its labels stay
  mode single|multi              single- or multi-label coding
  recode [--all] [--done ID]     the re-coding queue (pending entries; --done marks one done)

Code flags: --definition TEXT, --include TEXT (when to use), --exclude TEXT (when not to use),
  --color #RRGGBB, --hotkey K|none, --parent CODE|none
Change flags: --author NAME (default: $CONCORD_USER, else your login name), --note TEXT
Flags: --project NAME (default: default), --json, --help`

const flags = {
  version: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  from: { type: 'string' },
  into: { type: 'string' },
  definition: { type: 'string' },
  include: { type: 'string' },
  exclude: { type: 'string' },
  color: { type: 'string' },
  hotkey: { type: 'string' },
  parent: { type: 'string' },
  status: { type: 'string' },
  author: { type: 'string' },
  note: { type: 'string' },
  all: { type: 'boolean', default: false },
  done: { type: 'string' },
} as const

type Values = ReturnType<typeof parseFlags<typeof flags>>['values']

export async function codebookCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseFlags(args, flags)
  const [action, ...rest] = positionals
  if (values.help || !action) {
    if (!action && !values.help) throw new UsageError('codebook needs an action (see concord codebook --help)')
    return void console.log(codebookHelp)
  }
  const arity: Record<string, [number, number]> = {
    list: [0, 0], history: [0, 0], export: [0, 0], import: [1, 1], init: [0, 0], add: [1, 1], rename: [2, 2],
    edit: [1, 1], merge: [2, 2], split: [1, 1], retire: [1, 1], mode: [1, 1], recode: [0, 0],
  }
  const expected = arity[action]
  if (!expected) throw new UsageError(`unknown codebook action '${action}' (see concord codebook --help)`)
  if (rest.length < expected[0]) throw new UsageError(`codebook ${action} needs ${expected[0] === 1 ? 'an argument' : `${expected[0]} arguments`} (see --help)`)
  if (rest.length > expected[1]) throw new UsageError(`unexpected argument '${rest[expected[1]]}'`)
  const format = formatFlag(values.format)

  if (action === 'init') return initProject(values, format)
  if (action === 'export' && values.json && !values.out && format === 'qdc') {
    throw new UsageError('--json prints one JSON document: give --out FILE for a .qdc export')
  }
  const session = await openSession(values.project)
  try {
    await run(session, action, rest, values, format)
  } finally {
    session.database.close()
  }
}

function formatFlag(value: string | undefined): CodebookFormat | undefined {
  if (value === undefined) return undefined
  if (!(codebookFormats as readonly string[]).includes(value)) throw new UsageError(`--format takes json or qdc, not '${value}'`)
  return value as CodebookFormat
}

function author(values: Values): string | undefined {
  if (values.author) return values.author
  if (process.env.CONCORD_USER) return process.env.CONCORD_USER
  try {
    return userInfo().username || undefined
  } catch {
    return undefined // no login name (some containers): the version has no author
  }
}

/** `none` clears an optional value. */
const orNull = (value: string | undefined) => (value === undefined ? undefined : value === 'none' ? null : value)

function codeFields(values: Values) {
  return {
    definition: values.definition,
    includeNotes: values.include,
    excludeNotes: values.exclude,
    color: values.color,
    hotkey: orNull(values.hotkey),
    parent: orNull(values.parent),
  }
}

async function readCodebookFile(file: string, format: CodebookFormat | undefined) {
  return readCodebookText(await readImportFile(file), file, format)
}

async function initProject(values: Values, format: CodebookFormat | undefined): Promise<void> {
  const from = values.from ?? 'default'
  const codebook: InitialCodebook =
    from === 'default' || from === 'empty'
      ? { kind: from }
      : { kind: 'document', document: await readCodebookFile(from, format), source: path.basename(from) }
  const session = await openDatabaseSession()
  try {
    const project = await createProject(session.ctx, { name: values.project, codebook, author: author(values) })
    const view = await codebookView(session.ctx, project.id)
    const result = { project: project.name, codebook: view.codebook.name, version: view.version.version, codes: view.codes.length }
    output(values.json, result, () => `created project ${project.name} with codebook '${result.codebook}' (${result.codes} codes)`)
  } finally {
    session.database.close()
  }
}

async function run(session: Session, action: string, args: string[], values: Values, format: CodebookFormat | undefined): Promise<void> {
  const { ctx, project } = session
  const base = { projectId: project.id, author: author(values), note: values.note }
  const done = (result: { version: number; changelog: string }) =>
    output(values.json, result, () => `version ${result.version}: ${result.changelog}`)
  switch (action) {
    case 'list':
      return listCodes(session, values)
    case 'history': {
      const view = await codebookView(ctx, project.id)
      const versions = view.versions.map(({ id: _, ...v }) => v)
      return output(values.json, { codebook: view.codebook.name, versions }, () =>
        versions.map((v) => `v${v.version}  ${v.createdAt.slice(0, 16).replace('T', ' ')}  ${v.author ?? '-'}  ${v.changelog}`).join('\n'),
      )
    }
    case 'export': {
      const file = await exportCodebook(ctx, { projectId: project.id, projectName: project.name, format: format ?? 'json' })
      if (!values.out) return void process.stdout.write(file.body)
      await writeFile(values.out, file.body)
      const result = { file: values.out, format: format ?? 'json', version: file.version, codes: file.codes }
      return output(values.json, result, () => `wrote ${file.codes} codes (version ${file.version}) to ${values.out}`)
    }
    case 'import': {
      const file = args[0]!
      const document = await readCodebookFile(file, format)
      const result = await importCodebook(ctx, { ...base, document, source: path.basename(file) })
      return output(values.json, result, () =>
        result.version === null
          ? `nothing to change: the codebook already matches ${file}`
          : `version ${result.version}: ${result.added.length} codes added, ${result.updated.length} updated, ${result.unchanged} unchanged`,
      )
    }
    case 'add': {
      const result = await addCode(ctx, { ...base, name: args[0]!, ...codeFields(values) })
      return done(result)
    }
    case 'rename':
      return done(await renameCode(ctx, { ...base, code: args[0]!, to: args[1]! }))
    case 'edit': {
      if (values.status !== undefined && values.status !== 'active' && values.status !== 'retired') {
        throw new UsageError('--status takes active or retired')
      }
      const status = values.status as 'active' | 'retired' | undefined
      return done(await editCode(ctx, { ...base, code: args[0]!, ...codeFields(values), status }))
    }
    case 'merge':
      return done(await mergeCodes(ctx, { ...base, from: args[0]!, into: args[1]! }))
    case 'split': {
      const into = values.into?.split(',').map((n) => n.trim()).filter(Boolean) ?? []
      if (into.length < 2) throw new UsageError('split needs --into B,C (two codes at least)')
      return done(await splitCode(ctx, { ...base, code: args[0]!, into }))
    }
    case 'retire':
      return done(await retireCode(ctx, { ...base, code: args[0]! }))
    case 'mode': {
      if (args[0] !== 'single' && args[0] !== 'multi') throw new UsageError('mode takes single or multi')
      return done(await setMultiLabel(ctx, { ...base, multiLabel: args[0] === 'multi' }))
    }
    case 'recode': {
      if (values.done) {
        const id = Number(values.done)
        if (!Number.isInteger(id) || id <= 0) throw new UsageError(`--done takes a queue entry id, not '${values.done}'`)
        const result = await completeRecode(ctx, { projectId: project.id, id })
        return output(values.json, result, () => `entry ${id} marked done`)
      }
      const items = await listRecodeQueue(ctx, project.id, { status: values.all ? undefined : 'pending' })
      return output(values.json, { items }, () =>
        items.length === 0
          ? 'the re-coding queue is empty'
          : items
              .map((i) => `#${i.id} ${i.status.padEnd(7)} ${i.repository}@${i.sha.slice(0, 12)} ${i.subject}\n        ${i.reason}; labels: ${i.labels.map((l) => `${l.rater}=${l.codes.join('|')}`).join(', ')}`)
              .join('\n'),
      )
    }
  }
}

async function listCodes(session: Session, values: Values): Promise<void> {
  const { ctx, project } = session
  const view = await codebookView(ctx, project.id)
  if (values.version !== undefined) {
    const n = Number(values.version)
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--version takes a version number, not '${values.version}'`)
    const version = await versionSnapshot(ctx, project.id, n)
    const nameOf = new Map(version.snapshot.map((c) => [c.id, c.name]))
    const codes = version.snapshot.map((c: CodeSnapshot) => ({ ...c, parent: c.parentId === null ? null : (nameOf.get(c.parentId) ?? null) }))
    return output(values.json, { codebook: view.codebook.name, version: n, changelog: version.changelog, codes }, () =>
      [`${view.codebook.name}, version ${n}: ${version.changelog}`, ...codes.map((c) => `  ${c.name}${c.status === 'retired' ? ' (retired)' : ''}`)].join('\n'),
    )
  }
  const nameOf = new Map(view.codes.map((c) => [c.id, c.name]))
  const codes = view.codes.map((c: CodeView) => ({ ...c, parent: c.parentId === null ? null : (nameOf.get(c.parentId) ?? null) }))
  const result = { codebook: view.codebook.name, version: view.version.version, multiLabel: view.codebook.multiLabel, codes }
  output(values.json, result, () => {
    const width = Math.max(...codes.map((c) => c.name.length), 4)
    return [
      `${view.codebook.name}, version ${view.version.version} (${view.codebook.multiLabel ? 'multi' : 'single'}-label)`,
      `${'key'.padEnd(4)}${'code'.padEnd(width + 2)}${'labels'.padStart(7)}  definition`,
      ...codes.map(
        (c) =>
          `${(c.hotkey ?? '').padEnd(4)}${(c.parent ? `  ${c.name}` : c.name).padEnd(width + 2)}${String(c.usage.labels).padStart(7)}  ` +
          `${c.status === 'retired' ? '(retired) ' : ''}${c.isFallback ? '(fallback) ' : ''}${c.definition.slice(0, 90)}`,
      ),
    ].join('\n')
  })
}
