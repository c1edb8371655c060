/**
 * @module The open card-sorting board: the open codes as cards, moving them into categories,
 * creating a category (a new code) from a group of cards.
 * Mounted under `/api/projects/:project/card-sort`.
 */
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { CreateCategoryInput, MoveCardsInput, cardSortBoard, createCategory, moveCards } from '../services/card-sort'
import { getProject } from '../services/projects'
import type { AppEnv } from './env'

const projectOf = (c: Context<AppEnv>) => getProject(c.var.ctx, c.req.param('project') ?? '')

export const cardSortRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const project = await projectOf(c)
    return c.json(await cardSortBoard(c.var.ctx, project.id), 200)
  })
  .post('/move', zValidator('json', MoveCardsInput.omit({ projectId: true })), async (c) => {
    const project = await projectOf(c)
    return c.json(await moveCards(c.var.ctx, { ...c.req.valid('json'), projectId: project.id }), 200)
  })
  .post('/categories', zValidator('json', CreateCategoryInput.omit({ projectId: true })), async (c) => {
    const project = await projectOf(c)
    return c.json(await createCategory(c.var.ctx, { ...c.req.valid('json'), projectId: project.id }), 201)
  })
