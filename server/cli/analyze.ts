/**
 * @module `concord analyze` (the detector per family, cli.md) and `concord report --out DIR`
 * (every table as CSV and JSON, the offline HTML report and the replication bundle).
 */
import { analyzeSync, AnalysisSettings, SyncSettings } from '../services/analysis'
import type { AnalyzeResult, FamilySyncView } from '../services/analysis'
import { writeReport } from '../services/report'
import { UsageError, openSession, output, parseFlags } from './command'

const settingFlags = {
  period: { type: 'string' },
  'rare-max-periods': { type: 'string' },
  'frequent-run': { type: 'string' },
  'variant-min-periods': { type: 'string' },
  'variant-min-variants': { type: 'string' },
} as const

const settingsHelp = `  --period DAYS               period length P (default 14)
  --rare-max-periods N        R: every variant active in at most N periods (default 3)
  --frequent-run N            F: a run of N consecutive periods co-active with GitHub (default 5)
  --variant-min-periods N     VS: at least N periods ... (default 3)
  --variant-min-variants N    ... each with at least N variants active (default 3)`

export const analyzeHelp = `Usage: concord analyze [--family F] [--period DAYS] [threshold flags] [--json]

Synchronization per family (method.md §3): lag, type (CS/PS/VS/AS), intensity (R/S/F) and
pattern, with the evidence and the rule that decided each; insufficient-data with the reason
when a platform has no commits. Excluded families and repositories are left out (and listed);
commits after a repository's observation end are ignored.

  --family F                  one family, with its evidence in the text output
${settingsHelp}
  --project NAME, --json, --help`

export const reportHelp = `Usage: concord report --out DIR [--codes final|prelabels] [threshold flags] [--json]

Writes the project's analysis to DIR: tables/*.csv and tables/*.json (every table), analysis.json,
report.html (self-contained, opens offline), bundle/ (codebook version, prompts, models seen on
labels, agreement report, final codes) and manifest.json (sha256 of every file).

  --out DIR                   the folder to write (created when missing)
  --codes final|prelabels     change types from final codes (default), or final codes filled in
                              with machine pre-labels, labelled as such everywhere
${settingsHelp}
  --project NAME, --json, --help`

/** The detector settings from the flags; a bad value is a usage error naming the flag. */
function settingsOf(values: Partial<Record<keyof typeof settingFlags, string | undefined>>): SyncSettings {
  const settings: Record<string, number> = {}
  for (const flag of Object.keys(settingFlags) as (keyof typeof settingFlags)[]) {
    const text = values[flag]
    if (text === undefined) continue
    const n = Number(text)
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1 || n > 10_000) {
      throw new UsageError(`--${flag} takes a whole number from 1 to 10000, not '${text}'`)
    }
    settings[flag] = n
  }
  return SyncSettings.parse(settings)
}

export async function analyzeCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseFlags(args, { family: { type: 'string' }, ...settingFlags })
  if (values.help) return void console.log(analyzeHelp)
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  const settings = settingsOf(values)
  const session = await openSession(values.project)
  try {
    const result = await analyzeSync(session.ctx, {
      projectId: session.project.id,
      family: values.family,
      settings,
    })
    output(values.json, result, () => formatAnalyze(result, values.family !== undefined))
  } finally {
    session.database.close()
  }
}

function formatAnalyze(r: AnalyzeResult, detailed: boolean): string {
  const s = r.settings
  const lines = [
    `period ${s.period_days} days; R <= ${s.rare_max_periods} periods; F run >= ${s.frequent_run}; ` +
      `VS >= ${s.variant_min_periods} periods with >= ${s.variant_min_variants} variants`,
    '',
  ]
  const width = Math.max(6, ...r.families.map((f) => f.family.length))
  lines.push(`${'family'.padEnd(width)}  ${'lag'.padEnd(16)}  code  pattern`)
  for (const f of r.families) {
    lines.push(
      f.status === 'ok'
        ? `${f.family.padEnd(width)}  ${f.lag!.padEnd(16)}  ${f.code}   ${f.pattern}`
        : `${f.family.padEnd(width)}  insufficient data: ${f.reason}`,
    )
    if (detailed) lines.push(...familyDetails(f))
  }
  if (r.families.length === 0) lines.push('(no family analysed)')
  const ok = r.families.filter((f) => f.status === 'ok').length
  lines.push('', `${r.families.length} families: ${ok} with a pattern, ${r.families.length - ok} with insufficient data`)
  lines.push(...exclusionLines(r.exclusions))
  return lines.join('\n')
}

function familyDetails(f: FamilySyncView): string[] {
  const out: string[] = []
  if (f.evidence) {
    const e = f.evidence
    out.push(`  day0 ${e.day0}, periods of ${e.period_days} days`)
    out.push(`  GitHub active in periods: ${e.github.join(', ')}`)
    for (const v of e.variants) out.push(`  ${v.name}: ${v.periods.join(', ')} (with GitHub: ${v.overlap.join(', ') || 'none'})`)
    out.push(`  lag: ${e.rules.lag}`, `  type: ${e.rules.type}`, `  intensity: ${e.rules.intensity}`)
  }
  if (f.ignored_variants.length) out.push(`  ignored (no commits): ${f.ignored_variants.join(', ')}`)
  for (const x of f.excluded_repositories) out.push(`  excluded ${x.repository}: ${x.reason}`)
  for (const w of f.windows) out.push(`  ${w.repository} observed up to ${w.observation_end} (${w.ignored_commits} later commits ignored)`)
  return out
}

function exclusionLines(x: AnalyzeResult['exclusions']): string[] {
  const lines = [
    ...x.families.map((f) => `excluded family ${f.family}: ${f.reason}`),
    ...x.repositories.map((r) => `excluded ${r.platform} repository ${r.repository}: ${r.reason}`),
    ...x.windows.map((w) => `window: ${w.platform} repository ${w.repository} observed up to ${w.observation_end} (${w.ignored_commits} later commits ignored)`),
  ]
  return lines.length ? ['', ...lines] : ['', 'no exclusions, no observation windows']
}

export async function reportCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseFlags(args, { out: { type: 'string' }, codes: { type: 'string' }, ...settingFlags })
  if (values.help) return void console.log(reportHelp)
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  if (!values.out) throw new UsageError('report needs --out DIR')
  if (values.codes !== undefined && values.codes !== 'final' && values.codes !== 'prelabels') {
    throw new UsageError(`--codes takes final or prelabels, not '${values.codes}'`)
  }
  const settings = AnalysisSettings.parse({ ...settingsOf(values), codes: values.codes })
  const session = await openSession(values.project)
  try {
    const { out, manifest } = await writeReport(session.ctx, {
      projectId: session.project.id,
      projectName: session.project.name,
      outDir: values.out,
      settings,
    })
    const result = { out, files: manifest.files.length + 1, manifest: 'manifest.json', report: 'report.html' }
    output(values.json, result, () =>
      [
        `wrote ${result.files} files to ${out}`,
        `  report.html     the report (opens offline)`,
        `  tables/         ${manifest.files.filter((f) => f.path.startsWith('tables/')).length} files (CSV and JSON of every table)`,
        `  bundle/         codebook, prompts (${manifest.prompts.length}), models, agreement, final codes`,
        `  manifest.json   sha256 of every file`,
        `change types: ${manifest.codes.label}`,
      ].join('\n'),
    )
  } finally {
    session.database.close()
  }
}
