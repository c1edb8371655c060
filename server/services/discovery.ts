/**
 * @module Family discovery: the READMEs and model cards stored by the importers are scanned for
 * links between the platforms; a link between two repositories of the project becomes a
 * proposal (with the passage it came from) that a person accepts into a family or rejects.
 * Links to repositories not imported yet are listed so they can be imported.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import { commits, families, familyLinkProposals, familyRepositories, repositories } from '../../schema'
import type { Platform, ProposalStatus } from '../../schema'
import { findGithubRepositoryLinks, findHuggingfaceModelLinks } from '../core/family-links'
import { audit } from './audit'
import { ensureFamily, linkRepositories } from './commit-store'
import type { Ctx } from './context'
import { withDb } from './context'
import { ServiceError, InvalidInputError, NotFoundError } from './errors'

export type FoundIn = 'github-readme' | 'hf-model-card'

/** Shallow-merges `patch` into a repository's metadata (README, Hub or GitHub facts). */
export async function mergeRepositoryMetadata(ctx: Ctx, repositoryId: number, patch: Record<string, unknown>): Promise<void> {
  const [row] = await ctx.db.select({ metadata: repositories.metadata }).from(repositories).where(eq(repositories.id, repositoryId))
  await ctx.db
    .update(repositories)
    .set({ metadata: { ...(row?.metadata ?? {}), ...patch } })
    .where(eq(repositories.id, repositoryId))
}

type RepoRow = { id: number; platform: Platform; fullName: string }

export type LinkToImport = {
  from: { platform: Platform; fullName: string }
  target: { platform: Platform; fullName: string }
  foundIn: FoundIn
  evidence: string
}

type Candidate = { github: RepoRow | string; huggingface: RepoRow | string; foundIn: FoundIn; evidence: string; from: RepoRow }

/** Every link found in the project's stored READMEs and model cards. */
async function scan(ctx: Ctx, projectId: number): Promise<Candidate[]> {
  const rows = await ctx.db
    .select({
      id: repositories.id,
      platform: repositories.platform,
      fullName: repositories.fullName,
      readme: sql<string | null>`json_extract(${repositories.metadata}, '$.readme.text')`,
    })
    .from(repositories)
    .where(eq(repositories.projectId, projectId))
  const byName = new Map(rows.map((r) => [`${r.platform}\u0000${r.fullName.toLowerCase()}`, r]))
  const find = (platform: Platform, name: string) => byName.get(`${platform}\u0000${name.toLowerCase()}`) ?? name
  const out: Candidate[] = []
  for (const row of rows) {
    if (!row.readme) continue
    if (row.platform === 'github') {
      for (const link of findHuggingfaceModelLinks(row.readme)) {
        out.push({ github: row, huggingface: find('huggingface', link.target), foundIn: 'github-readme', evidence: link.evidence, from: row })
      }
    } else {
      for (const link of findGithubRepositoryLinks(row.readme)) {
        out.push({ github: find('github', link.target), huggingface: row, foundIn: 'hf-model-card', evidence: link.evidence, from: row })
      }
    }
  }
  return out
}

export type DiscoveryResult = { created: number; pending: number; notImported: LinkToImport[] }

/**
 * Scans the project and stores a proposal for each new link between two of its repositories
 * that do not share a family yet. Decided proposals are never proposed again.
 */
export async function discoverLinks(ctx: Ctx, input: { projectId: number }): Promise<DiscoveryResult> {
  const candidates = await scan(ctx, input.projectId)
  const linked = await linkedPairs(ctx, input.projectId)
  let created = 0
  const notImported: LinkToImport[] = []
  for (const c of candidates) {
    const target = unresolved(c)
    if (target) {
      notImported.push({ from: { platform: c.from.platform, fullName: c.from.fullName }, target, foundIn: c.foundIn, evidence: c.evidence })
      continue
    }
    if (typeof c.github === 'string' || typeof c.huggingface === 'string') continue
    if (linked.has(`${c.github.id}:${c.huggingface.id}`)) continue
    const inserted = await ctx.db
      .insert(familyLinkProposals)
      .values({
        projectId: input.projectId,
        githubRepositoryId: c.github.id,
        huggingfaceRepositoryId: c.huggingface.id,
        foundIn: c.foundIn,
        evidence: c.evidence,
      })
      .onConflictDoNothing()
      .returning({ id: familyLinkProposals.id })
    created += inserted.length
  }
  const [pending] = await ctx.db
    .select({ n: sql<number>`count(*)` })
    .from(familyLinkProposals)
    .where(and(eq(familyLinkProposals.projectId, input.projectId), eq(familyLinkProposals.status, 'proposed')))
  return { created, pending: Number(pending!.n), notImported: uniqueTargets(notImported) }
}

