/**
 * @module Coding rounds: an admin picks units (all, random or stratified, with the sample-size
 * helper), coders and overlap, how pre-labels are shown and which machine raters to compare;
 * the round pins the codebook version and gives each coder a queue. Revealing ends the blind
 * phase. The round's codebook, progress and unanimity (auto-finalization) live here too.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { z } from 'zod'
import {
  codebookVersions,
  codebooks,
  commits,
  families,
  familyRepositories,
  labelCodes,
  labels,
  projectMembers,
  repositories,
  roundAssignments,
  roundCoders,
  roundUnits,
  rounds,
  users,
} from '../../schema'
import type { Code, CodeExampleRef, Round } from '../../schema'
import { overlapModes, platforms, preLabelModes, strataKinds, unitSelections } from '../../schema/enums'
import { sameCodes } from '../core/agreement-labels'
import { assignUnits, sampleSize, selectUnits } from '../core/sampling'
import type { Candidate, OverlapSpec, SampleSize } from '../core/sampling'
import { requireProjectRole } from './accounts'
import { audit } from './audit'
import { currentCodebook } from './codebook'
import { chunks } from './commit-store'
import type { Ctx } from './context'
import { withDb } from './context'
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from './errors'
import { findFinalCodes, removeAgreementFinalCode, writeFinalCode } from './final-codes'
import { roundContext } from './visibility'

// ---- Input ----------------------------------------------------------------------------------

/** Which commits a round draws from (all of the project's by default). */
export const UnitPool = z.object({
  platform: z.enum(platforms).optional(),
  /** A family's name: only its repositories' commits. */
  family: z.string().trim().min(1).optional(),
})

export const SampleSizeQuery = UnitPool.extend({
  confidence: z.coerce.number().gt(0).lt(1).default(0.95),
  margin: z.coerce.number().gt(0).lt(1).default(0.05),
})

export const CreateRoundInput = UnitPool.extend({
  name: z.string().trim().min(1, 'name: give the round a name').max(100),
  /** Coders by name; each must be a member of the project. */
  coders: z.array(z.string().trim().min(1)).min(1, 'coders: choose at least one coder'),
  selection: z.enum(unitSelections).default('random'),
  /** Units to draw (random, stratified); without it, the sample size for confidence and margin. */
  size: z.number().int().positive().optional(),
  confidence: z.number().gt(0).lt(1).default(0.95),
  margin: z.number().gt(0).lt(1).default(0.05),
  strata: z.enum(strataKinds).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  overlap: z
    .discriminatedUnion('mode', [
      z.object({ mode: z.literal(overlapModes[0]), k: z.number().int().min(1) }),
      z.object({ mode: z.literal(overlapModes[1]), share: z.number().min(0).max(1) }),
    ])
    .optional(),
  preLabels: z.enum(preLabelModes).default('hidden'),
  machineRaters: z.array(z.string().trim().min(1)).default([]),
  autoFinalize: z.boolean().default(true),
})
export type CreateRoundInput = z.input<typeof CreateRoundInput>

// ---- Candidates and the sample-size helper --------------------------------------------------

const noFamily = '(no family)'

/** The pool's commits with their stratum (platform, or family name), in id order. */
async function candidates(ctx: Ctx, projectId: number, pool: z.infer<typeof UnitPool>, strata: 'platform' | 'family' | undefined) {
  const conditions = [eq(repositories.projectId, projectId)]
  if (pool.platform) conditions.push(eq(repositories.platform, pool.platform))
  if (pool.family) {
    const [family] = await ctx.db
      .select({ id: families.id })
      .from(families)
      .where(and(eq(families.projectId, projectId), eq(families.name, pool.family)))
    if (!family) throw new NotFoundError(`no family named '${pool.family}' in this project`)
    conditions.push(
      inArray(commits.repositoryId, ctx.db.select({ id: familyRepositories.repositoryId }).from(familyRepositories).where(eq(familyRepositories.familyId, family.id))),
    )
  }
  // A repository in several families counts under the first family name.
  const familyName = sql<string | null>`(select min(${families.name}) from ${familyRepositories}
    join ${families} on ${families.id} = ${familyRepositories.familyId} where ${familyRepositories.repositoryId} = ${repositories.id})`
  const rows = await ctx.db
    .select({ id: commits.id, platform: repositories.platform, family: familyName })
    .from(commits)
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .where(and(...conditions))
    .orderBy(asc(commits.id))
  return rows.map((r): Candidate => ({ id: r.id, stratum: strata === 'family' ? (r.family ?? noFamily) : strata === 'platform' ? r.platform : 'all' }))
}

