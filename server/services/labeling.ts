/**
 * @module Pre-labeling a project's commits with a machine labeler (`rules`, `classifier`, `llm`)
 * as a background job: every commit without a label from that labeler configuration, results
 * stored as they arrive (a killed run resumes without redoing stored units), LLM answers cached
 * by (model, prompt version, codebook version, repository, sha), tokens and estimated cost
 * recorded per run, a budget cap, and a dry run that estimates before anything is sent.
 */
import { createHash } from 'node:crypto'
import { and, count, desc, eq, inArray, notExists, sql } from 'drizzle-orm'
import { z } from 'zod'
import {
  commitFiles,
  commits,
  jobs,
  labelers,
  labelingFailures,
  labelingRuns,
  labels,
  llmCache,
  repositories,
} from '../../schema'
import type { Code, Job, Labeler, LabelingRun } from '../../schema'
import type { LlmConfig } from '../config'
import { estimateTokens, unitText } from '../core/excerpt'
import type { ExcerptFile } from '../core/excerpt'
import { inverseDocumentFrequencies, textTokens, tfIdfVector } from '../core/similarity-text'
import { classifierMinimum, predictNaiveBayes, trainNaiveBayes } from '../labelers/classifier'
import { createLlmLabeler, LlmFatalError } from '../labelers/llm'
import type { LlmAnswer, LlmLabeler, Usage } from '../labelers/llm'
import {
  loadPromptTemplates,
  promptVersion,
  renderPrompt,
  selectExamples,
} from '../labelers/prompt'
import type { ExampleCandidate } from '../labelers/prompt'
import { labelByRules, rulesVersion } from '../labelers/rules'
import { currentCodebook } from './codebook'
import type { CurrentCodebook } from './codebook'
import { chunks } from './commit-store'
import type { Ctx } from './context'
import { withDb } from './context'
import { ConflictError, InvalidInputError } from './errors'
import { defaultProjectName, findProject } from './projects'
import { finalCodeRatings } from './evaluation'
import { JobCancelled, JobInterrupted, createJob, jobOwner, ownerAlive, runJob, viewJob } from './jobs'
import type { JobView, Tracker } from './jobs'
import { upsertLabels } from './labels-store'
import type { LabelInput } from './labels-store'
import { ensureRater, findUserByName } from './users'

export const LabelRequest = z.object({
  projectId: z.number().int().positive(),
  labeler: z.enum(labelers),
  /** Requests in flight at once (llm); default CONCORD_LLM_CONCURRENCY. */
  concurrency: z.number().int().min(1).max(256).optional(),
  /** Label at most this many commits. */
  limit: z.number().int().min(1).optional(),
  /** Stop before the estimated cost would pass this (llm); default CONCORD_LLM_BUDGET_USD. */
  budgetUsd: z.number().positive().optional(),
  /** Label again commits that already have a label from this configuration (answers come from the cache). */
  relabel: z.boolean().optional(),
})
export type LabelRequest = z.input<typeof LabelRequest>

/** What `label` prints: the contract's four counts, then the run's details. */
export type LabelResult = {
  labeled: number
  failed: number
  requests: number
  cached: number
  run: number
  job: number
  rater: string
  prompt_tokens: number
  completion_tokens: number
  /** null when no prices are configured. */
  cost_usd: number | null
  /** Why the run stopped before labelling every unit, if it did. */
  stopped: 'budget' | null
}

export type LabelPlan = {
  dry_run: true
  labeler: Labeler
  rater: string
  model: string | null
  prompt_version: string | null
  codebook_version: number
  /** Commits to label. */
  units: number
  /** Of which answered from the cache (no request). */
  cached: number
  /** Requests to send (one per uncached unit, before retries). */
  to_send: number
  estimated_prompt_tokens: number
  estimated_completion_tokens: number
  /** null when no prices are configured. */
  estimated_cost_usd: number | null
  labeled: 0
  failed: 0
  requests: 0
}

/** Completion tokens assumed per answer for estimates (a code, a confidence, one sentence). */
export const estimatedCompletionTokens = 60
/** Few-shot examples are shortened to this many tokens each. */
const exampleTokens = 250
const pageSize = 200
/** LLM answers are stored in groups: at most this many, at most this late. */
const writeBatch = 32
const writeDelayMs = 50

type Unit = {
  id: number
  sha: string
  platform: string
  repository: string
  message: string
  isMerge: boolean
  diff: string
  diffTruncated: boolean
  files: ExcerptFile[]
}

type LocalAnswer = { codes: string[]; confidence: number; rationale: string }

type LlmSetup = {
  client: LlmLabeler
  model: string
  promptVersion: string
  /** The system and user messages of a unit, and their estimated tokens. */
  render: (unit: Unit) => { system: string; user: string; tokens: number }
  cacheKey: (unit: Unit) => string
  prices: Prices
  secret: string | undefined
  endpoint: string
  settings: LlmConfig
}

