/**
 * Agreement statistics against the reference vectors in shared/data/irr/vectors.json (scikit-learn,
 * statsmodels, NLTK, fast-krippendorff, irrCAC, crowd-kit, R irr) and against the study's kappas.
 * Every vector must have a handler for its metric/variant, and every expected key must be either
 * computed or listed as deferred, so a new vector or key can never be dropped silently.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { AlphaMetric, KappaWeights, Rating } from '../../../server/core/agreement'
import {
  agreementReport,
  brennanPrediger,
  buildRatingTable,
  cohenKappa,
  confusionMatrix,
  congerKappa,
  disagreements,
  fleissKappa,
  fleissKappaFromCounts,
  fleissKappaGeneralized,
  gwetAc1,
  jaccardDistance,
  krippendorffAlpha,
  krippendorffAlphaFromCounts,
  masiDistance,
  percentAgreement,
  perCodeAgreement,
  sameCodes,
  scottPi,
  unitCounts,
} from '../../../server/core/agreement'
import { sharedPath } from '../../helpers/shared'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Vector = {
  id: string
  metric: string
  variant: string
  input: Record<string, Json>
  expected: Record<string, Json>
  tolerance: number
  tolerance_per_key?: Record<string, number>
}
type Handler = {
  compute: (v: Vector) => Record<string, unknown>
  /** Expected keys (dotted paths) not computed, with the reason. */
  deferred?: Record<string, string>
}

const vectorsPath = sharedPath('data', 'irr', 'vectors.json')
const vectors = JSON.parse(readFileSync(vectorsPath, 'utf8')) as Vector[]
const byId = new Map(vectors.map((v) => [v.id, v]))

// ---------------------------------------------------------------- input formats -> Rating[]

type Cell = Json
const codesOf = (cell: Cell): string[] =>
  cell === null ? [] : Array.isArray(cell) ? cell.map(String) : [String(cell)]

/** Contingency table (rows = rater 'r1', columns = 'r2') expanded into one unit per count. */
function fromContingency(categories: Cell[], table: number[][]): Rating[] {
  const ratings: Rating[] = []
  table.forEach((row, i) =>
    row.forEach((count, j) => {
      for (let c = 0; c < count; c++) {
        const unit = `u${ratings.length / 2}`
        ratings.push({ unit, rater: 'r1', codes: codesOf(categories[i]!) })
        ratings.push({ unit, rater: 'r2', codes: codesOf(categories[j]!) })
      }
    }),
  )
  return ratings
}

/** Coder -> values per unit (null = missing). */
function fromColumns(columns: Record<string, Cell[]>): Rating[] {
  return Object.entries(columns).flatMap(([rater, cells]) =>
    cells.map((cell, u) => ({ unit: `u${u}`, rater, codes: codesOf(cell) })),
  )
}

/** Reliability matrix: coders x units. */
const fromReliabilityMatrix = (data: Cell[][]): Rating[] =>
  fromColumns(Object.fromEntries(data.map((row, c) => [`c${c}`, row])))

/** Subjects x raters. */
const fromSubjectRows = (rows: Cell[][]): Rating[] =>
  rows.flatMap((row, u) =>
    row.map((cell, r) => ({ unit: `u${u}`, rater: `r${r}`, codes: codesOf(cell) })),
  )

/** [coder, unit, label or label set]. */
const fromTriples = (triples: Cell[][]): Rating[] =>
  triples.map(([rater, unit, label]) => ({
    rater: String(rater),
    unit: String(unit),
    codes: codesOf(label!),
  }))

/** An input given as "same as <id>" is that vector's input. */
function inputOf(v: Vector): Record<string, Json> {
  const ref = /^same as (\S+)$/.exec(String(v.input.format))
  if (!ref) return v.input
  const target = byId.get(ref[1]!)
  if (!target) throw new Error(`${v.id}: input refers to unknown vector ${ref[1]}`)
  return inputOf(target)
}

function contingencyRatings(input: Record<string, Json>): Rating[] {
  if (input.format !== 'contingency') {
    throw new Error(`expected a contingency table, got ${input.format}`)
  }
  return fromContingency(input.categories as Cell[], input.table as number[][])
}

// ---------------------------------------------------------------- statistics per vector kind

