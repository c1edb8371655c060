/**
 * @module Synchronization analysis of a project (method.md §3-§7): the detector per family
 * (`concord analyze`), the project's tables and tests, one family in detail, and the
 * sensitivity reruns. Exclusions and observation windows apply everywhere and are reported.
 */
import { z } from 'zod'
import type { Platform } from '../../schema'
import { analyseProject, defaultScenarios, familyTimeline } from '../core/project-analysis'
import type { FamilyAnalysis, ProjectAnalysis, SensitivityScenario } from '../core/project-analysis'
import { swimlanes } from '../core/swimlane'
import type { Swimlanes } from '../core/swimlane'
import { PATTERN_BY_CODE, detectSync, resolveOptions } from '../core/sync'
import type { SyncOptions, SyncResult } from '../core/sync'
import type { Table } from '../core/tables'
import {
  analysedFamilies,
  fallbackCodeNames,
  familyInput,
  loadCodes,
  loadContributors,
  loadProjectData,
} from './analysis-data'
import type { CodeSource, LoadedFamily, ProjectData } from './analysis-data'
import type { Ctx } from './context'
import { InvalidInputError, NotFoundError } from './errors'

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

const threshold = z.coerce.number().int().min(1).max(10_000)

/** The detector's settings as the CLI flags and API query name them; all optional. */
export const SyncSettings = z.object({
  period: threshold.optional(),
  'rare-max-periods': threshold.optional(),
  'frequent-run': threshold.optional(),
  'variant-min-periods': threshold.optional(),
  'variant-min-variants': threshold.optional(),
})
export type SyncSettings = z.infer<typeof SyncSettings>

export const AnalysisSettings = SyncSettings.extend({
  /** `prelabels` fills commits without a final code with their newest machine pre-label. */
  codes: z.enum(['final', 'prelabels']).default('final'),
})
export type AnalysisSettings = z.input<typeof AnalysisSettings>

/** The detector options from the settings, checked. */
export function syncOptionsOf(settings: SyncSettings): SyncOptions {
  const s = SyncSettings.parse(settings)
  return resolveOptions({
    periodDays: s.period,
    rareMaxPeriods: s['rare-max-periods'],
    frequentRun: s['frequent-run'],
    variantMinPeriods: s['variant-min-periods'],
    variantMinVariants: s['variant-min-variants'],
  })
}

/** The settings in force, as the JSON documents print them. */
export function settingsView(o: SyncOptions) {
  return {
    period_days: o.periodDays,
    rare_max_periods: o.rareMaxPeriods,
    frequent_run: o.frequentRun,
    variant_min_periods: o.variantMinPeriods,
    variant_min_variants: o.variantMinVariants,
  }
}

// ---------------------------------------------------------------------------------------------
// Exclusions and windows, as every report shows them
// ---------------------------------------------------------------------------------------------

export type ExclusionsView = {
  families: { family: string; reason: string }[]
  repositories: { repository: string; platform: Platform; reason: string; families: string[] }[]
  windows: {
    repository: string
    platform: Platform
    observation_end: string
    ignored_commits: number
    families: string[]
  }[]
}

function exclusionsOf(data: ProjectData): ExclusionsView {
  const familiesOf = (id: number) =>
    data.families.filter((f) => f.repositories.some((r) => r.id === id)).map((f) => f.name)
  return {
    families: data.families
      .filter((f) => f.excludedReason !== null)
      .map((f) => ({ family: f.name, reason: f.excludedReason! })),
    repositories: data.repositories
      .filter((r) => r.excludedReason !== null)
      .map((r) => ({ repository: r.fullName, platform: r.platform, reason: r.excludedReason!, families: familiesOf(r.id) })),
    windows: data.repositories
      .filter((r) => r.observationEnd !== null)
      .map((r) => ({
        repository: r.fullName,
        platform: r.platform,
        observation_end: r.observationEnd!,
        ignored_commits: r.ignoredCommits,
        families: familiesOf(r.id),
      })),
  }
}

