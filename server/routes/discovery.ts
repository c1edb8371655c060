/**
 * @module Family discovery: proposals found in READMEs and model cards (with their passage),
 * links to repositories not imported yet, a new scan, accept and reject. Mounted under
 * `/api/projects/:project/discovery`.
 */
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { z } from 'zod'
import { proposalStatuses } from '../../schema/enums'
import { acceptProposal, discoverLinks, linksToImport, listProposals, rejectProposal } from '../services/discovery'
import { getProject } from '../services/projects'
import type { AppEnv } from './env'

const ListQuery = z.object({ status: z.enum(proposalStatuses).optional() })
const ProposalParams = z.object({ id: z.coerce.number().int().positive() })
const AcceptBody = z.object({ family: z.string().trim().min(1).max(100).optional() })

const projectOf = (c: Context<AppEnv>) => getProject(c.var.ctx, c.req.param('project') ?? '')

export const discoveryRoutes = new Hono<AppEnv>()
  .get('/', zValidator('query', ListQuery), async (c) => {
    const project = await projectOf(c)
    const [proposals, notImported] = await Promise.all([
      listProposals(c.var.ctx, project.id, c.req.valid('query').status),
      linksToImport(c.var.ctx, project.id),
    ])
    return c.json({ proposals, notImported }, 200)
  })
  .post('/scan', async (c) => {
    const project = await projectOf(c)
    return c.json(await discoverLinks(c.var.ctx, { projectId: project.id }), 200)
  })
  .post('/proposals/:id/accept', zValidator('param', ProposalParams), zValidator('json', AcceptBody), async (c) => {
    const project = await projectOf(c)
    const input = { projectId: project.id, id: c.req.valid('param').id, family: c.req.valid('json').family }
    return c.json(await acceptProposal(c.var.ctx, input), 200)
  })
  .post('/proposals/:id/reject', zValidator('param', ProposalParams), async (c) => {
    const project = await projectOf(c)
    return c.json(await rejectProposal(c.var.ctx, { projectId: project.id, id: c.req.valid('param').id }), 200)
  })
