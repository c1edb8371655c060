/**
 * @module A project's synchronization analyses (method.md §3-§7) over families already read
 * from storage: the detector per family, maturity, similarity of change types, gaps, shared
 * contributors, pattern evolution and sensitivity, then the project tables and their tests.
 * Pure: no I/O; the service feeds it UTC days with commit counts.
 *
 * @example
 * analyseProject([{ family: 'f', github: [{ name: 'o/r', days: [{ day: '2023-01-01', commits: 2 }] }],
 *   variants: [{ name: 'o/m', days: [{ day: '2023-01-03', commits: 1 }] }] }], options)
 *   .families[0].sync.code // 'CSR'
 */
import { sharedContributors } from './contributors'
import type { Contributor, SharedContributors } from './contributors'
import { boxStats, crossPlatformGaps } from './gaps'
import type { BoxStats, Direction, GapCommit } from './gaps'
import { familyAge } from './maturity'
import type { MaturityLabel } from './maturity'
import { MATURITY_LABELS, SIMILARITY_LABELS, jaccard, tertiles } from './similarity'
import { chiSquareIndependence, dunn, kruskalWallis } from './stats'
import { DEFAULT_SYNC_OPTIONS, PATTERN_BY_CODE, detectEarlyLate, detectSync, resolveOptions } from './sync'
import type { FamilyTimeline, Lag, PatternCode, PatternName, SyncOptions, SyncResult } from './sync'
import { crossTab, crossTabTable, share, sum } from './tables'
import type { Cell, Table } from './tables'

// ---------------------------------------------------------------------------------------------
// Inputs and options
// ---------------------------------------------------------------------------------------------

/** Commits of one repository on one UTC day. */
export type DayCount = { day: string; commits: number }

/** One repository's active days (inside its observation window). */
export type SeriesInput = { name: string; days: readonly DayCount[] }

/** A coded commit: its id (to count a commit shared by families once) and its code names. */
export type CodedCommit = { commitId: number; codes: readonly string[] }

export type FamilyInput = {
  family: string
  /** The family's GitHub repositories (normally one); their days are pooled. */
  github: readonly SeriesInput[]
  /** Every Hugging Face variant, with or without commits. */
  variants: readonly SeriesInput[]
  /** Coded commits per platform; omitted when codes were not read. */
  codes?: { github: readonly CodedCommit[]; huggingface: readonly CodedCommit[] }
  contributors?: { github: readonly Contributor[]; huggingface: readonly Contributor[] }
}

export type SensitivityScenario = { name: string; options: Partial<SyncOptions> }

export type ProjectAnalysisOptions = {
  sync: Partial<SyncOptions>
  /** Codes left out of similarity and change-type counts (the codebook's fallback, `unclear`). */
  fallbackCodes: readonly string[]
  /** Where the codes came from, for table descriptions ("final codes", ...). */
  codeSource: string
  /** Detector reruns for the sensitivity analysis; empty for none. */
  scenarios: readonly SensitivityScenario[]
  /** Gaps leave out commits before this year (the study: 2016). */
  gapMinYear: number
}

export const PATTERN_ORDER: readonly PatternName[] = [
  'Disperse',
  'Sparse',
  'Rare',
  'Sporadic Disjoint',
  'Rare Disjoint',
  'Intermittent',
  'Frequent',
  'Dense Partial',
]
export const LAG_ORDER: readonly Lag[] = ['upstream-first', 'no-lag', 'downstream-first']
export const CODE_ORDER = Object.keys(PATTERN_BY_CODE) as PatternCode[]
const INSUFFICIENT = 'insufficient-data'

/**
 * The sensitivity reruns of method.md §3: periods of 7, 14 and 30 days (or the lengths given),
 * then each threshold one step either side of the options in force (never below 1).
 * @example defaultScenarios(DEFAULT_SYNC_OPTIONS).map((s) => s.name)[0] // 'period 7 days'
 */
export function defaultScenarios(
  base: Partial<SyncOptions> = {},
  periods: readonly number[] = [7, 14, 30],
): SensitivityScenario[] {
  const o = { ...DEFAULT_SYNC_OPTIONS, ...base }
  const steps = (v: number) => [v - 1, v + 1].filter((x) => x >= 1)
  return [
    ...periods.map((p) => ({ name: `period ${p} days`, options: { periodDays: p } })),
    ...steps(o.rareMaxPeriods).map((v) => ({ name: `rare <= ${v} periods`, options: { rareMaxPeriods: v } })),
    ...steps(o.frequentRun).map((v) => ({ name: `frequent run >= ${v}`, options: { frequentRun: v } })),
    ...steps(o.variantMinPeriods).map((v) => ({
      name: `VS >= ${v} periods`,
      options: { variantMinPeriods: v },
    })),
    ...steps(o.variantMinVariants).map((v) => ({
      name: `VS >= ${v} variants`,
      options: { variantMinVariants: v },
    })),
  ]
}