/** How many units to code for a confidence level and margin, over the pool's size. */
export async function roundSampleSize(ctx: Ctx, projectId: number, query: z.input<typeof SampleSizeQuery>): Promise<SampleSize> {
  const q = SampleSizeQuery.parse(query)
  const pool = await candidates(ctx, projectId, q, undefined)
  return sampleSize({ population: pool.length, confidence: q.confidence, margin: q.margin })
}

/** What the new-round form offers: the project's members, machine raters and families. */
export async function roundOptions(ctx: Ctx, projectId: number) {
  await requireProjectRole(ctx, projectId, 'admin')
  const members = await ctx.db
    .select({ name: users.name, displayName: users.displayName, role: projectMembers.role })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(and(eq(projectMembers.projectId, projectId), eq(users.kind, 'human'), eq(users.disabled, false)))
    .orderBy(users.name)
  const machines = await ctx.db
    .select({ name: users.name, labels: sql<number>`count(*)` })
    .from(labels)
    .innerJoin(users, eq(users.id, labels.raterId))
    .innerJoin(commits, eq(commits.id, labels.commitId))
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .where(and(eq(repositories.projectId, projectId), eq(users.kind, 'machine')))
    .groupBy(users.name)
    .orderBy(users.name)
  const familyRows = await ctx.db.select({ name: families.name }).from(families).where(eq(families.projectId, projectId)).orderBy(families.name)
  return {
    members,
    machineRaters: machines.map((m) => ({ name: m.name, labels: Number(m.labels) })),
    families: familyRows.map((f) => f.name),
  }
}

// ---- Creating and listing rounds ------------------------------------------------------------

/** Creates a round with its units and every coder's queue, in one transaction. */
export async function createRound(ctx: Ctx, projectId: number, input: CreateRoundInput) {
  const data = CreateRoundInput.parse(input)
  await requireProjectRole(ctx, projectId, 'admin')
  if (data.selection === 'stratified' && !data.strata) throw new InvalidInputError('strata: stratified selection needs platform or family')
  const coders = await resolveCoders(ctx, projectId, data.coders)
  await checkMachineRaters(ctx, data.machineRaters)
  const overlap: OverlapSpec = data.overlap ?? { mode: 'k', k: Math.min(2, coders.length) }
  if (overlap.mode === 'k' && overlap.k > coders.length) {
    throw new InvalidInputError(`overlap: ${overlap.k} coders per unit, but the round has ${coders.length}`)
  }
  const pool = await candidates(ctx, projectId, data, data.strata)
  if (pool.length === 0) throw new InvalidInputError('the project has no commits to code (check the platform and family)')
  const size = data.size ?? sampleSize({ population: pool.length, confidence: data.confidence, margin: data.margin }).n
  const units =
    data.selection === 'all' ? selectUnits(pool, { mode: 'all', seed: data.seed }) : selectUnits(pool, { mode: data.selection, size, seed: data.seed })
  const assignments = assignUnits(
    units.map((u) => u.id),
    coders.map((c) => c.name),
    overlap,
  )
  const idOf = new Map(coders.map((c) => [c.name, c.id]))
  const { version } = await currentCodebook(ctx, projectId)
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    const [round] = await tx
      .insert(rounds)
      .values({
        projectId,
        name: data.name,
        codebookVersionId: version.id,
        preLabels: data.preLabels,
        machineRaters: [...new Set(data.machineRaters)],
        selection: data.selection,
        strata: data.strata ?? null,
        seed: data.seed,
        overlapMode: overlap.mode,
        overlapK: overlap.mode === 'k' ? overlap.k : null,
        overlapShare: overlap.mode === 'share' ? overlap.share : null,
        autoFinalize: data.autoFinalize,
        createdById: ctx.viewer?.id ?? null,
      })
      .returning()
    await tx.insert(roundCoders).values(coders.map((c) => ({ roundId: round!.id, userId: c.id })))
    const unitRows = units.map((u, position) => ({ roundId: round!.id, commitId: u.id, position, stratum: data.strata ? u.stratum : null }))
    for (const batch of chunks(unitRows, 5_000)) await tx.insert(roundUnits).values(batch)
    for (const batch of chunks(assignments, 5_000)) {
      await tx
        .insert(roundAssignments)
        .values(batch.map((a) => ({ roundId: round!.id, commitId: a.unit, coderId: idOf.get(a.coder)!, position: a.position })))
    }
    await audit(txCtx, {
      projectId,
      action: 'create',
      entity: 'round',
      entityId: round!.id,
      details: { name: data.name, units: units.length, coders: coders.map((c) => c.name), selection: data.selection, overlap, codebookVersion: version.version },
    })
    return round!
  })
}

