/**
 * @module Coding rounds for admins: create (with the sample-size helper), list, reveal, the live
 * dashboard (JSON and SSE) and adjudication. Mounted under `/api/projects/:project/rounds`.
 */
import { validate } from './validate'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { z } from 'zod'
import { AdjudicateInput, adjudicate, roundAdjudication } from '../services/adjudication'
import { followRound } from '../services/coding'
import { roundDashboard } from '../services/dashboard'
import { getProject } from '../services/projects'
import { CreateRoundInput, SampleSizeQuery, createRound, getRound, getRoundRow, listRounds, revealRound, roundOptions, roundSampleSize, seesWholeRound } from '../services/rounds'
import { ForbiddenError } from '../services/errors'
import type { AppEnv } from './env'

const RoundParams = z.object({ id: z.coerce.number().int().positive() })

// The project guard has read the project already.
const projectOf = async (c: Context<AppEnv>) => c.var.project ?? getProject(c.var.ctx, c.req.param('project') ?? '')

export const roundRoutes = new Hono<AppEnv>()
  .get('/', async (c) => c.json(await listRounds(c.var.ctx, (await projectOf(c)).id), 200))
  .post('/', validate('json', CreateRoundInput), async (c) => {
    const project = await projectOf(c)
    const round = await createRound(c.var.ctx, project.id, c.req.valid('json'))
    return c.json(await getRound(c.var.ctx, project.id, round.id), 201)
  })
  .get('/options', async (c) => c.json(await roundOptions(c.var.ctx, (await projectOf(c)).id), 200))
  .get('/sample-size', validate('query', SampleSizeQuery), async (c) =>
    c.json(await roundSampleSize(c.var.ctx, (await projectOf(c)).id, c.req.valid('query')), 200),
  )
  .get('/:id', validate('param', RoundParams), async (c) => c.json(await getRound(c.var.ctx, (await projectOf(c)).id, c.req.valid('param').id), 200))
  .post('/:id/reveal', validate('param', RoundParams), async (c) =>
    c.json(await revealRound(c.var.ctx, (await projectOf(c)).id, c.req.valid('param').id), 200),
  )
  .get('/:id/dashboard', validate('param', RoundParams), async (c) =>
    c.json(await roundDashboard(c.var.ctx, (await projectOf(c)).id, c.req.valid('param').id), 200),
  )
  // Server-sent events: `change` after every save in the round, so the dashboard refetches.
  .get('/:id/events', validate('param', RoundParams), async (c) => {
    const project = await projectOf(c)
    const round = await getRoundRow(c.var.ctx, project.id, c.req.valid('param').id)
    if (!(await seesWholeRound(c.var.ctx, round))) throw new ForbiddenError('the dashboard opens to coders of this round once it is revealed')
    return streamSSE(c, async (stream) => {
      await stream.writeSSE({ event: 'ready', data: String(round.id) })
      await new Promise<void>((resolve) => {
        let pending = false
        const stop = followRound(round.id, () => {
          // Saves come in bursts: one event per tick is enough to refetch.
          if (pending) return
          pending = true
          setTimeout(() => {
            pending = false
            void stream.writeSSE({ event: 'change', data: String(Date.now()) })
          }, 250)
        })
        stream.onAbort(() => {
          stop()
          resolve()
        })
      })
    })
  })
  .get('/:id/adjudication', validate('param', RoundParams), async (c) =>
    c.json(await roundAdjudication(c.var.ctx, (await projectOf(c)).id, c.req.valid('param').id), 200),
  )
  .post('/:id/adjudication', validate('param', RoundParams), validate('json', AdjudicateInput), async (c) =>
    c.json(await adjudicate(c.var.ctx, (await projectOf(c)).id, c.req.valid('param').id, c.req.valid('json')), 200),
  )
