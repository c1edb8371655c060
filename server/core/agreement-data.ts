/**
 * @module Agreement data model: ratings (unit x rater -> code set) normalized into a table (built
 * from the interned index the statistics use), its rating pairs, and unit x category counts,
 * as rows or as a compressed CountMatrix.
 */
import type { RatingIndex } from './agreement-index'
import { categoryView, indexRatings, viewCounts } from './agreement-index'

export { categoryOf, compareLabels, sameCodes, SET_SEPARATOR, sortLabels } from './agreement-labels'

/** One rater's codes for one unit; codes: one or more (multi-label). */
export type Rating = { unit: string; rater: string; codes: readonly string[] }

/**
 * Ratings normalized: codes deduplicated and sorted, empty code sets dropped (= missing), several
 * ratings of the same (unit, rater) merged into one set.
 */
export type RatingTable = {
  /** Units with at least one rating, in label order. */
  readonly units: readonly string[]
  /** Coders in label order (those asked for, or every rater seen). */
  readonly coders: readonly string[]
  /** Distinct codes, in label order. */
  readonly codes: readonly string[]
  /** unit -> coder -> sorted distinct codes (never empty). */
  readonly cells: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>
}

/** Counts of ratings per unit and category: the input of Fleiss, Gwet and Krippendorff. */
export type UnitCounts = {
  /** Category labels, in the order the ordinal metric and weights use. */
  readonly categories: readonly string[]
  /** rows[u][k]: how many coders put unit u in category k. */
  readonly rows: readonly (readonly number[])[]
  /** The code set behind each category (for set distances); singletons when absent. */
  readonly sets?: readonly (readonly string[])[]
}

/** Two ratings of the same unit by two coders (coders in label order). */
export type RatingPair = {
  readonly unit: string
  readonly coders: readonly [string, string]
  readonly codes: readonly [readonly string[], readonly string[]]
}

/**
 * Unit x category counts kept by their non-zero entries (compressed rows): what the count-based
 * statistics read, so a pass costs O(entries), at most one per rating, not O(units x categories).
 */
export type CountMatrix = {
  readonly units: number
  /** Categories (columns). */
  readonly q: number
  /** Unit u's entries are start[u] .. start[u + 1] - 1, in column order. */
  readonly start: Int32Array
  readonly column: Int32Array
  /** The (non-zero) count of each entry. */
  readonly count: Float64Array
}

/** UnitCounts as a CountMatrix (q = categories.length). */
export type UnitMatrix = CountMatrix & Omit<UnitCounts, 'rows'>

// The index behind each table built here, so counting a table does not intern it again.
const tableIndex = new WeakMap<RatingTable, RatingIndex>()

/**
 * Normalises ratings; `coders` restricts (and fixes) the coder list.
 * @example buildRatingTable([{ unit: 'u1', rater: 'a', codes: ['x'] }]).units // ['u1']
 */
export function buildRatingTable(
  ratings: readonly Rating[],
  coders?: readonly string[],
): RatingTable {
  const index = indexRatings(ratings, coders)
  const cells = new Map<string, ReadonlyMap<string, readonly string[]>>()
  index.units.forEach((unit, u) => {
    const row = new Map<string, readonly string[]>()
    for (let cell = index.start[u]!; cell < index.start[u + 1]!; cell++) {
      row.set(index.coders[index.cellCoder[cell]!]!, index.sets[index.cellSet[cell]!]!)
    }
    cells.set(unit, row)
  })
  const table = { units: index.units, coders: index.coders, codes: index.codes, cells }
  tableIndex.set(table, index)
  return table
}

/**
 * Unordered coder pairs in label order.
 * @example coderPairs(['a', 'b', 'c']) // [['a','b'], ['a','c'], ['b','c']]
 */
export function coderPairs(coders: readonly string[]): [string, string][] {
  const pairs: [string, string][] = []
  for (let i = 0; i < coders.length; i++) {
    for (let j = i + 1; j < coders.length; j++) pairs.push([coders[i]!, coders[j]!])
  }
  return pairs
}

/**
 * Every pairable pair of ratings: for each unit, each unordered pair of coders who both rated it.
 * The pairs percent agreement, the pairwise statistics and disagreements are about (they tally
 * them from the index).
 */
export function ratingPairs(table: RatingTable): RatingPair[] {
  const pairs: RatingPair[] = []
  for (const [unit, row] of table.cells) {
    const coders = [...row.keys()]
    for (const [a, b] of coderPairs(coders)) {
      pairs.push({ unit, coders: [a, b], codes: [row.get(a)!, row.get(b)!] })
    }
  }
  return pairs
}

/**
 * Unit x category counts, one row per unit with at least one rating. Each code set counts as one
 * category; `categories` fixes the column order (and may add unused categories).
 * @example unitCounts(table).rows[0] // [2, 1]: two coders chose the first category, one the second
 */
export function unitCounts(table: RatingTable, categories?: readonly string[]): UnitCounts {
  const index = tableIndex.get(table) ?? indexRatings(ratingsOf(table), table.coders)
  const counts = viewCounts(index, categoryView(index, categories))
  const rows = Array.from({ length: counts.units }, (_, u) => {
    const row = new Array<number>(counts.q).fill(0)
    for (let e = counts.start[u]!; e < counts.start[u + 1]!; e++) {
      row[counts.column[e]!] = counts.count[e]!
    }
    return row
  })
  return { categories: counts.categories, rows, sets: counts.sets ?? [] }
}

/** A table's cells back as ratings. */
function ratingsOf(table: RatingTable): Rating[] {
  return [...table.cells].flatMap(([unit, row]) =>
    [...row].map(([rater, codes]) => ({ unit, rater, codes })),
  )
}

/** Rows of counts as a CountMatrix; every row must have q entries. */
export function countMatrix(rows: readonly (readonly number[])[], q = rows[0]?.length ?? 0) {
  const start = new Int32Array(rows.length + 1)
  rows.forEach((row, u) => {
    if (row.length !== q) throw new Error(`count row ${u} has ${row.length} entries, not ${q}`)
    start[u + 1] = start[u]! + row.filter((n) => n !== 0).length
  })
  const column = new Int32Array(start[rows.length]!)
  const count = new Float64Array(column.length)
  rows.forEach((row, u) => {
    let entry = start[u]!
    row.forEach((n, k) => {
      if (n === 0) return
      column[entry] = k
      count[entry++] = n
    })
  })
  return { units: rows.length, q, start, column, count } satisfies CountMatrix
}

/** Counts as a CountMatrix, converting rows once. */
export function asCountMatrix(counts: readonly (readonly number[])[] | CountMatrix): CountMatrix {
  return 'start' in counts ? counts : countMatrix(counts)
}

/** UnitCounts as a UnitMatrix, converting rows once. */
export function asUnitMatrix(counts: UnitCounts | UnitMatrix): UnitMatrix {
  if (!('rows' in counts)) return counts
  const { rows, ...labels } = counts
  return { ...countMatrix(rows, labels.categories.length), ...labels }
}

/** Each (unit, rater) as present/absent for one code: the per-code binary view. */
export function presenceRatings(table: RatingTable, code: string): Rating[] {
  const ratings: Rating[] = []
  for (const [unit, row] of table.cells) {
    for (const [rater, codes] of row) {
      ratings.push({ unit, rater, codes: [codes.includes(code) ? 'present' : 'absent'] })
    }
  }
  return ratings
}
