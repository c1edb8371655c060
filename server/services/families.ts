/**
 * @module Families by hand: create, rename, delete, and add or remove repositories. (Listing is
 * browse.ts's `listFamilies`; links found in READMEs are discovery.ts's.)
 */
import { and, eq, inArray, sql } from 'drizzle-orm'
import { families, familyRepositories, repositories } from '../../schema'
import type { Family, Platform } from '../../schema'
import { audit } from './audit'
import { ensureRepositories, linkRepositories } from './commit-store'
import type { Ctx } from './context'
import { withDb } from './context'
import { InvalidInputError, NotFoundError, ServiceError } from './errors'

/** A family named or numbered. */
export type FamilyRef = { id: number } | { name: string }

/** A repository named; the platform may be left out when the name is unambiguous in the project. */
export type RepositoryRef = { platform?: Platform | undefined; fullName: string }

const repoPattern = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/

function checkName(name: string): string {
  const trimmed = name.trim()
  if (!trimmed) throw new InvalidInputError('a family needs a name')
  if (trimmed.length > 100) throw new InvalidInputError('a family name has at most 100 characters')
  return trimmed
}

export async function findFamily(ctx: Ctx, projectId: number, ref: FamilyRef): Promise<Family> {
  const condition = 'id' in ref ? eq(families.id, ref.id) : eq(families.name, ref.name.trim())
  const [row] = await ctx.db.select().from(families).where(and(eq(families.projectId, projectId), condition))
  if (!row) throw new NotFoundError(`no family ${'id' in ref ? `#${ref.id}` : `'${ref.name}'`} in this project`)
  return row
}

async function assertFreeName(ctx: Ctx, projectId: number, name: string): Promise<void> {
  const [clash] = await ctx.db
    .select({ id: families.id })
    .from(families)
    .where(and(eq(families.projectId, projectId), eq(families.name, name)))
  if (clash) throw new ServiceError('conflict', `a family named '${name}' already exists`)
}

/** Creates a family, optionally with repositories (created when named with their platform). */
export async function createFamily(
  ctx: Ctx,
  input: { projectId: number; name: string; repositories?: RepositoryRef[] },
): Promise<Family> {
  const name = checkName(input.name)
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    await assertFreeName(txCtx, input.projectId, name)
    const [family] = await tx.insert(families).values({ projectId: input.projectId, name }).returning()
    if (input.repositories?.length) {
      await linkRepositories(txCtx, family!.id, await resolveRepositories(txCtx, input.projectId, input.repositories, true), 'manual')
    }
    await audit(txCtx, { projectId: input.projectId, action: 'create', entity: 'family', entityId: family!.id, details: { name } })
    return family!
  })
}

export async function renameFamily(ctx: Ctx, input: { projectId: number; family: FamilyRef; name: string }): Promise<Family> {
  const name = checkName(input.name)
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    const family = await findFamily(txCtx, input.projectId, input.family)
    if (family.name === name) return family
    await assertFreeName(txCtx, input.projectId, name)
    const [renamed] = await tx.update(families).set({ name }).where(eq(families.id, family.id)).returning()
    await audit(txCtx, { projectId: input.projectId, action: 'rename', entity: 'family', entityId: family.id, details: { from: family.name, to: name } })
    return renamed!
  })
}

/** Deletes a family; its repositories and commits stay in the project. */
export async function deleteFamily(ctx: Ctx, input: { projectId: number; family: FamilyRef }): Promise<{ deleted: string }> {
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    const family = await findFamily(txCtx, input.projectId, input.family)
    await tx.delete(families).where(eq(families.id, family.id))
    await audit(txCtx, { projectId: input.projectId, action: 'delete', entity: 'family', entityId: family.id, details: { name: family.name } })
    return { deleted: family.name }
  })
}

/** Adds repositories to a family; one named with its platform is created when missing. */
export async function linkFamilyRepositories(
  ctx: Ctx,
  input: { projectId: number; family: FamilyRef; repositories: RepositoryRef[] },
): Promise<{ family: string; linked: number }> {
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    const family = await findFamily(txCtx, input.projectId, input.family)
    const ids = await resolveRepositories(txCtx, input.projectId, input.repositories, true)
    const before = await memberIds(txCtx, family.id)
    await linkRepositories(txCtx, family.id, ids, 'manual')
    const linked = ids.filter((id) => !before.has(id)).length
    await audit(txCtx, { projectId: input.projectId, action: 'link', entity: 'family', entityId: family.id, details: { repositories: input.repositories.map(label) } })
    return { family: family.name, linked }
  })
}

/** Removes repositories from a family (they stay in the project with their commits). */
export async function unlinkFamilyRepositories(
  ctx: Ctx,
  input: { projectId: number; family: FamilyRef; repositories: RepositoryRef[] | number[] },
): Promise<{ family: string; unlinked: number }> {
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    const family = await findFamily(txCtx, input.projectId, input.family)
    const refs = input.repositories
    const ids = refs.every((r) => typeof r === 'number')
      ? (refs as number[])
      : await resolveRepositories(txCtx, input.projectId, refs as RepositoryRef[], false)
    if (ids.length === 0) return { family: family.name, unlinked: 0 }
    const removed = await tx
      .delete(familyRepositories)
      .where(and(eq(familyRepositories.familyId, family.id), inArray(familyRepositories.repositoryId, ids)))
      .returning({ id: familyRepositories.repositoryId })
    await audit(txCtx, { projectId: input.projectId, action: 'unlink', entity: 'family', entityId: family.id, details: { repositories: ids } })
    return { family: family.name, unlinked: removed.length }
  })
}

async function memberIds(ctx: Ctx, familyId: number): Promise<Set<number>> {
  const rows = await ctx.db
    .select({ id: familyRepositories.repositoryId })
    .from(familyRepositories)
    .where(eq(familyRepositories.familyId, familyId))
  return new Set(rows.map((r) => r.id))
}

const label = (r: RepositoryRef) => (r.platform ? `${r.platform}:${r.fullName}` : r.fullName)

/** Repository ids for refs; with `create`, refs that name their platform are created. */
async function resolveRepositories(ctx: Ctx, projectId: number, refs: RepositoryRef[], create: boolean): Promise<number[]> {
  const ids: number[] = []
  for (const ref of refs) {
    const fullName = ref.fullName.trim()
    if (!repoPattern.test(fullName)) throw new InvalidInputError(`'${ref.fullName}' is not a repository name of the form owner/name`)
    const conditions = [eq(repositories.projectId, projectId), sql`lower(${repositories.fullName}) = lower(${fullName})`]
    if (ref.platform) conditions.push(eq(repositories.platform, ref.platform))
    const rows = await ctx.db.select({ id: repositories.id, platform: repositories.platform }).from(repositories).where(and(...conditions))
    if (rows.length > 1) {
      throw new InvalidInputError(`${fullName} exists on both platforms: write github:${fullName} or hf:${fullName}`)
    }
    if (rows[0]) {
      ids.push(rows[0].id)
    } else if (create && ref.platform) {
      const created = await ensureRepositories(ctx, projectId, [{ platform: ref.platform, fullName }])
      ids.push(created.get(`${ref.platform}\u0000${fullName}`)!)
    } else {
      throw new NotFoundError(
        `no repository ${label(ref)} in this project${create ? ` (to add it, name its platform: github:${fullName} or hf:${fullName})` : ''}`,
      )
    }
  }
  return ids
}
