/**
 * @module A coder's work in a round: their queue, one unit to code (with the pre-labels the
 * round lets them see), saving their label and memo, skipping. A coder only ever reads and
 * writes their own round label (context `round:<id>`); other coders' rows are never touched.
 */
import { EventEmitter } from 'node:events'
import { and, asc, eq, ne, sql } from 'drizzle-orm'
import { z } from 'zod'
import { commitFiles, commits, labelCodes, labels, openCodes, projectMembers, repositories, roundAssignments, rounds } from '../../schema'
import type { Round } from '../../schema'
import type { Tx } from '../db'
import { requireProjectRole, requireViewer } from './accounts'
import { listedFilesCap } from './browse'
import type { Ctx } from './context'
import { withDb } from './context'
import { ConflictError, ForbiddenError, NotFoundError } from './errors'
import { groupByLabel, labelCodeRows } from './label-rows'
import { upsertLabel } from './labels-store'
import { checkRoundCodes, getRoundRow, roundCodebook, roundProgress, settleUnits } from './rounds'
import { labelVisibility, roundContext, visibleLabels } from './visibility'

/** Saves in a round, for the live dashboards of this process (SSE). */
const changes = new EventEmitter().setMaxListeners(0)

/** Calls `listener` on every save in the round until the returned function is called. */
export function followRound(roundId: number, listener: () => void): () => void {
  changes.on(String(roundId), listener)
  return () => changes.off(String(roundId), listener)
}

export const SaveLabelInput = z.object({ codeIds: z.array(z.number().int().positive()).max(50) })
export const SaveMemoInput = z.object({ memo: z.string().max(2_000, 'memo: at most 2,000 characters') })

/**
 * The round and the viewer's assignment on the unit; fails unless the viewer is a member of the
 * project and the unit is in their queue. One query for membership, round and assignment:
 * every save and every opened unit starts here.
 */
async function assignment(ctx: Ctx, projectId: number, roundId: number, commitId: number) {
  const viewer = requireViewer(ctx)
  const [found] = await ctx.db
    .select({ round: rounds, row: roundAssignments, role: projectMembers.role })
    .from(rounds)
    .leftJoin(
      roundAssignments,
      and(eq(roundAssignments.roundId, rounds.id), eq(roundAssignments.coderId, viewer.id), eq(roundAssignments.commitId, commitId)),
    )
    .leftJoin(projectMembers, and(eq(projectMembers.projectId, rounds.projectId), eq(projectMembers.userId, viewer.id)))
    .where(and(eq(rounds.id, roundId), eq(rounds.projectId, projectId)))
  // Membership is refused before anything is said about the round (as requireProjectRole does).
  if (!found || (!found.role && !viewer.siteAdmin)) await requireProjectRole(ctx, projectId, 'coder')
  if (!found) throw new NotFoundError(`no round ${roundId} in this project`)
  if (!found.row) throw new ForbiddenError(`commit ${commitId} is not in your queue for round '${found.round.name}'`)
  return { viewer, round: found.round, row: found.row }
}

function requireOpen(round: Pick<Round, 'name' | 'status'>): void {
  if (round.status !== 'open') throw new ConflictError(`round '${round.name}' is revealed: its labels are locked`)
}

/** The round is still open inside the writing transaction: a reveal committed since the first check wins. */
async function requireStillOpen(tx: Tx, round: Round): Promise<void> {
  const [now] = await tx.select({ name: rounds.name, status: rounds.status }).from(rounds).where(eq(rounds.id, round.id))
  requireOpen(now ?? round)
}

/**
 * The viewer's queue in a round: their units in order, skipped ones last, with what they coded.
 */