/** The 2-rater family on one data set (coders r1, r2). */
function twoRaterFamily(ratings: Rating[]) {
  const kappa = cohenKappa(ratings, 'r1', 'r2').value
  const alpha = krippendorffAlpha(ratings).value
  const pi = scottPi(ratings, 'r1', 'r2').value
  const bp = brennanPrediger(ratings).value
  return {
    percent_agreement: percentAgreement(ratings).value,
    avg_Ao: percentAgreement(ratings).value,
    cohen_kappa: kappa,
    scott_pi: pi,
    bennett_S: bp,
    brennan_prediger: bp,
    fleiss_kappa_2raters: fleissKappa(ratings).value,
    krippendorff_alpha: alpha,
    krippendorff_alpha_nominal: alpha,
    gwet_ac1: gwetAc1(ratings).value,
  }
}

function kappaWithInference(ratings: Rating[], weights: KappaWeights, categories?: string[]) {
  return cohenKappa(ratings, 'r1', 'r2', { weights, ...(categories ? { categories } : {}) })
}

function fleissFromInput(input: Record<string, Json>) {
  if (input.format === 'counts') {
    return { result: fleissKappaFromCounts(input.counts as number[][]) }
  }
  if (input.format === 'rater_matrix') {
    const ratings = fromSubjectRows(input.rows as Cell[][])
    const counts = unitCounts(buildRatingTable(ratings))
    const totals = counts.categories.map((_, k) => counts.rows.reduce((s, row) => s + row[k]!, 0))
    return { result: fleissKappa(ratings), totals }
  }
  throw new Error(`fleiss: unknown input format ${input.format}`)
}

function alphaByMetric(ratings: Rating[], metrics: AlphaMetric[]): Record<string, number | null> {
  return Object.fromEntries(
    metrics.map((metric) => [metric, krippendorffAlpha(ratings, { metric }).value]),
  )
}

/** Gwet's multi-rater family with missing data (irrCAC raw functions). */
function multiRaterFamily(ratings: Rating[]) {
  const ac1 = gwetAc1(ratings)
  const fleiss = fleissKappaGeneralized(ratings)
  const family = {
    gwet_ac1: ac1.value,
    pa: ac1.pa,
    ac1_pa: ac1.pa,
    ac1_pe: ac1.pe,
    ac1_se: ac1.se,
    fleiss: fleiss.value,
    fleiss_pe: fleiss.pe,
    krippendorff: krippendorffAlpha(ratings).value,
    conger: congerKappa(ratings).value,
    brennan_prediger: brennanPrediger(ratings).value,
  }
  return { ...family, exact: family }
}

const irrCacDecomposition =
  "irrCAC's own pa/pe split of alpha (pe = sum of squared shares, pa epsilon-corrected) differs " +
  "from Krippendorff's D_o/D_e, which we report; alpha itself is checked"

const gwetFamilyKey =
  'gwet_ac1 + fleiss(generalized) + krippendorff + conger + brennan_prediger, ' +
  'raw ratings with missing data | nominal (unweighted)'