// ---------------------------------------------------------------------------------------------
// Per family
// ---------------------------------------------------------------------------------------------

export type FamilySimilarity = {
  /** Coded commits on each side (fallback-coded ones included). */
  coded: { github: number; huggingface: number }
  githubCodes: string[]
  huggingfaceCodes: string[]
  shared: string[]
  /** Null when a side has no coded commit: its set is unknown, not empty. */
  jaccard: number | null
  group: (typeof SIMILARITY_LABELS)[number] | null
  reason: string | null
}

export type EvolutionHalf = {
  window: { from: string; to: string }
  status: SyncResult['status']
  lag: Lag | null
  code: PatternCode | null
  pattern: PatternName | null
  reason: string | null
}

export type FamilyAnalysis = {
  family: string
  sync: SyncResult
  commits: { github: number; huggingface: number }
  variants: number
  activeVariants: number
  /** Mean variant age in days (method.md §6); null without HF commits. */
  age: number | null
  maturity: MaturityLabel | null
  similarity: FamilySimilarity | null
  gaps: { days: number; direction: Direction }[]
  evolution: { midpoint: string; early: EvolutionHalf; late: EvolutionHalf } | null
  contributors: SharedContributors | null
  /** Code per sensitivity scenario (null when insufficient data). */
  sensitivity: Record<string, PatternCode | null>
}

/** The detector's view of a family: distinct active days are enough (it keeps sets). */
export function familyTimeline(input: FamilyInput): FamilyTimeline {
  return {
    family: input.family,
    github: input.github.flatMap((s) => s.days.map((d) => d.day)),
    variants: input.variants.map((v) => ({ name: v.name, timestamps: v.days.map((d) => d.day) })),
  }
}

const commitsOf = (series: readonly SeriesInput[]) => sum(series.flatMap((s) => s.days.map((d) => d.commits)))

function analyseFamily(input: FamilyInput, options: ProjectAnalysisOptions): FamilyAnalysis {
  const timeline = familyTimeline(input)
  const sync = detectSync(timeline, options.sync)
  const ages = familyAge(timeline.variants)
  const hasHf = ages.age !== null
  const gapCommits: GapCommit[] = [
    ...input.github.flatMap((s) => s.days.map((d) => gapCommit('github', s.name, d.day))),
    ...input.variants.flatMap((s) => s.days.map((d) => gapCommit('huggingface', s.name, d.day))),
  ]
  const evolution = detectEarlyLate(timeline, options.sync)
  const sensitivity: Record<string, PatternCode | null> = {}
  for (const s of options.scenarios) {
    sensitivity[s.name] = detectSync(timeline, { ...options.sync, ...s.options }).code
  }
  return {
    family: input.family,
    sync,
    commits: { github: commitsOf(input.github), huggingface: commitsOf(input.variants) },
    variants: input.variants.length,
    activeVariants: input.variants.filter((v) => v.days.length > 0).length,
    age: hasHf ? ages.age : null,
    maturity: null,
    similarity: input.codes ? familySimilarity(input.codes, options.fallbackCodes) : null,
    gaps: crossPlatformGaps(gapCommits, { minYear: options.gapMinYear }).map((g) => ({
      days: g.days,
      direction: g.direction,
    })),
    evolution: evolution && {
      midpoint: evolution.split.midpoint,
      early: half(evolution.split.early.window, evolution.early),
      late: half(evolution.split.late.window, evolution.late),
    },
    contributors: input.contributors
      ? sharedContributors(input.contributors.github, input.contributors.huggingface)
      : null,
    sensitivity,
  }
}

// Gaps only need the order of (day, platform): repos and shas break ties inside one platform,
// which never changes a gap, so distinct days stand in for commits.
function gapCommit(platform: GapCommit['platform'], repo: string, day: string): GapCommit {
  return { platform, repo, sha: '', timestamp: day }
}

function half(window: { from?: string; to?: string }, r: SyncResult): EvolutionHalf {
  return {
    window: { from: window.from ?? '', to: window.to ?? '' },
    status: r.status,
    lag: r.lag,
    code: r.code,
    pattern: r.pattern,
    reason: r.status === 'ok' ? null : r.reason,
  }
}

