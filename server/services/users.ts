/**
 * @module Raters and project membership.
 */
import { and, eq } from 'drizzle-orm'
import { projectMembers, users } from '../../schema'
import type { LabelSource, ProjectRole } from '../../schema'
import type { Ctx } from './context'

/** Names that denote machine labelers rather than people (`llm`, `llm:MODEL`, `rules`, ...). */
export function machineSource(raterName: string): Exclude<LabelSource, 'human'> | null {
  const base = raterName.split(':')[0]
  return base === 'llm' || base === 'rules' || base === 'classifier' ? base : null
}

/** Finds or creates the rater with this name; machine raters are recognised by name. */
export async function ensureRater(ctx: Ctx, name: string): Promise<{ id: number; source: LabelSource }> {
  const source = machineSource(name) ?? 'human'
  await ctx.db
    .insert(users)
    .values({ name, displayName: name, kind: source === 'human' ? 'human' : 'machine' })
    .onConflictDoNothing()
  const [row] = await ctx.db.select({ id: users.id, kind: users.kind }).from(users).where(eq(users.name, name))
  return { id: row!.id, source: row!.kind === 'machine' ? (machineSource(name) ?? 'llm') : 'human' }
}

/** Makes a user a member of a project (keeping an existing role). */
export async function ensureMember(ctx: Ctx, projectId: number, userId: number, role: ProjectRole): Promise<void> {
  await ctx.db.insert(projectMembers).values({ projectId, userId, role }).onConflictDoNothing()
}

export async function findUserByName(ctx: Ctx, name: string) {
  const [row] = await ctx.db.select().from(users).where(and(eq(users.name, name)))
  return row ?? null
}
