/**
 * @module The one typed API module: `hc<AppType>` from hono/client, each read wrapped in the
 * router's `query` so pages share, dedupe and preload requests. Pages read these with
 * `createAsync` under `<Suspense>`.
 */
import { query, revalidate } from '@solidjs/router'
import { hc } from 'hono/client'
import type { ClientResponse, InferResponseType } from 'hono/client'
import type { SuccessStatusCode } from 'hono/utils/http-status'
import type { AppType } from '../../server/app'

// Every mutation carries the session's CSRF token (the readable cookie the server sets at sign-in).
const client = hc<AppType>('/', { headers: () => csrfHeaders() })
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

// Machine pre-labeling (routes/labeling.ts) and background jobs (routes/jobs.ts).
type LabelingApi = (typeof projects)[':project']['labeling']
export type LabelingOverview = InferResponseType<LabelingApi['$get'], 200>
export type LabelingRun = InferResponseType<LabelingApi['runs']['$get'], 200>[number]
export type LabelPlan = InferResponseType<LabelingApi['estimate']['$post'], 200>
export type LabelRunBody = NonNullable<Parameters<LabelingApi['runs']['$post']>[0]>['json']
export type Evaluation = InferResponseType<LabelingApi['evaluation']['$get'], 200>
export type EvaluationTarget = { labeler?: string; run?: number; against: string; platform?: Platform | undefined }
export type JobView = InferResponseType<(typeof projects)[':project']['jobs'][':id']['$get'], 200>

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

// ---- Machine pre-labeling ------------------------------------------------------------------

export const getLabeling = query(
  (project: string) => ok(projects[':project'].labeling.$get({ param: { project } })),
  'labeling',
)

export const getLabelingRuns = query(
  (project: string) => ok(projects[':project'].labeling.runs.$get({ param: { project } })),
  'labelingRuns',
)

export const getEvaluation = query((project: string, target: EvaluationTarget) => {
  const search = {
    against: target.against,
    ...(target.labeler ? { labeler: target.labeler } : {}),
    ...(target.run ? { run: String(target.run) } : {}),
    ...(target.platform ? { platform: target.platform } : {}),
  }
  return ok(projects[':project'].labeling.evaluation.$get({ param: { project }, query: search }))
}, 'evaluation')

/** The dry run: units, cached answers, estimated tokens and cost; nothing is sent. */
export function estimateLabeling(project: string, body: LabelRunBody) {
  return ok(projects[':project'].labeling.estimate.$post({ param: { project }, json: body }))
}

/** Starts a labeling run as a background job; follow it with `followJob`. */
export function startLabelingRun(project: string, body: LabelRunBody) {
  return ok(projects[':project'].labeling.runs.$post({ param: { project }, json: body }))
}

export function cancelJob(project: string, id: number) {
  return ok(projects[':project'].jobs[':id'].cancel.$post({ param: { project, id: String(id) } }))
}

/**
 * Follows a job's progress over server-sent events until it ends (or `stop` is called); the
 * browser's EventSource reconnects by itself after a dropped connection.
 */
export function followJob(project: string, id: number, onUpdate: (job: JobView) => void): () => void {
  const source = new EventSource(`/api/projects/${encodeURIComponent(project)}/jobs/${id}/events`)
  source.addEventListener('progress', (event) => {
    const job = JSON.parse((event as MessageEvent<string>).data) as JobView
    onUpdate(job)
    if (['done', 'failed', 'cancelled'].includes(job.status)) source.close()
  })
  return () => source.close()
}

// ---- Synchronization analysis ---------------------------------------------------------------

type AnalysisApi = (typeof projects)[':project']['analysis']
export type AnalysisView = InferResponseType<AnalysisApi['$get'], 200>
export type AnalysisTable = AnalysisView['tables'][number]
export type AnalysisFamily = AnalysisView['families'][number]
export type FamilyDetail = InferResponseType<AnalysisApi['families'][':family']['$get'], 200>
export type SensitivityView = InferResponseType<AnalysisApi['sensitivity']['$get'], 200>

