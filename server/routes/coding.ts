/**
 * @module A coder's own work in a round: queue, unit, label, memo, skip. Open to every member
 * of the project (the project guard lets them write here), each acting only on their own queue.
 * Mounted under `/api/projects/:project/coding`.
 */
import { validate } from './validate'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { z } from 'zod'
import { requireSignedIn } from '../auth/guards'
import { SaveLabelInput, SaveMemoInput, codingUnit, myQueue, saveMemo, saveRoundLabel, skipUnit } from '../services/coding'
import { getProject } from '../services/projects'
import type { AppEnv } from './env'

const RoundParams = z.object({ round: z.coerce.number().int().positive() })
const UnitParams = RoundParams.extend({ commit: z.coerce.number().int().positive() })

// The project guard has read the project already.
const projectOf = async (c: Context<AppEnv>) => c.var.project ?? getProject(c.var.ctx, c.req.param('project') ?? '')

export const codingRoutes = new Hono<AppEnv>()
  .use('*', requireSignedIn())
  .get('/:round/queue', validate('param', RoundParams), async (c) =>
    c.json(await myQueue(c.var.ctx, (await projectOf(c)).id, c.req.valid('param').round), 200),
  )
  .get('/:round/units/:commit', validate('param', UnitParams), async (c) => {
    const { round, commit } = c.req.valid('param')
    return c.json(await codingUnit(c.var.ctx, (await projectOf(c)).id, round, commit), 200)
  })
  .put('/:round/units/:commit/label', validate('param', UnitParams), validate('json', SaveLabelInput), async (c) => {
    const { round, commit } = c.req.valid('param')
    return c.json(await saveRoundLabel(c.var.ctx, (await projectOf(c)).id, round, commit, c.req.valid('json')), 200)
  })
  .put('/:round/units/:commit/memo', validate('param', UnitParams), validate('json', SaveMemoInput), async (c) => {
    const { round, commit } = c.req.valid('param')
    return c.json(await saveMemo(c.var.ctx, (await projectOf(c)).id, round, commit, c.req.valid('json')), 200)
  })
  .post('/:round/units/:commit/skip', validate('param', UnitParams), async (c) => {
    const { round, commit } = c.req.valid('param')
    return c.json(await skipUnit(c.var.ctx, (await projectOf(c)).id, round, commit), 200)
  })
