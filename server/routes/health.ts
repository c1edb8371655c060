/**
 * @module `GET /api/health`: liveness, open to anyone.
 */
import { Hono } from 'hono'
import { sql } from 'drizzle-orm'
import type { AppEnv } from './env'

export const health = new Hono<AppEnv>().get('/', async (c) => {
  await c.var.ctx.db.run(sql`select 1`)
  return c.json({ ok: true as const, service: 'concord' }, 200)
})