const handlers: Record<string, Handler> = {
  'cohen_kappa | unweighted': {
    compute: (v) => {
      const k = cohenKappa(contingencyRatings(v.input), 'r1', 'r2')
      return { kappa: k.value, po: k.po, pe: k.pe }
    },
  },
  'scott_pi / bennett_S / fleiss_kappa(2 raters) | nominal': {
    compute: (v) => twoRaterFamily(contingencyRatings(inputOf(v))),
  },
  'cohen_kappa | unweighted / linear / quadratic': {
    compute: (v) => {
      const ratings = contingencyRatings(v.input)
      const categories = (v.input.categories as Cell[]).map(String)
      return {
        kappa: kappaWithInference(ratings, 'unweighted', categories).value,
        kappa_linear: kappaWithInference(ratings, 'linear', categories).value,
        kappa_quadratic: kappaWithInference(ratings, 'quadratic', categories).value,
      }
    },
  },
  'cohen_kappa | unweighted + linear-weighted, with asymptotic SE': {
    compute: (v) => {
      const ratings = contingencyRatings(v.input)
      const categories = (v.input.categories as Cell[]).map(String)
      const k = kappaWithInference(ratings, 'unweighted', categories)
      const l = kappaWithInference(ratings, 'linear', categories)
      return {
        kappa: k.value,
        ase: k.se,
        ci95_low: k.ci95?.[0],
        ci95_high: k.ci95?.[1],
        ase_h0: k.seH0,
        z: k.z,
        p_one_sided: k.pOneSided,
        p_two_sided: k.pTwoSided,
        kappa_linear: l.value,
        ase_linear: l.se,
        ci95_low_linear: l.ci95?.[0],
        ci95_high_linear: l.ci95?.[1],
      }
    },
  },
  "cohen_kappa | unweighted / 'equal' (linear) / 'squared' (quadratic) as in R irr::kappa2": {
    compute: (v) => {
      if (v.input.format !== 'pairs') throw new Error(`unexpected format ${v.input.format}`)
      const ratings = fromColumns({ r1: v.input.rater1 as Cell[], r2: v.input.rater2 as Cell[] })
      // Default categories = observed levels sorted, so weights go by rank as in irr.
      const k = kappaWithInference(ratings, 'unweighted')
      return {
        kappa: k.value,
        kappa_equal: kappaWithInference(ratings, 'linear').value,
        kappa_squared: kappaWithInference(ratings, 'quadratic').value,
        z_unweighted: k.z,
        p_unweighted: k.pTwoSided,
      }
    },
  },
  '2-rater coefficient family from a contingency table | nominal': {
    compute: (v) => {
      const tables = v.input.tables as Record<string, { categories: Cell[]; table: number[][] }>
      return Object.fromEntries(
        Object.entries(tables).map(([name, t]) => [
          name,
          twoRaterFamily(fromContingency(t.categories, t.table)),
        ]),
      )
    },
  },
  'fleiss_kappa | nominal, complete data': {
    compute: (v) => {
      const { result, totals } = fleissFromInput(v.input)
      return {
        kappa: result.value,
        P_bar: result.pa,
        P_e: result.pe,
        P_i: result.pI,
        p_j: result.pJ,
        z: result.z,
        category_totals: totals,
      }
    },
  },
  'krippendorff_alpha | nominal / ordinal / interval / ratio, missing data': {
    compute: (v) => {
      const ratings = fromReliabilityMatrix(v.input.data as Cell[][])
      const nominal = krippendorffAlpha(ratings)
      return {
        ...alphaByMetric(ratings, ['nominal', 'ordinal', 'interval', 'ratio']),
        pairable_values_n: nominal.pairableValues,
        value_marginals: Object.fromEntries(
          nominal.categories.map((c, i) => [c, nominal.marginals[i]]),
        ),
        coincidence_matrix_nominal: nominal.coincidence,
      }
    },
  },
  'krippendorff_alpha | nominal / interval, missing data': {
    compute: (v) =>
      alphaByMetric(fromReliabilityMatrix(v.input.data as Cell[][]), ['nominal', 'interval']),
  },
  'krippendorff_alpha | nominal, strings, missing': {
    compute: (v) => alphaByMetric(fromReliabilityMatrix(v.input.data as Cell[][]), ['nominal']),
  },
  'krippendorff_alpha | nominal, negative value, unpairable rating': {
    compute: (v) => alphaByMetric(fromTriples(v.input.data as Cell[][]), ['nominal']),
  },
  'krippendorff_alpha | nominal, 2 coders': {
    compute: (v) => {
      const cases = v.input.cases as Record<string, Cell[][]>
      return Object.fromEntries(
        Object.entries(cases).map(([name, triples]) => [
          name,
          krippendorffAlpha(fromTriples(triples)).value,
        ]),
      )
    },
  },
  'krippendorff_alpha | multi-label sets with MASI / Jaccard distance': {
    compute: (v) => {
      const a = alphaByMetric(fromTriples(v.input.data as Cell[][]), [
        'nominal',
        'masi',
        'masi-nltk',
        'jaccard',
      ])
      return {
        binary_distance: a.nominal,
        masi_distance_nltk: a['masi-nltk'],
        masi_distance_exact_fractions: a.masi,
        jaccard_distance: a.jaccard,
      }
    },
  },
  'masi_distance / jaccard_distance | set distance unit values': {
    compute: (v) => {
      const pairs = (v.input.pairs as Cell[][]).map(([a, b]) => [codesOf(a!), codesOf(b!)] as const)
      return {
        masi_nltk: pairs.map(([a, b]) => masiDistance(a, b, 'nltk')),
        masi_exact_fractions: pairs.map(([a, b]) => masiDistance(a, b)),
        jaccard: pairs.map(([a, b]) => jaccardDistance(a, b)),
        binary: pairs.map(([a, b]) => (sameCodes(a, b) ? 0 : 1)),
      }
    },
  },
  [gwetFamilyKey]: {
    compute: (v) => {
      const datasets = v.input.datasets as Record<string, Record<string, Cell[]>>
      return Object.fromEntries(
        Object.entries(datasets).map(([name, columns]) => [
          name,
          multiRaterFamily(fromColumns(columns)),
        ]),
      )
    },
    deferred: {
      'raw_4raters.kripp_pa': irrCacDecomposition,
      'raw_4raters.kripp_pe': irrCacDecomposition,
    },
  },
}

