/**
 * @module A project's codebook: the codes with usage and examples, the versions, export and
 * import (JSON, REFI-QDA `.qdc`), the operations that grow it and the re-coding queue.
 * Mounted under `/api/projects/:project/codebook`.
 */
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { z } from 'zod'
import { codebookFormats } from '../core/codebook-document'
import { codebookView, versionSnapshot } from '../services/codebook'
import {
  AddCodeInput,
  EditCodeInput,
  MergeCodesInput,
  RenameCodeInput,
  RetireCodeInput,
  SetMultiLabelInput,
  SplitCodeInput,
  addCode,
  completeRecode,
  editCode,
  listRecodeQueue,
  mergeCodes,
  renameCode,
  retireCode,
  setMultiLabel,
  splitCode,
} from '../services/codebook-evolution'
import { exportCodebook, importCodebook, maxCodebookBytes, readCodebookText } from '../services/codebook-exchange'
import { getProject } from '../services/projects'
import type { AppEnv } from './env'

const projectOf = (c: Context<AppEnv>) => getProject(c.var.ctx, c.req.param('project') ?? '')

const ExportQuery = z.object({ format: z.enum(codebookFormats).default('json') })
const VersionParams = z.object({ version: z.coerce.number().int().positive() })
const ImportBody = z.object({
  filename: z.string().min(1).max(300),
  format: z.enum(codebookFormats).optional(),
  content: z.string().max(maxCodebookBytes),
  author: z.string().trim().max(100).optional(),
  note: z.string().trim().max(2_000).optional(),
})
const RecodeQuery = z.object({ status: z.enum(['pending', 'done', 'all']).default('pending') })
const RecodeParams = z.object({ id: z.coerce.number().int().positive() })

// An operation's body is its service input without the project, which comes from the path.
export const codebookRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const project = await projectOf(c)
    return c.json(await codebookView(c.var.ctx, project.id), 200)
  })
  .get('/versions/:version', zValidator('param', VersionParams), async (c) => {
    const project = await projectOf(c)
    const row = await versionSnapshot(c.var.ctx, project.id, c.req.valid('param').version)
    return c.json({ version: row.version, changelog: row.changelog, createdAt: row.createdAt, codes: row.snapshot }, 200)
  })
  .get('/export', zValidator('query', ExportQuery), async (c) => {
    const project = await projectOf(c)
    const file = await exportCodebook(c.var.ctx, { projectId: project.id, projectName: project.name, format: c.req.valid('query').format })
    return c.body(file.body, 200, {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename="${file.filename}"`,
    })
  })
  .post('/import', zValidator('json', ImportBody), async (c) => {
    const project = await projectOf(c)
    const input = c.req.valid('json')
    const document = readCodebookText(input.content, input.filename, input.format)
    const result = await importCodebook(c.var.ctx, { projectId: project.id, document, source: input.filename, author: input.author, note: input.note })
    return c.json(result, 200)
  })
  .post('/codes', zValidator('json', AddCodeInput.omit({ projectId: true })), async (c) => {
    const project = await projectOf(c)
    return c.json(await addCode(c.var.ctx, { ...c.req.valid('json'), projectId: project.id }), 201)
  })
  .post('/rename', zValidator('json', RenameCodeInput.omit({ projectId: true })), async (c) => {
    const project = await projectOf(c)
    return c.json(await renameCode(c.var.ctx, { ...c.req.valid('json'), projectId: project.id }), 200)
  })
  .post('/edit', zValidator('json', EditCodeInput.omit({ projectId: true })), async (c) => {
    const project = await projectOf(c)
    return c.json(await editCode(c.var.ctx, { ...c.req.valid('json'), projectId: project.id }), 200)
  })
  .post('/merge', zValidator('json', MergeCodesInput.omit({ projectId: true })), async (c) => {
    const project = await projectOf(c)
    return c.json(await mergeCodes(c.var.ctx, { ...c.req.valid('json'), projectId: project.id }), 200)
  })
  .post('/split', zValidator('json', SplitCodeInput.omit({ projectId: true })), async (c) => {
    const project = await projectOf(c)
    return c.json(await splitCode(c.var.ctx, { ...c.req.valid('json'), projectId: project.id }), 200)
  })
  .post('/retire', zValidator('json', RetireCodeInput.omit({ projectId: true })), async (c) => {
    const project = await projectOf(c)
    return c.json(await retireCode(c.var.ctx, { ...c.req.valid('json'), projectId: project.id }), 200)
  })
  .post('/mode', zValidator('json', SetMultiLabelInput.omit({ projectId: true })), async (c) => {
    const project = await projectOf(c)
    return c.json(await setMultiLabel(c.var.ctx, { ...c.req.valid('json'), projectId: project.id }), 200)
  })
  .get('/recode', zValidator('query', RecodeQuery), async (c) => {
    const project = await projectOf(c)
    const status = c.req.valid('query').status
    return c.json(await listRecodeQueue(c.var.ctx, project.id, { status: status === 'all' ? undefined : status }), 200)
  })
  .post('/recode/:id/done', zValidator('param', RecodeParams), async (c) => {
    const project = await projectOf(c)
    return c.json(await completeRecode(c.var.ctx, { projectId: project.id, id: c.req.valid('param').id }), 200)
  })
