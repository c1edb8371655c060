/**
 * @module Reading what the synchronization analyses need, in a few whole-project queries grouped
 * in memory: families and their repositories (with exclusions and observation windows), commit
 * counts per repository and UTC day, codes per commit, and commit authors.
 */
import { and, desc, eq, inArray, ne, sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import {
  codebooks,
  codes,
  commits,
  families,
  familyRepositories,
  finalCodeCodes,
  finalCodes,
  labelCodes,
  labels,
  repositories,
} from '../../schema'
import type { Platform } from '../../schema'
import type { Contributor } from '../core/contributors'
import type { CodedCommit, DayCount, FamilyInput } from '../core/project-analysis'
import type { Ctx } from './context'
import { NotFoundError } from './errors'
import { labelVisibility } from './visibility'

export type LoadedRepository = {
  id: number
  platform: Platform
  fullName: string
  excludedReason: string | null
  /** Last observed day (`YYYY-MM-DD`): later commits are ignored. */
  observationEnd: string | null
  /** Commits per UTC day inside the window, ascending. */
  days: DayCount[]
  commits: number
  /** Commits after the observation end, left out. */
  ignoredCommits: number
}

export type LoadedFamily = {
  id: number
  name: string
  excludedReason: string | null
  repositories: LoadedRepository[]
}

export type ProjectData = { families: LoadedFamily[]; repositories: LoadedRepository[] }

// committed_at is stored as a UTC instant (`YYYY-MM-DDTHH:MM:SSZ`), so its first ten characters
// are the UTC calendar day the detector wants (and hold no comma, the list separator below).
const commitDay = sql<string>`substr(${commits.committedAt}, 1, 10)`

const projectRepositoryIds = (projectId: number) =>
  sql`(select ${repositories.id} from ${repositories} where ${repositories.projectId} = ${projectId})`

/**
 * The project's families (all, or the one named) with their repositories and their commits per
 * UTC day: one query for every commit day of the project, grouped in memory.
 * @throws NotFoundError when the named family does not exist.
 */
export async function loadProjectData(
  ctx: Ctx,
  projectId: number,
  options: { family?: string | undefined } = {},
): Promise<ProjectData> {
  const familyFilter: SQL[] = [eq(families.projectId, projectId)]
  if (options.family !== undefined) familyFilter.push(eq(families.name, options.family))
  const familyRows = await ctx.db
    .select({ id: families.id, name: families.name, excludedReason: families.excludedReason })
    .from(families)
    .where(and(...familyFilter))
    .orderBy(families.name)
  if (options.family !== undefined && familyRows.length === 0) {
    throw new NotFoundError(`no family named '${options.family}' in this project`)
  }
  const links = await ctx.db
    .select({
      familyId: familyRepositories.familyId,
      id: repositories.id,
      platform: repositories.platform,
      fullName: repositories.fullName,
      excludedReason: repositories.excludedReason,
      observationEnd: repositories.observationEnd,
    })
    .from(familyRepositories)
    .innerJoin(repositories, eq(repositories.id, familyRepositories.repositoryId))
    .innerJoin(families, eq(families.id, familyRepositories.familyId))
    .where(and(...familyFilter))
    .orderBy(repositories.platform, repositories.fullName)

  const repos = new Map<number, LoadedRepository>()
  for (const l of links) {
    if (repos.has(l.id)) continue
    const { familyId: _, ...repo } = l
    repos.set(l.id, { ...repo, days: [], commits: 0, ignoredCommits: 0 })
  }
  const scope =
    options.family === undefined
      ? sql`${commits.repositoryId} in ${projectRepositoryIds(projectId)}`
      : inArray(commits.repositoryId, [...repos.keys()])
  if (repos.size > 0) {
    // One row per repository with all its commit days: far fewer rows to cross the driver than
    // one per commit or per day, which dominated the time at the study's scale.
    const dayLists = await ctx.db
      .select({ repositoryId: commits.repositoryId, days: sql<string>`group_concat(${commitDay}, ',')` })
      .from(commits)
      .where(scope)
      .groupBy(commits.repositoryId)
    for (const row of dayLists) {
      const repo = repos.get(row.repositoryId)
      if (!repo) continue // a repository of the project outside every family
      const counts = new Map<string, number>()
      for (const day of row.days.split(',')) counts.set(day, (counts.get(day) ?? 0) + 1)
      for (const day of [...counts.keys()].sort()) {
        const n = counts.get(day)!
        repo.commits += n
        if (repo.observationEnd !== null && day > repo.observationEnd) repo.ignoredCommits += n
        else repo.days.push({ day, commits: n })
      }
    }
  }
  const byFamily = new Map<number, LoadedRepository[]>()
  for (const l of links) byFamily.set(l.familyId, [...(byFamily.get(l.familyId) ?? []), repos.get(l.id)!])
  return {
    families: familyRows.map((f) => ({ ...f, repositories: byFamily.get(f.id) ?? [] })),
    repositories: [...repos.values()],
  }
}

/** Inside the repository's observation window (a missing end keeps everything). */
export function insideWindow(repo: LoadedRepository, day: string): boolean {
  return repo.observationEnd === null || day <= repo.observationEnd
}

/** The families the analyses run on (not excluded), each with its repositories that are not excluded. */
export function analysedFamilies(data: ProjectData): LoadedFamily[] {
  return data.families
    .filter((f) => f.excludedReason === null)
    .map((f) => ({ ...f, repositories: f.repositories.filter((r) => r.excludedReason === null) }))
}

/** The pure analyses' view of a family: GitHub repositories and variants with their days. */
export function familyInput(
  family: LoadedFamily,
  extra: {
    codes?: Map<number, CodedCommit[]> | undefined
    contributors?: Map<number, Contributor[]> | undefined
  } = {},
): FamilyInput {
  const side = (platform: Platform) => family.repositories.filter((r) => r.platform === platform)
  const series = (r: LoadedRepository) => ({ name: r.fullName, days: r.days })
  const pool = <T>(map: Map<number, T[]> | undefined, platform: Platform) =>
    side(platform).flatMap((r) => map?.get(r.id) ?? [])
  return {
    family: family.name,
    github: side('github').map(series),
    variants: side('huggingface').map(series),
    ...(extra.codes && {
      codes: { github: pool(extra.codes, 'github'), huggingface: pool(extra.codes, 'huggingface') },
    }),
    ...(extra.contributors && {
      contributors: {
        github: pool(extra.contributors, 'github'),
        huggingface: pool(extra.contributors, 'huggingface'),
      },
    }),
  }
}

export type CodeSource = 'final' | 'prelabels'

export type LoadedCodes = {
  /** Coded commits per repository id, inside the observation windows. */
  byRepository: Map<number, CodedCommit[]>
  /** Commits whose codes are final codes, and those filled in from machine pre-labels. */
  finalCommits: number
  prelabelCommits: number
}

/**
 * Codes per commit of the given repositories: the final codes, and with `prelabels` the newest
 * machine pre-label (llm, rules or classifier) of every commit that has no final code yet.
 */
export async function loadCodes(
  ctx: Ctx,
  projectId: number,
  repos: readonly LoadedRepository[],
  source: CodeSource,
): Promise<LoadedCodes> {
  const byId = new Map(repos.map((r) => [r.id, r]))
  const scope = sql`${commits.repositoryId} in ${projectRepositoryIds(projectId)}`
  // Blind coding: a coder of an open round gets no final code, and only the pre-labels the
  // round shows, on its units (the family view lists coded commits).
  const visibility = await labelVisibility(ctx, projectId)
  const allFinalRows = await ctx.db
    .select({ repositoryId: commits.repositoryId, commitId: commits.id, day: commitDay, code: codes.name })
    .from(finalCodes)
    .innerJoin(finalCodeCodes, eq(finalCodeCodes.finalCodeId, finalCodes.id))
    .innerJoin(codes, eq(codes.id, finalCodeCodes.codeId))
    .innerJoin(commits, eq(commits.id, finalCodes.commitId))
    .where(scope)
  const finalRows = visibility.all ? allFinalRows : allFinalRows.filter((r) => visibility.canSee({ commitId: r.commitId, kind: 'final' }))
  const coded = new Map<number, { repositoryId: number; codes: string[] }>()
  const add = (row: { repositoryId: number; commitId: number; day: string; code: string }) => {
    const repo = byId.get(row.repositoryId)
    if (!repo || !insideWindow(repo, row.day)) return
    const entry = coded.get(row.commitId) ?? { repositoryId: row.repositoryId, codes: [] }
    entry.codes.push(row.code)
    coded.set(row.commitId, entry)
  }
  for (const row of finalRows) add(row)
  const finalCommits = coded.size

  if (source === 'prelabels') {
    const machineRows = await ctx.db
      .select({
        repositoryId: commits.repositoryId,
        commitId: commits.id,
        day: commitDay,
        labelId: labels.id,
        code: codes.name,
      })
      .from(labels)
      .innerJoin(labelCodes, eq(labelCodes.labelId, labels.id))
      .innerJoin(codes, eq(codes.id, labelCodes.codeId))
      .innerJoin(commits, eq(commits.id, labels.commitId))
      .where(and(scope, ne(labels.source, 'human')))
      .orderBy(desc(labels.id))
    const chosen = new Map<number, number>() // commit -> its newest machine label
    for (const row of machineRows) {
      if (!visibility.all && !visibility.canSee({ commitId: row.commitId, kind: 'machine' })) continue
      if (coded.has(row.commitId) && !chosen.has(row.commitId)) continue // has a final code
      const label = chosen.get(row.commitId)
      if (label === undefined) chosen.set(row.commitId, row.labelId)
      else if (label !== row.labelId) continue
      add(row)
    }
  }
  const byRepository = new Map<number, CodedCommit[]>()
  for (const [commitId, entry] of coded) {
    const list = byRepository.get(entry.repositoryId) ?? []
    list.push({ commitId, codes: entry.codes })
    byRepository.set(entry.repositoryId, list)
  }
  return { byRepository, finalCommits, prelabelCommits: coded.size - finalCommits }
}

/** Distinct commit authors per repository (name and e-mail hash), inside the windows. */
export async function loadContributors(
  ctx: Ctx,
  projectId: number,
  repos: readonly LoadedRepository[],
): Promise<Map<number, Contributor[]>> {
  const byId = new Map(repos.map((r) => [r.id, r]))
  const firstDay = sql<string>`min(${commitDay})`
  const rows = await ctx.db
    .select({
      repositoryId: commits.repositoryId,
      name: commits.authorName,
      emailHash: commits.authorEmailHash,
      firstDay,
    })
    .from(commits)
    .where(sql`${commits.repositoryId} in ${projectRepositoryIds(projectId)}`)
    .groupBy(commits.repositoryId, commits.authorName, commits.authorEmailHash)
  const out = new Map<number, Contributor[]>()
  for (const row of rows) {
    const repo = byId.get(row.repositoryId)
    if (!repo || !insideWindow(repo, row.firstDay)) continue
    const list = out.get(row.repositoryId) ?? []
    list.push({ name: row.name, emailHash: row.emailHash })
    out.set(row.repositoryId, list)
  }
  return out
}

/** Names of the codebook's fallback codes (analyses leave them out). */
export async function fallbackCodeNames(ctx: Ctx, projectId: number): Promise<string[]> {
  const rows = await ctx.db
    .selectDistinct({ name: codes.name })
    .from(codes)
    .innerJoin(codebooks, eq(codebooks.id, codes.codebookId))
    .where(and(eq(codes.isFallback, true), eq(codebooks.projectId, projectId)))
  return rows.map((r) => r.name).sort()
}