type Prepared = {
  labeler: Labeler
  rater: string
  context: string
  model: string | null
  promptVersion: string | null
  codebook: CurrentCodebook
  codeNames: string[]
  codeByName: Map<string, Code>
  fallback: Code | undefined
  local?: (unit: Unit) => LocalAnswer
  llm?: LlmSetup
}

type Prices = { input: number; output: number } | null

const costOf = (usage: Usage, prices: Prices) =>
  prices ? (usage.promptTokens * prices.input + usage.completionTokens * prices.output) / 1e6 : 0

/** The endpoint as stored and shown: origin and path, never credentials or a query. */
export function publicEndpoint(baseUrl: string): string {
  const url = new URL(baseUrl)
  url.username = ''
  url.password = ''
  url.search = ''
  url.hash = ''
  return url.toString().replace(/\/$/, '')
}

/** Removes the API key from a text that might echo it (provider error messages). */
function redact(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join('[redacted]') : text
}

export type LlmStatus = {
  available: boolean
  reason: string | null
  model: string | null
  endpoint: string | null
}

/** Whether the LLM labeler can run here, without revealing any secret. */
export function llmStatus(config: LlmConfig | undefined): LlmStatus {
  const model = config?.model ?? null
  if (!config?.model || (!config.baseUrl && !config.apiKey)) {
    return {
      available: false,
      reason:
        'not configured: set CONCORD_LLM_MODEL and OPENAI_BASE_URL (plus OPENAI_API_KEY if the server needs one)',
      model,
      endpoint: null,
    }
  }
  return {
    available: true,
    reason: null,
    model,
    endpoint: publicEndpoint(config.baseUrl ?? 'https://api.openai.com/v1'),
  }
}

function unitTokens(unit: Unit): string[] {
  return textTokens(`${unit.message}\n${unit.files.map((f) => f.path).join('\n')}`)
}

/** Commits with their files, by id, in pages. */
async function loadUnits(ctx: Ctx, ids: readonly number[]): Promise<Unit[]> {
  if (ids.length === 0) return []
  const rows = await ctx.db
    .select({
      id: commits.id,
      sha: commits.sha,
      message: commits.message,
      isMerge: commits.isMerge,
      diff: commits.diff,
      diffTruncated: commits.diffTruncated,
      platform: repositories.platform,
      repository: repositories.fullName,
    })
    .from(commits)
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .where(inArray(commits.id, [...ids]))
  const files = await ctx.db
    .select({
      commitId: commitFiles.commitId,
      path: commitFiles.path,
      oldPath: commitFiles.oldPath,
      status: commitFiles.status,
      additions: commitFiles.additions,
      deletions: commitFiles.deletions,
      blobAbsent: commitFiles.blobAbsent,
    })
    .from(commitFiles)
    .where(inArray(commitFiles.commitId, [...ids]))
    .orderBy(commitFiles.id)
  const byCommit = new Map<number, ExcerptFile[]>()
  for (const { commitId, ...file } of files)
    byCommit.set(commitId, [...(byCommit.get(commitId) ?? []), file])
  const byId = new Map(rows.map((r) => [r.id, { ...r, files: byCommit.get(r.id) ?? [] }]))
  return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []))
}

/** Final-coded commits as training documents / example candidates. */
async function finalCodedUnits(ctx: Ctx, projectId: number) {
  const ratings = await finalCodeRatings(ctx, projectId)
  const units: Unit[] = []
  for (const page of chunks(
    ratings.map((r) => Number(r.unit)),
    pageSize,
  ))
    units.push(...(await loadUnits(ctx, page)))
  const codesOf = new Map(ratings.map((r) => [Number(r.unit), r.codes as string[]]))
  return units.map((unit) => ({ unit, codes: codesOf.get(unit.id)! }))
}