// ---------------------------------------------------------------- comparison

const handlerKey = (v: Vector) => `${v.metric} | ${v.variant}`

/** Dotted paths of the numeric/string leaves of an expected value (array indices excluded). */
function compare(
  v: Vector,
  expected: unknown,
  actual: unknown,
  path: string,
  deferred: Record<string, string>,
  failures: string[],
): void {
  if (path in deferred) return
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      failures.push(`${path}: expected ${expected.length} items, got ${JSON.stringify(actual)}`)
      return
    }
    expected.forEach((e, i) => compare(v, e, actual[i], path, deferred, failures))
    return
  }
  if (expected !== null && typeof expected === 'object') {
    for (const [key, e] of Object.entries(expected)) {
      compare(v, e, child(actual, key), path ? `${path}.${key}` : key, deferred, failures)
    }
    return
  }
  if (typeof expected === 'number') {
    const leaf = path.split('.').at(-1)!
    const tolerance = v.tolerance_per_key?.[path] ?? v.tolerance_per_key?.[leaf] ?? v.tolerance
    if (typeof actual !== 'number' || !(Math.abs(actual - expected) <= tolerance + 1e-12)) {
      failures.push(`${path}: expected ${expected} ± ${tolerance}, got ${String(actual)}`)
    }
    return
  }
  if (actual !== expected) {
    failures.push(`${path}: expected ${String(expected)}, got ${String(actual)}`)
  }
}

function child(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object'
    ? (value as Record<string, unknown>)[key]
    : undefined
}

describe('reference vectors (shared/data/irr/vectors.json)', () => {
  it('the file holds vectors', () => {
    expect(vectors.length).toBeGreaterThan(0)
  })

  it.each(vectors)('$id', (v) => {
    const handler = handlers[handlerKey(v)]
    if (!handler) {
      const what = `metric/variant "${handlerKey(v)}"`
      throw new Error(`${v.id}: no handler for ${what}; add one (or defer its keys)`)
    }
    const deferred = handler.deferred ?? {}
    const failures: string[] = []
    compare(v, v.expected, handler.compute(v), '', deferred, failures)
    expect(failures).toEqual([])
    // A deferral must name a key the vector really has, or it is stale.
    for (const path of Object.keys(deferred)) {
      const exists = path.split('.').reduce<unknown>(child, v.expected)
      expect(exists, `${v.id}: deferred key ${path} is not in the vector`).not.toBeUndefined()
    }
  })

  const deferredKeys = vectors.flatMap((v) =>
    Object.entries(handlers[handlerKey(v)]?.deferred ?? {}).map(
      ([key, why]) => `${v.id} ${key} (${why})`,
    ),
  )
  it.todo(`deferred vector keys, not asserted: ${deferredKeys.join('; ')}`)
})

// ---------------------------------------------------------------- checks from the vectors' notes