function familySimilarity(
  codes: NonNullable<FamilyInput['codes']>,
  fallbackCodes: readonly string[],
): FamilySimilarity {
  const fallback = new Set(fallbackCodes)
  const setOf = (commits: readonly CodedCommit[]) =>
    [...new Set(commits.flatMap((c) => c.codes).filter((c) => !fallback.has(c)))].sort()
  const githubCodes = setOf(codes.github)
  const huggingfaceCodes = setOf(codes.huggingface)
  const coded = { github: codes.github.length, huggingface: codes.huggingface.length }
  const missing = [coded.github === 0 ? 'GitHub' : null, coded.huggingface === 0 ? 'Hugging Face' : null]
    .filter(Boolean)
    .join(' and ')
  return {
    coded,
    githubCodes,
    huggingfaceCodes,
    shared: githubCodes.filter((c) => huggingfaceCodes.includes(c)),
    jaccard: missing ? null : jaccard(githubCodes, huggingfaceCodes, { fallbackCodes }),
    group: null,
    reason: missing ? `no coded commit on the ${missing} side` : null,
  }
}

// ---------------------------------------------------------------------------------------------
// Project
// ---------------------------------------------------------------------------------------------

export type TestResult = {
  name: string
  test: 'chi-square' | 'kruskal-wallis'
  title: string
  n: number | null
  statistic: number | null
  dof: number | null
  pValue: number | null
  cramersV: number | null
  /** Why there is no result, or a caveat (low expected counts). */
  note: string | null
}

export type DunnTable = {
  name: string
  title: string
  pairs: { a: string; b: string; z: number; p: number; pAdjusted: number }[]
}

export type TertileSummary = {
  cutPoints: [number, number] | null
  counts: Record<string, number>
  n: number
}

export type ProjectAnalysis = {
  options: SyncOptions
  families: FamilyAnalysis[]
  maturity: TertileSummary
  similarity: TertileSummary & { mean: number | null }
  gapBoxes: Record<'lag' | 'pattern' | 'maturity', { group: string; box: BoxStats | null }[]>
  tests: TestResult[]
  dunn: DunnTable[]
  scenarios: SensitivityScenario[]
  tables: Table[]
}

/**
 * Runs every analysis of the project. Families come sorted by name in the result.
 * @example analyseProject(families, { sync: {}, fallbackCodes: ['unclear'], codeSource: 'final codes',
 *   scenarios: defaultScenarios(), gapMinYear: 2016 }).tables.map((t) => t.name)
 */
export function analyseProject(
  inputs: readonly FamilyInput[],
  options: ProjectAnalysisOptions,
): ProjectAnalysis {
  const resolved = resolveOptions(options.sync)
  const families = [...inputs]
    .sort((a, b) => (a.family < b.family ? -1 : a.family > b.family ? 1 : 0))
    .map((f) => analyseFamily(f, options))

  // Maturity (§6) over the families with a pattern; similarity (§5) over those with codes.
  const ok = families.filter((f) => f.sync.status === 'ok')
  const aged = ok.filter((f) => f.age !== null)
  const maturity = tertiles(
    aged.map((f) => f.age!),
    MATURITY_LABELS,
  )
  aged.forEach((f, i) => (f.maturity = maturity.groups[i]!))
  const similar = ok.filter((f) => f.similarity?.jaccard != null)
  const similarity = tertiles(similar.map((f) => f.similarity!.jaccard!))
  similar.forEach((f, i) => (f.similarity!.group = similarity.groups[i]!))
  const scores = similar.map((f) => f.similarity!.jaccard!)

  const gapBoxes = {
    lag: groupBoxes(ok, (f) => (f.sync.status === 'ok' ? f.sync.lag : null), LAG_ORDER),
    pattern: groupBoxes(ok, (f) => f.sync.pattern, PATTERN_ORDER),
    maturity: groupBoxes(ok, (f) => f.maturity, MATURITY_LABELS),
  }
  const tests: TestResult[] = []
  const dunnTables: DunnTable[] = []
  const tables = projectTables(families, options, tests, dunnTables, inputs)
  return {
    options: resolved,
    families,
    maturity: { cutPoints: maturity.cutPoints, counts: maturity.counts, n: aged.length },
    similarity: {
      cutPoints: similarity.cutPoints,
      counts: similarity.counts,
      n: similar.length,
      mean: scores.length ? sum(scores) / scores.length : null,
    },
    gapBoxes,
    tests,
    dunn: dunnTables,
    scenarios: [...options.scenarios],
    tables,
  }
}

function gapGroups(
  families: readonly FamilyAnalysis[],
  key: (f: FamilyAnalysis) => string | null,
  order: readonly string[],
): Record<string, number[]> {
  const groups: Record<string, number[]> = Object.fromEntries(order.map((k) => [k, []]))
  for (const f of families) {
    const k = key(f)
    if (k === null) continue
    ;(groups[k] ??= []).push(...f.gaps.map((g) => g.days))
  }
  return groups
}

