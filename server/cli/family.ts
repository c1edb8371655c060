/**
 * @module `concord family …`: families by hand (add, rename, link, unlink, delete, list) and the
 * links discovered in READMEs and model cards (discover, proposals, accept, reject).
 */
import { proposalStatuses } from '../../schema/enums'
import type { ProposalStatus } from '../../schema/enums'
import { listFamilies } from '../services/browse'
import { acceptProposal, discoverLinks, listProposals, rejectProposal } from '../services/discovery'
import type { ProposalView } from '../services/discovery'
import { createFamily, deleteFamily, linkFamilyRepositories, renameFamily, unlinkFamilyRepositories } from '../services/families'
import type { RepositoryRef } from '../services/families'
import { UsageError, openSession, output, parseFlags } from './command'

export const familyHelp = `Usage: concord family <action> [arguments] [flags]

Families (one GitHub repository plus its Hugging Face variants):
  list                           families with their repositories and commit counts
  add NAME [REPO...]             creates a family, optionally with repositories
  rename NAME NEW_NAME           renames a family
  link NAME REPO...              adds repositories to a family
  unlink NAME REPO...            removes repositories from a family (commits stay)
  delete NAME                    deletes a family (its repositories and commits stay)

Discovery (huggingface.co links in GitHub READMEs, GitHub links in model cards):
  discover                       scans the imported READMEs and model cards; proposes links
  proposals [--status S]         lists proposals (S: proposed, accepted, rejected or all; default proposed)
  accept ID [--family NAME]      links both repositories into the family (default: the suggested one)
  reject ID                      sets a proposal aside; it is not proposed again

REPO is github:OWNER/NAME or hf:OWNER/NAME (huggingface: and gh: work too); OWNER/NAME alone
names a repository already in the project. A repository named with its platform is created
when missing (to import its commits later).
Flags: --project NAME (default: default), --json, --help`

const platformPrefixes: Record<string, RepositoryRef['platform']> = {
  github: 'github',
  gh: 'github',
  huggingface: 'huggingface',
  hf: 'huggingface',
}

export function parseRepositoryRef(text: string): RepositoryRef {
  const m = /^([a-z]+):(.+)$/.exec(text.trim())
  if (!m) return { fullName: text.trim() }
  const platform = platformPrefixes[m[1]!]
  if (!platform) throw new UsageError(`unknown platform '${m[1]}' in ${text} (use github: or hf:)`)
  return { platform, fullName: m[2]! }
}