export async function myQueue(ctx: Ctx, projectId: number, roundId: number) {
  const viewer = requireViewer(ctx)
  await requireProjectRole(ctx, projectId, 'coder')
  const round = await getRoundRow(ctx, projectId, roundId)
  const rows = await ctx.db
    .select({
      commitId: roundAssignments.commitId,
      position: roundAssignments.position,
      skipped: sql<number>`${roundAssignments.skippedAt} is not null`,
      done: sql<number>`${labels.id} is not null`,
      platform: repositories.platform,
      repository: repositories.fullName,
      subject: sql<string>`substr(${commits.message}, 1, coalesce(nullif(instr(${commits.message}, char(10)), 0) - 1, 200))`,
    })
    .from(roundAssignments)
    .innerJoin(commits, eq(commits.id, roundAssignments.commitId))
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .leftJoin(labels, and(eq(labels.commitId, roundAssignments.commitId), eq(labels.raterId, viewer.id), eq(labels.context, roundContext(roundId))))
    .where(and(eq(roundAssignments.roundId, roundId), eq(roundAssignments.coderId, viewer.id)))
    .orderBy(sql`case when ${roundAssignments.skippedAt} is not null and ${labels.id} is null then 1 else 0 end`, roundAssignments.skippedAt, asc(roundAssignments.position))
  if (rows.length === 0) throw new ForbiddenError(`you have no queue in round '${round.name}'`)
  const items = rows.map((r) => ({ ...r, skipped: Boolean(r.skipped) && !r.done, done: Boolean(r.done) }))
  return {
    round: { id: round.id, name: round.name, status: round.status, preLabels: round.preLabels },
    items,
    progress: (await roundProgress(ctx, roundId, viewer.id))[0]!,
  }
}

/** One unit to code: the commit, the round's codebook, the viewer's label and memo, and pre-labels. */
export async function codingUnit(ctx: Ctx, projectId: number, roundId: number, commitId: number) {
  const { viewer, round, row } = await assignment(ctx, projectId, roundId, commitId)
  const [commit] = await ctx.db
    .select({ commit: commits, platform: repositories.platform, repository: repositories.fullName })
    .from(commits)
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .where(eq(commits.id, commitId))
  if (!commit) throw new NotFoundError(`no commit ${commitId}`)
  const files = await ctx.db.select().from(commitFiles).where(eq(commitFiles.commitId, commitId)).orderBy(commitFiles.id).limit(listedFilesCap)
  const machineLabels = groupByLabel(await labelCodeRows(ctx, and(eq(labels.commitId, commitId), ne(labels.source, 'human'))))
  const own = await ctx.db
    .select({ codeId: labelCodes.codeId, updatedAt: sql<string>`coalesce(${labels.updatedAt}, ${labels.createdAt})` })
    .from(labels)
    .innerJoin(labelCodes, eq(labelCodes.labelId, labels.id))
    .where(and(eq(labels.commitId, commitId), eq(labels.raterId, viewer.id), eq(labels.context, roundContext(roundId))))
  // Pre-labels: machine labels (the round's machine raters, else all), newest per rater, as the
  // round's pre-label setting and the visibility rules allow (those read the viewer's blind
  // rounds whole, so they are asked only when there is a pre-label).
  const machine = (machineLabels.length === 0 ? [] : visibleLabels(await labelVisibility(ctx, projectId), machineLabels))
    .filter((l) => round.machineRaters.length === 0 || round.machineRaters.includes(l.rater))
    .sort((a, b) => b.labelId - a.labelId)
  const newest = new Map<string, (typeof machine)[number]>()
  for (const l of machine) if (!newest.has(l.rater)) newest.set(l.rater, l)
  const codebook = await roundCodebook(ctx, round)
  return {
    round: { id: round.id, name: round.name, status: round.status, preLabels: round.preLabels },
    codebook,
    commit: {
      id: commit.commit.id,
      platform: commit.platform,
      repository: commit.repository,
      sha: commit.commit.sha,
      shaDerived: commit.commit.shaDerived,
      authorName: commit.commit.authorName,
      committedAt: commit.commit.committedAt,
      isMerge: commit.commit.isMerge,
      message: commit.commit.message,
      diff: commit.commit.diff,
      diffTruncated: commit.commit.diffTruncated,
      fileCount: commit.commit.fileCount,
      files,
    },
    mine: { codeIds: own.map((o) => o.codeId), savedAt: own[0]?.updatedAt ?? null, memo: row.memo, skipped: row.skippedAt !== null },
    preLabels: [...newest.values()].map((l) => ({
      rater: l.source === 'llm' && l.model ? `llm:${l.model}` : l.rater,
      codes: l.codes.map((c) => c.name),
      confidence: l.confidence,
      rationale: l.rationale,
    })),
  }
}

