/**
 * @module Final codes: the one settled code (set) per commit that analyses use. Written by a
 * round's unanimity or an admin's adjudication; every change is audited with what it replaced.
 */
import { and, eq, inArray } from 'drizzle-orm'
import { codes, finalCodeCodes, finalCodes, users } from '../../schema'
import type { FinalCodeMethod } from '../../schema'
import { audit } from './audit'
import type { Ctx } from './context'

export type FinalCodeView = {
  id: number
  commitId: number
  method: FinalCodeMethod
  codes: { id: number; name: string; color: string }[]
  note: string
  decidedBy: string | null
  roundId: number | null
  codebookVersionId: number | null
  updatedAt: string
}

/** The final codes of the given commits, by commit id. */
export async function findFinalCodes(ctx: Ctx, commitIds: readonly number[]): Promise<Map<number, FinalCodeView>> {
  const out = new Map<number, FinalCodeView>()
  if (commitIds.length === 0) return out
  const rows = await ctx.db
    .select({ final: finalCodes, decidedBy: users.name, codeId: codes.id, code: codes.name, color: codes.color })
    .from(finalCodes)
    .leftJoin(users, eq(users.id, finalCodes.decidedById))
    .innerJoin(finalCodeCodes, eq(finalCodeCodes.finalCodeId, finalCodes.id))
    .innerJoin(codes, eq(codes.id, finalCodeCodes.codeId))
    .where(inArray(finalCodes.commitId, [...new Set(commitIds)]))
    .orderBy(codes.position, codes.id)
  for (const r of rows) {
    const entry = out.get(r.final.commitId) ?? {
      id: r.final.id,
      commitId: r.final.commitId,
      method: r.final.method,
      codes: [],
      note: r.final.note,
      decidedBy: r.decidedBy,
      roundId: r.final.roundId,
      codebookVersionId: r.final.codebookVersionId,
      updatedAt: r.final.updatedAt ?? r.final.createdAt,
    }
    entry.codes.push({ id: r.codeId, name: r.code, color: r.color })
    out.set(r.final.commitId, entry)
  }
  return out
}

export async function findFinalCode(ctx: Ctx, commitId: number): Promise<FinalCodeView | null> {
  return (await findFinalCodes(ctx, [commitId])).get(commitId) ?? null
}

export type FinalCodeInput = {
  projectId: number
  commitId: number
  codeIds: readonly number[]
  method: FinalCodeMethod
  note: string
  decidedById: number | null
  roundId: number | null
  codebookVersionId: number | null
}

/** Sets (inserts or replaces) a commit's final code and audits it with the previous one. */
export async function writeFinalCode(ctx: Ctx, input: FinalCodeInput): Promise<void> {
  const previous = await findFinalCode(ctx, input.commitId)
  const values = {
    method: input.method,
    note: input.note,
    decidedById: input.decidedById,
    roundId: input.roundId,
    codebookVersionId: input.codebookVersionId,
  }
  const [row] = await ctx.db
    .insert(finalCodes)
    .values({ commitId: input.commitId, ...values })
    .onConflictDoUpdate({ target: finalCodes.commitId, set: { ...values, updatedAt: new Date().toISOString() } })
    .returning({ id: finalCodes.id })
  await ctx.db.delete(finalCodeCodes).where(eq(finalCodeCodes.finalCodeId, row!.id))
  await ctx.db.insert(finalCodeCodes).values([...new Set(input.codeIds)].map((codeId) => ({ finalCodeId: row!.id, codeId })))
  const names = await ctx.db.select({ name: codes.name }).from(codes).where(inArray(codes.id, [...input.codeIds]))
  await audit(ctx, {
    projectId: input.projectId,
    action: input.method === 'adjudication' ? 'adjudicate' : 'finalize',
    entity: 'final-code',
    entityId: input.commitId,
    details: {
      method: input.method,
      codes: names.map((n) => n.name).sort(),
      note: input.note,
      roundId: input.roundId,
      previous: previous ? { method: previous.method, codes: previous.codes.map((c) => c.name), note: previous.note } : null,
    },
  })
}

/** Removes a final code made by a round's unanimity when the unit is no longer unanimous. */
export async function removeAgreementFinalCode(ctx: Ctx, input: { projectId: number; commitId: number; roundId: number }) {
  const [row] = await ctx.db
    .delete(finalCodes)
    .where(and(eq(finalCodes.commitId, input.commitId), eq(finalCodes.method, 'agreement'), eq(finalCodes.roundId, input.roundId)))
    .returning({ id: finalCodes.id })
  if (row) {
    await audit(ctx, {
      projectId: input.projectId,
      action: 'unfinalize',
      entity: 'final-code',
      entityId: input.commitId,
      details: { roundId: input.roundId, reason: 'the coders no longer agree' },
    })
  }
}