export async function familyCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseFlags(args, { status: { type: 'string' }, family: { type: 'string' } })
  if (values.help) return void console.log(familyHelp)
  const [action, ...rest] = positionals
  if (!action) throw new UsageError('family needs an action: list, add, rename, link, unlink, delete, discover, proposals, accept or reject')
  const need = (n: number, what: string, atLeast = false) => {
    if (rest.length < n || (!atLeast && rest.length > n)) throw new UsageError(`family ${action} takes ${what}`)
  }
  const id = () => {
    const n = Number(rest[0])
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`family ${action} takes a proposal ID (a number), not '${rest[0]}'`)
    return n
  }
  let status: ProposalStatus | undefined
  if (action === 'proposals' && values.status && values.status !== 'all') {
    if (!(proposalStatuses as readonly string[]).includes(values.status)) {
      throw new UsageError(`--status must be one of ${proposalStatuses.join(', ')} or all`)
    }
    status = values.status as ProposalStatus
  }
  switch (action) {
    case 'list':
    case 'discover':
    case 'proposals':
      need(0, 'no arguments')
      break
    case 'add':
      need(1, 'NAME [REPO...]', true)
      break
    case 'rename':
      need(2, 'NAME NEW_NAME')
      break
    case 'link':
    case 'unlink':
      need(2, 'NAME REPO...', true)
      break
    case 'delete':
      need(1, 'NAME')
      break
    case 'accept':
    case 'reject':
      need(1, 'a proposal ID')
      break
    default:
      throw new UsageError(`unknown family action '${action}' (see --help)`)
  }
  const refs = () => rest.slice(1).map(parseRepositoryRef)
  const session = await openSession(values.project)
  const { ctx, project } = session
  const projectId = project.id
  try {
    switch (action) {
      case 'list': {
        const list = await listFamilies(ctx, projectId)
        const result = {
          families: list.map((f) => ({
            name: f.name,
            excluded_reason: f.excludedReason,
            repositories: f.repositories.map((r) => ({ platform: r.platform, repo: r.fullName, commits: r.commits })),
          })),
        }
        return output(values.json, result, () =>
          list.length === 0
            ? 'no families yet (concord family add NAME, or concord import families FILE)'
            : list
                .map((f) => [`${f.name}`, ...f.repositories.map((r) => `  ${r.platform}:${r.fullName} (${r.commits} commits)`)].join('\n'))
                .join('\n'),
        )
      }
      case 'add': {
        const family = await createFamily(ctx, { projectId, name: rest[0]!, repositories: refs() })
        return output(values.json, { family: family.name, repositories: rest.length - 1 }, () => `created family ${family.name}`)
      }
      case 'rename': {
        const family = await renameFamily(ctx, { projectId, family: { name: rest[0]! }, name: rest[1]! })
        return output(values.json, { family: family.name, renamed_from: rest[0] }, () => `renamed ${rest[0]} to ${family.name}`)
      }
      case 'link': {
        const r = await linkFamilyRepositories(ctx, { projectId, family: { name: rest[0]! }, repositories: refs() })
        return output(values.json, r, () => `${r.linked} repositories added to ${r.family}`)
      }
      case 'unlink': {
        const r = await unlinkFamilyRepositories(ctx, { projectId, family: { name: rest[0]! }, repositories: refs() })
        return output(values.json, r, () => `${r.unlinked} repositories removed from ${r.family}`)
      }
      case 'delete': {
        const r = await deleteFamily(ctx, { projectId, family: { name: rest[0]! } })
        return output(values.json, r, () => `deleted family ${r.deleted}`)
      }
      case 'discover': {
        const r = await discoverLinks(ctx, { projectId })
        const notImported = r.notImported.map((l) => ({
          platform: l.target.platform,
          repo: l.target.fullName,
          from: `${l.from.platform}:${l.from.fullName}`,
          found_in: l.foundIn,
          evidence: l.evidence,
        }))
        return output(values.json, { created: r.created, pending: r.pending, not_imported: notImported }, () =>
          [
            `${r.created} new proposals; ${r.pending} waiting for a decision (concord family proposals)`,
            ...(notImported.length > 0
              ? [`linked but not imported (concord import github|hf OWNER/NAME):`, ...notImported.map((l) => `  ${l.platform}:${l.repo}  (from ${l.from})`)]
              : []),
          ].join('\n'),
        )
      }
      case 'proposals': {
        const list = await listProposals(ctx, projectId, values.status === 'all' ? undefined : (status ?? 'proposed'))
        return output(values.json, { proposals: list.map(proposalJson) }, () =>
          list.length === 0
            ? 'no proposals (concord family discover scans the imported READMEs and model cards)'
            : list
                .map(
                  (p) =>
                    `#${p.id} [${p.status}] github:${p.github.fullName} <-> hf:${p.huggingface.fullName} (${p.foundIn})` +
                    `${p.family ? ` in ${p.family.name}` : p.suggestedFamily ? ` -> ${p.suggestedFamily}` : ''}\n    ${p.evidence}`,
                )
                .join('\n'),
        )
      }
      case 'accept': {
        const p = await acceptProposal(ctx, { projectId, id: id(), family: values.family })
        return output(values.json, proposalJson(p), () => `accepted #${p.id}: ${p.github.fullName} and ${p.huggingface.fullName} are in ${p.family?.name}`)
      }
      case 'reject': {
        const p = await rejectProposal(ctx, { projectId, id: id() })
        return output(values.json, proposalJson(p), () => `rejected #${p.id}`)
      }
    }
  } finally {
    session.database.close()
  }
}

function proposalJson(p: ProposalView) {
  return {
    id: p.id,
    status: p.status,
    found_in: p.foundIn,
    github: p.github.fullName,
    huggingface: p.huggingface.fullName,
    evidence: p.evidence,
    family: p.family?.name ?? null,
    suggested_family: p.suggestedFamily,
    family_choices: p.familyChoices,
  }
}
