/**
 * @module Inter-rater agreement (pure): ratings unit x rater -> code set in, percent agreement,
 * Cohen / Fleiss / Conger kappa, Scott's pi, Krippendorff's alpha (nominal, MASI, ...) with a
 * bootstrap interval, Gwet's AC1, per-code agreement, confusion matrices and disagreements out.
 *
 * Conventions. Missing ratings are allowed; a rating with no code is missing; several ratings of
 * one (unit, rater) are merged. Statistics that need one category per rating (Cohen, Scott,
 * Fleiss, Conger, Gwet, Brennan-Prediger, nominal alpha, confusion matrices) treat a multi-label
 * code set as one category: its codes sorted and joined with ' + ', so only identical sets agree.
 * Krippendorff's alpha can instead weigh partial overlap with the MASI distance; per-code
 * agreement looks at each code as present/absent. Undefined values are null with a reason, never
 * a made-up 1.0. Machine raters (e.g. 'llm') are raters like any other.
 */
import type { Rating } from './agreement-data'
import type { AlphaInterval, AlphaMetric } from './agreement-alpha'
import type { CellView, RatingIndex } from './agreement-index'
import {
  categoryView,
  indexRatings,
  presenceView,
  ratingsPerSet,
  setCounts,
  viewCounts,
} from './agreement-index'
import {
  alphaFromCoincidences,
  bootstrapAlpha,
  coincidencesOf,
  DEFAULT_SEED,
  krippendorffAlphaFromCounts,
  mergeCoincidences,
} from './agreement-alpha'
import {
  fleissKappaFromCounts,
  fleissKappaGeneralizedFromCounts,
  gwetAc1FromCounts,
} from './agreement-multi'
import { pairAgreement, pairConfusions, pooledAgreement } from './agreement-pairwise'
import { meanOrNull, sum } from './agreement-math'

export * from './agreement-data'
export * from './agreement-index'
export { mulberry32 } from './agreement-math'
export * from './agreement-pairwise'
export * from './agreement-multi'
export * from './agreement-alpha'

/**
 * How multi-label code sets enter Krippendorff's alpha: 'set-as-category' (nominal over sets),
 * 'masi' (MASI distance), 'auto' (MASI as soon as one rating has several codes).
 */
export type MultiLabelMode = 'auto' | 'set-as-category' | 'masi'

export type AgreementOptions = {
  /** Restrict to (and list) these coders; default: every rater seen. */
  coders?: readonly string[]
  /** Bootstrap resamples for the alpha interval (default 1000; 0 skips the interval). */
  bootstrapResamples?: number
  /** Bootstrap seed (default 1). */
  seed?: number
  multiLabel?: MultiLabelMode
  /** Round every statistic to this many decimals (default: full precision). */
  digits?: number
}

/** Agreement on one code, each (unit, rater) being present/absent. */
export type CodeAgreement = {
  code: string
  /** Share of ratings that carry the code. */
  prevalence: number
  /** Pooled over all pairable rating pairs, as the top-level percent agreement. */
  percentAgreement: number | null
  /** Mean of the defined pairwise Cohen's kappas. */
  cohenKappaMean: number | null
  /** Nominal alpha on present/absent. */
  krippendorffAlpha: number | null
}

/** A unit on which the coders' code sets differ. */
export type Disagreement = { unit: string; codes: Record<string, string[]> }

/** The CLI / API JSON: snake_case, printable as is. */
export type AgreementReport = {
  /** Units with at least one rating. */
  units: number
  coders: string[]
  /** Distinct codes. */
  categories: number
  multi_label: boolean
  percent_agreement: number | null
  pairwise: {
    coders: [string, string]
    n: number
    percent_agreement: number | null
    cohen_kappa: number | null
  }[]
  fleiss_kappa: number | null
  /** Fleiss' kappa generalized to missing ratings (Gwet 2014); = fleiss_kappa when balanced. */
  fleiss_kappa_generalized: number | null
  krippendorff_alpha: number | null
  krippendorff_alpha_ci95: [number, number] | null
  alpha_weighting: 'nominal' | 'masi'
  gwet_ac1: number | null
  per_code: {
    code: string
    prevalence: number
    percent_agreement: number | null
    cohen_kappa_mean: number | null
    krippendorff_alpha: number | null
  }[]
  confusion_matrices: { coders: [string, string]; labels: string[]; matrix: number[][] }[]
  disagreements: Disagreement[]
  bootstrap: { resamples: number; valid: number; seed: number }
  notes: string[]
}

type CoderOptions = { coders?: readonly string[] }

/**
 * Agreement on each code separately: every (unit, rater) becomes present/absent for the code,
 * then percent agreement (pooled pairs), the mean of the pairwise Cohen's kappas and nominal
 * alpha. Sound for multi-label data, where set-level statistics only credit identical sets.
 * @example perCodeAgreement(ratings)[0] // { code: 'bug', prevalence: 0.2, ... }
 */
