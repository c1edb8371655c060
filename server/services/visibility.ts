/**
 * @module Blind coding: which labels a viewer may see. The one place this is decided; every
 * reader of labels (commit detail, agreement, exports, rounds, coding) asks it.
 *
 * Rule: while a round is open, a coder of that round sees, on the round's units, only their own
 * labels and memos: not other people's labels, memos or final codes. Machine pre-labels follow
 * the round's setting (shown; hidden; shown once the coder saved their own label). Everyone
 * else in the project (and the CLI) sees everything.
 */
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import { labels, roundCoders, roundUnits, rounds } from '../../schema'
import type { PreLabelMode } from '../../schema'
import type { Ctx } from './context'

/** What is being shown: a person's label, a machine's label, a final code, or an open code. */
export type LabelKind = 'human' | 'machine' | 'final' | 'open-code'

export type VisibleItem = { commitId: number; kind: LabelKind; raterId?: number | null | undefined }

export type Visibility = {
  /** True when nothing is hidden from this viewer (no open round of theirs in the project). */
  all: boolean
  canSee: (item: VisibleItem) => boolean
}

/** The label context of a round's labels. */
export const roundContext = (roundId: number) => `round:${roundId}`

const everything: Visibility = { all: true, canSee: () => true }

/** The labels (any row with commit, rater and source) the viewer may see. */
export function visibleLabels<T extends { commitId: number; raterId: number; source: string }>(visibility: Visibility, rows: T[]): T[] {
  if (visibility.all) return rows
  return rows.filter((r) => visibility.canSee({ commitId: r.commitId, raterId: r.raterId, kind: r.source === 'human' ? 'human' : 'machine' }))
}

/**
 * What the context's viewer may see in a project.
 * @example (await labelVisibility(ctx, projectId)).canSee({ commitId, kind: 'human', raterId })
 */
export async function labelVisibility(ctx: Ctx, projectId: number): Promise<Visibility> {
  const viewer = ctx.viewer
  if (!viewer) return everything
  const blindRounds = await ctx.db
    .select({ id: rounds.id, preLabels: rounds.preLabels })
    .from(rounds)
    .innerJoin(roundCoders, and(eq(roundCoders.roundId, rounds.id), eq(roundCoders.userId, viewer.id)))
    .where(and(eq(rounds.projectId, projectId), eq(rounds.status, 'open')))
  if (blindRounds.length === 0) return everything
  const ids = blindRounds.map((r) => r.id)
  const modeOf = new Map(blindRounds.map((r) => [r.id, r.preLabels]))
  const units = await ctx.db
    .select({ roundId: roundUnits.roundId, commitId: roundUnits.commitId })
    .from(roundUnits)
    .where(inArray(roundUnits.roundId, ids))
  const own = await ctx.db
    .select({ commitId: labels.commitId, context: labels.context })
    .from(labels)
    .where(and(eq(labels.raterId, viewer.id), inArray(labels.context, ids.map(roundContext))))
  const coded = new Set(own.map((l) => `${l.context}\u0000${l.commitId}`))
  const blind = new Map<number, { roundId: number; mode: PreLabelMode }[]>()
  for (const u of units) blind.set(u.commitId, [...(blind.get(u.commitId) ?? []), { roundId: u.roundId, mode: modeOf.get(u.roundId)! }])

  return {
    all: false,
    canSee(item) {
      if (item.raterId === viewer.id) return true
      const on = blind.get(item.commitId)
      if (!on) return true
      if (item.kind !== 'machine') return false
      return on.every(({ roundId, mode }) =>
        mode === 'shown' ? true : mode === 'hidden' ? false : coded.has(`${roundContext(roundId)}\u0000${item.commitId}`),
      )
    },
  }
}

/**
 * The units of the viewer's open rounds in the project, as a subquery for counts made in SQL
 * (`commit_id not in (…)`), which leave out other people's work there; null without a viewer.
 * @example sql`select count(*) from labels l where l.commit_id not in (${blindUnits(ctx, projectId)}) or l.rater_id = ${viewer.id}`
 */
export function blindUnits(ctx: Ctx, projectId: number): SQL | null {
  if (!ctx.viewer) return null
  return sql`select ${roundUnits.commitId} from ${roundUnits}
    join ${rounds} on ${rounds.id} = ${roundUnits.roundId}
    join ${roundCoders} on ${roundCoders.roundId} = ${rounds.id}
    where ${roundCoders.userId} = ${ctx.viewer.id} and ${rounds.projectId} = ${projectId} and ${rounds.status} = 'open'`
}