/** Resolves the labeler configuration: rater, label context, versions and the per-unit decision. */
async function prepare(ctx: Ctx, projectId: number, labeler: Labeler): Promise<Prepared> {
  const codebook = await currentCodebook(ctx, projectId)
  const active = codebook.codes.filter((c) => c.status === 'active')
  const codeByName = new Map(active.map((c) => [c.name, c]))
  const fallback = active.find((c) => c.isFallback)
  const base = { labeler, codebook, codeNames: active.map((c) => c.name), codeByName, fallback }
  const cbv = `cbv:${codebook.version.id}`

  if (labeler === 'rules') {
    return {
      ...base,
      rater: 'rules',
      context: `${rulesVersion}|${cbv}`,
      model: null,
      promptVersion: null,
      local: (unit) => {
        const answer = labelByRules(unit)
        return { codes: [answer.code], confidence: answer.confidence, rationale: answer.rationale }
      },
    }
  }

  if (labeler === 'classifier') {
    const training = await finalCodedUnits(ctx, projectId)
    const documents = training.map(({ unit, codes }) => ({
      id: unit.id,
      code: [...codes].sort().join(' + '),
      tokens: unitTokens(unit),
    }))
    const readiness = classifierReadiness(training.map((t) => t.codes))
    if (!readiness.ready)
      throw new InvalidInputError(
        `${readiness.reason}. Finalize more commits, or use --labeler rules`,
      )
    const model = trainNaiveBayes(documents)
    return {
      ...base,
      rater: 'classifier',
      context: `nb:${model.fingerprint}|${cbv}`,
      model: `naive-bayes:${model.fingerprint}`,
      promptVersion: null,
      local: (unit) => {
        const p = predictNaiveBayes(model, unitTokens(unit), unit.id)
        const runnerUp = p.ranking[1]
        return {
          codes: p.code.split(' + '),
          confidence: Math.round(p.confidence * 1000) / 1000,
          rationale:
            `naive Bayes on ${model.documents} final codes${model.byId.has(unit.id) ? ' (leave-one-out)' : ''}` +
            (runnerUp ? `; next: ${runnerUp.code} ${runnerUp.probability.toFixed(2)}` : ''),
        }
      },
    }
  }

  const status = llmStatus(ctx.llm)
  if (!status.available || !ctx.llm)
    throw new InvalidInputError(
      `the LLM labeler is ${status.reason}; the offline labelers rules and classifier need nothing`,
    )
  const settings = ctx.llm
  const model = settings.model!
  const templates = await loadPromptTemplates()
  const version = promptVersion(templates, {
    fewShotPerCode: settings.fewShotPerCode,
    unitTokens: settings.unitTokens,
  })
  const promptCodes = active.map((c) => ({
    name: c.name,
    definition: c.definition,
    includeNotes: c.includeNotes,
    excludeNotes: c.excludeNotes,
    isFallback: c.isFallback,
  }))
  // Few-shot candidates: final-coded commits, as short excerpts with TF-IDF vectors.
  const pool = settings.fewShotPerCode > 0 ? await finalCodedUnits(ctx, projectId) : []
  const poolTokens = pool.map(({ unit }) => unitTokens(unit))
  const idf = inverseDocumentFrequencies(poolTokens)
  const candidates: ExampleCandidate[] = pool.map(({ unit, codes }, i) => ({
    id: unit.id,
    codes,
    text: unitText(unit, { budgetTokens: exampleTokens }).text,
    vector: tfIdfVector(poolTokens[i]!, idf),
  }))
  const multiLabel = codebook.codebook.multiLabel
  const prices =
    settings.inputUsdPerMTok !== undefined && settings.outputUsdPerMTok !== undefined
      ? { input: settings.inputUsdPerMTok, output: settings.outputUsdPerMTok }
      : null
  const endpoint = status.endpoint!
  return {
    ...base,
    rater: `llm:${model}`,
    context: `prompt:${version}|${cbv}`,
    model,
    promptVersion: version,
    llm: {
      client: createLlmLabeler({
        baseUrl: settings.baseUrl ?? 'https://api.openai.com/v1',
        apiKey: settings.apiKey,
        model,
        timeoutMs: settings.timeoutMs,
        maxRetries: settings.maxRetries,
      }),
      model,
      promptVersion: version,
      prices,
      secret: settings.apiKey,
      endpoint,
      settings,
      cacheKey: (unit) =>
        createHash('sha256')
          .update(
            JSON.stringify([
              model,
              version,
              codebook.version.id,
              unit.platform,
              unit.repository,
              unit.sha,
            ]),
          )
          .digest('hex'),
      render: (unit) => {
        const examples = selectExamples(
          tfIdfVector(unitTokens(unit), idf),
          unit.id,
          candidates,
          base.codeNames,
          settings.fewShotPerCode,
        )
        const messages = renderPrompt(templates, {
          codes: promptCodes,
          multiLabel,
          examples,
          platform: unit.platform,
          repository: unit.repository,
          unit: unitText(unit, { budgetTokens: settings.unitTokens }).text,
        })
        // Each chat message costs a few tokens of framing on top of its text.
        return {
          ...messages,
          tokens: estimateTokens(messages.system) + estimateTokens(messages.user) + 8,
        }
      },
    },
  }
}

/** Ids of the commits the configuration still has to label, oldest first. */
async function pendingIds(
  ctx: Ctx,
  projectId: number,
  prepared: Prepared,
  request: { limit?: number | undefined; relabel?: boolean | undefined; resumeRun?: number | undefined },
) {
  const rater = await findUserByName(ctx, prepared.rater)
  const conditions = [eq(repositories.projectId, projectId)]
  // Relabelling skips nothing, except, when it resumes, what the run itself already labelled.
  if (rater && (!request.relabel || request.resumeRun !== undefined)) {
    conditions.push(
      notExists(
        ctx.db
          .select({ one: sql`1` })
          .from(labels)
          .where(
            and(
              eq(labels.commitId, commits.id),
              eq(labels.raterId, rater.id),
              eq(labels.context, prepared.context),
              request.relabel ? eq(labels.runId, request.resumeRun!) : undefined,
            ),
          ),
      ),
    )
  }
  const query = ctx.db
    .select({ id: commits.id })
    .from(commits)
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .where(and(...conditions))
    .orderBy(commits.id)
  const rows = request.limit ? await query.limit(request.limit) : await query
  return rows.map((r) => r.id)
}

