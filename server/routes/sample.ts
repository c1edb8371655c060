/**
 * @module Loading the bundled sample from the web app (the empty projects page), as a background
 * job of the `default` project. Mounted at `/api/projects/sample`.
 */
import { Hono } from 'hono'
import { loadConfig } from '../config'
import { viewJob } from '../services/jobs'
import { defaultProjectName } from '../services/projects'
import { startSampleLoad } from '../services/sample'
import type { AppEnv } from './env'

export const sampleRoutes = new Hono<AppEnv>().post('/', async (c) => {
  const diffCap = c.var.ctx.imports?.diffCap ?? loadConfig().diffCap
  const job = await startSampleLoad(c.var.ctx, { diffCap })
  return c.json({ project: defaultProjectName, job: viewJob(job) }, 202)
})
