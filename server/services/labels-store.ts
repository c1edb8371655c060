/**
 * @module Writing labels and open codes.
 */
import { and, eq } from 'drizzle-orm'
import { labelCodes, labels, openCodes } from '../../schema'
import type { LabelSource } from '../../schema'
import type { Ctx } from './context'

export type LabelInput = {
  commitId: number
  raterId: number
  source: LabelSource
  codeIds: number[]
  codebookVersionId: number | null
  context?: string
  model?: string | null
  promptVersion?: string | null
  runId?: number | null
  confidence?: number | null
  rationale?: string | null
}

/** Inserts or replaces one rater's label on a commit (same context), with its codes. */
export async function upsertLabel(ctx: Ctx, input: LabelInput): Promise<number> {
  const context = input.context ?? ''
  const values = {
    commitId: input.commitId,
    raterId: input.raterId,
    source: input.source,
    context,
    codebookVersionId: input.codebookVersionId,
    model: input.model ?? null,
    promptVersion: input.promptVersion ?? null,
    runId: input.runId ?? null,
    confidence: input.confidence ?? null,
    rationale: input.rationale ?? null,
  }
  const [row] = await ctx.db
    .insert(labels)
    .values(values)
    .onConflictDoUpdate({
      target: [labels.commitId, labels.raterId, labels.context],
      set: { ...values, updatedAt: new Date().toISOString() },
    })
    .returning({ id: labels.id })
  const labelId = row!.id
  await ctx.db.delete(labelCodes).where(eq(labelCodes.labelId, labelId))
  await ctx.db.insert(labelCodes).values([...new Set(input.codeIds)].map((codeId) => ({ labelId, codeId })))
  return labelId
}

/** Adds an open code (a coder's free-text memo) unless the same text is already there. */
export async function addOpenCode(ctx: Ctx, commitId: number, coderId: number, text: string): Promise<void> {
  await ctx.db.insert(openCodes).values({ commitId, coderId, text }).onConflictDoNothing()
}

export async function labelExists(ctx: Ctx, commitId: number, raterId: number, context = ''): Promise<boolean> {
  const [row] = await ctx.db
    .select({ id: labels.id })
    .from(labels)
    .where(and(eq(labels.commitId, commitId), eq(labels.raterId, raterId), eq(labels.context, context)))
  return row !== undefined
}
