/**
 * @module Ratings interned once into integer indices, so that a statistic is a pass over typed
 * arrays instead of string maps, joins and re-sorts per comparison: units, coders and codes in
 * label order, and for each rated (unit, coder) cell the id of its distinct code set. Views turn
 * code sets into the values a statistic compares (set-level categories, or presence of one code).
 * Unit counts and pair co-ratings are tallied once per index by code set; a view's counts and
 * tables are those with the sets merged by value, so another view costs no pass over the ratings.
 */
import type { CountMatrix, Rating, UnitMatrix } from './agreement-data'
import { categoryOf, rankLabels, SET_SEPARATOR, sortLabels } from './agreement-labels'

/** Normalized ratings, as RatingTable, in integer form. */
export type RatingIndex = {
  /** Units with at least one rating, in label order. */
  readonly units: readonly string[]
  /** Coders in label order (those asked for, or every rater seen). */
  readonly coders: readonly string[]
  /** Distinct codes, in label order. */
  readonly codes: readonly string[]
  /** Distinct code sets, each sorted in label order; sets[s] is code set s. */
  readonly sets: readonly (readonly string[])[]
  /** Unit u's rated cells are start[u] .. start[u + 1] - 1, in coder order. */
  readonly start: Int32Array
  /** Per cell: its coder (index into coders) and its code set (index into sets). */
  readonly cellCoder: Int32Array
  readonly cellSet: Int32Array
}

/**
 * What a statistic compares in each rated cell: one of `labels` (in label order unless `fixed`),
 * chosen by the cell's code set. `fixed` labels are a caller's list and are all kept; otherwise
 * labels no cell takes are left out of counts, as they would never have been seen.
 */
export type CellView = {
  readonly labels: readonly string[]
  /** The value of each code set (index into labels); -1 when its label is not in a fixed list. */
  readonly valueOfSet: Int32Array
  /** The code set behind each label (for set distances). */
  readonly sets: readonly (readonly string[])[]
  readonly fixed: boolean
}

/** Gives each distinct label an id, in order of first appearance. */
class Interner {
  readonly labels: string[] = []
  private readonly ids = new Map<string, number>()

  constructor(seed: Iterable<string> = []) {
    for (const label of seed) this.id(label)
  }

  id(label: string): number {
    const known = this.ids.get(label)
    if (known !== undefined) return known
    this.ids.set(label, this.labels.length)
    return this.labels.push(label) - 1
  }
}

type Interned = {
  /**
   * Runs of consecutive kept ratings of one unit: the unit, and run r's ratings, runStart[r] to
   * runStart[r + 1] - 1 (a unit whose ratings are scattered over the input has several runs).
   */
  runs: string[]
  runStart: Int32Array
  raters: string[]
  codes: string[]
  /** Per kept rating: its rater id, and its codes codeIds[codeStart[i]] .. [i + 1] - 1. */
  raterOf: Int32Array
  codeStart: Int32Array
  codeIds: Int32Array
}

/**
 * First pass: ids for raters and codes (small maps), and the ratings that carry a code, as ids.
 * Units, by far the most numerous labels, are not looked up in a map: ratings mostly come grouped
 * by unit, so each run of one unit is noted once and the runs are ranked by one sort, which also
 * gives the label order.
 */
function intern(ratings: readonly Rating[], coders?: readonly string[]): Interned {
  const wanted = coders ? new Set(coders) : null
  // Coders asked for are listed even when they rated nothing.
  const raters = new Interner(coders)
  const codes = new Interner()
  const runs: string[] = []
  const runStart = new Int32Array(ratings.length + 1)
  const raterOf = new Int32Array(ratings.length)
  const codeStart = new Int32Array(ratings.length + 1)
  let codeIds: Int32Array = new Int32Array(ratings.length + 8)
  let ids = 0
  let kept = 0
  for (const { unit, rater, codes: given } of ratings) {
    if (wanted && !wanted.has(rater)) continue
    // Empty strings are no code: a rating that only holds them is missing.
    for (const code of given) {
      if (code === '') continue
      if (ids === codeIds.length) codeIds = grown(codeIds)
      codeIds[ids++] = codes.id(code)
    }
    if (ids === codeStart[kept]) continue
    if (unit !== runs[runs.length - 1]) runStart[runs.push(unit) - 1] = kept
    raterOf[kept] = raters.id(rater)
    codeStart[++kept] = ids
  }
  runStart[runs.length] = kept
  return {
    runs,
    runStart: runStart.subarray(0, runs.length + 1),
    raters: raters.labels,
    codes: codes.labels,
    raterOf: raterOf.subarray(0, kept),
    codeStart: codeStart.subarray(0, kept + 1),
    codeIds: codeIds.subarray(0, ids),
  }
}

