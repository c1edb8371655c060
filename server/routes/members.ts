/**
 * @module A project's members and their roles; admins add coders (with an initial password or
 * an invite link). Mounted under `/api/projects/:project/members`.
 */
import { validate } from './validate'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { z } from 'zod'
import { projectRoles } from '../../schema/enums'
import { AddMemberInput, addMember, listMembers, reinvite, removeMember, setMemberRole } from '../services/accounts'
import type { AppEnv } from './env'

const IdParam = z.object({ id: z.coerce.number().int().positive() })
const RolePatch = z.object({ role: z.enum(projectRoles) })

const projectName = (c: Context<AppEnv>) => c.req.param('project') ?? ''
/** The link a new member opens to choose a password. */
const inviteUrl = (c: Context<AppEnv>, secret: string) => `${new URL(c.req.url).origin}/invite?token=${encodeURIComponent(secret)}`

export const memberRoutes = new Hono<AppEnv>()
  .get('/', async (c) => c.json(await listMembers(c.var.ctx, projectName(c)), 200))
  .post('/', validate('json', AddMemberInput), async (c) => {
    const { invite, ...member } = await addMember(c.var.ctx, projectName(c), c.req.valid('json'))
    return c.json({ ...member, inviteUrl: invite ? inviteUrl(c, invite) : null }, 201)
  })
  .patch('/:id', validate('param', IdParam), validate('json', RolePatch), async (c) => {
    await setMemberRole(c.var.ctx, projectName(c), c.req.valid('param').id, c.req.valid('json').role)
    return c.json({ ok: true as const }, 200)
  })
  .delete('/:id', validate('param', IdParam), async (c) => {
    await removeMember(c.var.ctx, projectName(c), c.req.valid('param').id)
    return c.json({ ok: true as const }, 200)
  })
  .post('/:id/invite', validate('param', IdParam), async (c) => {
    const secret = await reinvite(c.var.ctx, projectName(c), c.req.valid('param').id)
    return c.json({ inviteUrl: inviteUrl(c, secret) }, 201)
  })
