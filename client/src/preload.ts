/**
 * @module Route preloads (start a page's requests while its code loads) and the URL parsing they
 * share with the pages. Kept apart from the pages so the lazy page chunks stay lazy.
 */
import type { RoutePreloadFuncArgs } from '@solidjs/router'
import {
  commitPageSize,
  getAnalysis,
  getCardSort,
  getCodebook,
  getFamilyAnalysis,
  getCommit,
  getCommits,
  getFamilies,
  getLabeling,
  getLabelingRuns,
  getProject,
  getRepositories,
  platforms,
} from './api'
import type { AnalysisQuery } from './api'
import type { CommitFilters } from './api'

type SearchValue = string | string[] | undefined

/** The commit list's query string as the router gives it (a repeated key gives an array). */
export type ListSearch = {
  q?: SearchValue
  family?: SearchValue
  repository?: SearchValue
  platform?: SearchValue
  offset?: SearchValue
}

/** The first value of a query key. */
export function first(value: SearchValue): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** The commit filters from the URL's query; malformed values are ignored. */
export function filtersFromSearch(search: ListSearch): CommitFilters {
  const id = (value: SearchValue) => {
    const text = first(value)
    return text && /^[1-9]\d{0,15}$/.test(text) ? Number(text) : undefined
  }
  const offsetText = first(search.offset)
  const offset = offsetText && /^\d{1,9}$/.test(offsetText) ? Number(offsetText) : undefined
  const platform = first(search.platform)
  return {
    q: first(search.q)?.trim() || undefined,
    family: id(search.family),
    repository: id(search.repository),
    platform: platforms.find((p) => p === platform),
    offset: offset || undefined,
    limit: commitPageSize,
  }
}

/** A commit id from the URL, or undefined when it is not one. */
export function commitIdOf(text: string | undefined): number | undefined {
  return text && /^[1-9]\d{0,15}$/.test(text) ? Number(text) : undefined
}

export function preloadProject(args: RoutePreloadFuncArgs): void {
  const project = args.params.project
  if (!project) return
  const query = new URLSearchParams(args.location.search)
  const search: ListSearch = {}
  for (const key of ['q', 'family', 'repository', 'platform', 'offset'] as const) {
    const value = query.get(key)
    if (value !== null) search[key] = value
  }
  void getProject(project)
  void getFamilies(project)
  void getRepositories(project)
  void getCommits(project, filtersFromSearch(search))
}

export function preloadCommit(args: RoutePreloadFuncArgs): void {
  const id = commitIdOf(args.params.id)
  if (args.params.project && id) void getCommit(args.params.project, id)
}

export function preloadLabeling(args: RoutePreloadFuncArgs): void {
  if (!args.params.project) return
  void getLabeling(args.params.project)
  void getLabelingRuns(args.params.project)
}

/** The analysis settings in the URL's query (`?period=&codes=`). */
export type AnalysisSearch = { period?: SearchValue; codes?: SearchValue }

/** The analysis settings from the URL; malformed values are ignored. */
export function analysisQueryOf(search: AnalysisSearch): AnalysisQuery {
  const period = first(search.period)
  return {
    period: period && /^[1-9]\d{0,3}$/.test(period) && period !== '14' ? Number(period) : undefined,
    codes: first(search.codes) === 'prelabels' ? 'prelabels' : undefined,
  }
}

function analysisSettingsOf(args: RoutePreloadFuncArgs): AnalysisQuery {
  const query = new URLSearchParams(args.location.search)
  return analysisQueryOf({ period: query.get('period') ?? undefined, codes: query.get('codes') ?? undefined })
}

export function preloadAnalysis(args: RoutePreloadFuncArgs): void {
  if (args.params.project) void getAnalysis(args.params.project, analysisSettingsOf(args))
}

export function preloadFamilyAnalysis(args: RoutePreloadFuncArgs): void {
  const { project, family } = args.params
  if (project && family) void getFamilyAnalysis(project, family, analysisSettingsOf(args))
}

export function preloadCodebook(args: RoutePreloadFuncArgs): void {
  if (args.params.project) void getCodebook(args.params.project)
}

export function preloadCardSort(args: RoutePreloadFuncArgs): void {
  if (args.params.project) void getCardSort(args.params.project)
}