function grown(xs: Int32Array): Int32Array {
  const bigger = new Int32Array(xs.length * 2)
  bigger.set(xs)
  return bigger
}

/**
 * Stable counting sort of 0 .. key.length - 1 by key[i], an integer in [0, buckets).
 * @example bucketSort(Int32Array.of(1, 0, 1), 2) // [1, 0, 2]
 */
function bucketSort(key: Int32Array, buckets: number): Int32Array {
  const next = new Int32Array(buckets + 1)
  for (let i = 0; i < key.length; i++) next[key[i]! + 1]! += 1
  for (let b = 0; b < buckets; b++) next[b + 1]! += next[b]!
  const sorted = new Int32Array(key.length)
  for (let i = 0; i < key.length; i++) sorted[next[key[i]!]!++] = i
  return sorted
}

/**
 * Interns ratings: codes deduplicated and sorted, empty code sets dropped (= missing), several
 * ratings of one (unit, rater) merged into one set; `coders` restricts (and fixes) the coder list.
 * @example indexRatings([{ unit: 'u1', rater: 'a', codes: ['x'] }]).sets // [['x']]
 */
export function indexRatings(ratings: readonly Rating[], coders?: readonly string[]): RatingIndex {
  const interned = intern(ratings, coders)
  const { runStart, raterOf, codeStart, codeIds } = interned
  const units = rankLabels(interned.runs)
  const coderOrder = rankLabels(interned.raters)
  const codeOrder = rankLabels(interned.codes)
  const coderRank = coderOrder.ranks
  const codeRank = codeOrder.ranks
  const sortedCodes = codeOrder.sorted

  const sets: string[][] = []
  const setIds = new Map<string, number>()
  const setOf = (ranks: readonly number[]): number => {
    const key = ranks.join(',')
    const known = setIds.get(key)
    if (known !== undefined) return known
    setIds.set(key, sets.length)
    return sets.push(ranks.map((r) => sortedCodes[r]!)) - 1
  }
  // Most cells hold one code: their set is looked up by the code's rank, with no key to build.
  const singletons = new Int32Array(sortedCodes.length).fill(-1)
  const singleton = (rank: number): number => {
    if (singletons[rank]! < 0) singletons[rank] = setOf([rank])
    return singletons[rank]!
  }
  /** The set of ratings group[from] .. group[to - 1] (one coder's ratings of one unit). */
  const setOfRatings = (group: readonly number[], from: number, to: number): number => {
    const first = group[from]!
    if (to - from === 1 && codeStart[first + 1]! - codeStart[first]! === 1) {
      return singleton(codeRank[codeIds[codeStart[first]!]!]!)
    }
    const ranks = new Set<number>()
    for (const i of group.slice(from, to)) {
      for (let c = codeStart[i]!; c < codeStart[i + 1]!; c++) ranks.add(codeRank[codeIds[c]!]!)
    }
    const sorted = [...ranks].sort((a, b) => a - b)
    return sorted.length === 1 ? singleton(sorted[0]!) : setOf(sorted)
  }

  const unitCount = units.sorted.length
  const start = new Int32Array(unitCount + 1)
  const cellCoder = new Int32Array(raterOf.length)
  const cellSet = new Int32Array(raterOf.length)
  const coderOf = (i: number) => coderRank[raterOf[i]!]!
  // Runs in unit label order (stably, so a unit's ratings keep their input order), one unit's
  // ratings gathered, put in coder order (usually they already are), and merged per coder.
  const runsInOrder = bucketSort(units.ranks, unitCount)
  const group: number[] = []
  let cells = 0
  for (let k = 0; k < runsInOrder.length; ) {
    const unit = units.ranks[runsInOrder[k]!]!
    let size = 0
    for (; k < runsInOrder.length && units.ranks[runsInOrder[k]!] === unit; k++) {
      const run = runsInOrder[k]!
      for (let i = runStart[run]!; i < runStart[run + 1]!; i++) group[size++] = i
    }
    let ordered = true
    for (let g = 1; g < size && ordered; g++) ordered = coderOf(group[g - 1]!) <= coderOf(group[g]!)
    if (!ordered) {
      group.slice(0, size).sort((a, b) => coderOf(a) - coderOf(b)).forEach((i, g) => (group[g] = i))
    }
    for (let from = 0; from < size; ) {
      const coder = coderOf(group[from]!)
      let to = from + 1
      while (to < size && coderOf(group[to]!) === coder) to++
      cellCoder[cells] = coder
      cellSet[cells++] = setOfRatings(group, from, to)
      from = to
    }
    start[unit + 1] = cells
  }
  return {
    units: units.sorted,
    coders: coderOrder.sorted,
    codes: sortedCodes,
    sets,
    start,
    cellCoder: cellCoder.subarray(0, cells),
    cellSet: cellSet.subarray(0, cells),
  }
}