export function perCodeAgreement(
  ratings: readonly Rating[],
  options: CoderOptions = {},
): CodeAgreement[] {
  return perCodeOf(indexRatings(ratings, options.coders))
}

function perCodeOf(index: RatingIndex): CodeAgreement[] {
  // A code's prevalence is a sum over code sets, not over every rating.
  const perSet = ratingsPerSet(index)
  // Each code's tables and coincidences are the code sets' ones, summed by presence of the code.
  const bySet = coincidencesOf(setCounts(index))
  return index.codes.map((code) => {
    const view = presenceView(index, code)
    const confusions = pairConfusions(index, view)
    // The view's values are 0 (absent) and 1 (present).
    const present = sum(perSet.map((n, set) => n * view.valueOfSet[set]!))
    const coincidences = mergeCoincidences(bySet, view.valueOfSet, view.labels.length)
    return {
      code,
      prevalence: present / index.cellSet.length,
      percentAgreement: pooledAgreement(confusions).value,
      cohenKappaMean: meanOrNull(confusions.map((m) => pairAgreement(m).cohenKappa)),
      krippendorffAlpha: alphaFromCoincidences(coincidences, { categories: view.labels }).value,
    }
  })
}

/**
 * Units where at least two coders' code sets differ, with every coder's codes.
 * @example disagreements(ratings) // [{ unit: 'c1', codes: { a: ['bug'], b: ['docs'] } }]
 */
export function disagreements(
  ratings: readonly Rating[],
  options: CoderOptions = {},
): Disagreement[] {
  const index = indexRatings(ratings, options.coders)
  return disagreementsOf(index, categoryView(index))
}

function disagreementsOf(index: RatingIndex, view: CellView): Disagreement[] {
  const { units, coders, sets, start, cellCoder, cellSet } = index
  const category = (cell: number) => view.valueOfSet[cellSet[cell]!]!
  const found: Disagreement[] = []
  for (let u = 0; u < units.length; u++) {
    // Sets agree pairwise exactly when they all have the first one's category.
    let cell = start[u]! + 1
    while (cell < start[u + 1]! && category(cell) === category(start[u]!)) cell++
    if (cell === start[u + 1]!) continue
    const entries: [string, string[]][] = []
    for (let c = start[u]!; c < start[u + 1]!; c++) {
      entries.push([coders[cellCoder[c]!]!, [...sets[cellSet[c]!]!]])
    }
    found.push({ unit: units[u]!, codes: Object.fromEntries(entries) })
  }
  return found
}

/**
 * Every statistic at once, shaped for the CLI JSON.
 * @example agreementReport(ratings, { seed: 7 }).pairwise[0].cohen_kappa // 0.814
 */
export function agreementReport(
  ratings: readonly Rating[],
  options: AgreementOptions = {},
): AgreementReport {
  const { coders, bootstrapResamples = 1000, seed = DEFAULT_SEED, multiLabel = 'auto' } = options
  // Interned once: every statistic below reads this index (or tallies cached on it).
  const index = indexRatings(ratings, coders)
  const view = categoryView(index)
  const notes: string[] = []
  const note = (label: string, reason: string | null) => {
    if (reason) notes.push(`${label}: ${reason}`)
  }
  if (index.coders.length < 2) notes.push('fewer than two coders: agreement is undefined')

  const perSet = ratingsPerSet(index)
  const multiLabelRatings = sum(perSet.filter((_, set) => index.sets[set]!.length > 1))
  const metric: AlphaMetric =
    multiLabel === 'masi' || (multiLabel === 'auto' && multiLabelRatings > 0) ? 'masi' : 'nominal'
  notes.push(...conventionNotes(multiLabelRatings, metric))
  notes.push(...missingDataNotes(index))

  const confusions = pairConfusions(index, view)
  const overall = pooledAgreement(confusions)
  note('percent_agreement', overall.reason)
  const pairwise = confusions.map(pairAgreement)
  for (const p of pairwise) note(`cohen_kappa ${p.coders.join(' vs ')}`, p.reason)

  const counts = viewCounts(index, view)
  const fleiss = fleissKappaFromCounts(counts)
  note('fleiss_kappa', fleiss.reason)
  const fleissGeneral = fleissKappaGeneralizedFromCounts(counts)
  note('fleiss_kappa_generalized', fleissGeneral.reason)
  const gwet = gwetAc1FromCounts(counts)
  note('gwet_ac1', gwet.reason)

  const alpha = krippendorffAlphaFromCounts(counts, metric)
  note('krippendorff_alpha', alpha.reason)
  if (alpha.droppedUnits > 0) {
    notes.push(
      `krippendorff_alpha: ${alpha.droppedUnits} unit(s) with a single rating are not pairable ` +
        'and are left out, as in Krippendorff',
    )
  }
  const interval =
    alpha.value === null || bootstrapResamples === 0
      ? null
      : bootstrapAlpha(counts, { metric, resamples: bootstrapResamples, seed })
  if (interval) notes.push(...intervalNotes(interval))

  const perCode = perCodeOf(index)
  notes.push(...perCodeNotes(perCode))

  const report: AgreementReport = {
    units: index.units.length,
    coders: [...index.coders],
    categories: index.codes.length,
    multi_label: multiLabelRatings > 0,
    percent_agreement: overall.value,
    pairwise: pairwise.map((p) => ({
      coders: p.coders,
      n: p.n,
      percent_agreement: p.percentAgreement,
      cohen_kappa: p.cohenKappa,
    })),
    fleiss_kappa: fleiss.value,
    fleiss_kappa_generalized: fleissGeneral.value,
    krippendorff_alpha: alpha.value,
    krippendorff_alpha_ci95: interval?.ci95 ?? null,
    alpha_weighting: metric === 'masi' ? 'masi' : 'nominal',
    gwet_ac1: gwet.value,
    per_code: perCode.map((c) => ({
      code: c.code,
      prevalence: c.prevalence,
      percent_agreement: c.percentAgreement,
      cohen_kappa_mean: c.cohenKappaMean,
      krippendorff_alpha: c.krippendorffAlpha,
    })),
    confusion_matrices: confusions.map(({ coders: pair, labels, matrix }) => ({
      coders: pair,
      labels,
      matrix,
    })),
    disagreements: disagreementsOf(index, view),
    bootstrap: { resamples: interval ? bootstrapResamples : 0, valid: interval?.valid ?? 0, seed },
    notes,
  }
  return options.digits === undefined ? report : roundNumbers(report, options.digits)
}

