/**
 * @module How well a labeler matches a reference rater (pure): accuracy, macro-F1, Cohen's kappa,
 * per-code precision / recall / F1 and the confusion matrix, over the units both rated.
 */
import type { Rating } from './agreement'
import { categoryOf, cohenKappa, confusionMatrix, sortLabels } from './agreement'

export type CodeScores = {
  code: string
  /** Units the reference gave this code. */
  support: number
  /** Units the labeler gave this code. */
  predicted: number
  precision: number | null
  recall: number | null
  f1: number | null
}

export type Evaluation = {
  labeler: string
  reference: string
  /** Units both rated. */
  n: number
  /** Units the reference rated / the labeler rated. */
  reference_units: number
  labeler_units: number
  /** Share of units whose code sets are identical. */
  accuracy: number | null
  /** Mean F1 over the codes either side used (as scikit-learn's macro average). */
  macro_f1: number | null
  cohen_kappa: number | null
  per_code: CodeScores[]
  /** Rows: the reference; columns: the labeler. A multi-label set is one category. */
  confusion: { labels: string[]; matrix: number[][] }
  notes: string[]
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b)

/**
 * Scores `labeler` against `reference` on the units both rated. Per-code scores count each code
 * as present/absent, so they stay sound for multi-label sets; accuracy, kappa and the confusion
 * matrix compare whole code sets.
 * @example evaluateLabeler(ratings, 'rules', 'coder1').cohen_kappa // 0.61
 */
export function evaluateLabeler(
  ratings: readonly Rating[],
  labeler: string,
  reference: string,
): Evaluation {
  if (labeler === reference) throw new Error('a labeler cannot be evaluated against itself')
  const sets = (rater: string) => {
    const map = new Map<string, Set<string>>()
    for (const r of ratings) {
      if (r.rater !== rater || r.codes.length === 0) continue
      const set = map.get(r.unit) ?? new Set<string>()
      for (const code of r.codes) set.add(code)
      map.set(r.unit, set)
    }
    return map
  }
  const predicted = sets(labeler)
  const truth = sets(reference)
  const units = [...truth.keys()].filter((u) => predicted.has(u))
  const notes: string[] = []
  if (units.length === 0) notes.push(`no unit was rated by both ${labeler} and ${reference}`)

  let exact = 0
  const codes = new Set<string>()
  const counts = new Map<string, { tp: number; support: number; predicted: number }>()
  const count = (code: string) =>
    counts.get(code) ?? counts.set(code, { tp: 0, support: 0, predicted: 0 }).get(code)!
  for (const unit of units) {
    const p = predicted.get(unit)!
    const t = truth.get(unit)!
    if (categoryOf([...p]) === categoryOf([...t])) exact += 1
    for (const code of t) {
      codes.add(code)
      count(code).support += 1
      if (p.has(code)) count(code).tp += 1
    }
    for (const code of p) {
      codes.add(code)
      count(code).predicted += 1
    }
  }
  const perCode = sortLabels(codes).map((code) => {
    const c = count(code)
    const precision = ratio(c.tp, c.predicted)
    const recall = ratio(c.tp, c.support)
    // A code one side never used scores F1 = 0 (scikit-learn's zero_division=0 convention).
    const f1 =
      precision === null || recall === null || precision + recall === 0
        ? 0
        : (2 * precision * recall) / (precision + recall)
    return { code, support: c.support, predicted: c.predicted, precision, recall, f1 }
  })
  const unitSet = new Set(units)
  const pair = ratings.filter(
    (r) => (r.rater === labeler || r.rater === reference) && unitSet.has(r.unit),
  )
  const kappa = units.length > 0 ? cohenKappa(pair, reference, labeler) : null
  if (kappa && kappa.value === null && kappa.reason)
    notes.push(`Cohen's kappa undefined: ${kappa.reason}`)
  const matrix =
    units.length > 0 ? confusionMatrix(pair, reference, labeler) : { labels: [], matrix: [] }
  return {
    labeler,
    reference,
    n: units.length,
    reference_units: truth.size,
    labeler_units: predicted.size,
    accuracy: ratio(exact, units.length),
    macro_f1:
      perCode.length === 0 ? null : perCode.reduce((s, c) => s + (c.f1 ?? 0), 0) / perCode.length,
    cohen_kappa: kappa?.value ?? null,
    per_code: perCode,
    confusion: { labels: matrix.labels, matrix: matrix.matrix },
    notes,
  }
}