function groupBoxes(
  families: readonly FamilyAnalysis[],
  key: (f: FamilyAnalysis) => string | null,
  order: readonly string[],
): { group: string; box: BoxStats | null }[] {
  return Object.entries(gapGroups(families, key, order)).map(([group, days]) => ({
    group,
    box: boxStats(days),
  }))
}

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

function projectTables(
  families: readonly FamilyAnalysis[],
  options: ProjectAnalysisOptions,
  tests: TestResult[],
  dunnTables: DunnTable[],
  inputs: readonly FamilyInput[],
): Table[] {
  const ok = families.filter((f) => f.sync.status === 'ok')
  const insufficient = families.length - ok.length
  const okNote = `${ok.length} families with a pattern; ${insufficient} with insufficient data are left out.`
  const tables: Table[] = [familiesTable(families, options)]

  // Pattern distribution, codes and lag (§3)
  const patternCounts = PATTERN_ORDER.map((p) => ok.filter((f) => f.sync.pattern === p).length)
  tables.push({
    name: 'pattern_distribution',
    title: 'Synchronization patterns',
    description: `Families per pattern; shares over the ${ok.length} families with a pattern (insufficient data: ${insufficient}).`,
    columns: ['pattern', 'codes', 'families', 'share'],
    rows: PATTERN_ORDER.map((p, i) => [
      p,
      CODE_ORDER.filter((c) => PATTERN_BY_CODE[c] === p).join(' '),
      patternCounts[i]!,
      share(patternCounts[i]!, ok.length),
    ]),
  })
  tables.push({
    name: 'code_distribution',
    title: 'Type + intensity codes',
    description: `Families per code. ${okNote}`,
    columns: ['code', 'type', 'intensity', 'pattern', 'families', 'share'],
    rows: CODE_ORDER.map((c) => {
      const n = ok.filter((f) => f.sync.code === c).length
      return [c, c.slice(0, 2), c.slice(2), PATTERN_BY_CODE[c], n, share(n, ok.length)]
    }),
  })
  const lagPairs = ok.map((f) => ({ row: f.sync.pattern!, column: f.sync.lag! }))
  const patternByLag = crossTab(lagPairs, PATTERN_ORDER, LAG_ORDER)
  tables.push({
    name: 'lag_distribution',
    title: 'Lag',
    description: `Families per lag (which platform is active in the first period). ${okNote}`,
    columns: ['lag', 'families', 'share'],
    rows: LAG_ORDER.map((l) => {
      const n = ok.filter((f) => f.sync.lag === l).length
      return [l, n, share(n, ok.length)]
    }),
  })
  tables.push(
    crossTabTable(patternByLag, {
      name: 'pattern_by_lag',
      title: 'Pattern x lag',
      description: `Families per pattern and lag. ${okNote}`,
      rowHeader: 'pattern',
    }),
  )
  tests.push(chiSquareTest('pattern_by_lag', 'Pattern x lag', patternByLag.counts))

  // Maturity (§6)
  const aged = ok.filter((f) => f.maturity !== null)
  const patternByMaturity = crossTab(
    aged.map((f) => ({ row: f.sync.pattern!, column: f.maturity! })),
    PATTERN_ORDER,
    MATURITY_LABELS,
  )
  tables.push({
    ...crossTabTable(patternByMaturity, {
      name: 'pattern_by_maturity',
      title: 'Pattern x maturity',
      description: `Families per pattern and maturity group (tertiles of the mean variant age). ${okNote}`,
      rowHeader: 'pattern',
    }),
  })
  tables.push(shareTable(patternByMaturity, 'pattern_by_maturity_share', 'Pattern shares within each maturity group', 'pattern'))
  tests.push(chiSquareTest('pattern_by_maturity', 'Pattern x maturity', patternByMaturity.counts))

  // Similarity (§5)
  const similar = ok.filter((f) => f.similarity?.jaccard != null)
  const codedNote =
    `Codes: ${options.codeSource}; fallback codes (${options.fallbackCodes.join(', ') || 'none'}) left out. ` +
    `${similar.length} of ${ok.length} families with a pattern have coded commits on both sides.`
  tables.push({
    name: 'similarity',
    title: 'Change-type similarity (Jaccard)',
    description: `Per family: the change types of its coded GitHub and Hugging Face commits. ${codedNote}`,
    columns: [
      'family',
      'github_commits',
      'github_coded',
      'huggingface_commits',
      'huggingface_coded',
      'github_types',
      'huggingface_types',
      'shared_types',
      'jaccard',
      'group',
      'note',
    ],
    rows: ok.map((f) => {
      const s = f.similarity
      return [
        f.family,
        f.commits.github,
        s?.coded.github ?? 0,
        f.commits.huggingface,
        s?.coded.huggingface ?? 0,
        s ? s.githubCodes.join('; ') : null,
        s ? s.huggingfaceCodes.join('; ') : null,
        s ? s.shared.join('; ') : null,
        s?.jaccard ?? null,
        s?.group ?? null,
        s ? s.reason : 'codes not read',
      ]
    }),
  })
  tables.push({
    name: 'similarity_histogram',
    title: 'Similarity histogram',
    description: `Families per similarity bin of width 0.1 (the last bin includes 1). ${codedNote}`,
    columns: ['bin', 'from', 'to', 'families'],
    rows: Array.from({ length: 10 }, (_, i) => {
      const n = similar.filter((f) => Math.min(9, Math.floor(f.similarity!.jaccard! * 10 + 1e-9)) === i).length
      return [`${(i / 10).toFixed(1)} to ${((i + 1) / 10).toFixed(1)}`, i / 10, (i + 1) / 10, n]
    }),
  })
  const similarityByMaturity = crossTab(
    similar.filter((f) => f.maturity).map((f) => ({ row: f.similarity!.group!, column: f.maturity! })),
    SIMILARITY_LABELS,
    MATURITY_LABELS,
  )
  tables.push(
    crossTabTable(similarityByMaturity, {
      name: 'similarity_by_maturity',
      title: 'Similarity group x maturity',
      description: `Families per similarity tertile and maturity group. ${codedNote}`,
      rowHeader: 'similarity',
    }),
  )
  tests.push(chiSquareTest('similarity_by_maturity', 'Similarity x maturity', similarityByMaturity.counts))

  // Change types per platform and per maturity group (§6-§7)
  const fallback = new Set(options.fallbackCodes)
  const byFamily = new Map(inputs.map((i) => [i.family, i]))
  const codeCounts = (names: readonly string[]) =>
    countCodes(
      names.map((n) => byFamily.get(n)?.codes),
      fallback,
    )
  const all = codeCounts(families.map((f) => f.family))
  const codeNames = orderedCodes(all)
  tables.push({
    name: 'change_types_by_platform',
    title: 'Change types per platform',
    description:
      `Coded commits per change type (a commit in several families counts once; a multi-label ` +
      `commit once per code). Codes: ${options.codeSource}; ${all.github.fallback + all.huggingface.fallback} ` +
      'fallback-coded commits left out.',
    columns: ['change_type', 'github', 'github_share', 'huggingface', 'huggingface_share'],
    rows: codeNames.map((c) => [
      c,
      all.github.counts.get(c) ?? 0,
      share(all.github.counts.get(c) ?? 0, all.github.total),
      all.huggingface.counts.get(c) ?? 0,
      share(all.huggingface.counts.get(c) ?? 0, all.huggingface.total),
    ]),
  })
  tests.push(
    chiSquareTest(
      'change_types_by_platform',
      'Change type x platform',
      codeNames.map((c) => [all.github.counts.get(c) ?? 0, all.huggingface.counts.get(c) ?? 0]),
    ),
  )
  const maturityRows: Cell[][] = []
  for (const group of MATURITY_LABELS) {
    const inGroup = codeCounts(aged.filter((f) => f.maturity === group).map((f) => f.family))
    for (const c of codeNames) {
      const gh = inGroup.github.counts.get(c) ?? 0
      const hf = inGroup.huggingface.counts.get(c) ?? 0
      maturityRows.push([group, c, gh, share(gh, inGroup.github.total), hf, share(hf, inGroup.huggingface.total)])
    }
    tests.push(
      chiSquareTest(
        `change_types_by_platform_${group.toLowerCase()}`,
        `Change type x platform, ${group} families`,
        codeNames.map((c) => [inGroup.github.counts.get(c) ?? 0, inGroup.huggingface.counts.get(c) ?? 0]),
      ),
    )
  }
  tables.push({
    name: 'change_types_by_maturity',
    title: 'Change types per platform and maturity group',
    description: `Coded commits per maturity group, change type and platform. Codes: ${options.codeSource}.`,
    columns: ['maturity', 'change_type', 'github', 'github_share', 'huggingface', 'huggingface_share'],
    rows: maturityRows,
  })

  // Gaps (§4)
  tables.push(...gapTables(ok, tests, dunnTables))

  // Contributors
  tables.push({
    name: 'contributors',
    title: 'Contributors shared between GitHub and Hugging Face',
    description:
      'People per side (commit authors; entries with the same e-mail hash or name are one person) ' +
      'and those on both sides. Bots and platform accounts are not filtered.',
    columns: ['family', 'github_people', 'huggingface_people', 'shared', 'shared_by_email', 'shared_by_name', 'shared_names'],
    rows: families
      .filter((f) => f.contributors)
      .map((f) => {
        const c = f.contributors!
        return [
          f.family,
          c.github,
          c.huggingface,
          c.shared.length,
          c.shared.filter((s) => s.matchedBy === 'email').length,
          c.shared.filter((s) => s.matchedBy === 'name').length,
          c.shared.map((s) => s.names.join(' / ')).join('; '),
        ]
      }),
  })

  // Pattern evolution
  const evolving = families.filter((f) => f.evolution)
  tables.push({
    name: 'pattern_evolution',
    title: 'Pattern evolution: early vs late half',
    description:
      "The detector on each half of the family's active span (first to last commit day on either " +
      'platform, split at the midpoint day; each half has its own first period).',
    columns: ['family', 'midpoint', 'early_code', 'early_pattern', 'early_lag', 'late_code', 'late_pattern', 'late_lag', 'changed', 'note'],
    rows: evolving.map((f) => {
      const e = f.evolution!
      return [
        f.family,
        e.midpoint,
        e.early.code,
        e.early.pattern ?? INSUFFICIENT,
        e.early.lag,
        e.late.code,
        e.late.pattern ?? INSUFFICIENT,
        e.late.lag,
        e.early.code !== e.late.code,
        [e.early.reason && `early: ${e.early.reason}`, e.late.reason && `late: ${e.late.reason}`].filter(Boolean).join('; ') || null,
      ]
    }),
  })
  tables.push(
    crossTabTable(
      crossTab(
        evolving.map((f) => ({
          row: f.evolution!.early.pattern ?? INSUFFICIENT,
          column: f.evolution!.late.pattern ?? INSUFFICIENT,
        })),
        [...PATTERN_ORDER, INSUFFICIENT],
        [...PATTERN_ORDER, INSUFFICIENT],
      ),
      {
        name: 'pattern_transitions',
        title: 'Early pattern x late pattern',
        description: 'Families per early-half pattern (rows) and late-half pattern (columns).',
        rowHeader: 'early_pattern',
      },
    ),
  )

  // Sensitivity
  if (options.scenarios.length > 0) tables.push(...sensitivityTables(families, options))

  tables.push(testsTable(tests))
  for (const d of dunnTables) {
    tables.push({
      name: d.name,
      title: d.title,
      description: "Dunn's post-hoc test (tie-corrected), p-values adjusted by Bonferroni over all pairs.",
      columns: ['a', 'b', 'z', 'p', 'p_adjusted'],
      rows: d.pairs.map((p) => [p.a, p.b, p.z, p.p, p.pAdjusted]),
    })
  }
  return tables
}

