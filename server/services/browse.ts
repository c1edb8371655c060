/**
 * @module Reading families, repositories and commits for the browser and the API.
 */
import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm'
import type { AnyColumn, SQL } from 'drizzle-orm'
import {
  commitFiles,
  commits,
  families,
  familyRepositories,
  labels,
  openCodes,
  repositories,
  users,
} from '../../schema'
import type { Platform } from '../../schema'
import type { Ctx } from './context'
import { NotFoundError } from './errors'
import { findFinalCode } from './final-codes'
import { labelVisibility, visibleLabels } from './visibility'
import { groupByLabel, labelCodeRows } from './label-rows'

export type RepositorySummary = {
  id: number
  platform: Platform
  fullName: string
  commits: number
  firstCommitAt: string | null
  lastCommitAt: string | null
}

const repositorySummaryColumns = {
  id: repositories.id,
  platform: repositories.platform,
  fullName: repositories.fullName,
  commits: sql<number>`count(${commits.id})`,
  firstCommitAt: sql<string | null>`min(${commits.committedAt})`,
  lastCommitAt: sql<string | null>`max(${commits.committedAt})`,
}

export async function listRepositories(ctx: Ctx, projectId: number): Promise<RepositorySummary[]> {
  return ctx.db
    .select(repositorySummaryColumns)
    .from(repositories)
    .leftJoin(commits, eq(commits.repositoryId, repositories.id))
    .where(eq(repositories.projectId, projectId))
    .groupBy(repositories.id)
    .orderBy(asc(repositories.platform), asc(repositories.fullName))
}

export type FamilySummary = {
  id: number
  name: string
  excludedReason: string | null
  repositories: RepositorySummary[]
}

/** Families with their repositories (GitHub first) and commit counts. */
export async function listFamilies(ctx: Ctx, projectId: number): Promise<FamilySummary[]> {
  const rows = await ctx.db.select().from(families).where(eq(families.projectId, projectId)).orderBy(families.name)
  const links = await ctx.db
    .select({ familyId: familyRepositories.familyId, ...repositorySummaryColumns })
    .from(familyRepositories)
    .innerJoin(repositories, eq(repositories.id, familyRepositories.repositoryId))
    .leftJoin(commits, eq(commits.repositoryId, repositories.id))
    .where(eq(repositories.projectId, projectId))
    .groupBy(familyRepositories.familyId, repositories.id)
    .orderBy(asc(repositories.platform), asc(repositories.fullName))
  return rows.map((f) => ({
    id: f.id,
    name: f.name,
    excludedReason: f.excludedReason,
    repositories: links.filter((l) => l.familyId === f.id).map(({ familyId: _, ...r }) => r),
  }))
}

export type CommitQuery = {
  q?: string | undefined
  familyId?: number | undefined
  repositoryId?: number | undefined
  platform?: Platform | undefined
  limit?: number | undefined
  offset?: number | undefined
}

export type CommitListItem = {
  id: number
  platform: Platform
  repository: string
  sha: string
  shaDerived: boolean
  authorName: string
  committedAt: string
  subject: string
  isMerge: boolean
  fileCount: number
}

