/**
 * @module Background jobs: their row in the database, their progress, and live updates for
 * the pages that follow them. The CLI runs the same work in the foreground.
 */
import { EventEmitter } from 'node:events'
import { hostname } from 'node:os'
import { and, desc, eq, inArray, isNull } from 'drizzle-orm'
import { jobs } from '../../schema'
import type { Job } from '../../schema'
import { progressFigures } from '../core/progress'
import type { ProgressFigures } from '../core/progress'
import type { Ctx } from './context'
import { NotFoundError } from './errors'

export type JobView = Job & { progress: ProgressFigures }

/** Updates for the live pages of this process (SSE); the database row is the durable copy. */
const updates = new EventEmitter().setMaxListeners(0)

const now = () => new Date().toISOString()

export function viewJob(job: Job, at = Date.now()): JobView {
  const started = job.startedAt ? Date.parse(job.startedAt) : at
  const ended = job.finishedAt ? Date.parse(job.finishedAt) : at
  return { ...job, progress: progressFigures({ done: job.done, total: job.total, elapsedMs: ended - started }) }
}

export async function createJob(
  ctx: Ctx,
  input: { projectId: number; kind: string; params?: Record<string, unknown>; total?: number | null },
): Promise<Job> {
  const [job] = await ctx.db
    .insert(jobs)
    .values({ projectId: input.projectId, kind: input.kind, params: input.params ?? {}, total: input.total ?? null })
    .returning()
  return job!
}

export async function getJob(ctx: Ctx, projectId: number, id: number): Promise<Job> {
  const [job] = await ctx.db.select().from(jobs).where(and(eq(jobs.id, id), eq(jobs.projectId, projectId)))
  if (!job) throw new NotFoundError(`no job ${id} in this project`)
  return job
}

export async function listJobs(ctx: Ctx, projectId: number, limit = 50): Promise<JobView[]> {
  const rows = await ctx.db.select().from(jobs).where(eq(jobs.projectId, projectId)).orderBy(desc(jobs.id)).limit(limit)
  return rows.map((j) => viewJob(j))
}

async function update(ctx: Ctx, id: number, values: Partial<Job>): Promise<Job> {
  const [job] = await ctx.db.update(jobs).set({ ...values, updatedAt: now() }).where(eq(jobs.id, id)).returning()
  updates.emit(String(id), job)
  return job!
}

/** Asks a running job to stop; it notices at its next progress report. */
export async function requestCancel(ctx: Ctx, projectId: number, id: number): Promise<Job> {
  await getJob(ctx, projectId, id)
  return update(ctx, id, { cancelRequested: true })
}

/** Calls `listener` with every update of a job until the returned function is called. */
export function followJob(id: number, listener: (job: Job) => void): () => void {
  updates.on(String(id), listener)
  return () => updates.off(String(id), listener)
}

export const finishedStatuses: readonly Job['status'][] = ['done', 'failed', 'cancelled']

export class JobCancelled extends Error {
  constructor() {
    super('cancelled')
    this.name = 'JobCancelled'
  }
}

/** Thrown by a job's work when it stopped at a checkpoint because the process is shutting down. */
export class JobInterrupted extends Error {
  constructor() {
    super('interrupted: the server stopped while this job ran')
    this.name = 'JobInterrupted'
  }
}

/**
 * Kinds a restarted server continues where they stopped: their work skips what is stored, so a
 * rerun repeats nothing. Other kinds left unfinished are marked failed (rerun them by hand).
 */
export const resumableKinds = ['label'] as const
export type ResumableKind = (typeof resumableKinds)[number]
const isResumable = (kind: string) => (resumableKinds as readonly string[]).includes(kind)

export type Tracker = {
  /**
   * Records progress (written at most every `flushMs`); throws JobCancelled once a cancel is
   * asked, and JobInterrupted at shutdown (jobs of resumable kinds are not interrupted here: they
   * check `interrupted` and stop at a checkpoint of their own).
   */
  progress: (done: number, total?: number | null, message?: string) => Promise<void>
  /** True once the process is shutting down. */
  interrupted: () => boolean
}

/** The jobs running in this process, until they end. */
const active = new Map<number, Promise<unknown>>()
let shuttingDown = false

/**
 * Shutdown: asks every job of this process to stop at its next checkpoint (a resumable one ends
 * `queued`, to be resumed by the next start; another ends failed) and resolves once all have.
 */
export async function interruptJobs(): Promise<void> {
  shuttingDown = true
  await Promise.allSettled(active.values())
}

/** Where a job's process lives, so another process can tell a killed job from a running one. */
export const jobOwner = () => ({ host: hostname(), pid: process.pid })

/** Without a way to check its process (another host), a job that reported within this long counts as alive. */
const staleJobMs = 120_000

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Whether the process that runs an unfinished job is still alive: a process on this host whose
 * pid lives, or one elsewhere that reported lately. A job with no owner recorded is not. At start
 * (`atStart`), a job with this process's pid that does not run here is an earlier process's (a
 * container restarts with the same pid).
 */
export function ownerAlive(job: Pick<Job, 'id' | 'params' | 'updatedAt'>, options: { atStart?: boolean } = {}): boolean {
  if (active.has(job.id)) return true
  const { host, pid } = job.params as { host?: unknown; pid?: unknown }
  const here = jobOwner()
  if (host === here.host && typeof pid === 'number') return !(options.atStart && pid === here.pid) && processAlive(pid)
  if (typeof host !== 'string') return false
  return job.updatedAt !== null && Date.parse(job.updatedAt) > Date.now() - staleJobMs
}