function familiesTable(families: readonly FamilyAnalysis[], options: ProjectAnalysisOptions): Table {
  return {
    name: 'families',
    title: 'Families',
    description: `One line per analysed family. Codes: ${options.codeSource}.`,
    columns: [
      'family',
      'status',
      'reason',
      'lag',
      'type',
      'intensity',
      'code',
      'pattern',
      'github_commits',
      'huggingface_commits',
      'variants',
      'active_variants',
      'age_days',
      'maturity',
      'similarity',
      'similarity_group',
      'gaps',
      'gap_mean_days',
      'shared_contributors',
      'early_code',
      'late_code',
    ],
    rows: families.map((f) => [
      f.family,
      f.sync.status,
      f.sync.status === 'ok' ? null : f.sync.reason,
      f.sync.lag,
      f.sync.type,
      f.sync.intensity,
      f.sync.code,
      f.sync.pattern,
      f.commits.github,
      f.commits.huggingface,
      f.variants,
      f.activeVariants,
      f.age,
      f.maturity,
      f.similarity?.jaccard ?? null,
      f.similarity?.group ?? null,
      f.gaps.length,
      f.gaps.length ? sum(f.gaps.map((g) => g.days)) / f.gaps.length : null,
      f.contributors ? f.contributors.shared.length : null,
      f.evolution?.early.code ?? null,
      f.evolution?.late.code ?? null,
    ]),
  }
}

