/**
 * @module Importing a repository's history from where it lives: a local git clone, the GitHub
 * REST API, or the Hugging Face Hub (API + git). Commits are stored in batches, one
 * transaction each: a killed import keeps what it stored, and a rerun skips it (for the APIs,
 * without fetching it again). Each import runs as a job (progress, rate, ETA, cancel).
 */
import { createHash } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { commits } from '../../schema'
import type { Job, Platform } from '../../schema'
import type { SourcesConfig } from '../config'
import type { CommitRecord } from '../ingest/commit-record'
import { cloneOrFetch, countCommits, gitHead, readGitLog, readReadme } from '../ingest/git'
import { fetchGithubCommit, fetchGithubReadme, fetchGithubRepository, githubApiHeaders, listGithubCommits } from '../ingest/github'
import { HttpClient } from '../ingest/http'
import type { Wait } from '../ingest/http'
import { fetchHubModel, hubGitUrl, listHubCommits } from '../ingest/huggingface'
import { audit } from './audit'
import { ensureFamily, ensureRepositories, linkRepositories, storeCommits } from './commit-store'
import type { Ctx } from './context'
import { withDb } from './context'
import { discoverLinks, mergeRepositoryMetadata } from './discovery'
import { InvalidInputError } from './errors'
import { createJob, runJob } from './jobs'
import type { JobView, Tracker } from './jobs'

export type RepositoryImportInput =
  | { source: 'git'; path: string; platform: Platform; repo: string; family?: string | undefined }
  | { source: 'github'; repo: string; family?: string | undefined }
  | { source: 'hf'; repo: string; family?: string | undefined }

export type RepositoryImportResult = {
  imported: number
  skipped_duplicates: number
  /** One source (the clone or the remote repository), as `import jsonl` counts files. */
  files: number
  repository: { id: number; platform: Platform; fullName: string }
  /** HTTP requests sent, retries included (API imports only). */
  requests?: number
  /** New family-link proposals found in the README / model card. */
  proposals: number
}

export type ImportSettings = SourcesConfig & { diffCap: number }

const repoPattern = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/

/** Checks the input before any work: names, paths, platforms. */
export function checkImportInput(input: RepositoryImportInput): RepositoryImportInput {
  const repo = input.repo.trim().replace(/^https?:\/\/[^/]+\//, '').replace(/\.git$/, '').replace(/\/+$/, '')
  if (!repoPattern.test(repo)) throw new InvalidInputError(`'${input.repo}' is not a repository name of the form owner/name`)
  const family = input.family?.trim() || undefined
  if (input.source === 'git') {
    if (!input.path.trim()) throw new InvalidInputError('import git needs the path of a local clone')
    return { ...input, repo, family, path: path.resolve(input.path.trim()) }
  }
  return { ...input, repo, family }
}

const jobKinds = { git: 'import-git', github: 'import-github', hf: 'import-hf' } as const

/**
 * Runs an import as a job in the foreground (the CLI): `onProgress` sees every report,
 * `onWait` every second of a rate-limit wait.
 */
export async function runRepositoryImport(
  ctx: Ctx,
  options: {
    projectId: number
    input: RepositoryImportInput
    settings: ImportSettings
    onProgress?: (job: JobView) => void
    onWait?: (wait: Wait) => void
  },
): Promise<RepositoryImportResult> {
  const input = checkImportInput(options.input)
  const job = await createJob(ctx, { projectId: options.projectId, kind: jobKinds[input.source], params: jobParams(input) })
  return runJob(ctx, job, (tracker) => importRepository(ctx, { ...options, input, tracker }), {
    onProgress: options.onProgress,
  })
}

/** Starts an import in the background (the web app) and returns its job at once. */
export async function startRepositoryImport(
  ctx: Ctx,
  options: { projectId: number; input: RepositoryImportInput; settings: ImportSettings },
): Promise<Job> {
  const input = checkImportInput(options.input)
  const job = await createJob(ctx, { projectId: options.projectId, kind: jobKinds[input.source], params: jobParams(input) })
  runJob(ctx, job, (tracker) => importRepository(ctx, { ...options, input, tracker })).catch(() => {
    // The job row holds the failure; the page following it shows the message.
  })
  return job
}

function jobParams(input: RepositoryImportInput): Record<string, unknown> {
  return { ...input }
}

type ImportRun = {
  projectId: number
  input: RepositoryImportInput
  settings: ImportSettings
  tracker: Tracker
  onWait?: ((wait: Wait) => void) | undefined
  /** The latest figures, so a rate-limit wait reports them unchanged. */
  figures?: { done: number; total: number | null }
}

async function importRepository(ctx: Ctx, run: ImportRun): Promise<RepositoryImportResult> {
  const { input } = run
  const platform: Platform = input.source === 'git' ? input.platform : input.source === 'github' ? 'github' : 'huggingface'
  const repositoryId = await prepareRepository(ctx, run.projectId, platform, input.repo, input.family)
  const repository = { id: repositoryId, platform, fullName: input.repo }
  const counts =
    input.source === 'git'
      ? await importGit(ctx, run, repository, input.path)
      : input.source === 'github'
        ? await importGithub(ctx, run, repository)
        : await importHub(ctx, run, repository)
  const discovered = await discoverLinks(ctx, { projectId: run.projectId })
  await audit(ctx, {
    projectId: run.projectId,
    action: 'import',
    entity: 'repository',
    entityId: repositoryId,
    details: { source: input.source, repo: input.repo, imported: counts.imported, skipped: counts.skipped, requests: counts.requests },
  })
  return {
    imported: counts.imported,
    skipped_duplicates: counts.skipped,
    files: 1,
    repository,
    ...(input.source === 'git' ? {} : { requests: counts.requests }),
    proposals: discovered.created,
  }
}

async function prepareRepository(ctx: Ctx, projectId: number, platform: Platform, repo: string, family?: string): Promise<number> {
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    const ids = await ensureRepositories(txCtx, projectId, [{ platform, fullName: repo }])
    const id = ids.get(`${platform}\u0000${repo}`)!
    if (family) await linkRepositories(txCtx, await ensureFamily(txCtx, projectId, family), [id], 'import')
    return id
  })
}

