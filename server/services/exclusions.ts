/**
 * @module Exclusions and observation windows: leave a family or a repository out of every
 * analysis with a reason, take it back in, and set the last observed day of a repository (a
 * mirror that stopped early). Every change is audited; every report lists them.
 */
import { and, eq } from 'drizzle-orm'
import { z } from 'zod'
import { families, repositories } from '../../schema'
import type { Platform } from '../../schema'
import { parseTimestamp } from '../core/timestamps'
import { audit } from './audit'
import type { Ctx } from './context'
import { withDb } from './context'
import { InvalidInputError, NotFoundError } from './errors'

const Reason = z.string().trim().min(1, 'a reason is required').max(500)

/** Excludes a family from every analysis; the reason is shown in every report. */
export async function excludeFamily(ctx: Ctx, input: { projectId: number; family: string; reason: string }) {
  const reason = Reason.parse(input.reason)
  return setFamilyReason(ctx, input.projectId, input.family, reason)
}

/** Takes an excluded family back into the analyses. */
export async function includeFamily(ctx: Ctx, input: { projectId: number; family: string }) {
  return setFamilyReason(ctx, input.projectId, input.family, null)
}

async function setFamilyReason(ctx: Ctx, projectId: number, name: string, reason: string | null) {
  return ctx.db.transaction(async (tx) => {
    const [family] = await tx
      .select()
      .from(families)
      .where(and(eq(families.projectId, projectId), eq(families.name, name)))
    if (!family) throw new NotFoundError(`no family named '${name}' in this project`)
    await tx.update(families).set({ excludedReason: reason }).where(eq(families.id, family.id))
    await audit(withDb(ctx, tx), {
      projectId,
      action: reason === null ? 'include' : 'exclude',
      entity: 'family',
      entityId: family.id,
      details: { family: name, reason, previous: family.excludedReason },
    })
    return { family: name, excluded_reason: reason, previous: family.excludedReason }
  })
}

type RepositoryRef = { projectId: number; repository: string; platform?: Platform | undefined }

/** Excludes a repository (a variant, or a family's GitHub repository) from every analysis. */
export async function excludeRepository(ctx: Ctx, input: RepositoryRef & { reason: string }) {
  const reason = Reason.parse(input.reason)
  return updateRepository(ctx, input, { excludedReason: reason }, 'exclude')
}

export async function includeRepository(ctx: Ctx, input: RepositoryRef) {
  return updateRepository(ctx, input, { excludedReason: null }, 'include')
}

/**
 * Sets the last observed day of a repository (`YYYY-MM-DD`, UTC): analyses ignore its later
 * commits. `null` clears it.
 */
export async function setObservationEnd(ctx: Ctx, input: RepositoryRef & { end: string | null }) {
  if (input.end !== null && (!/^\d{4}-\d{2}-\d{2}$/.test(input.end) || !parseTimestamp(`${input.end}T00:00:00Z`))) {
    throw new InvalidInputError(`the end must be a day as YYYY-MM-DD, not '${input.end}'`)
  }
  return updateRepository(ctx, input, { observationEnd: input.end }, input.end === null ? 'clear-window' : 'window')
}

async function updateRepository(
  ctx: Ctx,
  ref: RepositoryRef,
  change: { excludedReason?: string | null; observationEnd?: string | null },
  action: string,
) {
  return ctx.db.transaction(async (tx) => {
    const repo = await findRepository(withDb(ctx, tx), ref)
    await tx.update(repositories).set(change).where(eq(repositories.id, repo.id))
    await audit(withDb(ctx, tx), {
      projectId: ref.projectId,
      action,
      entity: 'repository',
      entityId: repo.id,
      details: {
        repository: repo.fullName,
        platform: repo.platform,
        ...change,
        previous: { excludedReason: repo.excludedReason, observationEnd: repo.observationEnd },
      },
    })
    const updated = { ...repo, ...change }
    return {
      repository: repo.fullName,
      platform: repo.platform,
      excluded_reason: updated.excludedReason,
      observation_end: updated.observationEnd,
    }
  })
}

async function findRepository(ctx: Ctx, ref: RepositoryRef) {
  const conditions = [eq(repositories.projectId, ref.projectId), eq(repositories.fullName, ref.repository)]
  if (ref.platform) conditions.push(eq(repositories.platform, ref.platform))
  const rows = await ctx.db.select().from(repositories).where(and(...conditions))
  if (rows.length === 0) {
    const on = ref.platform ? ` on ${ref.platform}` : ''
    throw new NotFoundError(`no repository ${ref.repository}${on} in this project`)
  }
  if (rows.length > 1) {
    throw new InvalidInputError(`${ref.repository} exists on both platforms: say which with --platform github|huggingface`)
  }
  return rows[0]!
}

/** The project's exclusions and observation windows as they stand. */
export async function listExclusions(ctx: Ctx, projectId: number) {
  const familyRows = await ctx.db
    .select({ family: families.name, reason: families.excludedReason })
    .from(families)
    .where(eq(families.projectId, projectId))
    .orderBy(families.name)
  const repoRows = await ctx.db
    .select({
      repository: repositories.fullName,
      platform: repositories.platform,
      reason: repositories.excludedReason,
      observationEnd: repositories.observationEnd,
    })
    .from(repositories)
    .where(eq(repositories.projectId, projectId))
    .orderBy(repositories.platform, repositories.fullName)
  return {
    families: familyRows.filter((f) => f.reason !== null).map((f) => ({ family: f.family, reason: f.reason! })),
    repositories: repoRows
      .filter((r) => r.reason !== null)
      .map((r) => ({ repository: r.repository, platform: r.platform, reason: r.reason! })),
    windows: repoRows
      .filter((r) => r.observationEnd !== null)
      .map((r) => ({ repository: r.repository, platform: r.platform, observation_end: r.observationEnd! })),
  }
}