describe('claims in the vectors notes', () => {
  it('CK-1: kappa is symmetric in the two raters', () => {
    const ratings = contingencyRatings(byId.get('CK-1')!.input)
    const forward = cohenKappa(ratings, 'r1', 'r2').value!
    expect(cohenKappa(ratings, 'r2', 'r1').value).toBeCloseTo(forward, 12)
  })

  it('KA-2: per-unit value counts give the same alpha as the reliability matrix', () => {
    const v = byId.get('KA-2')!
    const rows = v.input.value_counts_equivalent as number[][]
    const alpha = krippendorffAlphaFromCounts({ categories: ['1', '2', '3', '4'], rows })
    expect(alpha.value).toBeCloseTo(v.expected.nominal as number, 6)
    expect(alpha.value).toBeCloseTo(56 / 81, 12)
  })

  it('KA-4: dropping the lone unpairable rating leaves alpha unchanged', () => {
    const ratings = fromTriples(byId.get('KA-4')!.input.data as Cell[][])
    const without = ratings.filter((r) => r.unit !== 'dress3')
    expect(krippendorffAlpha(without).value).toBeCloseTo(krippendorffAlpha(ratings).value!, 12)
    expect(krippendorffAlpha(ratings).droppedUnits).toBe(1)
  })

  it('KA-6: per-label decomposition gives dog 1, cat 1, mouse 0 (alpha and kappa)', () => {
    const ratings = fromTriples(byId.get('KA-6')!.input.data as Cell[][])
    const perCode = Object.fromEntries(perCodeAgreement(ratings).map((c) => [c.code, c]))
    for (const [code, value] of [['dog', 1], ['cat', 1], ['mouse', 0]] as const) {
      expect(perCode[code]!.krippendorffAlpha).toBeCloseTo(value, 12)
      expect(perCode[code]!.cohenKappaMean).toBeCloseTo(value, 12)
    }
  })

  it('KA-6: the report pins exact MASI weights (Passonneau), not NLTK rounding', () => {
    const v = byId.get('KA-6')!
    const report = agreementReport(fromTriples(v.input.data as Cell[][]), { bootstrapResamples: 0 })
    expect(report.alpha_weighting).toBe('masi')
    const exact = v.expected.masi_distance_exact_fractions as number
    expect(report.krippendorff_alpha).toBeCloseTo(exact, 12)
  })

  it('irrCAC raw_4raters docstring: Fleiss (generalized) se 0.15302, AC1 se 0.14295', () => {
    const v = byId.get('GW-1')!
    const columns = (v.input.datasets as Record<string, Record<string, Cell[]>>).raw_4raters!
    expect(fleissKappaGeneralized(fromColumns(columns)).se).toBeCloseTo(0.15302, 5)
    expect(gwetAc1(fromColumns(columns)).se).toBeCloseTo(0.14295, 5)
  })
})

// ---------------------------------------------------------------- the study's own data

type Study = { file: string; columns: [string, string, string] }
const studies: Record<'GH' | 'HF', Study> = {
  GH: {
    file: 'GH_160_with_labels.csv',
    columns: ['manual_categories', 'oussama_categories', 'automatic'],
  },
  HF: {
    file: 'HF_160_with_labels.reduced.csv',
    columns: ['manual_classification', 'oussama_classification', 'automatic_classification'],
  },
}
const coderNames = ['coder1', 'coder2', 'llm'] as const

/** Reads a study CSV with a plain split, after checking that is safe (no quotes, fixed width). */
function studyRatings({ file, columns }: Study): Rating[] {
  const text = readFileSync(sharedPath('data', 'paper', file), 'utf8')
  expect(text.includes('"'), `${file} has quotes: a plain split would be wrong`).toBe(false)
  const lines = text.split(/\r?\n/).filter((l) => l !== '')
  const header = lines[0]!.split(';')
  const rows = lines.slice(1).map((l) => l.split(';'))
  expect(rows.every((r) => r.length === header.length), `${file} has ragged rows`).toBe(true)
  expect(rows).toHaveLength(160)
  const index = columns.map((c) => header.indexOf(c))
  expect(index.every((i) => i >= 0)).toBe(true)
  return rows.flatMap((row, u) =>
    index.map((i, c) => ({
      unit: `row${u + 1}`,
      rater: coderNames[c]!,
      codes: [row[i]!.replaceAll('_', ' ')],
    })),
  )
}