/** Tables of the exclusions and windows, so the CSV bundle carries them too. */
function exclusionTables(x: ExclusionsView): Table[] {
  return [
    {
      name: 'exclusions',
      title: 'Exclusions',
      description: 'Families and repositories left out of every analysis, with the reason given.',
      columns: ['kind', 'name', 'platform', 'reason', 'families'],
      rows: [
        ...x.families.map((f) => ['family', f.family, null, f.reason, null]),
        ...x.repositories.map((r) => ['repository', r.repository, r.platform, r.reason, r.families.join('; ')]),
      ],
    },
    {
      name: 'windows',
      title: 'Observation windows',
      description: 'Repositories observed up to a day (mirrors stop early): their later commits are ignored.',
      columns: ['repository', 'platform', 'observation_end', 'ignored_commits', 'families'],
      rows: x.windows.map((w) => [w.repository, w.platform, w.observation_end, w.ignored_commits, w.families.join('; ')]),
    },
  ]
}

// ---------------------------------------------------------------------------------------------
// The detector per family (`concord analyze`)
// ---------------------------------------------------------------------------------------------

export type EvidenceView = {
  day0: string
  period_days: number
  github: number[]
  variants: {
    name: string
    periods: number[]
    overlap: number[]
    longest_overlap_run: { length: number; from: number | null; to: number | null }
  }[]
  union: number[]
  crowded_periods: number[]
  rules: { lag: string; type: string; intensity: string }
}

export type FamilySyncView = {
  family: string
  status: SyncResult['status']
  lag: SyncResult['lag']
  type: SyncResult['type']
  intensity: SyncResult['intensity']
  code: SyncResult['code']
  pattern: SyncResult['pattern']
  /** Why there is no pattern (insufficient data); null otherwise. */
  reason: string | null
  /** Variants without commits (in their window): listed and ignored. */
  ignored_variants: string[]
  excluded_repositories: { repository: string; platform: Platform; reason: string }[]
  windows: { repository: string; platform: Platform; observation_end: string; ignored_commits: number }[]
  evidence: EvidenceView | null
}

function syncView(family: LoadedFamily, result: SyncResult): FamilySyncView {
  const excluded = family.repositories
    .filter((r) => r.excludedReason !== null)
    .map((r) => ({ repository: r.fullName, platform: r.platform, reason: r.excludedReason! }))
  let reason = result.status === 'ok' ? null : result.reason
  if (reason && excluded.length > 0) {
    reason += ` (excluded: ${excluded.map((e) => `${e.repository}, ${e.reason}`).join('; ')})`
  }
  const e = result.evidence
  return {
    family: family.name,
    status: result.status,
    lag: result.lag,
    type: result.type,
    intensity: result.intensity,
    code: result.code,
    pattern: result.pattern,
    reason,
    ignored_variants: result.ignoredVariants,
    excluded_repositories: excluded,
    windows: family.repositories
      .filter((r) => r.observationEnd !== null)
      .map((r) => ({
        repository: r.fullName,
        platform: r.platform,
        observation_end: r.observationEnd!,
        ignored_commits: r.ignoredCommits,
      })),
    evidence: e && {
      day0: e.day0,
      period_days: e.periodDays,
      github: e.github,
      variants: e.variants.map((v) => ({
        name: v.name,
        periods: v.periods,
        overlap: v.overlap,
        longest_overlap_run: v.longestOverlapRun,
      })),
      union: e.union,
      crowded_periods: e.crowdedPeriods,
      rules: e.rules,
    },
  }
}

export type AnalyzeResult = {
  settings: ReturnType<typeof settingsView>
  families: FamilySyncView[]
  exclusions: ExclusionsView
}

/**
 * The detector on every analysed family of the project (or the one named): lag, type,
 * intensity, pattern and evidence, or `insufficient-data` with the reason. Excluded families are
 * left out of `families` and listed under `exclusions`.
 * @throws NotFoundError for an unknown family; ZodError/RangeError for bad settings.
 */
