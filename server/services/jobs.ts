/**
 * @module Background jobs: their row in the database, their progress, and live updates for
 * the pages that follow them. The CLI runs the same work in the foreground.
 */
import { EventEmitter } from 'node:events'
import { and, desc, eq, inArray } from 'drizzle-orm'
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

export type Tracker = {
  /** Records progress (written at most every `flushMs`); throws JobCancelled once a cancel is asked. */
  progress: (done: number, total?: number | null, message?: string) => Promise<void>
}

/**
 * Runs `work` as the job: marks it running, records progress, and ends it as done (with the
 * work's result), cancelled or failed. `onProgress` also sees every report (the CLI's bar).
 */
export async function runJob<R extends Record<string, unknown>>(
  ctx: Ctx,
  job: Job,
  work: (tracker: Tracker) => Promise<R>,
  options: { flushMs?: number; onProgress?: (job: JobView) => void } = {},
): Promise<R> {
  const flushMs = options.flushMs ?? 250
  let current = await update(ctx, job.id, { status: 'running', startedAt: now() })
  let lastFlush = 0
  const tracker: Tracker = {
    progress: async (done, total, message) => {
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

/** Jobs a previous process left running (it was killed) are marked failed, to be rerun. */
export async function failInterruptedJobs(ctx: Ctx): Promise<number> {
  const rows = await ctx.db
    .update(jobs)
    .set({ status: 'failed', error: 'interrupted: the server stopped while this job ran', finishedAt: now() })
    .where(inArray(jobs.status, ['queued', 'running']))
    .returning({ id: jobs.id })
  return rows.length
}