/**
 * Runs `work` as the job: marks it running, records progress, and ends it as done (with the
 * work's result), cancelled or failed. `onProgress` also sees every report (the CLI's bar).
 */
export function runJob<R extends Record<string, unknown>>(
  ctx: Ctx,
  job: Job,
  work: (tracker: Tracker) => Promise<R>,
  options: { flushMs?: number; onProgress?: (job: JobView) => void } = {},
): Promise<R> {
  // Registered at once, so a shutdown waits for it from the start.
  const running = execute(ctx, job, work, options)
  active.set(job.id, running)
  return running.finally(() => active.delete(job.id))
}

async function execute<R extends Record<string, unknown>>(
  ctx: Ctx,
  job: Job,
  work: (tracker: Tracker) => Promise<R>,
  options: { flushMs?: number; onProgress?: (job: JobView) => void },
): Promise<R> {
  const flushMs = options.flushMs ?? 250
  const resumable = isResumable(job.kind)
  let current = await update(ctx, job.id, { status: 'running', startedAt: now() })
  let lastFlush = 0
  const tracker: Tracker = {
    interrupted: () => shuttingDown,
    progress: async (done, total, message) => {
      if (shuttingDown && !resumable) throw new JobInterrupted()
      const at = Date.now()
      const local = { ...current, done, total: total === undefined ? current.total : total, message: message ?? current.message }
      options.onProgress?.(viewJob(local, at))
      if (at - lastFlush < flushMs) {
        current = local
        return
      }
      lastFlush = at
      current = await update(ctx, job.id, { done: local.done, total: local.total, message: local.message })
      if (current.cancelRequested) throw new JobCancelled()
    },
  }
  try {
    const result = await work(tracker)
    // The last progress (count and message) may not have been flushed yet: it goes in now.
    await update(ctx, job.id, { status: 'done', done: current.done, total: current.total, message: current.message, result, finishedAt: now() })
    return result
  } catch (error) {
    if (error instanceof JobInterrupted && resumable) {
      // Stopped at a checkpoint: queued again, the next start resumes it.
      await update(ctx, job.id, { status: 'queued', done: current.done, total: current.total, message: 'interrupted by a shutdown: resumes when the server starts' })
      throw error
    }
    const cancelled = error instanceof JobCancelled
    await update(ctx, job.id, {
      status: cancelled ? 'cancelled' : 'failed',
      done: current.done,
      error: cancelled ? null : (error as Error).message,
      finishedAt: now(),
    })
    throw error
  }
}

/** Continues an interrupted job of its kind (same job row); settles when the job ends. */
export type Resumer = (ctx: Ctx, job: Job) => Promise<unknown>

/** Unfinished jobs (queued or running) whose process is gone; only right after start. */
async function orphanedJobs(ctx: Ctx): Promise<Job[]> {
  const rows = await ctx.db.select().from(jobs).where(inArray(jobs.status, ['queued', 'running']))
  return rows.filter((job) => !ownerAlive(job, { atStart: true }))
}

/**
 * Jobs a previous process left unfinished (it was killed) are marked failed, to be rerun; those
 * of the `except` kinds are left alone (they resume), and so are jobs whose process still runs.
 */
export async function failInterruptedJobs(ctx: Ctx, options: { except?: readonly string[] } = {}): Promise<number> {
  const ids = (await orphanedJobs(ctx)).filter((job) => !options.except?.includes(job.kind)).map((job) => job.id)
  if (ids.length === 0) return 0
  const rows = await ctx.db
    .update(jobs)
    .set({ status: 'failed', error: 'interrupted: the server stopped while this job ran', finishedAt: now(), updatedAt: now() })
    .where(and(inArray(jobs.id, ids), inArray(jobs.status, ['queued', 'running'])))
    .returning({ id: jobs.id })
  return rows.length
}

/**
 * At start: unfinished jobs of resumable kinds whose process is gone are queued again and
 * continued in the background by their kind's resumer (one that cannot resume marks its job
 * failed with the reason); the other kinds are marked failed.
 * @returns the ids resumed and how many were marked failed.
 */
export async function recoverInterruptedJobs(
  ctx: Ctx,
  resumers: Record<ResumableKind, Resumer>,
): Promise<{ resumed: number[]; failed: number }> {
  const failed = await failInterruptedJobs(ctx, { except: resumableKinds })
  const orphans = (await orphanedJobs(ctx)).filter((job) => isResumable(job.kind))
  const resumed: number[] = []
  for (const job of orphans) {
    // Claimed only if unchanged since read: of two servers starting on one database, one resumes it.
    const [queued] = await ctx.db
      .update(jobs)
      .set({ status: 'queued', message: 'resuming after a restart', params: { ...job.params, ...jobOwner() }, updatedAt: now() })
      .where(and(eq(jobs.id, job.id), eq(jobs.status, job.status), job.updatedAt === null ? isNull(jobs.updatedAt) : eq(jobs.updatedAt, job.updatedAt)))
      .returning()
    if (!queued) continue
    resumed.push(job.id)
    updates.emit(String(job.id), queued)
    resumers[job.kind as ResumableKind](ctx, queued).catch(async (error: unknown) => {
      // A resumer that ran its job has recorded how it ended; one that could not start has not.
      const [row] = await ctx.db.select({ status: jobs.status }).from(jobs).where(eq(jobs.id, job.id))
      if (row?.status === 'queued' && !(error instanceof JobInterrupted)) {
        await update(ctx, job.id, { status: 'failed', error: `could not resume: ${(error as Error).message}`, finishedAt: now() })
      }
    }).catch((error: unknown) => ctx.progress?.(`job ${job.id}: ${(error as Error).message}`))
  }
  return { resumed, failed }
}