export async function analyzeSync(
  ctx: Ctx,
  input: { projectId: number; family?: string | undefined; settings?: SyncSettings },
): Promise<AnalyzeResult> {
  const options = syncOptionsOf(input.settings ?? {})
  const data = await loadProjectData(ctx, input.projectId, { family: input.family })
  const byId = new Map(data.families.map((f) => [f.id, f]))
  const families = analysedFamilies(data).map((f) =>
    syncView(byId.get(f.id)!, detectSync(familyTimeline(familyInput(f)), options)),
  )
  return { settings: settingsView(options), families, exclusions: exclusionsOf(data) }
}

// ---------------------------------------------------------------------------------------------
// The project's analyses
// ---------------------------------------------------------------------------------------------

export type CodesView = {
  source: CodeSource
  /** A sentence saying where the change types came from. */
  label: string
  final_commits: number
  prelabel_commits: number
  fallback_codes: string[]
}

export type FamilySummaryView = FamilySyncView & {
  commits: { github: number; huggingface: number }
  variants: number
  active_variants: number
  age_days: number | null
  maturity: string | null
  similarity: number | null
  similarity_group: string | null
  coded: { github: number; huggingface: number } | null
}

export type ProjectAnalysisView = {
  project: string
  generated_at: string
  settings: ReturnType<typeof settingsView>
  codes: CodesView
  exclusions: ExclusionsView
  summary: {
    families: number
    excluded: number
    analysed: number
    with_pattern: number
    insufficient_data: number
  }
  tertiles: {
    maturity: { cut_points: [number, number] | null; counts: Record<string, number>; n: number }
    similarity: { cut_points: [number, number] | null; counts: Record<string, number>; n: number; mean: number | null }
  }
  families: FamilySummaryView[]
  scenarios: { name: string; settings: ReturnType<typeof settingsView> }[]
  tables: Table[]
}

type Computed = {
  view: ProjectAnalysisView
  data: ProjectData
  analysis: ProjectAnalysis
  inputs: Map<string, ReturnType<typeof familyInput>>
}

async function computeProject(
  ctx: Ctx,
  input: {
    projectId: number
    projectName: string
    settings?: AnalysisSettings
    sensitivity?: boolean
    /** Period lengths of the sensitivity reruns (7, 14 and 30 days by default). */
    periods?: readonly number[] | undefined
  },
): Promise<Computed> {
  const settings = AnalysisSettings.parse(input.settings ?? {})
  const options = syncOptionsOf(settings)
  const data = await loadProjectData(ctx, input.projectId)
  const families = analysedFamilies(data)
  const repos = families.flatMap((f) => f.repositories)
  const [codes, contributors, fallbackCodes] = await Promise.all([
    loadCodes(ctx, input.projectId, repos, settings.codes),
    loadContributors(ctx, input.projectId, repos),
    fallbackCodeNames(ctx, input.projectId),
  ])
  const inputs = new Map(
    families.map((f) => [f.name, familyInput(f, { codes: codes.byRepository, contributors })]),
  )
  const label =
    settings.codes === 'final'
      ? `final codes (${codes.finalCommits} commits)`
      : `final codes (${codes.finalCommits} commits) filled in with machine pre-labels ` +
        `(${codes.prelabelCommits} commits, NOT adjudicated)`
  const scenarios = input.sensitivity === false ? [] : defaultScenarios(options, input.periods)
  const analysis = analyseProject([...inputs.values()], {
    sync: options,
    fallbackCodes,
    codeSource: label,
    scenarios,
    gapMinYear: 2016,
  })
  const exclusions = exclusionsOf(data)
  const byName = new Map(data.families.map((f) => [f.name, f]))
  const ok = analysis.families.filter((f) => f.sync.status === 'ok').length
  const view: ProjectAnalysisView = {
    project: input.projectName,
    generated_at: new Date().toISOString(),
    settings: settingsView(options),
    codes: {
      source: settings.codes,
      label,
      final_commits: codes.finalCommits,
      prelabel_commits: codes.prelabelCommits,
      fallback_codes: fallbackCodes,
    },
    exclusions,
    summary: {
      families: data.families.length,
      excluded: exclusions.families.length,
      analysed: families.length,
      with_pattern: ok,
      insufficient_data: families.length - ok,
    },
    tertiles: {
      maturity: { cut_points: analysis.maturity.cutPoints, counts: analysis.maturity.counts, n: analysis.maturity.n },
      similarity: {
        cut_points: analysis.similarity.cutPoints,
        counts: analysis.similarity.counts,
        n: analysis.similarity.n,
        mean: analysis.similarity.mean,
      },
    },
    families: analysis.families.map((f) => summaryView(byName.get(f.family)!, f)),
    scenarios: scenarios.map((s) => ({ name: s.name, settings: settingsView({ ...options, ...s.options }) })),
    tables: [...analysis.tables, ...exclusionTables(exclusions)],
  }
  return { view, data, analysis, inputs }
}