/**
 * Saves the viewer's label on a unit (replacing only their own earlier one); no codes clears
 * it. Unanimity is settled in the same transaction.
 */
export async function saveRoundLabel(ctx: Ctx, projectId: number, roundId: number, commitId: number, input: z.input<typeof SaveLabelInput>) {
  const { codeIds } = SaveLabelInput.parse(input)
  const { viewer, round, row } = await assignment(ctx, projectId, roundId, commitId)
  requireOpen(round)
  const unique = await checkRoundCodes(ctx, round, codeIds)
  const context = roundContext(roundId)
  await ctx.db.transaction(async (tx) => {
    await requireStillOpen(tx, round)
    const txCtx = withDb(ctx, tx)
    if (unique.length === 0) {
      await tx.delete(labels).where(and(eq(labels.commitId, commitId), eq(labels.raterId, viewer.id), eq(labels.context, context)))
    } else {
      await upsertLabel(txCtx, { commitId, raterId: viewer.id, source: 'human', codeIds: unique, codebookVersionId: round.codebookVersionId, context })
      if (row.skippedAt) {
        await tx
          .update(roundAssignments)
        .set({ skippedAt: null })
          .where(and(eq(roundAssignments.roundId, roundId), eq(roundAssignments.coderId, viewer.id), eq(roundAssignments.commitId, commitId)))
      }
    }
    await settleUnits(txCtx, round, [commitId])
  })
  changes.emit(String(roundId))
  return { codeIds: unique, savedAt: new Date().toISOString(), progress: (await roundProgress(ctx, roundId, viewer.id))[0]! }
}

/** Saves the viewer's memo on a unit; it is also their open code there (for card sorting). */
export async function saveMemo(ctx: Ctx, projectId: number, roundId: number, commitId: number, input: z.input<typeof SaveMemoInput>) {
  const memo = SaveMemoInput.parse(input).memo.trim()
  const { viewer, round, row } = await assignment(ctx, projectId, roundId, commitId)
  requireOpen(round)
  if (memo === row.memo) return { memo }
  await ctx.db.transaction(async (tx) => {
    await requireStillOpen(tx, round)
    await tx
      .update(roundAssignments)
      .set({ memo })
      .where(and(eq(roundAssignments.roundId, roundId), eq(roundAssignments.coderId, viewer.id), eq(roundAssignments.commitId, commitId)))
    const mineThere = and(eq(openCodes.commitId, commitId), eq(openCodes.coderId, viewer.id))
    if (row.memo) {
      // Edit the memo's open code in place, so a card-sorting category stays attached.
      const [clash] = await tx.select({ id: openCodes.id }).from(openCodes).where(and(mineThere, eq(openCodes.text, memo)))
      if (memo && !clash) {
        await tx.update(openCodes).set({ text: memo, updatedAt: new Date().toISOString() }).where(and(mineThere, eq(openCodes.text, row.memo)))
        return
      }
      await tx.delete(openCodes).where(and(mineThere, eq(openCodes.text, row.memo)))
    }
    if (memo) await tx.insert(openCodes).values({ commitId, coderId: viewer.id, text: memo }).onConflictDoNothing()
  })
  return { memo }
}

/** Skips a unit for now: it moves to the end of the viewer's queue. */
export async function skipUnit(ctx: Ctx, projectId: number, roundId: number, commitId: number) {
  const { viewer, round } = await assignment(ctx, projectId, roundId, commitId)
  requireOpen(round)
  await ctx.db
    .update(roundAssignments)
    .set({ skippedAt: new Date().toISOString() })
    .where(and(eq(roundAssignments.roundId, roundId), eq(roundAssignments.coderId, viewer.id), eq(roundAssignments.commitId, commitId)))
  return { skipped: true as const }
}