async function cachedKeys(ctx: Ctx, keys: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>()
  for (const page of chunks(keys, 500)) {
    const rows = await ctx.db
      .select({ key: llmCache.key })
      .from(llmCache)
      .where(inArray(llmCache.key, page))
    for (const r of rows) found.add(r.key)
  }
  return found
}

/**
 * The dry run: how many commits would be labelled, how many answers the cache holds, and the
 * estimated tokens and cost of the rest. Sends nothing and writes nothing.
 */
export async function planLabeling({
  ctx,
  input,
}: {
  ctx: Ctx
  input: LabelRequest
}): Promise<LabelPlan> {
  const request = LabelRequest.parse(input)
  const prepared = await prepare(ctx, request.projectId, request.labeler)
  const ids = await pendingIds(ctx, request.projectId, prepared, request)
  let cached = 0
  let promptTokens = 0
  if (prepared.llm) {
    for (const page of chunks(ids, pageSize)) {
      const units = await loadUnits(ctx, page)
      const hits = await cachedKeys(
        ctx,
        units.map((u) => prepared.llm!.cacheKey(u)),
      )
      for (const unit of units) {
        if (hits.has(prepared.llm.cacheKey(unit))) cached += 1
        else promptTokens += prepared.llm.render(unit).tokens
      }
    }
  }
  const toSend = prepared.llm ? ids.length - cached : 0
  const completionTokens = toSend * estimatedCompletionTokens
  const prices = prepared.llm?.prices ?? null
  return {
    dry_run: true,
    labeler: request.labeler,
    rater: prepared.rater,
    model: prepared.model,
    prompt_version: prepared.promptVersion,
    codebook_version: prepared.codebook.version.version,
    units: ids.length,
    cached,
    to_send: toSend,
    estimated_prompt_tokens: promptTokens,
    estimated_completion_tokens: completionTokens,
    estimated_cost_usd: prepared.llm
      ? prices
        ? costOf({ promptTokens, completionTokens }, prices)
        : null
      : 0,
    labeled: 0,
    failed: 0,
    requests: 0,
  }
}

/**
 * Two runs of one configuration would send the same units twice: the second is refused while
 * the first one's process lives (same host), or has reported lately (another host).
 */
async function assertNotRunning(ctx: Ctx, projectId: number, context: string) {
  const candidates = await ctx.db
    .select({ id: jobs.id, params: jobs.params, updatedAt: jobs.updatedAt })
    .from(labelingRuns)
    .innerJoin(jobs, eq(jobs.id, labelingRuns.jobId))
    .where(
      and(
        eq(labelingRuns.projectId, projectId),
        eq(labelingRuns.context, context),
        inArray(jobs.status, ['queued', 'running']),
      ),
    )
  const alive = candidates.find((job) => ownerAlive(job))
  if (alive) {
    throw new ConflictError(`this labeler is already running here (job ${alive.id}): follow or cancel it first`)
  }
}

export type LabelingLaunch = { job: Job; run: LabelingRun; done: Promise<LabelResult> }

/**
 * Creates the job and the run and starts labelling; `done` settles when the run ends (the job
 * row records a failure or a cancel either way). `onProgress` sees every progress report.
 */
export async function launchLabeling({
  ctx,
  input,
  onProgress,
}: {
  ctx: Ctx
  input: LabelRequest
  onProgress?: (job: JobView) => void
}): Promise<LabelingLaunch> {
  const request = LabelRequest.parse(input)
  const prepared = await prepare(ctx, request.projectId, request.labeler)
  const llm = prepared.llm
  const budget = llm ? (request.budgetUsd ?? llm.settings.budgetUsd) : undefined
  if (budget !== undefined && !llm?.prices) {
    throw new InvalidInputError(
      'a budget needs prices: set CONCORD_LLM_INPUT_USD_PER_MTOK and CONCORD_LLM_OUTPUT_USD_PER_MTOK (USD per million tokens)',
    )
  }
  await assertNotRunning(ctx, request.projectId, prepared.context)
  const concurrency = llm ? (request.concurrency ?? llm.settings.concurrency) : 1
  const ids = await pendingIds(ctx, request.projectId, prepared, request)
  const rater = await ensureRater(ctx, prepared.rater)
  const params = {
    labeler: request.labeler,
    rater: prepared.rater,
    concurrency,
    limit: request.limit ?? null,
    relabel: request.relabel ?? false,
    budget_usd: budget ?? null,
    ...jobOwner(),
    ...(llm
      ? {
          endpoint: llm.endpoint,
          few_shot_per_code: llm.settings.fewShotPerCode,
          unit_tokens: llm.settings.unitTokens,
          prices_usd_per_mtok: llm.prices,
        }
      : {}),
  }
  const job = await createJob(ctx, {
    projectId: request.projectId,
    kind: 'label',
    params,
    total: ids.length,
  })
  const [run] = await ctx.db
    .insert(labelingRuns)
    .values({
      projectId: request.projectId,
      labeler: request.labeler,
      model: prepared.model,
      promptVersion: prepared.promptVersion,
      codebookVersionId: prepared.codebook.version.id,
      status: 'running',
      params,
      total: ids.length,
      context: prepared.context,
      jobId: job.id,
      startedAt: new Date().toISOString(),
    })
    .returning()
  const execution = new Execution(ctx, prepared, run!, rater.id, { concurrency, budget, ids })
  return { job, run: run!, done: runExecution(ctx, job, execution, onProgress) }
}