async function resolveCoders(ctx: Ctx, projectId: number, names: readonly string[]) {
  if (new Set(names).size !== names.length) throw new InvalidInputError('coders: a coder is listed twice')
  const rows = await ctx.db
    .select({ id: users.id, name: users.name, kind: users.kind, disabled: users.disabled, member: projectMembers.userId })
    .from(users)
    .leftJoin(projectMembers, and(eq(projectMembers.userId, users.id), eq(projectMembers.projectId, projectId)))
    .where(inArray(users.name, [...names]))
  return names.map((name) => {
    const row = rows.find((r) => r.name === name)
    if (!row || row.kind !== 'human') throw new InvalidInputError(`coder '${name}': no such person (add them under Members first)`)
    if (row.disabled) throw new InvalidInputError(`coder '${name}': the account is disabled`)
    if (row.member === null) throw new InvalidInputError(`coder '${name}': not a member of this project`)
    return { id: row.id, name: row.name }
  })
}

async function checkMachineRaters(ctx: Ctx, names: readonly string[]) {
  if (names.length === 0) return
  const rows = await ctx.db.select({ name: users.name }).from(users).where(and(eq(users.kind, 'machine'), inArray(users.name, [...names])))
  const missing = names.filter((n) => !rows.some((r) => r.name === n))
  if (missing.length) throw new InvalidInputError(`machineRaters: no machine rater named ${missing.map((m) => `'${m}'`).join(', ')}`)
}

/** A round of the project, or NotFound. */
export async function getRoundRow(ctx: Ctx, projectId: number, roundId: number): Promise<Round> {
  const [round] = await ctx.db.select().from(rounds).where(and(eq(rounds.id, roundId), eq(rounds.projectId, projectId)))
  if (!round) throw new NotFoundError(`no round ${roundId} in this project`)
  return round
}

/** Is the viewer one of the round's coders? */
export async function isRoundCoder(ctx: Ctx, roundId: number): Promise<boolean> {
  if (!ctx.viewer) return false
  const [row] = await ctx.db
    .select({ id: roundCoders.userId })
    .from(roundCoders)
    .where(and(eq(roundCoders.roundId, roundId), eq(roundCoders.userId, ctx.viewer.id)))
  return Boolean(row)
}

export type CoderProgress = { coder: string; assigned: number; done: number; skipped: number }

