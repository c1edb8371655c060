/**
 * @module `concord exclude`, `concord include` and `concord window`: leave families or
 * repositories out of the analyses with a reason, take them back, set observation ends.
 */
import { platforms } from '../../schema/enums'
import type { Platform } from '../../schema/enums'
import {
  excludeFamily,
  excludeRepository,
  includeFamily,
  includeRepository,
  listExclusions,
  setObservationEnd,
} from '../services/exclusions'
import { UsageError, openSession, output, parseFlags } from './command'

export const excludeHelp = `Usage: concord exclude family NAME | repository OWNER/NAME --reason R | list

Leave a family or a repository out of every analysis, with a reason every report shows.

  concord exclude family NAME --reason R
  concord exclude repository OWNER/NAME --reason R [--platform github|huggingface]
      a variant, or a family's GitHub repository (the family then has no GitHub side)
  concord exclude list
      the exclusions and observation windows in force

  --reason R        why (required)
  --platform P      when the repository name exists on both platforms
  --project NAME, --json, --help`

export const includeHelp = `Usage: concord include family NAME | repository OWNER/NAME [--platform P]

Take an excluded family or repository back into the analyses.

  --project NAME, --json, --help`

export const windowHelp = `Usage: concord window OWNER/NAME --end YYYY-MM-DD | --clear [--platform P]

Set the last observed day of a repository: analyses ignore its later commits (and say so).

  --end YYYY-MM-DD  the last observed day (UTC), e.g. when a mirror stopped
  --clear           remove the window
  --platform P      when the repository name exists on both platforms

  --project NAME, --json, --help`

function platformOf(value: string | undefined): Platform | undefined {
  if (value === undefined) return undefined
  const p = platforms.find((x) => x === value)
  if (!p) throw new UsageError(`--platform takes github or huggingface, not '${value}'`)
  return p
}

function target(positionals: string[], verb: string): { kind: 'family' | 'repository'; name: string } {
  const [kind, name, extra] = positionals
  if (kind !== 'family' && kind !== 'repository') {
    throw new UsageError(`${verb} takes family NAME or repository OWNER/NAME`)
  }
  if (!name) throw new UsageError(`${verb} ${kind} needs a name`)
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`)
  return { kind, name }
}

export async function excludeCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseFlags(args, { reason: { type: 'string' }, platform: { type: 'string' } })
  if (values.help) return void console.log(excludeHelp)
  if (positionals[0] === 'list') {
    if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`)
    const session = await openSession(values.project)
    try {
      const list = await listExclusions(session.ctx, session.project.id)
      output(values.json, list, () => {
        const lines = [
          ...list.families.map((f) => `family ${f.family}: ${f.reason}`),
          ...list.repositories.map((r) => `${r.platform} repository ${r.repository}: ${r.reason}`),
          ...list.windows.map((w) => `window: ${w.platform} repository ${w.repository} observed up to ${w.observation_end}`),
        ]
        return lines.length ? lines.join('\n') : 'no exclusions, no observation windows'
      })
    } finally {
      session.database.close()
    }
    return
  }
  const { kind, name } = target(positionals, 'exclude')
  if (!values.reason?.trim()) throw new UsageError('exclude needs --reason R (it is shown in every report)')
  const platform = platformOf(values.platform)
  if (kind === 'family' && platform) throw new UsageError('--platform applies to repositories')
  const session = await openSession(values.project)
  try {
    const projectId = session.project.id
    const result =
      kind === 'family'
        ? await excludeFamily(session.ctx, { projectId, family: name, reason: values.reason })
        : await excludeRepository(session.ctx, { projectId, repository: name, platform, reason: values.reason })
    output(values.json, result, () => `excluded ${kind} ${name}: ${values.reason!.trim()}`)
  } finally {
    session.database.close()
  }
}

export async function includeCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseFlags(args, { platform: { type: 'string' } })
  if (values.help) return void console.log(includeHelp)
  const { kind, name } = target(positionals, 'include')
  const platform = platformOf(values.platform)
  if (kind === 'family' && platform) throw new UsageError('--platform applies to repositories')
  const session = await openSession(values.project)
  try {
    const projectId = session.project.id
    const result =
      kind === 'family'
        ? await includeFamily(session.ctx, { projectId, family: name })
        : await includeRepository(session.ctx, { projectId, repository: name, platform })
    output(values.json, result, () => `${kind} ${name} is analysed again`)
  } finally {
    session.database.close()
  }
}

export async function windowCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseFlags(args, {
    end: { type: 'string' },
    clear: { type: 'boolean', default: false },
    platform: { type: 'string' },
  })
  if (values.help) return void console.log(windowHelp)
  const [repository, extra] = positionals
  if (!repository) throw new UsageError('window needs a repository OWNER/NAME')
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`)
  if (values.clear === (values.end !== undefined)) throw new UsageError('window takes either --end YYYY-MM-DD or --clear')
  const platform = platformOf(values.platform)
  const session = await openSession(values.project)
  try {
    const result = await setObservationEnd(session.ctx, {
      projectId: session.project.id,
      repository,
      platform,
      end: values.clear ? null : values.end!,
    })
    output(values.json, result, () =>
      result.observation_end
        ? `${result.platform} repository ${result.repository} observed up to ${result.observation_end}: later commits are ignored`
        : `${result.platform} repository ${result.repository}: observation window cleared`,
    )
  } finally {
    session.database.close()
  }
}
