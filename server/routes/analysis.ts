/**
 * @module Synchronization analysis of a project: the tables, one family with its evidence and
 * swimlanes, the sensitivity reruns, every table as CSV/JSON, the offline HTML report, and the
 * exclusions and windows in force. Mounted under `/api/projects/:project/analysis`.
 */
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { z } from 'zod'
import { tableToCsv, tableToJson } from '../core/tables'
import type { Table } from '../core/tables'
import { AnalysisSettings, assertTableName, familyDetail, projectAnalysis, projectSensitivity, projectTable } from '../services/analysis'
import { NotFoundError } from '../services/errors'
import { listExclusions } from '../services/exclusions'
import { getProject } from '../services/projects'
import { reportHtml } from '../services/report'
import type { AppEnv } from './env'

const Query = AnalysisSettings.extend({
  sensitivity: z.enum(['0', '1', 'true', 'false']).optional(),
})

const SensitivityQuery = AnalysisSettings.extend({
  /** Period lengths to rerun, comma-separated (default 7,14,30). */
  periods: z
    .string()
    .regex(/^\d{1,4}(,\d{1,4}){0,9}$/, 'periods: up to ten whole numbers of days, comma-separated')
    .transform((s) => s.split(',').map(Number))
    .refine((ps) => ps.every((p) => p >= 1), 'periods: each period is at least 1 day')
    .optional(),
})

const TableFile = z.object({ file: z.string().regex(/^[a-z0-9_]{1,64}\.(csv|json)$/, 'file: a table name with .csv or .json') })

const ReportQuery = AnalysisSettings.extend({ inline: z.enum(['0', '1']).optional() })

// The project name comes from the mount path (`/:project/analysis`).
const projectOf = (c: Context<AppEnv>) => getProject(c.var.ctx, c.req.param('project') ?? '')

/** Settings without the route's own keys, so services see only what they know. */
function settingsOf<T extends Record<string, unknown>>(q: T, ...drop: (keyof T)[]) {
  const copy = { ...q }
  for (const k of drop) delete copy[k]
  return copy as Omit<T, (typeof drop)[number]>
}

/** The report is one self-contained file: its own <style>, inline SVG, no script, nothing fetched. */
const reportPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

const safeFileName = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '_')

/** A table as a download: CSV, or JSON with its rows as objects. */
function sendTable(c: Context<AppEnv>, table: Table, extension: 'csv' | 'json', baseName: string) {
  const download = `attachment; filename="${safeFileName(baseName)}.${extension}"`
  if (extension === 'json') {
    c.header('Content-Disposition', download)
    return c.json(tableToJson(table), 200)
  }
  return c.body(tableToCsv(table), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': download })
}

export const analysisRoutes = new Hono<AppEnv>()
  .get('/', zValidator('query', Query), async (c) => {
    const q = c.req.valid('query')
    const project = await projectOf(c)
    const sensitivity = q.sensitivity === '1' || q.sensitivity === 'true'
    const view = await projectAnalysis(c.var.ctx, {
      projectId: project.id,
      projectName: project.name,
      settings: settingsOf(q, 'sensitivity'),
      sensitivity,
    })
    return c.json(view, 200)
  })
  .get('/sensitivity', zValidator('query', SensitivityQuery), async (c) => {
    const q = c.req.valid('query')
    const project = await projectOf(c)
    return c.json(
      await projectSensitivity(c.var.ctx, {
        projectId: project.id,
        projectName: project.name,
        settings: settingsOf(q, 'periods'),
        periods: q.periods,
      }),
      200,
    )
  })
  .get('/exclusions', async (c) => {
    const project = await projectOf(c)
    return c.json(await listExclusions(c.var.ctx, project.id), 200)
  })
  .get('/families/:family', zValidator('query', AnalysisSettings), async (c) => {
    const project = await projectOf(c)
    const view = await familyDetail(c.var.ctx, {
      projectId: project.id,
      projectName: project.name,
      family: c.req.param('family'),
      settings: c.req.valid('query'),
    })
    return c.json(view, 200)
  })
  .get('/families/:family/tables/:file', zValidator('param', TableFile.extend({ family: z.string() })), zValidator('query', AnalysisSettings), async (c) => {
    const { family, file } = c.req.valid('param')
    const [name, extension] = file.split('.') as [string, 'csv' | 'json']
    const project = await projectOf(c)
    const view = await familyDetail(c.var.ctx, { projectId: project.id, projectName: project.name, family, settings: c.req.valid('query') })
    const table = view.tables.find((t) => t.name === name)
    if (!table) throw new NotFoundError(`no table named '${name}' for a family (tables: ${view.tables.map((t) => t.name).join(', ')})`)
    return sendTable(c, table, extension, `${project.name}-${family}-${name}`)
  })
  .get('/tables/:file', zValidator('param', TableFile), zValidator('query', AnalysisSettings), async (c) => {
    const { file } = c.req.valid('param')
    const [name, extension] = file.split('.') as [string, 'csv' | 'json']
    assertTableName(name)
    const project = await projectOf(c)
    const table = await projectTable(c.var.ctx, {
      projectId: project.id,
      projectName: project.name,
      name,
      settings: c.req.valid('query'),
    })
    return sendTable(c, table, extension, `${project.name}-${name}`)
  })
  .get('/report.html', zValidator('query', ReportQuery), async (c) => {
    const q = c.req.valid('query')
    const project = await projectOf(c)
    const html = await reportHtml(c.var.ctx, { projectId: project.id, projectName: project.name, settings: settingsOf(q, 'inline') })
    const disposition = q.inline === '1' ? 'inline' : `attachment; filename="${safeFileName(`concord-${project.name}-analysis`)}.html"`
    return c.body(html, 200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Disposition': disposition, 'Content-Security-Policy': reportPolicy })
  })