/** Per coder: units assigned, coded (a round label saved) and skipped. */
export async function roundProgress(ctx: Ctx, roundId: number, coderId?: number): Promise<CoderProgress[]> {
  const rows = await ctx.db
    .select({
      coder: users.name,
      assigned: sql<number>`count(*)`,
      done: sql<number>`count(${labels.id})`,
      skipped: sql<number>`sum(case when ${labels.id} is null and ${roundAssignments.skippedAt} is not null then 1 else 0 end)`,
    })
    .from(roundAssignments)
    .innerJoin(users, eq(users.id, roundAssignments.coderId))
    .leftJoin(
      labels,
      and(eq(labels.commitId, roundAssignments.commitId), eq(labels.raterId, roundAssignments.coderId), eq(labels.context, roundContext(roundId))),
    )
    .where(and(eq(roundAssignments.roundId, roundId), coderId === undefined ? undefined : eq(roundAssignments.coderId, coderId)))
    .groupBy(users.name)
    .orderBy(users.name)
  return rows.map((r) => ({ coder: r.coder, assigned: Number(r.assigned), done: Number(r.done), skipped: Number(r.skipped ?? 0) }))
}

export type RoundSummary = Awaited<ReturnType<typeof summarize>>

async function summarize(ctx: Ctx, round: Round, seeAll: boolean) {
  const [version] = await ctx.db.select({ version: codebookVersions.version }).from(codebookVersions).where(eq(codebookVersions.id, round.codebookVersionId))
  const [units] = await ctx.db.select({ n: sql<number>`count(*)` }).from(roundUnits).where(eq(roundUnits.roundId, round.id))
  const coderRows = await ctx.db
    .select({ name: users.name })
    .from(roundCoders)
    .innerJoin(users, eq(users.id, roundCoders.userId))
    .where(eq(roundCoders.roundId, round.id))
    .orderBy(users.name)
  const mine = ctx.viewer && coderRows.some((c) => c.name === ctx.viewer!.name) ? (await roundProgress(ctx, round.id, ctx.viewer.id))[0] ?? null : null
  const finalized = seeAll
    ? await ctx.db
        .select({ n: sql<number>`count(*)` })
        .from(roundUnits)
        .where(and(eq(roundUnits.roundId, round.id), sql`${roundUnits.commitId} in (select commit_id from final_codes)`))
    : null
  return {
    id: round.id,
    name: round.name,
    status: round.status,
    preLabels: round.preLabels,
    machineRaters: round.machineRaters,
    selection: round.selection,
    strata: round.strata,
    seed: round.seed,
    overlap: round.overlapMode === 'k' ? { mode: 'k' as const, k: round.overlapK ?? 1 } : { mode: 'share' as const, share: round.overlapShare ?? 0 },
    autoFinalize: round.autoFinalize,
    codebookVersionId: round.codebookVersionId,
    codebookVersion: version?.version ?? null,
    createdAt: round.createdAt,
    revealedAt: round.revealedAt,
    units: Number(units!.n),
    coders: coderRows.map((c) => c.name),
    /** Every coder's progress: for those who may see the whole round (admins not coding it). */
    progress: seeAll ? await roundProgress(ctx, round.id) : null,
    finalized: finalized ? Number(finalized[0]!.n) : null,
    /** The viewer's own queue, when they code in the round. */
    mine,
  }
}

/** May the viewer see everything about the round (progress of all, agreement, adjudication)? */
export async function seesWholeRound(ctx: Ctx, round: Round): Promise<boolean> {
  const role = await requireProjectRole(ctx, round.projectId, 'coder')
  if (round.status === 'revealed') return true
  // A coder of an open round, admin or not, codes blind.
  return role === 'admin' && !(await isRoundCoder(ctx, round.id))
}

