/**
 * @module Agreement over a project's stored labels: any raters by name, human or machine.
 */
import { and, desc, eq, inArray } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import { codes, commits, labelCodes, labels, repositories, users } from '../../schema'
import type { Platform } from '../../schema'
import { agreementReport, confusionMatrix } from '../core/agreement'
import type { AgreementReport, Rating } from '../core/agreement'
import type { Ctx } from './context'
import { InvalidInputError } from './errors'

export type RatingFilter = {
  /** Rater names; all raters when omitted. */
  coders?: string[] | undefined
  platform?: Platform | undefined
  /** Only labels made under this codebook version. */
  codebookVersionId?: number | undefined
}

/**
 * The project's labels as ratings, one per (commit, rater): where a rater labelled a commit
 * more than once (a machine labeler under several prompt versions), its newest label counts.
 * Units are commit ids.
 */
export async function projectRatings(ctx: Ctx, projectId: number, filter: RatingFilter = {}): Promise<Rating[]> {
  const conditions: SQL[] = [eq(repositories.projectId, projectId)]
  if (filter.coders?.length) conditions.push(inArray(users.name, filter.coders))
  if (filter.platform) conditions.push(eq(repositories.platform, filter.platform))
  if (filter.codebookVersionId) conditions.push(eq(labels.codebookVersionId, filter.codebookVersionId))
  const rows = await ctx.db
    .select({ labelId: labels.id, commitId: labels.commitId, rater: users.name, code: codes.name })
    .from(labels)
    .innerJoin(commits, eq(commits.id, labels.commitId))
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .innerJoin(users, eq(users.id, labels.raterId))
    .innerJoin(labelCodes, eq(labelCodes.labelId, labels.id))
    .innerJoin(codes, eq(codes.id, labelCodes.codeId))
    .where(and(...conditions))
    .orderBy(desc(labels.id))
  const chosen = new Map<string, { labelId: number; rating: Rating & { codes: string[] } }>()
  for (const row of rows) {
    const key = `${row.commitId}\u0000${row.rater}`
    const entry = chosen.get(key)
    if (!entry) chosen.set(key, { labelId: row.labelId, rating: { unit: String(row.commitId), rater: row.rater, codes: [row.code] } })
    else if (entry.labelId === row.labelId) entry.rating.codes.push(row.code)
  }
  return [...chosen.values()].map((e) => e.rating)
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