function shareTable(tab: ReturnType<typeof crossTab>, name: string, title: string, rowHeader: string): Table {
  const totals = tab.columns.map((_, j) => sum(tab.counts.map((r) => r[j]!)))
  return {
    name,
    title,
    description: 'Each column sums to 1 (empty when the group has no family).',
    columns: [rowHeader, ...tab.columns],
    rows: tab.rows.map((r, i) => [r, ...tab.counts[i]!.map((n, j) => share(n, totals[j]!))]),
  }
}

type PlatformCounts = { counts: Map<string, number>; total: number; fallback: number }

function countCodes(
  sources: readonly (FamilyInput['codes'] | undefined)[],
  fallback: ReadonlySet<string>,
): { github: PlatformCounts; huggingface: PlatformCounts } {
  const side = (pick: (c: NonNullable<FamilyInput['codes']>) => readonly CodedCommit[]): PlatformCounts => {
    const seen = new Set<number>()
    const counts = new Map<string, number>()
    let total = 0
    let fallbackOnly = 0
    for (const source of sources) {
      if (!source) continue
      for (const commit of pick(source)) {
        if (seen.has(commit.commitId)) continue
        seen.add(commit.commitId)
        const real = commit.codes.filter((c) => !fallback.has(c))
        if (real.length === 0) fallbackOnly++
        for (const c of real) {
          counts.set(c, (counts.get(c) ?? 0) + 1)
          total++
        }
      }
    }
    return { counts, total, fallback: fallbackOnly }
  }
  return { github: side((c) => c.github), huggingface: side((c) => c.huggingface) }
}