/** The analysis settings a page can change (all optional); mirrors the server's query. */
export type AnalysisQuery = { period?: number | undefined; codes?: 'final' | 'prelabels' | undefined }

/** The analysis query string: only the settings that are set, as strings. */
export function analysisSearch(settings: AnalysisQuery): Record<string, string> {
  const out: Record<string, string> = {}
  if (settings.period) out.period = String(settings.period)
  if (settings.codes && settings.codes !== 'final') out.codes = settings.codes
  return out
}

export const getAnalysis = query(
  (project: string, settings: AnalysisQuery) =>
    ok(projects[':project'].analysis.$get({ param: { project }, query: analysisSearch(settings) })),
  'analysis',
)

export const getFamilyAnalysis = query(
  (project: string, family: string, settings: AnalysisQuery) =>
    ok(projects[':project'].analysis.families[':family'].$get({ param: { project, family }, query: analysisSearch(settings) })),
  'family-analysis',
)

export const getSensitivity = query(
  (project: string, settings: AnalysisQuery) =>
    ok(projects[':project'].analysis.sensitivity.$get({ param: { project }, query: analysisSearch(settings) })),
  'sensitivity',
)

/** Download links (plain URLs: the browser saves the file). */
export function analysisTableHref(project: string, table: string, settings: AnalysisQuery, format: 'csv' | 'json' = 'csv'): string {
  const search = new URLSearchParams(analysisSearch(settings)).toString()
  return `/api/projects/${encodeURIComponent(project)}/analysis/tables/${table}.${format}${search ? `?${search}` : ''}`
}

export function analysisReportHref(project: string, settings: AnalysisQuery): string {
  const search = new URLSearchParams(analysisSearch(settings)).toString()
  return `/api/projects/${encodeURIComponent(project)}/analysis/report.html${search ? `?${search}` : ''}`
}

// ---- Imports, families and family discovery -------------------------------------------------

type FamiliesApi = (typeof projects)[':project']['families']
type DiscoveryApi = (typeof projects)[':project']['discovery']
export type ImportBody = NonNullable<Parameters<(typeof projects)[':project']['imports']['$post']>[0]>['json']
export type ImportSource = ImportBody['source']
export type RepositoryRef = NonNullable<Parameters<FamiliesApi['$post']>[0]>['json']['repositories'] extends (infer R)[] | undefined ? R : never
export type Discovery = InferResponseType<DiscoveryApi['$get'], 200>
export type Proposal = Discovery['proposals'][number]
export type LinkToImport = Discovery['notImported'][number]

export const getJobs = query((project: string) => ok(projects[':project'].jobs.$get({ param: { project } })), 'jobs')

export const getDiscovery = query(
  (project: string) => ok(projects[':project'].discovery.$get({ param: { project }, query: {} })),
  'discovery',
)

/** After an import or a family change: everything that lists the project's repositories, families, commits and jobs. */
export const revalidateRepositories = (project: string) =>
  revalidate([
    getFamilies.keyFor(project),
    getDiscovery.keyFor(project),
    getRepositories.keyFor(project),
    getProject.keyFor(project),
    getJobs.keyFor(project),
    getCommits.key,
  ])

/** Starts an import (a local clone, GitHub, the Hub) as a background job; follow it with `followJob`. */
export function startImport(project: string, body: ImportBody) {
  return ok(projects[':project'].imports.$post({ param: { project }, json: body }))
}

/** Loads the bundled sample into an empty Concord (administrators): a job of the project it names. */
export function loadSampleData() {
  return ok(projects.sample.$post())
}

export function createFamily(project: string, name: string, repositories?: RepositoryRef[]) {
  return ok(projects[':project'].families.$post({ param: { project }, json: { name, ...(repositories ? { repositories } : {}) } }))
}