/** The project's rounds the viewer may see: all for admins, their own for coders. */
export async function listRounds(ctx: Ctx, projectId: number): Promise<RoundSummary[]> {
  const role = await requireProjectRole(ctx, projectId, 'coder')
  const all = await ctx.db.select().from(rounds).where(eq(rounds.projectId, projectId)).orderBy(asc(rounds.id))
  const own = ctx.viewer
    ? new Set(
        (await ctx.db.select({ id: roundCoders.roundId }).from(roundCoders).where(eq(roundCoders.userId, ctx.viewer.id))).map((r) => r.id),
      )
    : new Set<number>()
  const visible = role === 'admin' ? all : all.filter((r) => own.has(r.id) || r.status === 'revealed')
  return Promise.all(visible.map(async (r) => summarize(ctx, r, await seesWholeRound(ctx, r))))
}

export async function getRound(ctx: Ctx, projectId: number, roundId: number): Promise<RoundSummary> {
  const round = await getRoundRow(ctx, projectId, roundId)
  const role = await requireProjectRole(ctx, projectId, 'coder')
  if (role !== 'admin' && round.status !== 'revealed' && !(await isRoundCoder(ctx, roundId))) {
    throw new ForbiddenError('this round is not yours')
  }
  return summarize(ctx, round, await seesWholeRound(ctx, round))
}

/**
 * Ends the blind phase: everyone in the project may now see the round's labels, coders can no
 * longer change them, and (when the round says so) unanimous units get their final code.
 */
export async function revealRound(ctx: Ctx, projectId: number, roundId: number): Promise<RoundSummary> {
  await requireProjectRole(ctx, projectId, 'admin')
  const round = await getRoundRow(ctx, projectId, roundId)
  if (round.status === 'revealed') throw new ConflictError(`round '${round.name}' is revealed already`)
  await ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    await tx.update(rounds).set({ status: 'revealed', revealedAt: new Date().toISOString() }).where(eq(rounds.id, roundId))
    const units = await tx.select({ commitId: roundUnits.commitId }).from(roundUnits).where(eq(roundUnits.roundId, roundId))
    await settleUnits(txCtx, round, units.map((u) => u.commitId))
    await audit(txCtx, { projectId, action: 'reveal', entity: 'round', entityId: roundId, details: { name: round.name } })
  })
  return getRound(ctx, projectId, roundId)
}

// ---- The round's codebook --------------------------------------------------------------------

export type RoundCode = {
  id: number
  name: string
  definition: string
  includeNotes: string
  excludeNotes: string
  color: string
  hotkey: string | null
  isFallback: boolean
  examples: CodeExampleRef[]
}

/**
 * The codes a round codes with: the active codes of its pinned codebook version (from that
 * version's snapshot; fields older snapshots lack come from the code as it is now).
 */
export async function roundCodebook(ctx: Ctx, round: Round): Promise<{ multiLabel: boolean; version: number; codes: RoundCode[] }> {
  const current = await currentCodebook(ctx, round.projectId)
  const view = (c: Code, s?: Partial<RoundCode> & { status?: string }): RoundCode => ({
    id: c.id,
    name: s?.name ?? c.name,
    definition: s?.definition ?? c.definition,
    includeNotes: s?.includeNotes ?? c.includeNotes,
    excludeNotes: s?.excludeNotes ?? c.excludeNotes,
    color: s?.color ?? c.color,
    hotkey: s?.hotkey !== undefined ? s.hotkey : c.hotkey,
    isFallback: s?.isFallback ?? c.isFallback,
    examples: s?.examples ?? c.examples,
  })
  if (current.version.id === round.codebookVersionId) {
    return { multiLabel: current.codebook.multiLabel, version: current.version.version, codes: current.codes.filter((c) => c.status === 'active').map((c) => view(c)) }
  }
  const [pinned] = await ctx.db.select().from(codebookVersions).where(eq(codebookVersions.id, round.codebookVersionId))
  if (!pinned) throw new NotFoundError(`codebook version ${round.codebookVersionId} of round '${round.name}' is missing`)
  const byId = new Map(current.codes.map((c) => [c.id, c]))
  const list = pinned.snapshot
    .filter((s) => s.status === 'active' && byId.has(s.id))
    .sort((a, b) => (a.position ?? byId.get(a.id)!.position) - (b.position ?? byId.get(b.id)!.position))
    .map((s) => view(byId.get(s.id)!, { ...s, hotkey: s.hotkey }))
  return { multiLabel: current.codebook.multiLabel, version: pinned.version, codes: list }
}