describe("the study's coded commits (paper replication package)", () => {
  const cases = [
    ['GH', [0.814, 0.685, 0.853]],
    ['HF', [0.944, 0.842, 0.889]],
  ] as const

  it.each(cases)('%s: Cohen kappa per coder pair to 3 decimals', (name, expected) => {
    const ratings = studyRatings(studies[name])
    const pairs = [['coder1', 'coder2'], ['coder1', 'llm'], ['coder2', 'llm']] as const
    pairs.forEach(([a, b], i) => {
      expect(Number(cohenKappa(ratings, a, b).value!.toFixed(3))).toBe(expected[i])
    })
    const report = agreementReport(ratings, { bootstrapResamples: 200 })
    expect(report.units).toBe(160)
    expect(report.coders).toEqual(['coder1', 'coder2', 'llm'])
    expect(report.pairwise.map((p) => Number(p.cohen_kappa!.toFixed(3)))).toEqual([...expected])
    expect(report.pairwise.every((p) => p.n === 160)).toBe(true)
  })
})

// ---------------------------------------------------------------- the report and its edge cases

const r = (unit: string, rater: string, ...codes: string[]): Rating => ({ unit, rater, codes })

describe('agreementReport', () => {
  const ratings = [
    r('c1', 'a', 'bug'),
    r('c1', 'b', 'bug'),
    r('c1', 'llm', 'bug'),
    r('c2', 'a', 'docs'),
    r('c2', 'b', 'docs', 'bug'),
    r('c2', 'llm', 'docs'),
    r('c3', 'a', 'test'),
    r('c3', 'b', 'test'),
    r('c4', 'a', 'docs'),
    r('c4', 'b', 'bug'),
    r('c4', 'llm', 'docs'),
    r('c5', 'llm', 'test'),
  ]

  it('has the CLI shape: snake_case keys, sorted coders, ordered pairs', () => {
    const report = agreementReport(ratings, { bootstrapResamples: 100, seed: 3 })
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining([
        'units',
        'coders',
        'categories',
        'percent_agreement',
        'pairwise',
        'fleiss_kappa',
        'krippendorff_alpha',
        'krippendorff_alpha_ci95',
        'alpha_weighting',
        'gwet_ac1',
        'per_code',
        'notes',
      ]),
    )
    expect(report.units).toBe(5)
    expect(report.coders).toEqual(['a', 'b', 'llm'])
    expect(report.categories).toBe(3)
    expect(report.pairwise.map((p) => p.coders)).toEqual([
      ['a', 'b'],
      ['a', 'llm'],
      ['b', 'llm'],
    ])
    expect(report.pairwise[0]!.n).toBe(4)
    expect(report.multi_label).toBe(true)
    expect(report.alpha_weighting).toBe('masi')
    expect(report.per_code.map((c) => c.code)).toEqual(['bug', 'docs', 'test'])
  })

  it('pools rating pairs for the top-level percent agreement', () => {
    // Pairs: c1 3/3 agree, c2 1/3, c3 1/1, c4 1/3 -> 6 of 10.
    const report = agreementReport(ratings, { bootstrapResamples: 0 })
    expect(report.percent_agreement).toBeCloseTo(0.6, 12)
  })

  it('nulls Fleiss with a note when units have different numbers of ratings', () => {
    const report = agreementReport(ratings, { bootstrapResamples: 0 })
    expect(report.fleiss_kappa).toBeNull()
    expect(report.fleiss_kappa_generalized).not.toBeNull()
    const note = report.notes.find((n) => n.startsWith('fleiss_kappa:'))
    expect(note).toContain('same number of ratings per unit')
  })

  it('explains the multi-label convention and the dropped unpairable unit', () => {
    const notes = agreementReport(ratings, { bootstrapResamples: 0 }).notes.join('\n')
    expect(notes).toContain('one category')
    expect(notes).toContain('MASI')
    expect(notes).toContain('1 unit(s) with a single rating')
  })

  it('multiLabel set-as-category gives nominal alpha over code sets', () => {
    const options = { multiLabel: 'set-as-category', bootstrapResamples: 0 } as const
    const report = agreementReport(ratings, options)
    expect(report.alpha_weighting).toBe('nominal')
    expect(report.krippendorff_alpha).toBeCloseTo(krippendorffAlpha(ratings).value!, 12)
  })

  it('coders restricts the analysis', () => {
    const report = agreementReport(ratings, { coders: ['a', 'llm'], bootstrapResamples: 0 })
    expect(report.coders).toEqual(['a', 'llm'])
    expect(report.pairwise).toHaveLength(1)
    expect(report.pairwise[0]!.n).toBe(3)
  })

  it('lists disagreements with every coder’s codes', () => {
    expect(disagreements(ratings)).toEqual([
      { unit: 'c2', codes: { a: ['docs'], b: ['bug', 'docs'], llm: ['docs'] } },
      { unit: 'c4', codes: { a: ['docs'], b: ['bug'], llm: ['docs'] } },
    ])
  })

  it('builds confusion matrices over units both coders rated, labels sorted', () => {
    const m = confusionMatrix(ratings, 'b', 'a')
    expect(m.labels).toEqual(['bug', 'bug + docs', 'docs', 'test'])
    expect(m.n).toBe(4)
    // Rows are the first coder asked for (b), whatever the name order.
    expect(m.matrix[0]).toEqual([1, 0, 1, 0])
    expect(m.matrix[1]).toEqual([0, 0, 1, 0])
  })

  it('bootstrap interval is reproducible for a seed and brackets alpha', () => {
    const many = Array.from({ length: 40 }, (_, u) => [
      r(`u${u}`, 'a', `k${u % 3}`),
      r(`u${u}`, 'b', u % 5 === 0 ? 'k0' : `k${u % 3}`),
    ]).flat()
    const one = agreementReport(many, { seed: 11, bootstrapResamples: 300 })
    const two = agreementReport(many, { seed: 11, bootstrapResamples: 300 })
    const other = agreementReport(many, { seed: 12, bootstrapResamples: 300 })
    expect(one.krippendorff_alpha_ci95).toEqual(two.krippendorff_alpha_ci95)
    expect(other.krippendorff_alpha_ci95).not.toEqual(one.krippendorff_alpha_ci95)
    const [lo, hi] = one.krippendorff_alpha_ci95!
    expect(lo).toBeLessThanOrEqual(one.krippendorff_alpha!)
    expect(hi).toBeGreaterThanOrEqual(one.krippendorff_alpha!)
    expect(one.bootstrap).toEqual({ resamples: 300, valid: 300, seed: 11 })
  })

  it('digits rounds statistics but not counts', () => {
    const report = agreementReport(ratings, { digits: 3, bootstrapResamples: 0 })
    expect(report.percent_agreement).toBe(0.6)
    const alpha = report.krippendorff_alpha!
    expect(Number(alpha.toFixed(3))).toBe(alpha)
    expect(report.units).toBe(5)
  })

  it('every rating identical: kappa, alpha, Fleiss, AC1 are null with reasons, never 1.0', () => {
    const same = ['u1', 'u2', 'u3'].flatMap((u) => ['a', 'b', 'llm'].map((c) => r(u, c, 'x')))
    const report = agreementReport(same)
    expect(report.percent_agreement).toBe(1)
    for (const p of report.pairwise) {
      expect(p.cohen_kappa).toBeNull()
      expect(p.percent_agreement).toBe(1)
    }
    expect(report.fleiss_kappa).toBeNull()
    expect(report.krippendorff_alpha).toBeNull()
    expect(report.krippendorff_alpha_ci95).toBeNull()
    expect(report.gwet_ac1).toBeNull()
    const notes = report.notes.join('\n')
    expect(notes).toContain('expected agreement is 1')
    expect(notes).toContain('expected disagreement is 0')
    expect(notes).toContain('gwet_ac1: only one category')
  })

  it('no pairable units: everything null, with notes', () => {
    const report = agreementReport([r('u1', 'a', 'x'), r('u2', 'b', 'y')])
    expect(report.percent_agreement).toBeNull()
    expect(report.pairwise[0]!.n).toBe(0)
    expect(report.krippendorff_alpha).toBeNull()
    expect(report.notes.length).toBeGreaterThan(0)
  })

  it('empty code sets are missing ratings', () => {
    const ratings = [r('u1', 'a', 'x'), r('u1', 'b'), r('u2', 'a', 'x'), r('u2', 'b', 'x')]
    const report = agreementReport(ratings, { bootstrapResamples: 0 })
    expect(report.units).toBe(2)
    expect(report.pairwise[0]!.n).toBe(1)
  })
})
