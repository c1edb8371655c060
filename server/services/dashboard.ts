/**
 * @module A round's live agreement: progress per coder, the agreement report over the round's
 * labels (its coders plus the chosen machine raters), confusion matrices and disagreements.
 */
import type { AgreementReport } from '../core/agreement'
import { projectAgreement, projectDisagreements, projectRatings } from './agreement'
import type { Ctx } from './context'
import { ForbiddenError } from './errors'
import { getRound, getRoundRow, seesWholeRound } from './rounds'

/** Bootstrap resamples for alpha's interval on the dashboard (rounds are small). */
const resamples = 500

export async function roundDashboard(ctx: Ctx, projectId: number, roundId: number) {
  const round = await getRoundRow(ctx, projectId, roundId)
  if (!(await seesWholeRound(ctx, round))) {
    throw new ForbiddenError('the dashboard opens to coders of this round once it is revealed')
  }
  const filter = { round: { id: round.id, machineRaters: round.machineRaters } }
  const summary = await getRound(ctx, projectId, roundId)
  const raters = new Set((await projectRatings(ctx, projectId, filter)).map((r) => r.rater))
  if (raters.size < 2) {
    return { round: summary, report: null, disagreements: [], reason: 'Agreement appears here once two raters have coded the same units.' }
  }
  const report: AgreementReport = await projectAgreement(ctx, projectId, { ...filter, resamples, seed: round.seed })
  const disagreements = await projectDisagreements(ctx, projectId, filter)
  return { round: summary, report, disagreements, reason: null }
}