/**
 * The given code ids, deduplicated; fails naming an id that is not an active code of the round's
 * pinned version (one query: every save runs this).
 */
export async function checkRoundCodes(ctx: Ctx, round: Round, codeIds: readonly number[]) {
  const [pinned] = await ctx.db
    .select({ snapshot: codebookVersions.snapshot, version: codebookVersions.version, multiLabel: codebooks.multiLabel })
    .from(codebookVersions)
    .innerJoin(codebooks, eq(codebooks.id, codebookVersions.codebookId))
    .where(eq(codebookVersions.id, round.codebookVersionId))
  if (!pinned) throw new NotFoundError(`codebook version ${round.codebookVersionId} of round '${round.name}' is missing`)
  const active = new Set(pinned.snapshot.filter((c) => c.status === 'active').map((c) => c.id))
  const unique = [...new Set(codeIds)]
  for (const id of unique) {
    if (!active.has(id)) throw new InvalidInputError(`code ${id} is not an active code of codebook version ${pinned.version}`)
  }
  if (!pinned.multiLabel && unique.length > 1) throw new InvalidInputError('this codebook is single-label: choose one code')
  return unique
}

// ---- Unanimity -------------------------------------------------------------------------------

/**
 * Auto-finalization (when the round asks for it): a unit whose assigned coders all saved the
 * same codes gets that final code (method `agreement`); if they stop agreeing, the round's own
 * agreement final code is withdrawn. Adjudicated, imported or other rounds' final codes stay.
 */
export async function settleUnits(ctx: Ctx, round: Round, commitIds: readonly number[]): Promise<void> {
  if (!round.autoFinalize || commitIds.length === 0) return
  for (const batch of chunks(commitIds, 500)) {
    const assigned = await ctx.db
      .select({ commitId: roundAssignments.commitId, coderId: roundAssignments.coderId })
      .from(roundAssignments)
      .where(and(eq(roundAssignments.roundId, round.id), inArray(roundAssignments.commitId, batch)))
    const coded = await ctx.db
      .select({ commitId: labels.commitId, raterId: labels.raterId, codeId: labelCodes.codeId })
      .from(labels)
      .innerJoin(labelCodes, eq(labelCodes.labelId, labels.id))
      .where(and(eq(labels.context, roundContext(round.id)), inArray(labels.commitId, batch)))
    const finals = await findFinalCodes(ctx, batch)
    for (const commitId of batch) {
      const coders = assigned.filter((a) => a.commitId === commitId).map((a) => a.coderId)
      const sets = coders.map((coder) => coded.filter((l) => l.commitId === commitId && l.raterId === coder).map((l) => String(l.codeId)))
      const unanimous = coders.length > 0 && sets.every((s) => s.length > 0 && sameCodes(s, sets[0]!))
      const existing = finals.get(commitId)
      const ours = existing?.method === 'agreement' && existing.roundId === round.id
      if (unanimous) {
        const codeIds = sets[0]!.map(Number)
        if (existing && (!ours || sameCodes(existing.codes.map((c) => String(c.id)), sets[0]!))) continue
        await writeFinalCode(ctx, {
          projectId: round.projectId,
          commitId,
          codeIds,
          method: 'agreement',
          note: `unanimous in round '${round.name}'`,
          decidedById: null,
          roundId: round.id,
          codebookVersionId: round.codebookVersionId,
        })
      } else if (ours) {
        await removeAgreementFinalCode(ctx, { projectId: round.projectId, commitId, roundId: round.id })
      }
    }
  }
}
