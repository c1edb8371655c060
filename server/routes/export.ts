/**
 * @module `GET /api/projects/:project/export/labels?format=csv|json`: the labels the viewer may
 * see (blind rounds hide other coders' labels from coders), as `concord export labels` writes.
 */
import { validate } from './validate'
import { Hono } from 'hono'
import { z } from 'zod'
import { exportLabels, labelsCsv } from '../services/export'
import { getProject } from '../services/projects'
import type { AppEnv } from './env'

const ExportQuery = z.object({ format: z.enum(['csv', 'json']).default('csv') })

export const exportRoutes = new Hono<AppEnv>().get('/labels', validate('query', ExportQuery), async (c) => {
  const project = await getProject(c.var.ctx, c.req.param('project') ?? '')
  const rows = await exportLabels(c.var.ctx, project.id)
  if (c.req.valid('query').format === 'json') return c.json(rows, 200)
  c.header('Content-Disposition', `attachment; filename="${project.name.replace(/[^\w.-]/g, '_')}-labels.csv"`)
  return c.body(labelsCsv(rows), 200, { 'Content-Type': 'text/csv; charset=utf-8' })
})
