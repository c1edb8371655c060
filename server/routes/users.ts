/**
 * @module The instance's people, for its administrators: list, disable, grant administration.
 * Mounted at `/api/users`.
 */
import { validate } from './validate'
import { Hono } from 'hono'
import { z } from 'zod'
import { requireSignedIn } from '../auth/guards'
import { listUsers, updateUser } from '../services/accounts'
import type { AppEnv } from './env'

const IdParam = z.object({ id: z.coerce.number().int().positive() })
const UserPatch = z.object({ disabled: z.boolean().optional(), siteAdmin: z.boolean().optional() })

export const userRoutes = new Hono<AppEnv>()
  .use('*', requireSignedIn())
  .get('/', async (c) => c.json(await listUsers(c.var.ctx), 200))
  .patch('/:id', validate('param', IdParam), validate('json', UserPatch), async (c) =>
    c.json(await updateUser(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 200),
  )
