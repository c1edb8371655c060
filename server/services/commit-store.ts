/**
 * @module Storing commit records: repositories created as needed, duplicates skipped, batched.
 */
import { and, eq, inArray, sql } from 'drizzle-orm'
import { commitFiles, commits, families, familyRepositories, repositories } from '../../schema'
import type { Platform } from '../../schema'
import type { CommitRecord } from '../ingest/commit-record'
import { linkExampleCommits } from './codebook'
import type { Ctx } from './context'

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

  // Rows travel as one JSON parameter that SQLite unpacks (json_each): building a statement
  // with thousands of bound parameters cost three times the CPU of the insert itself.
  for (const rows of jsonBatches(fresh.map(({ repositoryId, record: r }) => commitRow(repositoryId, r)))) {
    const inserted = await ctx.db.all<{ id: number; repository_id: number; sha: string }>(sql`
      insert into ${commits} (repository_id, sha, sha_derived, parents, is_merge, author_name, author_email_hash,
        authored_at, authored_offset, committed_at, committed_offset, message, diff, diff_truncated, file_count)
      select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6,
        value->>7, value->>8, value->>9, value->>10, value->>11, value->>12, value->>13, value->>14
      from json_each(${rows}) where true
      on conflict do nothing
      returning id, repository_id, sha`)
    for (const row of inserted) idOf.set(key(Number(row.repository_id), row.sha), Number(row.id))
  }

  const files = fresh.flatMap(({ repositoryId, record }) => {
    const commitId = idOf.get(key(repositoryId, record.sha))!
    return record.files.map((f) => [commitId, f.path, f.oldPath, f.status, f.additions, f.deletions, f.blobAbsent ? 1 : 0])
  })
  for (const rows of jsonBatches(files)) {
    await ctx.db.run(sql`
      insert into ${commitFiles} (commit_id, path, old_path, status, additions, deletions, blob_absent)
      select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6
      from json_each(${rows})`)
  }
  // A codebook's example commits (stored as text) get linked once the project holds them.
  await linkExampleCommits(
    ctx,
    projectId,
    fresh.map(({ repositoryId, record: r }) => ({
      commitId: idOf.get(key(repositoryId, r.sha))!,
      platform: r.platform,
      repository: r.repo,
      sha: r.sha,
    })),
  )

  return {
    imported: fresh.length,
    skippedDuplicates: records.length - fresh.length,
    commitIds: records.map((r) => idOf.get(key(repoIds.get(repoKey(r.platform, r.repo))!, r.sha))!),
  }
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/**
 * Rows as JSON arrays of at most about 2 MB each (a libSQL server refuses larger values), a
 * lone UTF-16 surrogate (possible in JSON input) turned into U+FFFD as a bound string would be.
 */
const wellFormed = (_key: string, value: unknown) =>
  typeof value === 'string' && /[\uD800-\uDFFF]/.test(value) ? value.replace(loneSurrogate, '\uFFFD') : value

function jsonBatches(rows: readonly unknown[][], maxChars = 2_000_000): string[] {
  const out: string[] = []
  let parts: string[] = []
  let size = 0
  for (const row of rows) {
    let json = JSON.stringify(row)
    // JSON.stringify writes a lone surrogate as a `\udXXX` escape (pairs stay characters).
    if (json.includes('\\ud')) json = JSON.stringify(row, wellFormed)
    if (parts.length > 0 && size + json.length > maxChars) {
      out.push(`[${parts.join(',')}]`)
      parts = []
      size = 0
    }
    parts.push(json)
    size += json.length + 1
  }
  if (parts.length > 0) out.push(`[${parts.join(',')}]`)
  return out
}

/** A commit's columns in the order of the insert in storeCommits (booleans as 0/1, parents as JSON). */
function commitRow(repositoryId: number, r: CommitRecord) {
  return [
    repositoryId,
    r.sha,
    r.shaDerived ? 1 : 0,
    JSON.stringify(r.parents),
    r.isMerge ? 1 : 0,
    r.authorName,
    r.authorEmailHash,
    r.authoredAt,
    r.authoredOffset,
    r.committedAt,
    r.committedOffset,
    r.message,
    r.diff,
    r.diffTruncated ? 1 : 0,
    r.files.length,
  ]
}