/** Change types by total count, most frequent first, then by name. */
function orderedCodes(all: { github: PlatformCounts; huggingface: PlatformCounts }): string[] {
  const names = new Set([...all.github.counts.keys(), ...all.huggingface.counts.keys()])
  const total = (c: string) => (all.github.counts.get(c) ?? 0) + (all.huggingface.counts.get(c) ?? 0)
  return [...names].sort((a, b) => total(b) - total(a) || (a < b ? -1 : 1))
}

function gapTables(ok: readonly FamilyAnalysis[], tests: TestResult[], dunnTables: DunnTable[]): Table[] {
  const rows: Cell[][] = []
  for (const f of ok) {
    for (const g of f.gaps) rows.push([f.family, f.sync.lag, f.sync.pattern, f.maturity, g.direction, g.days])
  }
  const tables: Table[] = [
    {
      name: 'gaps',
      title: 'Cross-platform gaps',
      description:
        "Every switch of platform in a family's day-sorted commit sequence (method.md §4), in whole " +
        'UTC days, for the families with a pattern.',
      columns: ['family', 'lag', 'pattern', 'maturity', 'direction', 'days'],
      rows,
    },
  ]
  const groupings: { key: 'lag' | 'pattern' | 'maturity'; of: (f: FamilyAnalysis) => string | null; order: readonly string[] }[] = [
    { key: 'lag', of: (f) => f.sync.lag, order: LAG_ORDER },
    { key: 'pattern', of: (f) => f.sync.pattern, order: PATTERN_ORDER },
    { key: 'maturity', of: (f) => f.maturity, order: MATURITY_LABELS },
  ]
  for (const g of groupings) {
    const groups = gapGroups(ok, g.of, g.order)
    const directions = (k: string, d: Direction) =>
      sum(ok.filter((f) => g.of(f) === k).map((f) => f.gaps.filter((x) => x.direction === d).length))
    const entries: [string, number[]][] = [['all', ok.flatMap((f) => (g.of(f) === null ? [] : f.gaps.map((x) => x.days)))], ...Object.entries(groups)]
    tables.push({
      name: `gaps_by_${g.key}`,
      title: `Gaps by ${g.key}`,
      description: 'Gap length in days per group: count, mean, median, quartiles (type 7) and Tukey whiskers.',
      columns: ['group', 'families', 'transitions', 'gh_to_hf', 'hf_to_gh', 'mean', 'median', 'q1', 'q3', 'min', 'max', 'lower_whisker', 'upper_whisker', 'outliers'],
      rows: entries.map(([k, days]) => {
        const box = boxStats(days)
        const fams = k === 'all' ? ok.filter((f) => g.of(f) !== null).length : ok.filter((f) => g.of(f) === k).length
        const ghHf = k === 'all' ? sum(g.order.map((o) => directions(o, 'GH->HF'))) : directions(k, 'GH->HF')
        const hfGh = k === 'all' ? sum(g.order.map((o) => directions(o, 'HF->GH'))) : directions(k, 'HF->GH')
        return [k, fams, days.length, ghHf, hfGh, box?.mean ?? null, box?.median ?? null, box?.q1 ?? null, box?.q3 ?? null, box?.min ?? null, box?.max ?? null, box?.lowerWhisker ?? null, box?.upperWhisker ?? null, box?.outliers ?? null]
      }),
    })
    const { test, pairs } = rankTests(`gaps_by_${g.key}`, `Gap days by ${g.key}`, groups)
    tests.push(test)
    if (pairs) dunnTables.push({ name: `dunn_gaps_by_${g.key}`, title: `Dunn post-hoc: gap days by ${g.key}`, pairs })
  }
  return tables
}

