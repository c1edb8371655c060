import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { JobCancelled, createJob, failInterruptedJobs, getJob, requestCancel, runJob } from '../../server/services/jobs'
import { ensureProject } from '../../server/services/projects'
import { signedInApp } from '../helpers/auth'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'

let t: TestDatabase
let projectId: number
beforeEach(async () => {
  t = await freshDatabase()
  projectId = (await ensureProject(t.ctx, 'default')).id
})
afterEach(() => t.dispose())

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

describe('background jobs', () => {
  it('record progress and end as done with their result', async () => {
    const job = await createJob(t.ctx, { projectId, kind: 'test', total: 3 })
    const result = await runJob(t.ctx, job, async (tracker) => {
      for (let i = 1; i <= 3; i++) await tracker.progress(i)
      return { counted: 3 }
    }, { flushMs: 0 })
    expect(result).toEqual({ counted: 3 })
    expect(await getJob(t.ctx, projectId, job.id)).toMatchObject({ status: 'done', done: 3, total: 3, result: { counted: 3 } })
  })

  it('stop when a cancel is requested and end as cancelled', async () => {
    const job = await createJob(t.ctx, { projectId, kind: 'test', total: 100 })
    const run = runJob(t.ctx, job, async (tracker) => {
      for (let i = 1; i <= 100; i++) {
        if (i === 10) await requestCancel(t.ctx, projectId, job.id)
        await tracker.progress(i)
        await tick()
      }
      return {}
    }, { flushMs: 0 })
    await expect(run).rejects.toBeInstanceOf(JobCancelled)
    const stored = await getJob(t.ctx, projectId, job.id)
    expect(stored.status).toBe('cancelled')
    expect(stored.done).toBe(10)
  })

  it('end as failed with the error message', async () => {
    const job = await createJob(t.ctx, { projectId, kind: 'test' })
    await expect(runJob(t.ctx, job, async () => Promise.reject(new Error('remote said no')))).rejects.toThrow('remote said no')
    expect(await getJob(t.ctx, projectId, job.id)).toMatchObject({ status: 'failed', error: 'remote said no' })
  })

  it('left running by a killed process are marked failed on the next start', async () => {
    const job = await createJob(t.ctx, { projectId, kind: 'test' })
    expect(await failInterruptedJobs(t.ctx)).toBe(1)
    expect((await getJob(t.ctx, projectId, job.id)).status).toBe('failed')
  })

  it('stream their progress over SSE until they end', async () => {
    const admin = await signedInApp(t.db, { role: 'admin' })
    const job = await createJob(t.ctx, { projectId, kind: 'test', total: 5 })
    const response = await admin.request(`/api/projects/default/jobs/${job.id}/events`)
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const text = response.text()
    await runJob(t.ctx, job, async (tracker) => {
      for (let i = 1; i <= 5; i++) {
        await tracker.progress(i)
        await tick()
      }
      return { ok: true }
    }, { flushMs: 0 })
    const events = (await text).split('\n\n').filter((e) => e.includes('event: progress'))
    const last = JSON.parse(events.at(-1)!.split('data: ')[1]!)
    expect(events.length).toBeGreaterThanOrEqual(3)
    expect(last).toMatchObject({ status: 'done', done: 5, progress: { fraction: 1 } })
  })

  it('are listed per project and 404 elsewhere', async () => {
    const admin = await signedInApp(t.db, { role: 'admin' })
    const job = await createJob(t.ctx, { projectId, kind: 'test' })
    const list = await (await admin.request('/api/projects/default/jobs')).json()
    expect(list.map((j: { id: number }) => j.id)).toEqual([job.id])
    await ensureProject(t.ctx, 'other')
    expect((await admin.request(`/api/projects/other/jobs/${job.id}`)).status).toBe(404)
  })
})
