/**
 * @module Agreement data model: ratings (unit x rater -> code set) normalized into a table, the
 * one pair enumeration every pair-based statistic uses, and unit x category counts.
 */

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

/** Joins the codes of a multi-label set into one category label. */
export const SET_SEPARATOR = ' + '

const numeric = /^-?\d+(\.\d+)?$/

/**
 * Deterministic, locale-free label order: numbers by value, then everything else by code unit.
 * @example ['10', '2', 'b', 'a'].sort(compareLabels) // ['2', '10', 'a', 'b']
 */
export function compareLabels(a: string, b: string): number {
  const an = numeric.test(a)
  const bn = numeric.test(b)
  if (an && bn && Number(a) !== Number(b)) return Number(a) - Number(b)
  if (an !== bn) return an ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

/** Distinct labels in label order. */
export function sortLabels(labels: Iterable<string>): string[] {
  return [...new Set(labels)].sort(compareLabels)
}

/**
 * The single category a code set stands for when a statistic needs one value per rating
 * (Cohen, Fleiss, Gwet, nominal alpha, confusion matrices): the sorted codes, joined.
 * @example categoryOf(['b', 'a']) // 'a + b'
 */
export function categoryOf(codes: readonly string[]): string {
  return sortLabels(codes).join(SET_SEPARATOR)
}

/** True when both code sets hold the same codes. */
export function sameCodes(a: readonly string[], b: readonly string[]): boolean {
  return categoryOf(a) === categoryOf(b)
}

/**
 * Normalises ratings; `coders` restricts (and fixes) the coder list.
 * @example buildRatingTable([{ unit: 'u1', rater: 'a', codes: ['x'] }]).units // ['u1']
 */
export function buildRatingTable(
  ratings: readonly Rating[],
  coders?: readonly string[],
): RatingTable {
  const wanted = coders ? new Set(coders) : null
  const merged = new Map<string, Map<string, Set<string>>>()
  for (const { unit, rater, codes } of ratings) {
    if (wanted && !wanted.has(rater)) continue
    // Empty strings are no code: a rating that only holds them is missing.
    const kept = codes.filter((c) => c !== '')
    if (kept.length === 0) continue
    const byCoder = merged.get(unit) ?? new Map<string, Set<string>>()
    merged.set(unit, byCoder)
    const set = byCoder.get(rater) ?? new Set<string>()
    byCoder.set(rater, set)
    for (const c of kept) set.add(c)
  }
  const cells = new Map<string, Map<string, readonly string[]>>()
  const allCoders = new Set<string>(coders ?? [])
  const allCodes = new Set<string>()
  for (const unit of sortLabels(merged.keys())) {
    const byCoder = merged.get(unit)!
    const row = new Map<string, readonly string[]>()
    for (const coder of sortLabels(byCoder.keys())) {
      const codes = sortLabels(byCoder.get(coder)!)
      row.set(coder, codes)
      allCoders.add(coder)
      for (const c of codes) allCodes.add(c)
    }
    cells.set(unit, row)
  }
  return {
    units: [...cells.keys()],
    coders: sortLabels(allCoders),
    codes: sortLabels(allCodes),
    cells,
  }
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
 * The one enumeration behind percent agreement, pairwise statistics and disagreements.
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
  const setsByCategory = new Map<string, readonly string[]>()
  for (const row of table.cells.values()) {
    for (const codes of row.values()) setsByCategory.set(categoryOf(codes), codes)
  }
  const order = categories ? [...categories] : sortLabels(setsByCategory.keys())
  const missing = [...setsByCategory.keys()].filter((c) => !order.includes(c))
  if (missing.length > 0) throw new Error(`categories not in the given list: ${missing.join(', ')}`)
  const index = new Map(order.map((c, i) => [c, i]))
  const rows = [...table.cells.values()].map((row) => {
    const counts = order.map(() => 0)
    for (const codes of row.values()) counts[index.get(categoryOf(codes))!]! += 1
    return counts
  })
  const sets = order.map((c) => setsByCategory.get(c) ?? [c])
  return { categories: order, rows, sets }
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