function rankTests(
  name: string,
  title: string,
  groups: Record<string, number[]>,
): { test: TestResult; pairs: DunnTable['pairs'] | null } {
  const nonEmpty = Object.fromEntries(Object.entries(groups).filter(([, v]) => v.length > 0))
  const n = sum(Object.values(nonEmpty).map((v) => v.length))
  const base = { name, title, test: 'kruskal-wallis' as const, n, cramersV: null }
  if (Object.keys(nonEmpty).length < 2) {
    return {
      test: { ...base, statistic: null, dof: null, pValue: null, note: 'needs gaps in at least two groups' },
      pairs: null,
    }
  }
  const kw = kruskalWallis(nonEmpty)
  if (!Number.isFinite(kw.statistic)) {
    return {
      test: { ...base, statistic: null, dof: kw.dof, pValue: null, note: 'every gap has the same length: no ranks to compare' },
      pairs: null,
    }
  }
  return {
    test: { ...base, statistic: kw.statistic, dof: kw.dof, pValue: kw.pValue, note: null },
    pairs: dunn(nonEmpty).pairs.map((p) => ({ a: p.a, b: p.b, z: p.z, p: p.p, pAdjusted: p.pAdjusted })),
  }
}

function chiSquareTest(name: string, title: string, counts: readonly (readonly number[])[]): TestResult {
  const base = { name, title, test: 'chi-square' as const }
  const n = sum(counts.map(sum))
  const nonEmptyRows = counts.filter((r) => sum(r) > 0).length
  const width = counts[0]?.length ?? 0
  const nonEmptyCols = Array.from({ length: width }, (_, j) => sum(counts.map((r) => r[j]!))).filter((v) => v > 0).length
  if (nonEmptyRows < 2 || nonEmptyCols < 2) {
    return { ...base, n, statistic: null, dof: null, pValue: null, cramersV: null, note: 'needs at least two non-empty rows and columns' }
  }
  const r = chiSquareIndependence(counts)
  return { ...base, n: r.n, statistic: r.statistic, dof: r.dof, pValue: r.pValue, cramersV: r.cramersV, note: r.warning }
}

function testsTable(tests: readonly TestResult[]): Table {
  return {
    name: 'tests',
    title: 'Statistical tests',
    description:
      "Chi-square tests of independence (Cramér's V from the uncorrected statistic) and Kruskal-Wallis " +
      'H tests (tie-corrected; Dunn post-hoc in the dunn_* tables).',
    columns: ['name', 'test', 'title', 'n', 'statistic', 'dof', 'p_value', 'cramers_v', 'note'],
    rows: tests.map((t) => [t.name, t.test, t.title, t.n, t.statistic, t.dof, t.pValue, t.cramersV, t.note]),
  }
}

function sensitivityTables(families: readonly FamilyAnalysis[], options: ProjectAnalysisOptions): Table[] {
  const base = resolveOptions(options.sync)
  const summary: Cell[][] = []
  const changes: Cell[][] = []
  for (const s of options.scenarios) {
    const o = { ...base, ...s.options }
    const changed = families.filter((f) => f.sensitivity[s.name] !== f.sync.code)
    const withPattern = families.filter((f) => f.sensitivity[s.name] !== null)
    summary.push([
      s.name,
      o.periodDays,
      o.rareMaxPeriods,
      o.frequentRun,
      o.variantMinPeriods,
      o.variantMinVariants,
      withPattern.length,
      changed.length,
      ...PATTERN_ORDER.map((p) => withPattern.filter((f) => PATTERN_BY_CODE[f.sensitivity[s.name]!] === p).length),
    ])
    for (const f of changed) {
      const to = f.sensitivity[s.name] ?? null
      changes.push([s.name, f.family, f.sync.code, f.sync.pattern, to, to ? PATTERN_BY_CODE[to] : INSUFFICIENT])
    }
  }
  return [
    {
      name: 'sensitivity_summary',
      title: 'Sensitivity: patterns under other periods and thresholds',
      description:
        `Each scenario changes one setting of the detector (in force: period ${base.periodDays} days, ` +
        `rare <= ${base.rareMaxPeriods}, frequent run >= ${base.frequentRun}, VS >= ${base.variantMinPeriods} ` +
        `periods with >= ${base.variantMinVariants} variants) and counts the families whose code changes.`,
      columns: [
        'scenario',
        'period_days',
        'rare_max_periods',
        'frequent_run',
        'variant_min_periods',
        'variant_min_variants',
        'families_with_pattern',
        'changed',
        ...PATTERN_ORDER,
      ],
      rows: summary,
    },
    {
      name: 'sensitivity_changes',
      title: 'Sensitivity: families that change pattern',
      description: 'One line per scenario and family whose code differs from the one under the settings in force.',
      columns: ['scenario', 'family', 'code', 'pattern', 'scenario_code', 'scenario_pattern'],
      rows: changes,
    },
  ]
}