function conventionNotes(multiLabelRatings: number, metric: AlphaMetric): string[] {
  const alphaText =
    metric === 'masi'
      ? "Krippendorff's alpha uses the MASI distance (Passonneau 2006, exact weights 1, 2/3, " +
        '1/3, 0) so overlapping sets get partial credit'
      : "Krippendorff's alpha is nominal over whole code sets"
  if (multiLabelRatings === 0) {
    const same = `single-label data: ${alphaText}, which equals nominal alpha here`
    return metric === 'masi' ? [same] : []
  }
  return [
    `${multiLabelRatings} rating(s) carry several codes: percent agreement, Cohen's and Fleiss' ` +
      "kappa, Gwet's AC1 and the confusion matrices treat each code set as one category (codes " +
      `sorted, joined with ' + '), so only identical sets agree; ${alphaText}; per_code rates ` +
      'each code as present/absent',
  ]
}

function missingDataNotes({ units, coders, start }: RatingIndex): string[] {
  const partial = units.filter((_, u) => start[u + 1]! - start[u]! < coders.length).length
  if (partial === 0 || coders.length < 2) return []
  return [
    `${partial} of ${units.length} unit(s) were not rated by every coder: pairwise ` +
      'statistics use the units both coders rated; alpha, AC1 and the generalized Fleiss kappa ' +
      'use every available rating',
  ]
}

function intervalNotes(interval: AlphaInterval): string[] {
  const notes: string[] = []
  if (interval.reason) notes.push(`krippendorff_alpha_ci95: ${interval.reason}`)
  const skipped = interval.resamples - interval.valid
  if (skipped > 0) {
    notes.push(
      `krippendorff_alpha_ci95: alpha was undefined on ${skipped} of ${interval.resamples} ` +
        'bootstrap resamples (one category only); the interval uses the others',
    )
  }
  return notes
}

function perCodeNotes(perCode: readonly CodeAgreement[]): string[] {
  const list = (pick: (c: CodeAgreement) => number | null) =>
    perCode.filter((c) => pick(c) === null).map((c) => `'${c.code}'`)
  const noKappa = list((c) => c.cohenKappaMean)
  const noAlpha = list((c) => c.krippendorffAlpha)
  const notes: string[] = []
  if (noKappa.length > 0) {
    notes.push(
      `per_code cohen_kappa_mean is null for ${noKappa.join(', ')}: no coder pair has a defined ` +
        'kappa (typically both coders of every pair gave the code one and the same presence ' +
        'value on all their shared units, so expected agreement is 1)',
    )
  }
  if (noAlpha.length > 0) {
    notes.push(
      `per_code krippendorff_alpha is null for ${noAlpha.join(', ')}: every pairable rating has ` +
        'the same presence value, so expected disagreement is 0',
    )
  }
  return notes
}

/** Rounds every non-integer number in a JSON-like value. */
function roundNumbers<T>(value: T, digits: number): T {
  if (typeof value === 'number') {
    return (Number.isInteger(value) ? value : Number(value.toFixed(digits))) as T
  }
  if (Array.isArray(value)) return value.map((v) => roundNumbers(v, digits)) as T
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, roundNumbers(v, digits)])
    return Object.fromEntries(entries) as T
  }
  return value
}
