/**
 * @module Projects and what they hold: families, repositories, commits.
 */
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'
import { platforms } from '../../schema/enums'
import { getCommit, listCommits, listFamilies, listRepositories } from '../services/browse'
import { getProject, listProjects } from '../services/projects'
import { projectStatus } from '../services/status'
import { agreementRoutes } from './agreement'
import type { AppEnv } from './env'
import { jobRoutes } from './jobs'

const CommitListQuery = z.object({
  q: z.string().max(200).optional(),
  family: z.coerce.number().int().positive().optional(),
  repository: z.coerce.number().int().positive().optional(),
  platform: z.enum(platforms).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
})

const CommitParams = z.object({ project: z.string(), id: z.coerce.number().int().positive() })

export const projectRoutes = new Hono<AppEnv>()
  .get('/', async (c) => c.json(await listProjects(c.var.ctx), 200))
  .get('/:project', async (c) => {
    const project = await getProject(c.var.ctx, c.req.param('project'))
    return c.json({ ...project, status: await projectStatus(c.var.ctx, project.id) }, 200)
  })
  .get('/:project/families', async (c) => {
    const project = await getProject(c.var.ctx, c.req.param('project'))
    return c.json(await listFamilies(c.var.ctx, project.id), 200)
  })
  .get('/:project/repositories', async (c) => {
    const project = await getProject(c.var.ctx, c.req.param('project'))
    return c.json(await listRepositories(c.var.ctx, project.id), 200)
  })
  .get('/:project/commits', zValidator('query', CommitListQuery), async (c) => {
    const project = await getProject(c.var.ctx, c.req.param('project'))
    const q = c.req.valid('query')
    const page = await listCommits(c.var.ctx, project.id, {
      q: q.q,
      familyId: q.family,
      repositoryId: q.repository,
      platform: q.platform,
      limit: q.limit,
      offset: q.offset,
    })
    return c.json(page, 200)
  })
  .get('/:project/commits/:id', zValidator('param', CommitParams), async (c) => {
    const { project: name, id } = c.req.valid('param')
    const project = await getProject(c.var.ctx, name)
    return c.json(await getCommit(c.var.ctx, project.id, id), 200)
  })
  .route('/:project/agreement', agreementRoutes)
  .route('/:project/jobs', jobRoutes)