/** A page of a project's commits, newest first, filtered by text, family, repository or platform. */
export async function listCommits(
  ctx: Ctx,
  projectId: number,
  query: CommitQuery,
): Promise<{ total: number; items: CommitListItem[] }> {
  const conditions: SQL[] = [eq(repositories.projectId, projectId)]
  if (query.platform) conditions.push(eq(repositories.platform, query.platform))
  if (query.repositoryId) conditions.push(eq(commits.repositoryId, query.repositoryId))
  if (query.familyId) {
    conditions.push(
      inArray(
        commits.repositoryId,
        ctx.db
          .select({ id: familyRepositories.repositoryId })
          .from(familyRepositories)
          .where(eq(familyRepositories.familyId, query.familyId)),
      ),
    )
  }
  const text = query.q?.trim()
  if (text) {
    const literal = text.replace(/[\\%_]/g, (c) => `\\${c}`)
    const like = (column: AnyColumn, pattern: string) => sql`${column} like ${pattern} escape '\\'`
    conditions.push(
      or(like(commits.message, `%${literal}%`), like(commits.authorName, `%${literal}%`), like(commits.sha, `${literal}%`))!,
    )
  }
  const where = and(...conditions)
  const [count] = await ctx.db
    .select({ n: sql<number>`count(*)` })
    .from(commits)
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .where(where)
  const items = await ctx.db
    .select({
      id: commits.id,
      platform: repositories.platform,
      repository: repositories.fullName,
      sha: commits.sha,
      shaDerived: commits.shaDerived,
      authorName: commits.authorName,
      committedAt: commits.committedAt,
      subject: sql<string>`substr(${commits.message}, 1, coalesce(nullif(instr(${commits.message}, char(10)), 0) - 1, 200))`,
      isMerge: commits.isMerge,
      fileCount: commits.fileCount,
    })
    .from(commits)
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .where(where)
    .orderBy(desc(commits.committedAt), desc(commits.id))
    .limit(Math.min(query.limit ?? 50, 500))
    .offset(query.offset ?? 0)
  return { total: Number(count!.n), items }
}

/**
 * The most files a commit's detail lists, in recorded order: a commit may touch tens of
 * thousands (a vendored tree), and the page needs the first ones and the count (`fileCount`).
 */
export const listedFilesCap = 1_000

/**
 * One commit with its files (the first `listedFilesCap`; `fileCount` is how many it touched),
 * labels (with rater and codes), open codes and final code: those the viewer may see (blind
 * rounds hide other coders' work; services/visibility.ts).
 */
export async function getCommit(ctx: Ctx, projectId: number, commitId: number) {
  const [row] = await ctx.db
    .select({ commit: commits, platform: repositories.platform, repository: repositories.fullName })
    .from(commits)
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .where(and(eq(commits.id, commitId), eq(repositories.projectId, projectId)))
  if (!row) throw new NotFoundError(`no commit ${commitId} in this project`)
  const files = await ctx.db
    .select()
    .from(commitFiles)
    .where(eq(commitFiles.commitId, commitId))
    .orderBy(commitFiles.id)
    .limit(listedFilesCap)
  const visibility = await labelVisibility(ctx, projectId)
  const labelRows = visibleLabels(visibility, groupByLabel(await labelCodeRows(ctx, eq(labels.commitId, commitId))))
    .sort((x, y) => x.rater.localeCompare(y.rater))
    .map((l) => ({
      id: l.labelId,
      rater: l.rater,
      source: l.source,
      model: l.model,
      confidence: l.confidence,
      rationale: l.rationale,
      codes: l.codes,
    }))
  const openCodeRows = (
    await ctx.db
      .select({ coderId: openCodes.coderId, coder: users.name, text: openCodes.text })
      .from(openCodes)
      .innerJoin(users, eq(users.id, openCodes.coderId))
      .where(eq(openCodes.commitId, commitId))
  )
    .filter((o) => visibility.canSee({ commitId, kind: 'open-code', raterId: o.coderId }))
    .map(({ coder, text }) => ({ coder, text }))
  const finalCode = visibility.canSee({ commitId, kind: 'final' }) ? await findFinalCode(ctx, commitId) : null
  const familyRows = await ctx.db
    .select({ id: families.id, name: families.name })
    .from(familyRepositories)
    .innerJoin(families, eq(families.id, familyRepositories.familyId))
    .where(eq(familyRepositories.repositoryId, row.commit.repositoryId))
  return {
    ...row.commit,
    platform: row.platform,
    repository: row.repository,
    files,
    labels: labelRows,
    openCodes: openCodeRows,
    finalCode,
    families: familyRows,
  }
}