/** Links from the project's READMEs and model cards to repositories it does not hold yet. */
export async function linksToImport(ctx: Ctx, projectId: number): Promise<LinkToImport[]> {
  const out: LinkToImport[] = []
  for (const c of await scan(ctx, projectId)) {
    const target = unresolved(c)
    if (target) out.push({ from: { platform: c.from.platform, fullName: c.from.fullName }, target, foundIn: c.foundIn, evidence: c.evidence })
  }
  return uniqueTargets(out)
}

function unresolved(c: Candidate): LinkToImport['target'] | null {
  if (typeof c.github === 'string') return { platform: 'github', fullName: c.github }
  if (typeof c.huggingface === 'string') return { platform: 'huggingface', fullName: c.huggingface }
  return null
}

function uniqueTargets(links: LinkToImport[]): LinkToImport[] {
  const seen = new Set<string>()
  return links.filter((l) => {
    const key = `${l.target.platform}\u0000${l.target.fullName.toLowerCase()}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** `githubId:hfId` of every pair of repositories that share a family. */
async function linkedPairs(ctx: Ctx, projectId: number): Promise<Set<string>> {
  const rows = await ctx.db
    .select({ familyId: familyRepositories.familyId, repositoryId: repositories.id, platform: repositories.platform })
    .from(familyRepositories)
    .innerJoin(repositories, eq(repositories.id, familyRepositories.repositoryId))
    .where(eq(repositories.projectId, projectId))
  const members = new Map<number, { gh: number[]; hf: number[] }>()
  for (const r of rows) {
    const m = members.get(r.familyId) ?? { gh: [], hf: [] }
    ;(r.platform === 'github' ? m.gh : m.hf).push(r.repositoryId)
    members.set(r.familyId, m)
  }
  const pairs = new Set<string>()
  for (const { gh, hf } of members.values()) for (const g of gh) for (const h of hf) pairs.add(`${g}:${h}`)
  return pairs
}

export type ProposalView = {
  id: number
  status: ProposalStatus
  foundIn: string
  evidence: string
  github: { id: number; fullName: string; commits: number }
  huggingface: { id: number; fullName: string; commits: number }
  family: { id: number; name: string } | null
  /** The family accepting would link into (an existing one, or a new one by this name). */
  suggestedFamily: string | null
  /** Set when the GitHub repository is in several families: accepting must name one. */
  familyChoices: string[]
  createdAt: string
  decidedAt: string | null
}

const ghRepo = alias(repositories, 'gh_repo')
const hfRepo = alias(repositories, 'hf_repo')

/** Proposals of a project (all, or one status), newest first, with family suggestions. */
export async function listProposals(ctx: Ctx, projectId: number, status?: ProposalStatus): Promise<ProposalView[]> {
  const conditions = [eq(familyLinkProposals.projectId, projectId)]
  if (status) conditions.push(eq(familyLinkProposals.status, status))
  const rows = await ctx.db
    .select({
      p: familyLinkProposals,
      ghName: ghRepo.fullName,
      hfName: hfRepo.fullName,
      familyName: families.name,
    })
    .from(familyLinkProposals)
    .innerJoin(ghRepo, eq(ghRepo.id, familyLinkProposals.githubRepositoryId))
    .innerJoin(hfRepo, eq(hfRepo.id, familyLinkProposals.huggingfaceRepositoryId))
    .leftJoin(families, eq(families.id, familyLinkProposals.familyId))
    .where(and(...conditions))
    .orderBy(desc(familyLinkProposals.id))
  const repoIds = [...new Set(rows.flatMap((r) => [r.p.githubRepositoryId, r.p.huggingfaceRepositoryId]))]
  const [counts, memberships] = await Promise.all([commitCounts(ctx, repoIds), familiesOf(ctx, repoIds)])
  return rows.map(({ p, ghName, hfName, familyName }) => {
    const choice = familyChoice(memberships, p.githubRepositoryId, p.huggingfaceRepositoryId, ghName)
    return {
      id: p.id,
      status: p.status,
      foundIn: p.foundIn,
      evidence: p.evidence,
      github: { id: p.githubRepositoryId, fullName: ghName, commits: counts.get(p.githubRepositoryId) ?? 0 },
      huggingface: { id: p.huggingfaceRepositoryId, fullName: hfName, commits: counts.get(p.huggingfaceRepositoryId) ?? 0 },
      family: p.familyId && familyName ? { id: p.familyId, name: familyName } : null,
      suggestedFamily: choice.name,
      familyChoices: choice.choices,
      createdAt: p.createdAt,
      decidedAt: p.decidedAt,
    }
  })
}

async function commitCounts(ctx: Ctx, repoIds: number[]): Promise<Map<number, number>> {
  if (repoIds.length === 0) return new Map()
  const rows = await ctx.db
    .select({ id: commits.repositoryId, n: sql<number>`count(*)` })
    .from(commits)
    .where(inArray(commits.repositoryId, repoIds))
    .groupBy(commits.repositoryId)
  return new Map(rows.map((r) => [r.id, Number(r.n)]))
}

async function familiesOf(ctx: Ctx, repoIds: number[]): Promise<Map<number, string[]>> {
  if (repoIds.length === 0) return new Map()
  const rows = await ctx.db
    .select({ repositoryId: familyRepositories.repositoryId, name: families.name })
    .from(familyRepositories)
    .innerJoin(families, eq(families.id, familyRepositories.familyId))
    .where(inArray(familyRepositories.repositoryId, repoIds))
    .orderBy(families.name)
  const out = new Map<number, string[]>()
  for (const r of rows) out.set(r.repositoryId, [...(out.get(r.repositoryId) ?? []), r.name])
  return out
}

/**
 * Where an accepted link goes: the GitHub repository's family; else the variant's; else a new
 * family named after the GitHub repository. Several candidates: the person chooses.
 */
function familyChoice(memberships: Map<number, string[]>, githubId: number, hfId: number, githubName: string) {
  const gh = memberships.get(githubId) ?? []
  if (gh.length === 1) return { name: gh[0]!, choices: [] }
  if (gh.length > 1) return { name: null, choices: gh }
  const hf = memberships.get(hfId) ?? []
  if (hf.length === 1) return { name: hf[0]!, choices: [] }
  if (hf.length > 1) return { name: null, choices: hf }
  return { name: githubName.split('/')[1]!.toLowerCase(), choices: [] }
}

async function getProposal(ctx: Ctx, projectId: number, id: number): Promise<ProposalView> {
  const found = (await listProposals(ctx, projectId)).find((p) => p.id === id)
  if (!found) throw new NotFoundError(`no family-link proposal ${id} in this project`)
  return found
}

/**
 * Accepts a proposal: both repositories join the family (`family` when given, else the
 * suggestion); the proposal records which.
 */
export async function acceptProposal(
  ctx: Ctx,
  input: { projectId: number; id: number; family?: string | undefined },
): Promise<ProposalView> {
  const proposal = await getProposal(ctx, input.projectId, input.id)
  if (proposal.status !== 'proposed') throw new ServiceError('conflict', `proposal ${input.id} is already ${proposal.status}`)
  const name = input.family?.trim() || proposal.suggestedFamily
  if (!name) {
    throw new InvalidInputError(
      `${proposal.github.fullName} is in several families (${proposal.familyChoices.join(', ')}): say which one`,
    )
  }
  await ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    const familyId = await ensureFamily(txCtx, input.projectId, name)
    await linkRepositories(txCtx, familyId, [proposal.github.id, proposal.huggingface.id], 'discovery')
    // The same pair found elsewhere (README and model card) is settled with it.
    await tx
      .update(familyLinkProposals)
      .set({ status: 'accepted', familyId, decidedAt: new Date().toISOString() })
      .where(
        and(
          eq(familyLinkProposals.githubRepositoryId, proposal.github.id),
          eq(familyLinkProposals.huggingfaceRepositoryId, proposal.huggingface.id),
          eq(familyLinkProposals.status, 'proposed'),
        ),
      )
    await audit(txCtx, {
      projectId: input.projectId,
      action: 'accept',
      entity: 'family_link_proposal',
      entityId: input.id,
      details: { family: name, github: proposal.github.fullName, huggingface: proposal.huggingface.fullName },
    })
  })
  return getProposal(ctx, input.projectId, input.id)
}

export async function rejectProposal(ctx: Ctx, input: { projectId: number; id: number }): Promise<ProposalView> {
  const proposal = await getProposal(ctx, input.projectId, input.id)
  if (proposal.status !== 'proposed') throw new ServiceError('conflict', `proposal ${input.id} is already ${proposal.status}`)
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(familyLinkProposals)
      .set({ status: 'rejected', decidedAt: new Date().toISOString() })
      .where(eq(familyLinkProposals.id, input.id))
    await audit(withDb(ctx, tx), {
      projectId: input.projectId,
      action: 'reject',
      entity: 'family_link_proposal',
      entityId: input.id,
      details: { github: proposal.github.fullName, huggingface: proposal.huggingface.fullName },
    })
  })
  return getProposal(ctx, input.projectId, input.id)
}
