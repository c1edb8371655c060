/**
 * @module Families by hand: create, rename, delete, add and remove repositories. (The list is
 * `GET /:project/families` in projects.ts.) Mounted under `/api/projects/:project/families`.
 */
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { z } from 'zod'
import { platforms } from '../../schema/enums'
import { createFamily, deleteFamily, linkFamilyRepositories, renameFamily, unlinkFamilyRepositories } from '../services/families'
import { getProject } from '../services/projects'
import type { AppEnv } from './env'

const RepositoryRef = z.object({ platform: z.enum(platforms).optional(), fullName: z.string().trim().min(3).max(200) })
const CreateBody = z.object({ name: z.string().trim().min(1).max(100), repositories: z.array(RepositoryRef).max(200).optional() })
const RenameBody = z.object({ name: z.string().trim().min(1).max(100) })
const LinkBody = z.object({ repositories: z.array(RepositoryRef).min(1).max(200) })
const FamilyParams = z.object({ id: z.coerce.number().int().positive() })
const MemberParams = z.object({ id: z.coerce.number().int().positive(), repositoryId: z.coerce.number().int().positive() })

const projectOf = (c: Context<AppEnv>) => getProject(c.var.ctx, c.req.param('project') ?? '')

export const familyRoutes = new Hono<AppEnv>()
  .post('/', zValidator('json', CreateBody), async (c) => {
    const project = await projectOf(c)
    const body = c.req.valid('json')
    return c.json(await createFamily(c.var.ctx, { projectId: project.id, name: body.name, repositories: body.repositories }), 201)
  })
  .patch('/:id', zValidator('param', FamilyParams), zValidator('json', RenameBody), async (c) => {
    const project = await projectOf(c)
    const { id } = c.req.valid('param')
    return c.json(await renameFamily(c.var.ctx, { projectId: project.id, family: { id }, name: c.req.valid('json').name }), 200)
  })
  .delete('/:id', zValidator('param', FamilyParams), async (c) => {
    const project = await projectOf(c)
    return c.json(await deleteFamily(c.var.ctx, { projectId: project.id, family: { id: c.req.valid('param').id } }), 200)
  })
  .post('/:id/repositories', zValidator('param', FamilyParams), zValidator('json', LinkBody), async (c) => {
    const project = await projectOf(c)
    const family = { id: c.req.valid('param').id }
    return c.json(await linkFamilyRepositories(c.var.ctx, { projectId: project.id, family, repositories: c.req.valid('json').repositories }), 200)
  })
  .delete('/:id/repositories/:repositoryId', zValidator('param', MemberParams), async (c) => {
    const project = await projectOf(c)
    const { id, repositoryId } = c.req.valid('param')
    return c.json(await unlinkFamilyRepositories(c.var.ctx, { projectId: project.id, family: { id }, repositories: [repositoryId] }), 200)
  })
