/**
 * @module Projects and what they hold: families, repositories, commits.
 */
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'
import { platforms } from '../../schema/enums'
import { codebookFormats } from '../core/codebook-document'
import { getCommit, listCommits, listFamilies, listRepositories } from '../services/browse'
import { readCodebookText, maxCodebookBytes } from '../services/codebook-exchange'
import { createProject, getProject, listProjects } from '../services/projects'
import type { InitialCodebook } from '../services/projects'
import { projectStatus } from '../services/status'
import { projectAccess, siteAdminWrites } from '../auth/guards'
import { onlyVisibleProjects } from '../services/accounts'
import { agreementRoutes } from './agreement'
import { archiveRoutes } from './archive'
import { analysisRoutes } from './analysis'
import { codingRoutes } from './coding'
import { exportRoutes } from './export'
import { memberRoutes } from './members'
import { roundRoutes } from './rounds'
import { sampleRoutes } from './sample'
import { cardSortRoutes } from './card-sort'
import { codebookRoutes } from './codebook'
import type { AppEnv } from './env'
import { jobRoutes } from './jobs'
import { familyRoutes } from './families'
import { discoveryRoutes } from './discovery'
import { importRoutes } from './imports'
import { labelingRoutes } from './labeling'

const CommitListQuery = z.object({
  q: z.string().max(200).optional(),
  family: z.coerce.number().int().positive().optional(),
  repository: z.coerce.number().int().positive().optional(),
  platform: z.enum(platforms).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
})

const CommitParams = z.object({ project: z.string(), id: z.coerce.number().int().positive() })

/** A new project: its codebook starts from the default (15 change types), empty, or a file. */
const CreateProjectBody = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2_000).optional(),
  codebook: z
    .union([
      z.enum(['default', 'empty']),
      z.object({ filename: z.string().min(1).max(300), format: z.enum(codebookFormats).optional(), content: z.string().max(maxCodebookBytes) }),
    ])
    .default('default'),
  author: z.string().trim().max(100).optional(),
})

export const projectRoutes = new Hono<AppEnv>()
  .get('/', async (c) => c.json(await onlyVisibleProjects(c.var.ctx, await listProjects(c.var.ctx)), 200))
  // Before the project guard: `sample` is an action on the whole Concord, not a project.
  .route('/sample', sampleRoutes)
  // Members read a project, admins change it; coders write only their own coding.
  // Evaluation compares machine labels with a coder's: blind coding keeps it from coders.
  .use('/:project/*', projectAccess({ memberWrites: ['/coding/'], adminReads: ['/labeling/evaluation', '/archive'] }))
  .use('/', siteAdminWrites())
  .post('/', zValidator('json', CreateProjectBody), async (c) => {
    const input = c.req.valid('json')
    const start = input.codebook
    const codebook: InitialCodebook =
      typeof start === 'string'
        ? { kind: start }
        : { kind: 'document', document: readCodebookText(start.content, start.filename, start.format), source: start.filename }
    const project = await createProject(c.var.ctx, { name: input.name, description: input.description, codebook, author: input.author })
    return c.json(project, 201)
  })
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
  .route('/:project/members', memberRoutes)
  .route('/:project/rounds', roundRoutes)
  .route('/:project/coding', codingRoutes)
  .route('/:project/export', exportRoutes)
  .route('/:project/archive', archiveRoutes)
  .route('/:project/jobs', jobRoutes)
  .route('/:project/families', familyRoutes)
  .route('/:project/discovery', discoveryRoutes)
  .route('/:project/imports', importRoutes)
  .route('/:project/codebook', codebookRoutes)
  .route('/:project/card-sort', cardSortRoutes)
  .route('/:project/labeling', labelingRoutes)
  .route('/:project/analysis', analysisRoutes)