/**
 * Each code set as one category, labelled by its codes joined (so only identical sets agree):
 * the view of Cohen, Fleiss, Gwet, nominal alpha and confusion matrices. `categories` fixes the
 * labels and their order; sets whose label it lacks get -1.
 */
export function categoryView(index: RatingIndex, categories?: readonly string[]): CellView {
  const names = index.sets.map((set) => set.join(SET_SEPARATOR))
  const labels = categories ? [...categories] : sortLabels(names)
  const position = new Map(labels.map((label, i) => [label, i]))
  // Behind a label, the set of the last cell that carries it in table order (distinct sets share
  // a label only when a code itself contains the separator).
  const lastCell = new Int32Array(index.sets.length)
  for (let cell = 0; cell < index.cellSet.length; cell++) lastCell[index.cellSet[cell]!] = cell
  const behind = new Map<string, readonly string[]>()
  const byLastCell = index.sets.map((_, s) => s).sort((a, b) => lastCell[a]! - lastCell[b]!)
  for (const s of byLastCell) behind.set(names[s]!, index.sets[s]!)
  return {
    labels,
    valueOfSet: Int32Array.from(names, (name) => position.get(name) ?? -1),
    sets: labels.map((label) => behind.get(label) ?? [label]),
    fixed: categories !== undefined,
  }
}

/** Each cell as 'absent' / 'present' for one code: the per-code binary view. */
export function presenceView(index: RatingIndex, code: string): CellView {
  const labels = ['absent', 'present']
  const valueOfSet = Int32Array.from(index.sets, (set) => (set.includes(code) ? 1 : 0))
  return { labels, valueOfSet, sets: labels.map((label) => [label]), fixed: false }
}

/** How many ratings (cells) carry each code set. */
export function ratingsPerSet(index: RatingIndex): Float64Array {
  const counts = new Float64Array(index.sets.length)
  for (let cell = 0; cell < index.cellSet.length; cell++) counts[index.cellSet[cell]!]! += 1
  return counts
}

/**
 * Unit x label counts, one row per unit: how many coders gave the unit each value. Labels no
 * rating takes are left out unless the view's labels are fixed.
 * @example viewCounts(index, categoryView(index)).count // the non-zero counts, unit by unit
 */
export function viewCounts(index: RatingIndex, view: CellView): UnitMatrix {
  const { valueOfSet, labels } = view
  if (valueOfSet.includes(-1)) {
    const absent = new Set<string>()
    for (const set of index.cellSet) {
      if (valueOfSet[set]! < 0) absent.add(categoryOf(index.sets[set]!))
    }
    throw new Error(`categories not in the given list: ${[...absent].join(', ')}`)
  }
  const counts = mapColumns(setCounts(index), valueOfSet, labels.length)
  // Every set is some rating's, so the labels in use are those the sets take.
  const taken = new Uint8Array(labels.length)
  for (const value of valueOfSet) taken[value] = 1
  const used = labels.map((_, k) => k).filter((k) => view.fixed || taken[k] === 1)
  const position = new Int32Array(labels.length)
  used.forEach((k, j) => (position[k] = j))
  const pick = <T>(xs: readonly T[]) => used.map((k) => xs[k]!)
  const kept = used.length === labels.length ? counts : mapColumns(counts, position, used.length)
  return { ...kept, categories: pick(labels), sets: pick(view.sets) }
}

/**
 * The counts with column k moved to column map[k] (< width); columns that meet add up, and each
 * unit's entries come out in column order.
 */
