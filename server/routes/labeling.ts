/**
 * @module Machine pre-labeling of a project: which labelers can run, a dry-run estimate, starting
 * a run (a background job: follow it with `/jobs/:id/events`, cancel with `/jobs/:id/cancel`),
 * the runs with their tokens and cost, a run's failures, and evaluation against a coder or the
 * final codes. Mounted under `/api/projects/:project/labeling`.
 */
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { z } from 'zod'
import { labelers, platforms } from '../../schema/enums'
import { evaluate, evaluationChoices } from '../services/evaluation'
import {
  labelingOverview,
  listFailures,
  listRuns,
  planLabeling,
  startLabeling,
} from '../services/labeling'
import { getProject } from '../services/projects'
import type { AppEnv } from './env'

const RunBody = z.object({
  labeler: z.enum(labelers),
  concurrency: z.number().int().min(1).max(256).optional(),
  limit: z.number().int().min(1).optional(),
  budgetUsd: z.number().positive().optional(),
  relabel: z.boolean().optional(),
})

const RunParams = z.object({ id: z.coerce.number().int().positive() })

const EvaluationQuery = z
  .object({
    labeler: z.string().min(1).max(200).optional(),
    run: z.coerce.number().int().positive().optional(),
    against: z.string().min(1).max(200),
    platform: z.enum(platforms).optional(),
  })
  .refine((q) => (q.labeler === undefined) !== (q.run === undefined), 'name either labeler or run')

// The project name comes from the mount path (`/:project/labeling`).
const projectOf = (c: Context<AppEnv>) => getProject(c.var.ctx, c.req.param('project') ?? '')

export const labelingRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const project = await projectOf(c)
    const [overview, choices] = await Promise.all([
      labelingOverview(c.var.ctx, project.id),
      evaluationChoices(c.var.ctx, project.id),
    ])
    return c.json({ ...overview, ...choices }, 200)
  })
  .post('/estimate', zValidator('json', RunBody), async (c) => {
    const project = await projectOf(c)
    return c.json(
      await planLabeling({
        ctx: c.var.ctx,
        input: { ...c.req.valid('json'), projectId: project.id },
      }),
      200,
    )
  })
  .post('/runs', zValidator('json', RunBody), async (c) => {
    const project = await projectOf(c)
    return c.json(
      await startLabeling({
        ctx: c.var.ctx,
        input: { ...c.req.valid('json'), projectId: project.id },
      }),
      202,
    )
  })
  .get('/runs', async (c) => {
    const project = await projectOf(c)
    return c.json(await listRuns(c.var.ctx, project.id), 200)
  })
  .get('/runs/:id/failures', zValidator('param', RunParams), async (c) => {
    const project = await projectOf(c)
    return c.json(await listFailures(c.var.ctx, project.id, c.req.valid('param').id), 200)
  })
  .get('/evaluation', zValidator('query', EvaluationQuery), async (c) => {
    const project = await projectOf(c)
    const q = c.req.valid('query')
    const report = await evaluate({
      ctx: c.var.ctx,
      input: {
        projectId: project.id,
        labeler: q.labeler,
        runId: q.run,
        against: q.against,
        platform: q.platform,
      },
    })
    return c.json(report, 200)
  })
