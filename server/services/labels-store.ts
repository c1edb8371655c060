/**
 * @module Writing labels and open codes.
 */
import { inArray, sql } from 'drizzle-orm'
import { labelCodes, labels, openCodes } from '../../schema'
import type { LabelSource } from '../../schema'
import { chunks } from './commit-store'
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
  const [id] = await upsertLabels(ctx, [input])
  return id!
}

/**
 * Inserts or replaces many labels in a few statements (one round trip each on a libSQL server):
 * a label is replaced when the same rater labelled the same commit in the same context.
 * @returns the label ids, in input order.
 */
export async function upsertLabels(ctx: Ctx, inputs: readonly LabelInput[]): Promise<number[]> {
  const ids: number[] = []
  // 11 parameters a row; SQLite binds at most 32,766 a statement.
  for (const batch of chunks(inputs, 2_000)) {
    const updatedAt = new Date().toISOString()
    const rows = await ctx.db
      .insert(labels)
      .values(
        batch.map((input) => ({
          commitId: input.commitId,
          raterId: input.raterId,
          source: input.source,
          context: input.context ?? '',
          codebookVersionId: input.codebookVersionId,
          model: input.model ?? null,
          promptVersion: input.promptVersion ?? null,
          runId: input.runId ?? null,
          confidence: input.confidence ?? null,
          rationale: input.rationale ?? null,
        })),
      )
      .onConflictDoUpdate({
        target: [labels.commitId, labels.raterId, labels.context],
        set: {
          source: sql`excluded.source`,
          codebookVersionId: sql`excluded.codebook_version_id`,
          model: sql`excluded.model`,
          promptVersion: sql`excluded.prompt_version`,
          runId: sql`excluded.run_id`,
          confidence: sql`excluded.confidence`,
          rationale: sql`excluded.rationale`,
          updatedAt,
        },
      })
      .returning({ id: labels.id, commitId: labels.commitId, raterId: labels.raterId, context: labels.context })
    // RETURNING order is unspecified in SQLite: match rows back by their unique key.
    const key = (commitId: number, raterId: number, context: string) => `${commitId}:${raterId}:${context}`
    const idOf = new Map(rows.map((r) => [key(r.commitId, r.raterId, r.context), r.id]))
    const batchIds = batch.map((input) => idOf.get(key(input.commitId, input.raterId, input.context ?? ''))!)
    await ctx.db.delete(labelCodes).where(inArray(labelCodes.labelId, [...new Set(batchIds)]))
    const codeRows = batch.flatMap((input, i) => [...new Set(input.codeIds)].map((codeId) => ({ labelId: batchIds[i]!, codeId })))
    for (const codeBatch of chunks(codeRows, 10_000)) await ctx.db.insert(labelCodes).values(codeBatch)
    ids.push(...batchIds)
  }
  return ids
}

/** Adds open codes (a coder's free-text memos); a text the coder already wrote there is kept once. */
export async function addOpenCodes(ctx: Ctx, memos: readonly { commitId: number; coderId: number; text: string }[]) {
  for (const batch of chunks(memos, 5_000)) {
    await ctx.db.insert(openCodes).values([...batch]).onConflictDoNothing()
  }
}
