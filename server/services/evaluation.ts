/**
 * @module Evaluating a labeler (a machine rater, or one labeling run) against a human coder or the
 * final codes: accuracy, macro-F1, Cohen's kappa, per-code scores and the confusion matrix.
 */
import { and, count, eq, like, or, sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import { z } from 'zod'
import {
  codes,
  commits,
  finalCodeCodes,
  finalCodes,
  labelCodes,
  labelingRuns,
  labels,
  platforms,
  repositories,
  users,
} from '../../schema'
import type { Platform } from '../../schema'
import type { Rating } from '../core/agreement'
import { evaluateLabeler } from '../core/evaluation'
import type { Evaluation } from '../core/evaluation'
import { projectRatings } from './agreement'
import type { Ctx } from './context'
import { InvalidInputError, NotFoundError } from './errors'
import { blindUnits, labelVisibility } from './visibility'

/** The reference name that stands for the adjudicated final codes. */
export const finalReference = 'final'

/** A project's final codes as ratings of the rater `final` (units are commit ids). */
export async function finalCodeRatings(
  ctx: Ctx,
  projectId: number,
  platform?: Platform,
): Promise<Rating[]> {
  const conditions: SQL[] = [eq(repositories.projectId, projectId)]
  if (platform) conditions.push(eq(repositories.platform, platform))
  const rows = await ctx.db
    .select({ commitId: finalCodes.commitId, code: codes.name })
    .from(finalCodes)
    .innerJoin(commits, eq(commits.id, finalCodes.commitId))
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .innerJoin(finalCodeCodes, eq(finalCodeCodes.finalCodeId, finalCodes.id))
    .innerJoin(codes, eq(codes.id, finalCodeCodes.codeId))
    .where(and(...conditions))
    .orderBy(finalCodes.commitId, codes.position)
  const byUnit = new Map<number, string[]>()
  for (const r of rows) byUnit.set(r.commitId, [...(byUnit.get(r.commitId) ?? []), r.code])
  return [...byUnit].map(([unit, list]) => ({
    unit: String(unit),
    rater: finalReference,
    codes: list,
  }))
}

/** Raters with labels in the project (machine and human), and how many final codes exist. */
export async function evaluationChoices(ctx: Ctx, projectId: number) {
  // A coder of an open round counts only their own labels on its units, and no final codes
  // there: counts that move when another coder saves would tell what they chose.
  const blind = blindUnits(ctx, projectId)
  const conditions: SQL[] = [eq(repositories.projectId, projectId)]
  if (blind) conditions.push(or(sql`${labels.commitId} not in (${blind})`, eq(labels.raterId, ctx.viewer!.id))!)
  const raters = await ctx.db
    .select({ name: users.name, kind: users.kind, labels: count(labels.id) })
    .from(labels)
    .innerJoin(users, eq(users.id, labels.raterId))
    .innerJoin(commits, eq(commits.id, labels.commitId))
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .where(and(...conditions))
    .groupBy(users.id)
    .orderBy(users.kind, users.name)
  const visibility = await labelVisibility(ctx, projectId)
  const finals = (await finalCodeRatings(ctx, projectId)).filter((f) => visibility.canSee({ commitId: Number(f.unit), kind: 'final' }))
  return {
    raters: raters.map((r) => ({ ...r, labels: Number(r.labels) })),
    finalCodes: finals.length,
  }
}

export const EvaluationRequest = z
  .object({
    projectId: z.number().int().positive(),
    /** A rater name (`rules`, `classifier`, `llm:MODEL`, `llm`, a coder). */
    labeler: z.string().min(1).optional(),
    /** Or one labeling run's labels. */
    runId: z.number().int().positive().optional(),
    /** A coder's name, or `final`. */
    against: z.string().min(1),
    platform: z.enum(platforms).optional(),
  })
  .refine(
    (r) => (r.labeler === undefined) !== (r.runId === undefined),
    'name either a labeler or a run',
  )
export type EvaluationRequest = z.input<typeof EvaluationRequest>

/** Ratings of one run's labels, under the rater name `run N (rater)`. */
async function runRatings(ctx: Ctx, projectId: number, runId: number, platform?: Platform) {
  const [run] = await ctx.db
    .select()
    .from(labelingRuns)
    .where(and(eq(labelingRuns.id, runId), eq(labelingRuns.projectId, projectId)))
  if (!run) throw new NotFoundError(`no labeling run ${runId} in this project`)
  const conditions: SQL[] = [eq(labels.runId, runId)]
  if (platform) conditions.push(eq(repositories.platform, platform))
  const rows = await ctx.db
    .select({ labelId: labels.id, commitId: labels.commitId, rater: users.name, code: codes.name })
    .from(labels)
    .innerJoin(users, eq(users.id, labels.raterId))
    .innerJoin(commits, eq(commits.id, labels.commitId))
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .innerJoin(labelCodes, eq(labelCodes.labelId, labels.id))
    .innerJoin(codes, eq(codes.id, labelCodes.codeId))
    .where(and(...conditions))
  const name = `run ${runId} (${rows[0]?.rater ?? run.labeler})`
  const byUnit = new Map<number, string[]>()
  for (const r of rows) byUnit.set(r.commitId, [...(byUnit.get(r.commitId) ?? []), r.code])
  return {
    name,
    ratings: [...byUnit].map(([unit, list]) => ({ unit: String(unit), rater: name, codes: list })),
  }
}

/**
 * The rater a labeler name means: the rater of that name with labels in the project; `llm`
 * without such a rater means the one `llm:MODEL` rater that has labels.
 */
async function resolveRater(ctx: Ctx, projectId: number, name: string): Promise<string> {
  const withLabels = (condition: SQL) =>
    ctx.db
      .selectDistinct({ name: users.name })
      .from(labels)
      .innerJoin(users, eq(users.id, labels.raterId))
      .innerJoin(commits, eq(commits.id, labels.commitId))
      .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
      .where(and(eq(repositories.projectId, projectId), condition))
  if ((await withLabels(eq(users.name, name))).length > 0) return name
  if (name === 'llm') {
    const models = (await withLabels(like(users.name, 'llm:%'))).map((r) => r.name)
    if (models.length === 1) return models[0]!
    if (models.length > 1)
      throw new InvalidInputError(
        `several LLM raters have labels here (${models.join(', ')}): name one`,
      )
  }
  throw new InvalidInputError(`no labels by ${name} in this project`)
}

export type EvaluationReport = Evaluation & { run: number | null }

/** Scores a labeler or a run against a coder or the final codes, on the commits both labelled. */
export async function evaluate({
  ctx,
  input,
}: {
  ctx: Ctx
  input: EvaluationRequest
}): Promise<EvaluationReport> {
  const request = EvaluationRequest.parse(input)
  const { projectId, platform } = request
  let predicted: { name: string; ratings: Rating[] }
  if (request.runId !== undefined) {
    predicted = await runRatings(ctx, projectId, request.runId, platform)
  } else {
    const name = await resolveRater(ctx, projectId, request.labeler!)
    predicted = {
      name,
      ratings: await projectRatings(ctx, projectId, { coders: [name], platform }),
    }
  }
  let reference: Rating[]
  if (request.against === finalReference) {
    reference = await finalCodeRatings(ctx, projectId, platform)
    if (reference.length === 0)
      throw new InvalidInputError(
        'this project has no final codes yet: evaluate against a coder instead',
      )
  } else {
    const name = await resolveRater(ctx, projectId, request.against)
    if (name === predicted.name)
      throw new InvalidInputError('a labeler cannot be evaluated against itself')
    reference = await projectRatings(ctx, projectId, { coders: [name], platform })
  }
  const referenceName = reference[0]?.rater ?? request.against
  return {
    ...evaluateLabeler([...predicted.ratings, ...reference], predicted.name, referenceName),
    run: request.runId ?? null,
  }
}