export function renameFamily(project: string, id: number, name: string) {
  return ok(projects[':project'].families[':id'].$patch({ param: { project, id: String(id) }, json: { name } }))
}

export function deleteFamily(project: string, id: number) {
  return ok(projects[':project'].families[':id'].$delete({ param: { project, id: String(id) } }))
}

export function addFamilyRepositories(project: string, id: number, repositories: RepositoryRef[]) {
  return ok(projects[':project'].families[':id'].repositories.$post({ param: { project, id: String(id) }, json: { repositories } }))
}

export function removeFamilyRepository(project: string, id: number, repositoryId: number) {
  return ok(
    projects[':project'].families[':id'].repositories[':repositoryId'].$delete({
      param: { project, id: String(id), repositoryId: String(repositoryId) },
    }),
  )
}

/** Scans the imported READMEs and model cards again; new links become proposals. */
export function scanForLinks(project: string) {
  return ok(projects[':project'].discovery.scan.$post({ param: { project } }))
}

export function acceptProposal(project: string, id: number, family?: string) {
  return ok(
    projects[':project'].discovery.proposals[':id'].accept.$post({
      param: { project, id: String(id) },
      json: family ? { family } : {},
    }),
  )
}

export function rejectProposal(project: string, id: number) {
  return ok(projects[':project'].discovery.proposals[':id'].reject.$post({ param: { project, id: String(id) } }))
}

// ---- Codebook and open card sorting ---------------------------------------------------------

type CodebookApi = (typeof projects)[':project']['codebook']
type CardSortApi = (typeof projects)[':project']['card-sort']
export type CodebookView = InferResponseType<CodebookApi['$get'], 200>
export type CodeView = CodebookView['codes'][number]
export type CodebookVersionView = CodebookView['versions'][number]
export type RecodeItem = InferResponseType<CodebookApi['recode']['$get'], 200>[number]
export type CardSortBoard = InferResponseType<CardSortApi['$get'], 200>
export type SortCard = CardSortBoard['cards'][number]
export type SortCategory = CardSortBoard['categories'][number]
export type CodebookFormat = 'json' | 'qdc'
type Body<F> = F extends (args: infer A, ...rest: never[]) => unknown ? (A extends { json: infer J } ? J : never) : never

export const getCodebook = query(
  (project: string) => ok(projects[':project'].codebook.$get({ param: { project } })),
  'codebook',
)

export const getRecodeQueue = query(
  (project: string) => ok(projects[':project'].codebook.recode.$get({ param: { project }, query: {} })),
  'recodeQueue',
)

export const getCardSort = query(
  (project: string) => ok(projects[':project']['card-sort'].$get({ param: { project } })),
  'cardSort',
)

/** Agreement over the labels made under one codebook version (no bootstrap: quick). */
export const getVersionAgreement = query(
  (project: string, version: number) =>
    ok(projects[':project'].agreement.$get({ param: { project }, query: { codebookVersion: String(version), resamples: '0' } })),
  'versionAgreement',
)

/** Download link of the codebook file (the browser saves it). */
export function codebookExportHref(project: string, format: CodebookFormat): string {
  return `/api/projects/${encodeURIComponent(project)}/codebook/export?format=${format}`
}

const codebook = projects[':project'].codebook
export const addCode = (project: string, json: Body<typeof codebook.codes.$post>) => ok(codebook.codes.$post({ param: { project }, json }))
export const renameCode = (project: string, json: Body<typeof codebook.rename.$post>) => ok(codebook.rename.$post({ param: { project }, json }))
export const editCode = (project: string, json: Body<typeof codebook.edit.$post>) => ok(codebook.edit.$post({ param: { project }, json }))
export const mergeCodes = (project: string, json: Body<typeof codebook.merge.$post>) => ok(codebook.merge.$post({ param: { project }, json }))
export const splitCode = (project: string, json: Body<typeof codebook.split.$post>) => ok(codebook.split.$post({ param: { project }, json }))
export const retireCode = (project: string, json: Body<typeof codebook.retire.$post>) => ok(codebook.retire.$post({ param: { project }, json }))
export const setCodingMode = (project: string, json: Body<typeof codebook.mode.$post>) => ok(codebook.mode.$post({ param: { project }, json }))
export const importCodebookFile = (project: string, json: Body<typeof codebook.import.$post>) =>
  ok(codebook.import.$post({ param: { project }, json }))