type Counts = { imported: number; skipped: number; requests: number }
type RepositoryRef = { id: number; platform: Platform; fullName: string }

/** Commits stored one transaction per batch (the store skips any already there). */
class CommitBatches {
  imported = 0
  skipped = 0
  private batch: CommitRecord[] = []
  private size = 0

  constructor(
    private readonly ctx: Ctx,
    private readonly projectId: number,
    private readonly limits: { commits: number; chars: number },
  ) {}

  async add(record: CommitRecord): Promise<void> {
    this.batch.push(record)
    this.size += record.diff.length + record.message.length + 200 * record.files.length
    if (this.batch.length >= this.limits.commits || this.size >= this.limits.chars) await this.flush()
  }

  async flush(): Promise<void> {
    if (this.batch.length === 0) return
    const batch = this.batch
    this.batch = []
    this.size = 0
    const stats = await this.ctx.db.transaction((tx) => storeCommits(withDb(this.ctx, tx), this.projectId, batch))
    this.imported += stats.imported
    this.skipped += stats.skippedDuplicates
  }
}

async function storedShas(ctx: Ctx, repositoryId: number): Promise<Set<string>> {
  const rows = await ctx.db.select({ sha: commits.sha }).from(commits).where(eq(commits.repositoryId, repositoryId))
  return new Set(rows.map((r) => r.sha))
}

/** Streams a clone's history into the store, skipping commits already stored. */
async function importGit(ctx: Ctx, run: ImportRun, repository: RepositoryRef, dir: string, already?: Set<string>): Promise<Counts> {
  await gitHead(dir)
  const total = await countCommits(dir)
  const stored = already ?? (await storedShas(ctx, repository.id))
  const batches = new CommitBatches(ctx, run.projectId, { commits: run.settings.gitBatch, chars: 8_000_000 })
  let done = 0
  let skipped = 0
  await report(run, 0, total, `reading ${repository.fullName} with git`)
  const log = readGitLog(dir, {
    platform: repository.platform,
    repo: repository.fullName,
    diffCap: run.settings.diffCap,
    skip: (sha) => stored.has(sha),
  })
  await keepingBatches(batches, async () => {
    for await (const items of log) {
      for (const item of items) {
        if (item.kind === 'skipped') skipped += 1
        else await batches.add(item.record)
        done += 1
        await report(run, done, total, `${batches.imported} stored, ${skipped} already there`)
      }
    }
  })
  await report(run, done, total, `${batches.imported} stored, ${skipped + batches.skipped} already there`)
  const readme = await readReadme(dir)
  if (readme) await mergeRepositoryMetadata(ctx, repository.id, { readme: { ...readme, source: 'git' } })
  return { imported: batches.imported, skipped: skipped + batches.skipped, requests: 0 }
}

function client(run: ImportRun, service: string, token: string | undefined, headers?: Record<string, string>): HttpClient {
  return new HttpClient({
    service,
    token,
    headers,
    retries: run.settings.retries,
    retryBaseMs: run.settings.retryBaseMs,
    onWait: async (wait) => {
      run.onWait?.(wait)
      // Keeps the job's message current (the page shows the countdown) and honours a cancel.
      const { done, total } = run.figures ?? { done: 0, total: null }
      await run.tracker.progress(done, total, `${wait.reason}: waiting ${wait.secondsLeft} s`)
    },
  })
}