function runExecution(ctx: Ctx, job: Job, execution: Execution, onProgress?: (job: JobView) => void) {
  return runJob(ctx, job, (tracker) => execution.run(tracker), { onProgress }).finally(() =>
    execution.finish(),
  )
}

/**
 * Continues a labeling job whose process stopped (killed, or shut down) in the same job and run:
 * only the units still pending are labelled (answers stored before the stop come from the cache;
 * units that had failed are tried again), and the run's counts go on from what it recorded.
 * Refused when the labeler's configuration changed meanwhile (prompt, codebook, model, training).
 * The caller has claimed the job for this process (`recoverInterruptedJobs`).
 */
export async function resumeLabeling(ctx: Ctx, job: Job): Promise<LabelResult> {
  const [run] = await ctx.db.select().from(labelingRuns).where(eq(labelingRuns.jobId, job.id))
  if (!run) throw new InvalidInputError(`job ${job.id} has no labeling run`)
  const params = job.params as { concurrency?: number; limit?: number | null; relabel?: boolean; budget_usd?: number | null }
  const prepared = await prepare(ctx, run.projectId, run.labeler)
  if (prepared.context !== run.context) {
    throw new ConflictError(`the ${run.labeler} labeler's configuration changed since run ${run.id} started: start a new run`)
  }
  const [stored] = await ctx.db.select({ n: count() }).from(labels).where(eq(labels.runId, run.id))
  const labeled = stored?.n ?? 0
  await ctx.db.delete(labelingFailures).where(eq(labelingFailures.runId, run.id))
  const limit = params.limit ? params.limit - labeled : undefined
  const ids =
    limit !== undefined && limit <= 0
      ? []
      : await pendingIds(ctx, run.projectId, prepared, { limit, relabel: params.relabel, resumeRun: run.id })
  const rater = await ensureRater(ctx, prepared.rater)
  await ctx.db
    .update(labelingRuns)
    .set({ status: 'running', error: null, finishedAt: null })
    .where(eq(labelingRuns.id, run.id))
  const execution = new Execution(ctx, prepared, run, rater.id, {
    concurrency: params.concurrency ?? 1,
    budget: params.budget_usd ?? undefined,
    ids,
    start: {
      labeled,
      requests: run.requests,
      cached: run.cached,
      usage: { promptTokens: run.promptTokens, completionTokens: run.completionTokens },
    },
  })
  return runExecution(ctx, job, execution)
}

/** Runs a labeling job in the foreground (the CLI) and returns its counts. */
export async function labelCommits(args: {
  ctx: Ctx
  input: LabelRequest
  onProgress?: (job: JobView) => void
}) {
  return (await launchLabeling(args)).done
}

/** Starts a labeling job in the background (the web app); follow it through the jobs API. */
export async function startLabeling({ ctx, input }: { ctx: Ctx; input: LabelRequest }) {
  const { job, run, done } = await launchLabeling({ ctx, input })
  // The job row records how it ended; nobody awaits the promise here.
  done.catch(() => undefined)
  return { job: viewJob(job), run }
}

/** One run's state while it labels. */
class Execution {
  private labeled = 0
  private failed = 0
  private requests = 0
  private cached = 0
  private usage: Usage = { promptTokens: 0, completionTokens: 0 }
  private reserved = 0
  private stopped: 'budget' | null = null
  private status: LabelingRun['status'] = 'running'
  private error: string | null = null
  private next = 0
  private lastFlush = 0
  private aborted = false
  /** One controller per request in flight: a failure or a cancel aborts them all. */
  private readonly inFlight = new Set<AbortController>()
  private readonly pages = new Map<
    number,
    Promise<Map<number, { unit: Unit; cached: LlmAnswer | undefined }>>
  >()

  constructor(
    private readonly ctx: Ctx,
    private readonly prepared: Prepared,
    private readonly runRow: LabelingRun,
    private readonly raterId: number,
    private readonly options: {
      concurrency: number
      budget: number | undefined
      ids: number[]
      /** A resumed run's counts so far. */
      start?: { labeled: number; requests: number; cached: number; usage: Usage }
    },
  ) {
    const start = options.start
    if (start) {
      this.labeled = start.labeled
      this.requests = start.requests
      this.cached = start.cached
      this.usage = { ...start.usage }
    }
    this.total = (start?.labeled ?? 0) + options.ids.length
  }

