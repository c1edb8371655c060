/**
 * @module Appending to the audit log.
 */
import { auditLog } from '../../schema'
import type { Ctx } from './context'

export async function audit(
  ctx: Ctx,
  entry: { projectId: number | null; action: string; entity: string; entityId?: string | number; details?: Record<string, unknown> },
): Promise<void> {
  await ctx.db.insert(auditLog).values({
    projectId: entry.projectId,
    actor: ctx.actor,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId === undefined ? null : String(entry.entityId),
    details: entry.details ?? {},
  })
}
