/**
 * @module Background jobs of a project: list, one job, live progress (SSE), cancel.
 * Mounted under `/api/projects/:project/jobs`.
 */
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { z } from 'zod'
import type { Job } from '../../schema'
import { finishedStatuses, followJob, getJob, listJobs, requestCancel, viewJob } from '../services/jobs'
import { getProject } from '../services/projects'
import type { AppEnv } from './env'

const JobParams = z.object({ id: z.coerce.number().int().positive() })

const projectOf = (c: Context<AppEnv>) => getProject(c.var.ctx, c.req.param('project') ?? '')

export const jobRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const project = await projectOf(c)
    return c.json(await listJobs(c.var.ctx, project.id), 200)
  })
  .get('/:id', zValidator('param', JobParams), async (c) => {
    const project = await projectOf(c)
    return c.json(viewJob(await getJob(c.var.ctx, project.id, c.req.valid('param').id)), 200)
  })
  .post('/:id/cancel', zValidator('param', JobParams), async (c) => {
    const project = await projectOf(c)
    return c.json(viewJob(await requestCancel(c.var.ctx, project.id, c.req.valid('param').id)), 200)
  })
  // Server-sent events: a `progress` event per update, the last one when the job has ended.
  .get('/:id/events', zValidator('param', JobParams), async (c) => {
    const project = await projectOf(c)
    const { id } = c.req.valid('param')
    const first = await getJob(c.var.ctx, project.id, id)
    return streamSSE(c, async (stream) => {
      const send = (job: Job) => stream.writeSSE({ event: 'progress', data: JSON.stringify(viewJob(job)) })
      await send(first)
      if (finishedStatuses.includes(first.status)) return
      await new Promise<void>((resolve) => {
        const stop = followJob(id, (job) => {
          const ended = finishedStatuses.includes(job.status)
          if (ended) stop()
          // The last event must be written before the stream closes.
          void send(job).then(() => ended && resolve())
        })
        stream.onAbort(() => {
          stop()
          resolve()
        })
      })
    })
  })
