/**
 * @module `concord agreement`: inter-rater statistics on a CSV or on the project's labels.
 */
import { agreementReport } from '../core/agreement'
import type { AgreementReport } from '../core/agreement'
import { parseRatingsCsv } from '../ingest/agreement-csv'
import { readImportFile } from '../ingest/text'
import { platforms } from '../../schema/enums'
import type { Platform } from '../../schema/enums'
import { projectAgreement } from '../services/agreement'
import { codebookVersionId } from '../services/codebook'
import { UsageError, openSession, output, parseFlags } from './command'

export const agreementHelp = `Usage: concord agreement [--input FILE] [--coders a,b,...] [flags]

Inter-rater agreement: percent agreement, Cohen's kappa per pair, Fleiss' kappa, Krippendorff's
alpha (nominal; MASI distance for multi-label codes) with a bootstrap 95% CI, Gwet's AC1,
per-code agreement and the disagreements.

  --input FILE       a long CSV unit,coder,code (free-string codes, multi-label joined by |);
                     without it, the project's stored labels (units are commits)
  --coders a,b,...   raters to compare, human or machine (e.g. coder1,llm); default all
  --platform P       stored labels only: github or huggingface
  --codebook-version N  stored labels only: those made under codebook version N
  --resamples N      bootstrap resamples for alpha's CI (default 1000; 0 turns it off)
  --seed N           bootstrap seed (default 1)
  --project NAME, --json, --help`

const number = (flag: string, value: string | undefined, fallback: number) => {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${flag} takes a whole number, not '${value}'`)
  return n
}

export async function agreementCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseFlags(args, {
    input: { type: 'string' },
    coders: { type: 'string' },
    platform: { type: 'string' },
    resamples: { type: 'string' },
    seed: { type: 'string' },
    'codebook-version': { type: 'string' },
  })
  if (values.help) return void console.log(agreementHelp)
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  const coders = values.coders?.split(',').map((c) => c.trim()).filter(Boolean)
  if (coders && coders.length < 2) throw new UsageError('--coders needs at least two raters')
  if (values.platform && !(platforms as readonly string[]).includes(values.platform)) {
    throw new UsageError('--platform takes github or huggingface')
  }
  const resamples = number('resamples', values.resamples, 1000)
  const seed = number('seed', values.seed, 1)

  let report: AgreementReport
  if (values.input) {
    if (values.platform || values['codebook-version']) throw new UsageError('--platform and --codebook-version apply to stored labels, not --input')
    const ratings = parseRatingsCsv(await readImportFile(values.input), values.input)
    report = agreementReport(ratings, { coders, bootstrapResamples: resamples, seed })
  } else {
    const session = await openSession(values.project)
    try {
      const version = values['codebook-version'] === undefined ? undefined : number('codebook-version', values['codebook-version'], 0)
      report = await projectAgreement(session.ctx, session.project.id, {
        coders,
        platform: values.platform as Platform | undefined,
        codebookVersionId: version === undefined ? undefined : await codebookVersionId(session.ctx, session.project.id, version),
        resamples,
        seed,
      })
    } finally {
      session.database.close()
    }
  }
  output(values.json, report, () => formatReport(report))
}

const fmt = (v: number | null) => (v === null ? 'undefined' : v.toFixed(3))

function formatReport(r: AgreementReport): string {
  const width = Math.max(...r.pairwise.map((p) => p.coders.join(' - ').length), 4)
  const lines = [
    `${r.units} units, ${r.coders.length} raters (${r.coders.join(', ')}), ${r.categories} codes`,
    `percent agreement      ${fmt(r.percent_agreement)}`,
    `Fleiss' kappa          ${fmt(r.fleiss_kappa)}`,
    `Krippendorff's alpha   ${fmt(r.krippendorff_alpha)} (${r.alpha_weighting})` +
      (r.krippendorff_alpha_ci95 ? `, 95% CI ${fmt(r.krippendorff_alpha_ci95[0])} to ${fmt(r.krippendorff_alpha_ci95[1])}` : ''),
    `Gwet's AC1             ${fmt(r.gwet_ac1)}`,
    '',
    `${'pair'.padEnd(width)}    n  agreement  Cohen's kappa`,
    ...r.pairwise.map(
      (p) => `${p.coders.join(' - ').padEnd(width)} ${String(p.n).padStart(4)}  ${fmt(p.percent_agreement).padStart(9)}  ${fmt(p.cohen_kappa).padStart(13)}`,
    ),
    '',
    `${r.disagreements.length} units with disagreement`,
  ]
  if (r.notes.length > 0) lines.push('', 'notes:', ...r.notes.map((n) => `  - ${n}`))
  return lines.join('\n')
}
