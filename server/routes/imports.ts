/**
 * @module Starting an import from the web app: a local clone (a path on the server's machine),
 * a GitHub repository or a Hugging Face model, as a background job. The page follows it with
 * `GET /:project/jobs/:id/events` and can cancel it. Mounted under `/api/projects/:project/imports`.
 */
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { z } from 'zod'
import { platforms } from '../../schema/enums'
import { loadConfig } from '../config'
import { viewJob } from '../services/jobs'
import { getProject } from '../services/projects'
import { startRepositoryImport } from '../services/repository-import'
import type { ImportSettings } from '../services/repository-import'
import type { AppEnv } from './env'

const repo = z.string().trim().min(3).max(200)
const family = z.string().trim().max(100).optional()
const ImportBody = z.discriminatedUnion('source', [
  z.object({ source: z.literal('git'), path: z.string().trim().min(1).max(4096), platform: z.enum(platforms), repo, family }),
  z.object({ source: z.literal('github'), repo, family }),
  z.object({ source: z.literal('hf'), repo, family }),
])

const projectOf = (c: Context<AppEnv>) => getProject(c.var.ctx, c.req.param('project') ?? '')

function settingsOf(c: Context<AppEnv>): ImportSettings {
  if (c.var.ctx.imports) return c.var.ctx.imports
  const config = loadConfig()
  return { ...config.sources, diffCap: config.diffCap }
}

export const importRoutes = new Hono<AppEnv>().post('/', zValidator('json', ImportBody), async (c) => {
  const project = await projectOf(c)
  const job = await startRepositoryImport(c.var.ctx, { projectId: project.id, input: c.req.valid('json'), settings: settingsOf(c) })
  return c.json(viewJob(job), 202)
})