  /** Units of the run, those labelled before a resume included. */
  private readonly total: number

  private get processed() {
    return this.labeled + this.failed
  }

  private cost(): number | null {
    return this.prepared.llm?.prices
      ? costOf(this.usage, this.prepared.llm.prices)
      : this.prepared.llm
        ? null
        : 0
  }

  private result(): LabelResult {
    return {
      labeled: this.labeled,
      failed: this.failed,
      requests: this.requests,
      cached: this.cached,
      run: this.runRow.id,
      job: this.runRow.jobId!,
      rater: this.prepared.rater,
      prompt_tokens: this.usage.promptTokens,
      completion_tokens: this.usage.completionTokens,
      cost_usd: this.cost(),
      stopped: this.stopped,
    }
  }

  async run(tracker: Tracker): Promise<LabelResult> {
    try {
      await this.report(tracker)
      if (this.prepared.local) await this.runLocal(tracker)
      else {
        this.tracker = tracker
        await Promise.all(
          Array.from({ length: Math.min(this.options.concurrency, this.options.ids.length) }, () =>
            this.worker(tracker),
          ),
        )
        await this.flushWrites(tracker)
      }
      if (this.failure) throw this.failure
      // A shutdown stopped it at a checkpoint (everything answered is stored): it resumes later.
      if (tracker.interrupted() && this.next < this.options.ids.length) throw new JobInterrupted()
      this.status = 'done'
      return this.result()
    } catch (error) {
      this.status =
        error instanceof JobCancelled ? 'cancelled' : error instanceof JobInterrupted ? 'queued' : 'failed'
      if (error instanceof JobCancelled || error instanceof JobInterrupted) throw error
      this.error = redact(
        error instanceof Error ? error.message : String(error),
        this.prepared.llm?.secret,
      )
      throw new Error(this.error)
    }
  }

  /** Writes the run's final counts and status. */
  async finish(): Promise<void> {
    await this.flushRun(true)
  }

  private failure: unknown = null

  private fail(error: unknown) {
    if (this.failure === null) this.failure = error
    this.aborted = true
    for (const controller of this.inFlight) controller.abort()
  }

  private message(): string {
    const parts = [`${this.labeled} labeled`, `${this.failed} failed`]
    if (this.prepared.llm) parts.push(`${this.requests} requests`, `${this.cached} cached`)
    if (this.stopped === 'budget') parts.push('budget reached')
    return parts.join(', ')
  }

  private async report(tracker: Tracker) {
    await tracker.progress(this.processed, this.total, this.message())
    await this.flushRun(false)
  }

  private async flushRun(final: boolean) {
    const at = Date.now()
    if (!final && at - this.lastFlush < 1000) return
    this.lastFlush = at
    await this.ctx.db
      .update(labelingRuns)
      .set({
        labeled: this.labeled,
        failed: this.failed,
        requests: this.requests,
        cached: this.cached,
        promptTokens: this.usage.promptTokens,
        completionTokens: this.usage.completionTokens,
        costUsd: this.cost() ?? 0,
        ...(final
          ? {
              status: this.status,
              error:
                this.error ??
                (this.stopped === 'budget'
                  ? `stopped: the budget of $${this.options.budget} was reached`
                  : null),
              finishedAt: this.status === 'queued' ? null : new Date().toISOString(),
            }
          : {}),
      })
      .where(eq(labelingRuns.id, this.runRow.id))
  }

  /** rules / classifier: a page at a time, each page stored in one transaction. */
  private async runLocal(tracker: Tracker) {
    for (const page of chunks(this.options.ids, pageSize)) {
      if (tracker.interrupted()) return
      const units = await loadUnits(this.ctx, page)
      const answers = units.map((unit) => ({ unit, answer: this.prepared.local!(unit) }))
      await this.ctx.db.transaction(async (tx) => {
        await this.store(withDb(this.ctx, tx), answers)
      })
      this.labeled += answers.length
      this.next += page.length
      await this.report(tracker)
    }
  }

  /** A unit and its cached answer, if any; units and cache hits load a page at a time. */
  private unitAt(
    index: number,
  ): Promise<{ unit: Unit; cached: LlmAnswer | undefined } | undefined> {
    const page = Math.floor(index / pageSize)
    let loading = this.pages.get(page)
    if (!loading) {
      const ids = this.options.ids.slice(page * pageSize, (page + 1) * pageSize)
      loading = this.loadPage(ids)
      this.pages.set(page, loading)
      this.pages.delete(page - 2)
    }
    return loading.then((m) => m.get(this.options.ids[index]!))
  }

