/**
 * @module Agreement over a project's stored labels: any raters by name, human or machine.
 */
import { and, eq, inArray, or } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import { commits, labels, repositories, roundUnits, rounds, users } from '../../schema'
import type { Platform } from '../../schema'
import { agreementReport, confusionMatrix } from '../core/agreement'
import type { AgreementReport, Rating } from '../core/agreement'
import type { Ctx } from './context'
import { groupByLabel, labelCodeRows } from './label-rows'
import { InvalidInputError, NotFoundError } from './errors'
import { labelVisibility, roundContext, visibleLabels } from './visibility'

export type RatingFilter = {
  /** Rater names; all raters when omitted. */
  coders?: string[] | undefined
  platform?: Platform | undefined
  /** Only labels made under this codebook version. */
  codebookVersionId?: number | undefined
  /**
   * Only a coding round: its coders' round labels, plus the newest labels of the chosen machine
   * raters on the round's units.
   */
  round?: { id: number; machineRaters?: readonly string[] | undefined } | undefined
}

/**
 * The project's labels as ratings, one per (commit, rater): where a rater labelled a commit
 * more than once (a machine labeler under several prompt versions), its newest label counts.
 * Units are commit ids. Labels the viewer may not see (blind rounds) are left out.
 */
export async function projectRatings(ctx: Ctx, projectId: number, filter: RatingFilter = {}): Promise<Rating[]> {
  const conditions: SQL[] = [eq(repositories.projectId, projectId)]
  if (filter.coders?.length) conditions.push(inArray(users.name, filter.coders))
  if (filter.platform) conditions.push(eq(repositories.platform, filter.platform))
  if (filter.codebookVersionId) conditions.push(eq(labels.codebookVersionId, filter.codebookVersionId))
  if (filter.round) {
    const [round] = await ctx.db
      .select({ machineRaters: rounds.machineRaters })
      .from(rounds)
      .where(and(eq(rounds.id, filter.round.id), eq(rounds.projectId, projectId)))
    if (!round) throw new NotFoundError(`no round ${filter.round.id} in this project`)
    const machineRaters = filter.round.machineRaters ?? round.machineRaters
    const units = ctx.db.select({ id: roundUnits.commitId }).from(roundUnits).where(eq(roundUnits.roundId, filter.round.id))
    const machines = machineRaters.length
      ? and(eq(users.kind, 'machine'), inArray(users.name, [...machineRaters]), inArray(labels.commitId, units))
      : undefined
    conditions.push(or(and(eq(labels.context, roundContext(filter.round.id)), eq(users.kind, 'human')), machines)!)
  }
  const visibility = await labelVisibility(ctx, projectId)
  // Newest first, so the first label seen per (commit, rater) is the one that counts.
  const grouped = visibleLabels(visibility, groupByLabel(await labelCodeRows(ctx, and(...conditions)))).sort((x, y) => y.labelId - x.labelId)
  const chosen = new Map<string, Rating>()
  for (const label of grouped) {
    const key = `${label.commitId}\u0000${label.rater}`
    if (!chosen.has(key)) chosen.set(key, { unit: String(label.commitId), rater: label.rater, codes: label.codes.map((c) => c.name) })
  }
  return [...chosen.values()]
}

export type AgreementInput = RatingFilter & { resamples?: number | undefined; seed?: number | undefined }

/** The full agreement report over the chosen raters; fails when a named rater has no labels. */
export async function projectAgreement(ctx: Ctx, projectId: number, input: AgreementInput): Promise<AgreementReport> {
  const ratings = await projectRatings(ctx, projectId, input)
  assertRatersFound(ratings, input.coders)
  return agreementReport(ratings, { coders: input.coders, bootstrapResamples: input.resamples, seed: input.seed })
}

/** The confusion matrix of two raters over the commits both labelled. */
export async function projectConfusion(ctx: Ctx, projectId: number, input: RatingFilter & { coders: [string, string] }) {
  const ratings = await projectRatings(ctx, projectId, input)
  assertRatersFound(ratings, input.coders)
  return confusionMatrix(ratings, input.coders[0], input.coders[1])
}

function assertRatersFound(ratings: readonly Rating[], coders: readonly string[] | undefined): void {
  const present = new Set(ratings.map((r) => r.rater))
  const missing = (coders ?? []).filter((c) => !present.has(c))
  if (missing.length > 0) throw new InvalidInputError(`no labels by ${missing.join(', ')} in this project`)
  if (present.size < 2) throw new InvalidInputError('agreement needs labels from at least two raters')
}

/** The units the raters disagree on, with each commit's repository, sha and subject. */
export async function projectDisagreements(ctx: Ctx, projectId: number, input: RatingFilter) {
  const report = await projectAgreement(ctx, projectId, { ...input, resamples: 0 })
  const ids = report.disagreements.map((d) => Number(d.unit))
  const rows = ids.length
    ? await ctx.db
        .select({
          id: commits.id,
          sha: commits.sha,
          message: commits.message,
          platform: repositories.platform,
          repository: repositories.fullName,
        })
        .from(commits)
        .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
        .where(inArray(commits.id, ids))
    : []
  const byId = new Map(rows.map((r) => [r.id, r]))
  return report.disagreements.map((d) => {
    const commit = byId.get(Number(d.unit))!
    return {
      commitId: commit.id,
      platform: commit.platform,
      repository: commit.repository,
      sha: commit.sha,
      subject: commit.message.split('\n')[0]!,
      codes: d.codes,
    }
  })
}