export const completeRecode = (project: string, id: number) =>
  ok(codebook.recode[':id'].done.$post({ param: { project, id: String(id) } }))

const cardSort = projects[':project']['card-sort']
export const moveCards = (project: string, json: Body<typeof cardSort.move.$post>) => ok(cardSort.move.$post({ param: { project }, json }))
export const createCategory = (project: string, json: Body<typeof cardSort.categories.$post>) =>
  ok(cardSort.categories.$post({ param: { project }, json }))

// ---- Accounts, rounds, coding, the dashboard and adjudication ------------------------------

/** The CSRF header for mutations: the value of the `concord_csrf` cookie, when signed in. */
export function csrfHeaders(): Record<string, string> {
  if (typeof document === 'undefined') return {}
  const value = document.cookie.split('; ').find((c) => c.startsWith('concord_csrf='))?.slice('concord_csrf='.length)
  return value ? { 'x-csrf-token': value } : {}
}

const auth = client.api.auth
type RoundsApi = (typeof projects)[':project']['rounds']
type CodingApi = (typeof projects)[':project']['coding'][':round']
export type Me = InferResponseType<typeof auth.me.$get, 200>
export type Member = InferResponseType<(typeof projects)[':project']['members']['$get'], 200>[number]
export type NewMember = Body<(typeof projects)[':project']['members']['$post']>
export type ApiTokenItem = InferResponseType<typeof auth.tokens.$get, 200>[number]
export type UserItem = InferResponseType<typeof client.api.users.$get, 200>[number]
export type RoundSummary = InferResponseType<RoundsApi[':id']['$get'], 200>
export type NewRound = Body<RoundsApi['$post']>
export type SampleSizeAnswer = InferResponseType<RoundsApi['sample-size']['$get'], 200>
export type Queue = InferResponseType<CodingApi['queue']['$get'], 200>
export type QueueItem = Queue['items'][number]
export type CodingUnit = InferResponseType<CodingApi['units'][':commit']['$get'], 200>
export type RoundCode = CodingUnit['codebook']['codes'][number]
export type Dashboard = InferResponseType<RoundsApi[':id']['dashboard']['$get'], 200>
export type AgreementView = NonNullable<Dashboard['report']>
export type Adjudication = InferResponseType<RoundsApi[':id']['adjudication']['$get'], 200>

export const getMe = query(() => ok(auth.me.$get()), 'me')
export const getApiTokens = query(() => ok(auth.tokens.$get()), 'apiTokens')
export const getUsers = query(() => ok(client.api.users.$get()), 'users')
export const getMembers = query((project: string) => ok(projects[':project'].members.$get({ param: { project } })), 'members')
export const getRounds = query((project: string) => ok(projects[':project'].rounds.$get({ param: { project } })), 'rounds')
export const getRound = query(
  (project: string, id: number) => ok(projects[':project'].rounds[':id'].$get({ param: { project, id: String(id) } })),
  'round',
)
export type RoundOptions = InferResponseType<RoundsApi['options']['$get'], 200>
export const getRoundOptions = query(
  (project: string) => ok(projects[':project'].rounds.options.$get({ param: { project } })),
  'roundOptions',
)
export const getSampleSize = query(
  (project: string, search: { confidence: number; margin: number; platform?: Platform | undefined; family?: string | undefined }) =>
    ok(
      projects[':project'].rounds['sample-size'].$get({
        param: { project },
        query: {
          confidence: String(search.confidence),
          margin: String(search.margin),
          ...(search.platform ? { platform: search.platform } : {}),
          ...(search.family ? { family: search.family } : {}),
        },
      }),
    ),
  'sampleSize',
)
export const getQueue = query(
  (project: string, round: number) => ok(projects[':project'].coding[':round'].queue.$get({ param: { project, round: String(round) } })),
  'queue',
)
export const getCodingUnit = query(
  (project: string, round: number, commit: number) =>
    ok(projects[':project'].coding[':round'].units[':commit'].$get({ param: { project, round: String(round), commit: String(commit) } })),
  'codingUnit',
)
export const getDashboard = query(
  (project: string, id: number) => ok(projects[':project'].rounds[':id'].dashboard.$get({ param: { project, id: String(id) } })),
  'dashboard',
)
export const getAdjudication = query(
  (project: string, id: number) => ok(projects[':project'].rounds[':id'].adjudication.$get({ param: { project, id: String(id) } })),
  'adjudication',
)