function summaryView(family: LoadedFamily, f: FamilyAnalysis): FamilySummaryView {
  return {
    ...syncView(family, f.sync),
    evidence: null,
    commits: f.commits,
    variants: f.variants,
    active_variants: f.activeVariants,
    age_days: f.age,
    maturity: f.maturity,
    similarity: f.similarity?.jaccard ?? null,
    similarity_group: f.similarity?.group ?? null,
    coded: f.similarity?.coded ?? null,
  }
}

/**
 * Every analysis of the project: families with their patterns, maturity and similarity, and the
 * tables (pattern distribution, pattern x lag/maturity, similarity, change types, gaps,
 * contributors, evolution, sensitivity, tests, exclusions, windows).
 */
export async function projectAnalysis(
  ctx: Ctx,
  input: Parameters<typeof computeProject>[1],
): Promise<ProjectAnalysisView> {
  return (await computeProject(ctx, input)).view
}

/** One table of the project analysis by name. */
export async function projectTable(
  ctx: Ctx,
  input: { projectId: number; projectName: string; name: string; settings?: AnalysisSettings },
): Promise<Table> {
  const view = await projectAnalysis(ctx, { ...input, sensitivity: input.name.startsWith('sensitivity') })
  const table = view.tables.find((t) => t.name === input.name)
  if (!table) {
    throw new NotFoundError(`no table named '${input.name}' (tables: ${view.tables.map((t) => t.name).join(', ')})`)
  }
  return table
}

// ---------------------------------------------------------------------------------------------
// One family in detail
// ---------------------------------------------------------------------------------------------

export type SensitivityRow = {
  scenario: string
  settings: ReturnType<typeof settingsView>
  code: SyncResult['code']
  pattern: SyncResult['pattern']
  changed: boolean
}

export type FamilyDetailView = {
  project: string
  settings: ReturnType<typeof settingsView>
  codes: CodesView
  family: FamilySummaryView & { excluded_reason: string | null }
  evidence: EvidenceView | null
  swimlanes: Swimlanes
  maturity_cut_points: [number, number] | null
  similarity: FamilyAnalysis['similarity']
  gaps: { count: number; gh_to_hf: number; hf_to_gh: number; days: number[] }
  evolution: FamilyAnalysis['evolution']
  contributors: FamilyAnalysis['contributors']
  sensitivity: SensitivityRow[]
  /** The numbers behind the family's chart and sections, as tables (CSV downloads). */
  tables: Table[]
}

/**
 * A family with the evidence behind its pattern, its swimlanes, its place in the project's
 * maturity and similarity groups, gaps, evolution, contributors and sensitivity. An excluded
 * family is still shown (with its reason), analysed on its own.
 */
