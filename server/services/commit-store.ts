/**
 * @module Storing commit records: repositories created as needed, duplicates skipped, batched.
 */
import { and, eq, inArray } from 'drizzle-orm'
import { commitFiles, commits, families, familyRepositories, repositories } from '../../schema'
import type { Platform } from '../../schema'
import type { CommitRecord } from '../ingest/commit-record'
import type { Ctx } from './context'

// SQLite binds at most 32,766 parameters a statement; stay well below it.
const maxParameters = 30_000

export function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size))
  return out
}

const repoKey = (platform: Platform, fullName: string) => `${platform}\u0000${fullName}`

/** Ids of the given repositories in a project, creating the missing ones. */
export async function ensureRepositories(
  ctx: Ctx,
  projectId: number,
  repos: readonly { platform: Platform; fullName: string }[],
): Promise<Map<string, number>> {
  const unique = [...new Map(repos.map((r) => [repoKey(r.platform, r.fullName), r])).values()]
  const ids = new Map<string, number>()
  for (const batch of chunks(unique, 2_000)) {
    await ctx.db
      .insert(repositories)
      .values(batch.map((r) => ({ projectId, platform: r.platform, fullName: r.fullName })))
      .onConflictDoNothing()
    const rows = await ctx.db
      .select({ id: repositories.id, platform: repositories.platform, fullName: repositories.fullName })
      .from(repositories)
      .where(and(eq(repositories.projectId, projectId), inArray(repositories.fullName, batch.map((r) => r.fullName))))
    for (const row of rows) ids.set(repoKey(row.platform, row.fullName), row.id)
  }
  return ids
}

/** Id of the family with this name in a project, creating it when missing. */
export async function ensureFamily(ctx: Ctx, projectId: number, name: string): Promise<number> {
  return (await ensureFamilies(ctx, projectId, [name])).get(name)!
}

/** Ids of the named families in a project, creating the missing ones. */
export async function ensureFamilies(ctx: Ctx, projectId: number, names: readonly string[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>()
  for (const batch of chunks([...new Set(names)], 2_000)) {
    await ctx.db.insert(families).values(batch.map((name) => ({ projectId, name }))).onConflictDoNothing()
    const rows = await ctx.db
      .select({ id: families.id, name: families.name })
      .from(families)
      .where(and(eq(families.projectId, projectId), inArray(families.name, batch)))
    for (const row of rows) ids.set(row.name, row.id)
  }
  return ids
}

export async function linkRepositories(ctx: Ctx, familyId: number, repositoryIds: readonly number[], origin = 'import') {
  await linkFamilyRepositories(ctx, repositoryIds.map((repositoryId) => ({ familyId, repositoryId })), origin)
}

/** Links repositories to families; existing links stay as they are. */
export async function linkFamilyRepositories(
  ctx: Ctx,
  links: readonly { familyId: number; repositoryId: number }[],
  origin = 'import',
) {
  for (const batch of chunks(links, 5_000)) {
    await ctx.db
      .insert(familyRepositories)
      .values(batch.map((l) => ({ ...l, origin })))
      .onConflictDoNothing()
  }
}

export type StoreResult = {
  imported: number
  skippedDuplicates: number
  /** Commit id of every record, in input order (existing or new). */
  commitIds: number[]
}

/**
 * Stores commit records of one project; a (repository, sha) already stored, or repeated in the
 * input, is skipped. Call inside a transaction for atomicity.
 */
export async function storeCommits(ctx: Ctx, projectId: number, records: readonly CommitRecord[]): Promise<StoreResult> {
  const repoIds = await ensureRepositories(
    ctx,
    projectId,
    records.map((r) => ({ platform: r.platform, fullName: r.repo })),
  )
  const idOf = new Map<string, number>() // `${repositoryId}:${sha}` -> commit id
  const key = (repositoryId: number, sha: string) => `${repositoryId}:${sha}`
  for (const repositoryId of new Set(repoIds.values())) {
    const rows = await ctx.db
      .select({ id: commits.id, sha: commits.sha })
      .from(commits)
      .where(eq(commits.repositoryId, repositoryId))
    for (const row of rows) idOf.set(key(repositoryId, row.sha), row.id)
  }

  const fresh: { repositoryId: number; record: CommitRecord }[] = []
  const seen = new Set<string>()
  for (const record of records) {
    const repositoryId = repoIds.get(repoKey(record.platform, record.repo))!
    const k = key(repositoryId, record.sha)
    if (idOf.has(k) || seen.has(k)) continue
    seen.add(k)
    fresh.push({ repositoryId, record })
  }

  const commitColumns = 15
  for (const batch of chunks(fresh, Math.floor(maxParameters / commitColumns))) {
    const inserted = await ctx.db
      .insert(commits)
      .values(batch.map(({ repositoryId, record: r }) => commitRow(repositoryId, r)))
      .onConflictDoNothing()
      .returning({ id: commits.id, repositoryId: commits.repositoryId, sha: commits.sha })
    for (const row of inserted) idOf.set(key(row.repositoryId, row.sha), row.id)
  }

  const files = fresh.flatMap(({ repositoryId, record }) => {
    const commitId = idOf.get(key(repositoryId, record.sha))!
    return record.files.map((f) => ({ commitId, ...f }))
  })
  for (const batch of chunks(files, Math.floor(maxParameters / 7))) {
    await ctx.db.insert(commitFiles).values(batch)
  }

  return {
    imported: fresh.length,
    skippedDuplicates: records.length - fresh.length,
    commitIds: records.map((r) => idOf.get(key(repoIds.get(repoKey(r.platform, r.repo))!, r.sha))!),
  }
}

function commitRow(repositoryId: number, r: CommitRecord) {
  return {
    repositoryId,
    sha: r.sha,
    shaDerived: r.shaDerived,
    parents: r.parents,
    isMerge: r.isMerge,
    authorName: r.authorName,
    authorEmailHash: r.authorEmailHash,
    authoredAt: r.authoredAt,
    authoredOffset: r.authoredOffset,
    committedAt: r.committedAt,
    committedOffset: r.committedOffset,
    message: r.message,
    diff: r.diff,
    diffTruncated: r.diffTruncated,
    fileCount: r.files.length,
  }
}