export const signIn = (name: string, password: string) => ok(auth.signin.$post({ json: { name, password } }))
export const signOut = () => ok(auth.signout.$post())
export const acceptInvite = (token: string, password: string) => ok(auth.invite.$post({ json: { token, password } }))
export const changePassword = (current: string, next: string) => ok(auth.password.$post({ json: { current, next } }))
export const createApiToken = (name: string) => ok(auth.tokens.$post({ json: { name } }))
export const revokeApiToken = (id: number) => ok(auth.tokens[':id'].$delete({ param: { id: String(id) } }))
export const addMember = (project: string, json: NewMember) => ok(projects[':project'].members.$post({ param: { project }, json }))
export const setMemberRole = (project: string, id: number, role: 'admin' | 'coder') =>
  ok(projects[':project'].members[':id'].$patch({ param: { project, id: String(id) }, json: { role } }))
export const removeMember = (project: string, id: number) =>
  ok(projects[':project'].members[':id'].$delete({ param: { project, id: String(id) } }))
export const reinviteMember = (project: string, id: number) =>
  ok(projects[':project'].members[':id'].invite.$post({ param: { project, id: String(id) } }))
export const createRound = (project: string, json: NewRound) => ok(projects[':project'].rounds.$post({ param: { project }, json }))
export const revealRound = (project: string, id: number) =>
  ok(projects[':project'].rounds[':id'].reveal.$post({ param: { project, id: String(id) } }))
export const adjudicate = (project: string, id: number, json: { commitId: number; codeIds: number[]; note: string }) =>
  ok(projects[':project'].rounds[':id'].adjudication.$post({ param: { project, id: String(id) }, json }))

const unitParam = (project: string, round: number, commit: number) => ({ project, round: String(round), commit: String(commit) })
export const saveRoundLabel = (project: string, round: number, commit: number, codeIds: number[]) =>
  ok(projects[':project'].coding[':round'].units[':commit'].label.$put({ param: unitParam(project, round, commit), json: { codeIds } }))
export const saveMemo = (project: string, round: number, commit: number, memo: string) =>
  ok(projects[':project'].coding[':round'].units[':commit'].memo.$put({ param: unitParam(project, round, commit), json: { memo } }))
export const skipUnit = (project: string, round: number, commit: number) =>
  ok(projects[':project'].coding[':round'].units[':commit'].skip.$post({ param: unitParam(project, round, commit) }))

/** Calls `onChange` whenever a label is saved in the round (server-sent events) until stopped. */
export function followRound(project: string, id: number, onChange: () => void): () => void {
  const source = new EventSource(`/api/projects/${encodeURIComponent(project)}/rounds/${id}/events`)
  source.addEventListener('change', () => onChange())
  return () => source.close()
}

/** Download link of the labels the viewer may see. */
export function labelsExportHref(project: string, format: 'csv' | 'json' = 'csv'): string {
  return `/api/projects/${encodeURIComponent(project)}/export/labels?format=${format}`
}
