/**
 * @module The one typed API module: `hc<AppType>` from hono/client, each read wrapped in the
 * router's `query` so pages share, dedupe and preload requests. Pages read these with
 * `createAsync` under `<Suspense>`.
 */
import { query } from '@solidjs/router'
import { hc } from 'hono/client'
import type { ClientResponse, InferResponseType } from 'hono/client'
import type { SuccessStatusCode } from 'hono/utils/http-status'
import type { AppType } from '../../server/app'

const client = hc<AppType>('/')
const projects = client.api.projects

// ---- Response types, inferred from the server's routes ------------------------------------

export type Health = InferResponseType<typeof client.api.health.$get, 200>
export type ProjectSummary = InferResponseType<typeof projects.$get, 200>[number]
export type ProjectDetail = InferResponseType<(typeof projects)[':project']['$get'], 200>
export type ProjectStatus = ProjectDetail['status']
export type Family = InferResponseType<(typeof projects)[':project']['families']['$get'], 200>[number]
export type RepositorySummary = InferResponseType<(typeof projects)[':project']['repositories']['$get'], 200>[number]
export type CommitPage = InferResponseType<(typeof projects)[':project']['commits']['$get'], 200>
export type CommitListItem = CommitPage['items'][number]
export type CommitDetail = InferResponseType<(typeof projects)[':project']['commits'][':id']['$get'], 200>
export type CommitFile = CommitDetail['files'][number]
export type CommitLabel = CommitDetail['labels'][number]
export type OpenCode = CommitDetail['openCodes'][number]
export type Platform = CommitListItem['platform']

export const platforms: readonly Platform[] = ['github', 'huggingface']

export const commitPageSize = 50

/** What the commit list can be filtered by (all optional); mirrors the server's query. */
export type CommitFilters = {
  q?: string | undefined
  family?: number | undefined
  repository?: number | undefined
  platform?: Platform | undefined
  offset?: number | undefined
  limit?: number | undefined
}

// ---- Errors --------------------------------------------------------------------------------

/** A failed API call: the server's `{error, code}` body with the HTTP status. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message)
  }
}

type SuccessBody<R> = R extends ClientResponse<infer T, infer S, 'json'> ? (S extends SuccessStatusCode ? T : never) : never

/** Awaits a typed hc response; returns its success body or throws an ApiError. */
async function ok<R extends ClientResponse<unknown, number, 'json'>>(pending: Promise<R>): Promise<SuccessBody<R>> {
  let response: R
  try {
    response = await pending
  } catch (error) {
    throw new ApiError(`the server did not answer (${error instanceof Error ? error.message : String(error)})`, 0, 'network')
  }
  if (!response.ok) throw await errorOf(response)
  // The route types promise this body for a success status; the cast only narrows the union.
  return (await response.json()) as SuccessBody<R>
}

async function errorOf(response: ClientResponse<unknown, number, 'json'>): Promise<ApiError> {
  const fallback = `${response.status} ${response.statusText || 'error'}`
  try {
    const body: unknown = await response.json()
    if (body && typeof body === 'object') {
      const message = 'error' in body && typeof body.error === 'string' ? body.error : fallback
      const code = 'code' in body && typeof body.code === 'string' ? body.code : 'http'
      return new ApiError(message, response.status, code)
    }
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(fallback, response.status, 'http')
}

// ---- Reads ---------------------------------------------------------------------------------

export const getHealth = query(() => ok(client.api.health.$get()), 'health')

export const getProjects = query(() => ok(projects.$get()), 'projects')

export const getProject = query((project: string) => ok(projects[':project'].$get({ param: { project } })), 'project')

export const getFamilies = query(
  (project: string) => ok(projects[':project'].families.$get({ param: { project } })),
  'families',
)

export const getRepositories = query(
  (project: string) => ok(projects[':project'].repositories.$get({ param: { project } })),
  'repositories',
)

export const getCommits = query(
  (project: string, filters: CommitFilters) =>
    ok(projects[':project'].commits.$get({ param: { project }, query: commitQuery(filters) })),
  'commits',
)

export const getCommit = query(
  (project: string, id: number) =>
    ok(projects[':project'].commits[':id'].$get({ param: { project, id: String(id) } })),
  'commit',
)

/** The commit list's query string: only the filters that are set, as strings. */
export function commitQuery(filters: CommitFilters): Record<string, string> {
  const out: Record<string, string> = {}
  const q = filters.q?.trim()
  if (q) out.q = q
  if (filters.family) out.family = String(filters.family)
  if (filters.repository) out.repository = String(filters.repository)
  if (filters.platform) out.platform = filters.platform
  out.limit = String(filters.limit ?? commitPageSize)
  if (filters.offset) out.offset = String(filters.offset)
  return out
}