function mapColumns(counts: CountMatrix, map: Int32Array, width: number): CountMatrix {
  const { units, start, column, count } = counts
  const rowStart = new Int32Array(units + 1)
  const mapped = new Int32Array(column.length)
  const sums = new Float64Array(column.length)
  let entries = 0
  for (let u = 0; u < units; u++) {
    const first = entries
    for (let e = start[u]!; e < start[u + 1]!; e++) {
      const k = map[column[e]!]!
      // A unit has few entries (at most one per rating): insertion keeps them in column order.
      let i = entries
      while (i > first && mapped[i - 1]! > k) i--
      if (i > first && mapped[i - 1] === k) {
        sums[i - 1]! += count[e]!
        continue
      }
      for (let j = entries++; j > i; j--) [mapped[j], sums[j]] = [mapped[j - 1]!, sums[j - 1]!]
      mapped[i] = k
      sums[i] = count[e]!
    }
    rowStart[u + 1] = entries
  }
  const [kept, n] = [mapped.subarray(0, entries), sums.subarray(0, entries)]
  return { units, q: width, start: rowStart, column: kept, count: n }
}

// Tallied once per index: every view's counts are these with the sets' columns merged.
const setCountsCache = new WeakMap<RatingIndex, CountMatrix>()

/** Unit x code set counts: how many coders gave the unit each set (computed once per index). */
export function setCounts(index: RatingIndex): CountMatrix {
  const cached = setCountsCache.get(index)
  if (cached) return cached
  const s = index.sets.length
  // The cells themselves, one rating each, are a count matrix with unsorted, repeated columns.
  const cells = {
    units: index.units.length,
    q: s,
    start: index.start,
    column: index.cellSet,
    count: new Float64Array(index.cellSet.length).fill(1),
  }
  const counts = mapColumns(cells, Int32Array.from({ length: s }, (_, k) => k), s)
  setCountsCache.set(index, counts)
  return counts
}

/** Co-ratings of a coder pair by code set: set of the first coder, of the second, how often. */
type SetPairs = { first: Int32Array; second: Int32Array; count: Int32Array }

// Tallied once per index: every view's pair tables are sums over them.
const setPairsCache = new WeakMap<RatingIndex, (SetPairs | undefined)[]>()

/** Co-ratings by code set of every coder pair (coderPairs order); undefined: none. */
function setPairs(index: RatingIndex): (SetPairs | undefined)[] {
  const cached = setPairsCache.get(index)
  if (cached) return cached
  const { start, cellCoder, cellSet } = index
  const r = index.coders.length
  const s = index.sets.length
  // Sparse (set x set -> count), since many coders times many sets would not fit densely.
  const tallies = new Array<Map<number, number> | undefined>((r * (r - 1)) / 2).fill(undefined)
  for (let u = 0; u < index.units.length; u++) {
    const end = start[u + 1]!
    for (let i = start[u]!; i < end; i++) {
      const a = cellCoder[i]!
      for (let j = i + 1; j < end; j++) {
        // Cells run in coder order, so a < b; pairs (a, *) start after those of coders < a.
        const b = cellCoder[j]!
        const pair = (a * (2 * r - a - 1)) / 2 + (b - a - 1)
        const tally = (tallies[pair] ??= new Map())
        const key = cellSet[i]! * s + cellSet[j]!
        tally.set(key, (tally.get(key) ?? 0) + 1)
      }
    }
  }
  const pairs = tallies.map((tally) => {
    if (!tally) return undefined
    const keys = [...tally.keys()]
    const first = Int32Array.from(keys, (key) => Math.floor(key / s))
    const second = Int32Array.from(keys, (key) => key % s)
    return { first, second, count: Int32Array.from(tally.values()) }
  })
  setPairsCache.set(index, pairs)
  return pairs
}

/**
 * Co-ratings of every coder pair, in coderPairs order: a labels x labels table (rows = the pair's
 * first coder in label order), undefined for a pair that never rated the same unit. Summed from
 * the pairs' co-ratings by code set, so a new view costs no pass over the units; throws on a label
 * missing from a fixed list.
 */
export function pairTables(index: RatingIndex, view: CellView): (Int32Array | undefined)[] {
  const { valueOfSet } = view
  const width = view.labels.length
  return setPairs(index).map((pairs) => {
    if (!pairs) return undefined
    const table = new Int32Array(width * width)
    pairs.count.forEach((n, i) => {
      const x = valueOfSet[pairs.first[i]!]!
      const y = valueOfSet[pairs.second[i]!]!
      if (x < 0 || y < 0) {
        const [a, b] = [pairs.first[i]!, pairs.second[i]!].map((set) => index.sets[set]!)
        throw new Error(`category not in list: ${categoryOf(a!)} / ${categoryOf(b!)}`)
      }
      table[x * width + y]! += n
    })
    return table
  })
}