async function report(run: ImportRun, done: number, total: number | null, message: string): Promise<void> {
  run.figures = { done, total }
  await run.tracker.progress(done, total, message)
}

/** Runs `work`, then stores what the batches hold, even when the work failed or was cancelled. */
async function keepingBatches<T>(batches: CommitBatches, work: () => Promise<T>): Promise<T> {
  let result: T
  try {
    result = await work()
  } catch (error) {
    await batches.flush().catch(() => undefined)
    throw error
  }
  await batches.flush()
  return result
}

/** Lists the default branch, then fetches (a few at a time) only the commits not stored yet. */
async function importGithub(ctx: Ctx, run: ImportRun, repository: RepositoryRef): Promise<Counts> {
  const api = run.settings.githubApiUrl
  const http = client(run, 'GitHub', run.settings.githubToken, githubApiHeaders)
  await report(run, 0, null, `looking up ${repository.fullName} on GitHub`)
  const info = await fetchGithubRepository(http, api, repository.fullName)
  await mergeRepositoryMetadata(ctx, repository.id, { github: info.metadata })
  const stored = await storedShas(ctx, repository.id)
  const missing: string[] = []
  let listed = 0
  for await (const shas of listGithubCommits(http, api, repository.fullName)) {
    listed += shas.length
    for (const sha of shas) if (!stored.has(sha)) missing.push(sha)
    await report(run, 0, null, `listing commits: ${listed} listed, ${missing.length} to fetch`)
  }
  const batches = new CommitBatches(ctx, run.projectId, { commits: 20, chars: 4_000_000 })
  let done = 0
  await report(run, 0, missing.length, `${listed - missing.length} of ${listed} commits already stored`)
  await keepingBatches(batches, () =>
    inParallel(missing, 4, async (sha) => {
      const record = await fetchGithubCommit(http, api, repository.fullName, sha, run.settings.diffCap)
      await batches.add(record)
      done += 1
      await report(run, done, missing.length, `${done} of ${missing.length} commits fetched`)
    }),
  )
  const readme = await fetchGithubReadme(http, api, repository.fullName)
  if (readme) await mergeRepositoryMetadata(ctx, repository.id, { readme: { ...readme, source: 'github-api' } })
  return { imported: batches.imported, skipped: listed - missing.length + batches.skipped, requests: http.requests }
}

/**
 * The Hub: metadata and the commit listing from the API; when commits are missing, files and
 * diffs from a bare clone of the model's git repository (kept between runs, so a rerun only
 * fetches new objects; LFS content is never downloaded).
 */
async function importHub(ctx: Ctx, run: ImportRun, repository: RepositoryRef): Promise<Counts> {
  const endpoint = run.settings.hfEndpoint
  const http = client(run, 'the Hugging Face Hub', run.settings.hfToken)
  await report(run, 0, null, `looking up ${repository.fullName} on the Hub`)
  const model = await fetchHubModel(http, endpoint, repository.fullName)
  await mergeRepositoryMetadata(ctx, repository.id, { hub: model.metadata })
  const stored = await storedShas(ctx, repository.id)
  let listed = 0
  let missing = 0
  for await (const ids of listHubCommits(http, endpoint, repository.fullName, model.sha ?? 'main')) {
    listed += ids.length
    missing += ids.filter((id) => !stored.has(id)).length
    await report(run, 0, null, `listing commits: ${listed} listed, ${missing} not stored yet`)
  }
  if (missing === 0) {
    await report(run, 0, 0, `all ${listed} commits already stored`)
    return { imported: 0, skipped: listed, requests: http.requests }
  }
  const dir = path.join(run.settings.cloneDir, cloneFolder(endpoint, repository.fullName))
  await mkdir(run.settings.cloneDir, { recursive: true })
  await report(run, 0, missing, `fetching the git history of ${repository.fullName}`)
  await cloneOrFetch(hubGitUrl(endpoint, repository.fullName), dir, { token: run.settings.hfToken })
  const counts = await importGit(ctx, run, repository, dir, stored)
  return { ...counts, requests: http.requests }
}

/** A clone's folder: readable, and distinct per endpoint so a test fake never reuses a real clone. */
function cloneFolder(endpoint: string, id: string): string {
  const hash = createHash('sha1').update(`${endpoint}\n${id}`).digest('hex').slice(0, 10)
  return `${id.replace(/[^\w.-]+/g, '__')}-${hash}.git`
}

/** Runs `work` over the items with at most `limit` at once; the first failure stops the rest. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  let failed = false
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!
      try {
        await work(item)
      } catch (error) {
        failed = true
        throw error
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}