export async function familyDetail(
  ctx: Ctx,
  input: { projectId: number; projectName: string; family: string; settings?: AnalysisSettings },
): Promise<FamilyDetailView> {
  const computed = await computeProject(ctx, { ...input, sensitivity: false })
  const { view, data } = computed
  const loaded = data.families.find((f) => f.name === input.family)
  if (!loaded) throw new NotFoundError(`no family named '${input.family}' in this project`)
  const options = syncOptionsOf(AnalysisSettings.parse(input.settings ?? {}))
  let family = computed.analysis.families.find((f) => f.family === input.family)
  let familyIn = computed.inputs.get(input.family)
  if (!family || !familyIn) {
    // Excluded: analysed alone, so the page can still show what it would look like.
    familyIn = familyInput(loaded)
    family = analyseProject([familyIn], {
      sync: options,
      fallbackCodes: view.codes.fallback_codes,
      codeSource: view.codes.label,
      scenarios: [],
      gapMinYear: 2016,
    }).families[0]!
    family.maturity = null
  }
  const timeline = familyTimeline(familyIn)
  const sensitivity = defaultScenarios(options).map((s: SensitivityScenario) => {
    const r = detectSync(timeline, { ...options, ...s.options })
    return {
      scenario: s.name,
      settings: settingsView({ ...options, ...s.options }),
      code: r.code,
      pattern: r.code ? PATTERN_BY_CODE[r.code] : null,
      changed: r.code !== family.sync.code,
    }
  })
  const lanes = swimlanes(familyIn, options.periodDays)
  return {
    project: input.projectName,
    settings: view.settings,
    codes: view.codes,
    family: { ...summaryView(loaded, family), excluded_reason: loaded.excludedReason },
    evidence: syncView(loaded, family.sync).evidence,
    swimlanes: lanes,
    maturity_cut_points: view.tertiles.maturity.cut_points,
    similarity: family.similarity,
    gaps: {
      count: family.gaps.length,
      gh_to_hf: family.gaps.filter((g) => g.direction === 'GH->HF').length,
      hf_to_gh: family.gaps.filter((g) => g.direction === 'HF->GH').length,
      days: family.gaps.map((g) => g.days),
    },
    evolution: family.evolution,
    contributors: family.contributors,
    sensitivity,
    tables: familyTables(lanes, sensitivity),
  }
}

function familyTables(lanes: Swimlanes, sensitivity: readonly SensitivityRow[]): Table[] {
  return [
    {
      name: 'lanes',
      title: 'Active periods per repository',
      description:
        `Periods of ${lanes.periodDays} days from ${lanes.day0 ?? 'the first commit'}; co-active: the other ` +
        'platform is active in the same period.',
      columns: ['repository', 'platform', 'period', 'from', 'to', 'commits', 'co_active'],
      rows: lanes.lanes.flatMap((l) => l.periods.map((p) => [l.name, l.platform, p.period, p.from, p.to, p.commits, p.coActive])),
    },
    {
      name: 'sensitivity',
      title: 'Pattern under other periods and thresholds',
      description: 'The detector rerun with one setting changed at a time.',
      columns: ['scenario', 'period_days', 'rare_max_periods', 'frequent_run', 'variant_min_periods', 'variant_min_variants', 'code', 'pattern', 'changed'],
      rows: sensitivity.map((r) => [
        r.scenario,
        r.settings.period_days,
        r.settings.rare_max_periods,
        r.settings.frequent_run,
        r.settings.variant_min_periods,
        r.settings.variant_min_variants,
        r.code,
        r.pattern ?? 'insufficient-data',
        r.changed,
      ]),
    },
  ]
}

/** Swimlanes of every analysed family with a pattern, for the report. */
export function reportSwimlanes(computed: Computed): { family: string; lanes: Swimlanes }[] {
  return computed.analysis.families
    .filter((f) => f.sync.status === 'ok')
    .map((f) => ({ family: f.family, lanes: swimlanes(computed.inputs.get(f.family)!, computed.analysis.options.periodDays) }))
}

export { computeProject }
export type { Computed }

/**
 * The sensitivity analysis alone: the detector rerun with other period lengths and thresholds,
 * with the families whose pattern changes.
 */
export async function projectSensitivity(
  ctx: Ctx,
  input: { projectId: number; projectName: string; settings?: AnalysisSettings; periods?: readonly number[] | undefined },
) {
  const view = await projectAnalysis(ctx, { ...input, sensitivity: true })
  return {
    project: view.project,
    settings: view.settings,
    exclusions: view.exclusions,
    scenarios: view.scenarios,
    tables: view.tables.filter((t) => t.name.startsWith('sensitivity_')),
  }
}

/** Checks a table name from a URL or a flag before any work. */
export function assertTableName(name: string): void {
  if (!/^[a-z0-9_]{1,64}$/.test(name)) throw new InvalidInputError(`not a table name: '${name}'`)
}