  private async loadPage(ids: number[]) {
    const llm = this.prepared.llm!
    const units = await loadUnits(this.ctx, ids)
    const keys = units.map((u) => llm.cacheKey(u))
    const answers = new Map<string, LlmAnswer>()
    for (const page of chunks(keys, 500)) {
      const rows = await this.ctx.db
        .select({ key: llmCache.key, answer: llmCache.answer })
        .from(llmCache)
        .where(inArray(llmCache.key, page))
      for (const r of rows) answers.set(r.key, r.answer as LlmAnswer)
    }
    return new Map(units.map((unit, i) => [unit.id, { unit, cached: answers.get(keys[i]!) }]))
  }

  private async worker(tracker: Tracker) {
    const llm = this.prepared.llm!
    try {
      // A shutdown stops taking units; those in flight are answered and stored.
      while (this.failure === null && this.stopped === null && !tracker.interrupted()) {
        const index = this.next++
        if (index >= this.options.ids.length) return
        const entry = await this.unitAt(index)
        if (!entry) continue
        const { unit } = entry
        if (entry.cached) {
          this.enqueue({ unit, answer: entry.cached, fresh: null })
          continue
        }
        const messages = llm.render(unit)
        const estimate = llm.prices
          ? costOf(
              { promptTokens: messages.tokens, completionTokens: estimatedCompletionTokens },
              llm.prices,
            )
          : 0
        if (
          this.options.budget !== undefined &&
          (this.cost() ?? 0) + this.reserved + estimate > this.options.budget
        ) {
          this.stopped = 'budget'
          return
        }
        this.reserved += estimate
        const controller = new AbortController()
        this.inFlight.add(controller)
        let outcome
        try {
          outcome = await llm.client.label(
            messages,
            this.prepared.codeNames,
            this.prepared.codebook.codebook.multiLabel,
            controller.signal,
          )
        } finally {
          this.inFlight.delete(controller)
          this.reserved -= estimate
        }
        this.requests += outcome.requests
        this.usage.promptTokens += outcome.usage.promptTokens
        this.usage.completionTokens += outcome.usage.completionTokens
        if (outcome.ok) {
          this.enqueue({
            unit,
            answer: outcome.answer,
            fresh: { key: llm.cacheKey(unit), usage: outcome.usage },
          })
        } else {
          await this.ctx.db.insert(labelingFailures).values({
            runId: this.runRow.id,
            commitId: unit.id,
            reason: redact(outcome.reason, llm.secret),
            attempts: outcome.requests,
          })
          this.failed += 1
        }
        // Reporting writes to the database: the next request need not wait for it.
        void this.report(tracker).catch((error: unknown) => this.fail(error))
      }
    } catch (error) {
      // Aborted because another worker failed (or the job was cancelled): that error is reported.
      if (this.aborted && !(error instanceof JobCancelled) && !(error instanceof LlmFatalError))
        return
      this.fail(error)
    }
  }

  // Answers wait at most `writeDelayMs` (or until `writeBatch` of them) and are then stored in
  // one transaction: the answer cached, the label written. A kill loses at most that window.
  private writes: { unit: Unit; answer: LlmAnswer; fresh: { key: string; usage: Usage } | null }[] =
    []
  private writing: Promise<void> = Promise.resolve()
  private writeTimer: NodeJS.Timeout | null = null
  private tracker: Tracker | undefined

  private enqueue(item: Execution['writes'][number]) {
    this.writes.push(item)
    if (this.writes.length >= writeBatch) void this.flushWrites(this.tracker)
    else this.writeTimer ??= setTimeout(() => void this.flushWrites(this.tracker), writeDelayMs)
  }

  /** Stores the waiting answers; resolves once everything enqueued so far is stored. */
  private flushWrites(tracker?: Tracker): Promise<void> {
    if (this.writeTimer) clearTimeout(this.writeTimer)
    this.writeTimer = null
    const batch = this.writes.splice(0)
    if (batch.length === 0) return this.writing
    const llm = this.prepared.llm!
    this.writing = this.writing.then(async () => {
      if (this.failure !== null) return
      try {
        await this.ctx.db.transaction(async (tx) => {
          const fresh = batch.flatMap((b) => (b.fresh ? [{ answer: b.answer, ...b.fresh }] : []))
          if (fresh.length > 0) {
            await tx
              .insert(llmCache)
              .values(
                fresh.map((f) => ({
                  key: f.key,
                  model: llm.model,
                  promptVersion: llm.promptVersion,
                  answer: f.answer,
                  promptTokens: f.usage.promptTokens,
                  completionTokens: f.usage.completionTokens,
                })),
              )
              .onConflictDoNothing()
          }
          await this.store(withDb(this.ctx, tx), batch)
        })
        this.labeled += batch.length
        this.cached += batch.filter((b) => !b.fresh).length
        if (tracker) await this.report(tracker)
      } catch (error) {
        this.fail(error)
      }
    })
    return this.writing
  }

