/**
 * @module `GET /api/projects/:project/archive`: the whole project as one file, as
 * `concord export project` writes it (for project admins: it holds every coder's labels).
 */
import { Hono } from 'hono'
import { Readable } from 'node:stream'
import { projectArchiveStream } from '../services/project-archive'
import type { AppEnv } from './env'

export const archiveRoutes = new Hono<AppEnv>().get('/', async (c) => {
  const name = c.req.param('project') ?? ''
  const archive = await projectArchiveStream(c.var.ctx, name)
  c.header('Content-Disposition', `attachment; filename="${name.replace(/[^\w.-]/g, '_')}.concord-project.jsonl.gz"`)
  return c.body(Readable.toWeb(archive) as ReadableStream, 200, { 'Content-Type': 'application/gzip' })
})
