/**
 * @module Adjudication: a round's disagreements grouped by the codes in conflict, and an
 * admin's final code with its rationale (audited, with what it replaced).
 */
import { and, eq, inArray } from 'drizzle-orm'
import { z } from 'zod'
import { commits, labels, repositories, roundAssignments, roundUnits, users } from '../../schema'
import { categoryOf } from '../core/agreement-labels'
import { requireProjectRole, requireViewer } from './accounts'
import type { Ctx } from './context'
import { withDb } from './context'
import { ForbiddenError, InvalidInputError, NotFoundError } from './errors'
import { findFinalCodes, writeFinalCode } from './final-codes'
import type { FinalCodeView } from './final-codes'
import { groupByLabel, labelCodeRows } from './label-rows'
import { checkRoundCodes, getRoundRow, roundCodebook, seesWholeRound } from './rounds'
import { roundContext } from './visibility'

export const AdjudicateInput = z.object({
  commitId: z.number().int().positive(),
  codeIds: z.array(z.number().int().positive()).min(1, 'codeIds: choose the final code').max(50),
  note: z.string().trim().min(1, 'note: give the rationale for the decision').max(4_000),
})

type ConflictUnit = {
  commitId: number
  platform: 'github' | 'huggingface'
  repository: string
  sha: string
  subject: string
  /** Each coder's codes. */
  coders: Record<string, string[]>
  /** Each chosen machine rater's newest codes. */
  machines: Record<string, string[]>
  final: FinalCodeView | null
}

/** A pair (or set) of conflicting codes, written the same whatever the coders' order. */
export const conflictKey = (categories: readonly string[]) => [...new Set(categories)].sort().join(' ↔ ')

async function adjudicatorRound(ctx: Ctx, projectId: number, roundId: number) {
  await requireProjectRole(ctx, projectId, 'admin')
  const round = await getRoundRow(ctx, projectId, roundId)
  if (!(await seesWholeRound(ctx, round))) throw new ForbiddenError('you code in this round: adjudicate once it is revealed')
  return round
}

/**
 * The round's units where coders disagree, grouped by the codes in conflict (largest group
 * first), each with every coder's codes, the machine raters' codes and the current final code.
 */
export async function roundAdjudication(ctx: Ctx, projectId: number, roundId: number) {
  const round = await adjudicatorRound(ctx, projectId, roundId)
  const unitRows = await ctx.db
    .select({ commitId: roundUnits.commitId, platform: repositories.platform, repository: repositories.fullName, sha: commits.sha, message: commits.message })
    .from(roundUnits)
    .innerJoin(commits, eq(commits.id, roundUnits.commitId))
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .where(eq(roundUnits.roundId, roundId))
    .orderBy(roundUnits.position)
  const ids = unitRows.map((u) => u.commitId)
  const assigned = await ctx.db
    .select({ commitId: roundAssignments.commitId })
    .from(roundAssignments)
    .where(eq(roundAssignments.roundId, roundId))
  const human = groupByLabel(await labelCodeRows(ctx, eq(labels.context, roundContext(roundId))))
  const machine = round.machineRaters.length
    ? groupByLabel(await labelCodeRows(ctx, and(inArray(labels.commitId, ids), inArray(labels.raterId, await machineIds(ctx, round.machineRaters)))))
    : []
  const finals = await findFinalCodes(ctx, ids)
  const byUnit = <T extends { commitId: number }>(rows: T[]) => {
    const m = new Map<number, T[]>()
    for (const r of rows) m.set(r.commitId, [...(m.get(r.commitId) ?? []), r])
    return m
  }
  const humanOf = byUnit(human)
  const machineOf = byUnit(machine.sort((a, b) => b.labelId - a.labelId))
  const assignedCount = new Map<number, number>()
  for (const a of assigned) assignedCount.set(a.commitId, (assignedCount.get(a.commitId) ?? 0) + 1)

  const counts = { units: unitRows.length, complete: 0, unanimous: 0, disagreements: 0, finalized: 0, adjudicated: 0 }
  const groups = new Map<string, { key: string; codes: string[]; units: ConflictUnit[] }>()
  for (const unit of unitRows) {
    const coded = humanOf.get(unit.commitId) ?? []
    const final = finals.get(unit.commitId) ?? null
    if (final) counts.finalized++
    if (final?.method === 'adjudication') counts.adjudicated++
    if (coded.length === assignedCount.get(unit.commitId)) counts.complete++
    const categories = coded.map((l) => categoryOf(l.codes.map((c) => c.name)))
    const distinct = [...new Set(categories)]
    if (distinct.length <= 1) {
      if (coded.length > 0 && coded.length === assignedCount.get(unit.commitId)) counts.unanimous++
      continue
    }
    counts.disagreements++
    const key = conflictKey(distinct)
    const group = groups.get(key) ?? { key, codes: distinct.sort(), units: [] }
    const seen = new Set<string>()
    group.units.push({
      commitId: unit.commitId,
      platform: unit.platform,
      repository: unit.repository,
      sha: unit.sha,
      subject: unit.message.split('\n')[0]!,
      coders: Object.fromEntries(coded.map((l) => [l.rater, l.codes.map((c) => c.name)])),
      machines: Object.fromEntries(
        (machineOf.get(unit.commitId) ?? []).filter((l) => !seen.has(l.rater) && seen.add(l.rater)).map((l) => [l.rater, l.codes.map((c) => c.name)]),
      ),
      final,
    })
    groups.set(key, group)
  }
  return {
    round: { id: round.id, name: round.name, status: round.status },
    codebook: await roundCodebook(ctx, round),
    counts,
    groups: [...groups.values()].sort((a, b) => b.units.length - a.units.length || (a.key < b.key ? -1 : 1)),
  }
}

async function machineIds(ctx: Ctx, names: readonly string[]): Promise<number[]> {
  const rows = await ctx.db.select({ id: users.id }).from(users).where(and(eq(users.kind, 'machine'), inArray(users.name, [...names])))
  return rows.map((r) => r.id)
}

/** Sets a unit's final code by adjudication, with the admin's rationale. */
export async function adjudicate(ctx: Ctx, projectId: number, roundId: number, input: z.input<typeof AdjudicateInput>) {
  const data = AdjudicateInput.parse(input)
  const viewer = ctx.viewer ? requireViewer(ctx) : null
  const round = await adjudicatorRound(ctx, projectId, roundId)
  const [unit] = await ctx.db
    .select({ commitId: roundUnits.commitId })
    .from(roundUnits)
    .where(and(eq(roundUnits.roundId, roundId), eq(roundUnits.commitId, data.commitId)))
  if (!unit) throw new NotFoundError(`commit ${data.commitId} is not a unit of round '${round.name}'`)
  const codeIds = await checkRoundCodes(ctx, round, data.codeIds)
  if (codeIds.length === 0) throw new InvalidInputError('codeIds: choose the final code')
  await ctx.db.transaction(async (tx) => {
    await writeFinalCode(withDb(ctx, tx), {
      projectId,
      commitId: data.commitId,
      codeIds,
      method: 'adjudication',
      note: data.note,
      decidedById: viewer?.id ?? null,
      roundId,
      codebookVersionId: round.codebookVersionId,
    })
  })
  return (await findFinalCodes(ctx, [data.commitId])).get(data.commitId)!
}