  /** Stores labels (a page or a group of answers) in few statements. */
  private async store(ctx: Ctx, items: readonly { unit: Unit; answer: LocalAnswer }[]) {
    const inputs: LabelInput[] = items.map(({ unit, answer }) => {
      const codeIds = answer.codes.map(
        (name) => (this.prepared.codeByName.get(name) ?? this.prepared.fallback)?.id,
      )
      if (codeIds.some((id) => id === undefined)) {
        throw new InvalidInputError(
          `code '${answer.codes.join(', ')}' is not in the codebook and there is no fallback code`,
        )
      }
      return {
        commitId: unit.id,
        raterId: this.raterId,
        source: this.prepared.labeler,
        codeIds: codeIds as number[],
        codebookVersionId: this.prepared.codebook.version.id,
        context: this.prepared.context,
        model: this.prepared.model,
        promptVersion: this.prepared.promptVersion,
        runId: this.runRow.id,
        confidence: answer.confidence,
        rationale: answer.rationale,
      }
    })
    await upsertLabels(ctx, inputs)
  }
}

export type RunView = LabelingRun & {
  job: Pick<Job, 'id' | 'status' | 'done' | 'total' | 'message'> | null
  failures: number
}

/** A project's labeling runs, newest first, with their job's state. */
export async function listRuns(ctx: Ctx, projectId: number, limit = 50): Promise<RunView[]> {
  const rows = await ctx.db
    .select({
      run: labelingRuns,
      job: {
        id: jobs.id,
        status: jobs.status,
        done: jobs.done,
        total: jobs.total,
        message: jobs.message,
      },
      failures: sql<number>`(select count(*) from ${labelingFailures} where ${labelingFailures.runId} = ${labelingRuns.id})`,
    })
    .from(labelingRuns)
    .leftJoin(jobs, eq(jobs.id, labelingRuns.jobId))
    .where(eq(labelingRuns.projectId, projectId))
    .orderBy(desc(labelingRuns.id))
    .limit(limit)
  return rows.map(({ run, job, failures }) => ({
    ...run,
    // A run whose process died stays 'running'; its job says how it ended once the server notices.
    status:
      run.status === 'running' && job && job.status !== 'running' && job.status !== 'queued'
        ? job.status
        : run.status,
    job,
    failures: Number(failures),
  }))
}

/** The units a run could not label, with the reason. */
export async function listFailures(ctx: Ctx, projectId: number, runId: number, limit = 200) {
  return ctx.db
    .select({
      commitId: labelingFailures.commitId,
      sha: commits.sha,
      repository: repositories.fullName,
      reason: labelingFailures.reason,
      attempts: labelingFailures.attempts,
    })
    .from(labelingFailures)
    .innerJoin(labelingRuns, eq(labelingRuns.id, labelingFailures.runId))
    .innerJoin(commits, eq(commits.id, labelingFailures.commitId))
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .where(and(eq(labelingFailures.runId, runId), eq(labelingRuns.projectId, projectId)))
    .orderBy(labelingFailures.id)
    .limit(limit)
}

/** Whether final codes (one code set per commit) are enough to train the classifier. */
function classifierReadiness(finals: readonly (readonly string[])[]): {
  ready: boolean
  reason: string | null
} {
  const distinct = new Set(finals.map((codes) => [...codes].sort().join(' + '))).size
  if (finals.length >= classifierMinimum.documents && distinct >= classifierMinimum.codes)
    return { ready: true, reason: null }
  return {
    ready: false,
    reason:
      `the classifier needs at least ${classifierMinimum.documents} final codes over ${classifierMinimum.codes} or more codes; ` +
      `this project has ${finals.length} (${distinct} codes)`,
  }
}

/** What the labeling page needs to offer: which labelers can run, and the LLM's public settings. */
export async function labelingOverview(ctx: Ctx, projectId: number) {
  const finals = await finalCodeRatings(ctx, projectId)
  const classifier = classifierReadiness(finals.map((r) => r.codes))
  const llm = llmStatus(ctx.llm)
  return {
    labelers: {
      rules: { available: true, reason: null, version: rulesVersion },
      classifier: {
        available: classifier.ready,
        reason: classifier.reason,
        finalCodes: finals.length,
      },
      llm: {
        ...llm,
        concurrency: ctx.llm?.concurrency ?? null,
        budgetUsd: ctx.llm?.budgetUsd ?? null,
        pricesConfigured:
          ctx.llm?.inputUsdPerMTok !== undefined && ctx.llm?.outputUsdPerMTok !== undefined,
      },
    },
  }
}

/**
 * First start: the sample project `default` gets rules pre-labels in the background, so the app
 * shows machine labels without a network or a key (the study project has the study's own).
 */
export async function prelabelSample(ctx: Ctx): Promise<void> {
  const project = await findProject(ctx, defaultProjectName)
  if (!project) return
  try {
    await startLabeling({ ctx, input: { projectId: project.id, labeler: 'rules' } })
  } catch (error) {
    // Pre-labels are a convenience: the app serves without them.
    ctx.progress?.(`the sample's rules pre-labels did not start: ${(error as Error).message}`)
  }
}
