/**
 * @module Agreement over a project's labels: the report, a confusion matrix, the disagreements.
 * Mounted under `/api/projects/:project/agreement`.
 */
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { z } from 'zod'
import { platforms } from '../../schema/enums'
import { projectAgreement, projectConfusion, projectDisagreements } from '../services/agreement'
import { codebookVersionId } from '../services/codebook'
import { getProject } from '../services/projects'
import type { AppEnv } from './env'

const coderList = z
  .string()
  .transform((s) => s.split(',').map((c) => c.trim()).filter(Boolean))
  .refine((c) => c.length >= 2, 'coders: name at least two raters, comma-separated')

const Filter = z.object({
  coders: coderList.optional(),
  platform: z.enum(platforms).optional(),
  codebookVersion: z.coerce.number().int().positive().optional(),
  /** Only a coding round's labels (its coders, and the machine raters it chose). */
  round: z.coerce.number().int().positive().transform((id) => ({ id })).optional(),
})

const ReportQuery = Filter.extend({
  resamples: z.coerce.number().int().min(0).max(10_000).default(1000),
  seed: z.coerce.number().int().min(0).default(1),
})

const PairQuery = Filter.extend({
  coders: coderList.refine((c) => c.length === 2, 'coders: name exactly two raters'),
})

// The project name comes from the mount path (`/:project/agreement`).
const projectOf = (c: Context<AppEnv>) => getProject(c.var.ctx, c.req.param('project') ?? '')

// `codebookVersion` is the version number people see (1, 2, …); labels store the version's id.
const versionIdOf = (c: Context<AppEnv>, projectId: number, version: number | undefined) =>
  version === undefined ? undefined : codebookVersionId(c.var.ctx, projectId, version)

export const agreementRoutes = new Hono<AppEnv>()
  .get('/', zValidator('query', ReportQuery), async (c) => {
    const q = c.req.valid('query')
    const project = await projectOf(c)
    const report = await projectAgreement(c.var.ctx, project.id, {
      coders: q.coders,
      platform: q.platform,
      codebookVersionId: await versionIdOf(c, project.id, q.codebookVersion),
      round: q.round,
      resamples: q.resamples,
      seed: q.seed,
    })
    return c.json(report, 200)
  })
  .get('/confusion', zValidator('query', PairQuery), async (c) => {
    const q = c.req.valid('query')
    const project = await projectOf(c)
    const coders = q.coders as [string, string]
    return c.json(await projectConfusion(c.var.ctx, project.id, { ...q, coders, codebookVersionId: await versionIdOf(c, project.id, q.codebookVersion) }), 200)
  })
  .get('/disagreements', zValidator('query', Filter), async (c) => {
    const q = c.req.valid('query')
    const project = await projectOf(c)
    return c.json(await projectDisagreements(c.var.ctx, project.id, { ...q, codebookVersionId: await versionIdOf(c, project.id, q.codebookVersion) }), 200)
  })
