/**
 * @module `concord label`: pre-label the project's commits with a machine labeler, and
 * `concord evaluate`: score a labeler against a coder or the final codes.
 */
import { labelers } from '../../schema/enums'
import type { Labeler } from '../../schema/enums'
import { platforms } from '../../schema/enums'
import type { Platform } from '../../schema/enums'
import type { Evaluation } from '../core/evaluation'
import { evaluate } from '../services/evaluation'
import { labelCommits, planLabeling } from '../services/labeling'
import type { LabelPlan, LabelResult } from '../services/labeling'
import { UsageError, openSession, output, parseFlags } from './command'
import { stderrProgress } from './progress'

export const labelHelp = `Usage: concord label --labeler rules|classifier|llm [flags]

Pre-labels every commit of the project that has no label yet from that labeler configuration.

  --labeler L        rules (offline rules), classifier (trained on the project's final codes)
                     or llm (an OpenAI-compatible server: OPENAI_BASE_URL, OPENAI_API_KEY,
                     CONCORD_LLM_MODEL)
  --concurrency N    requests in flight (llm; default CONCORD_LLM_CONCURRENCY, 4)
  --limit N          label at most N commits
  --dry-run          print the units, cached answers, estimated tokens and cost; send nothing
  --budget USD       stop before the estimated cost passes USD (llm; needs
                     CONCORD_LLM_INPUT_USD_PER_MTOK and CONCORD_LLM_OUTPUT_USD_PER_MTOK)
  --relabel          label again commits already labelled by this configuration (llm answers
                     then come from the cache)
  --project NAME, --json, --help

A configuration is the rater (rules, classifier, llm:MODEL) with its version: the rules' version,
the classifier's training data, or the LLM's prompt version; plus the codebook version. A run that
was killed resumes where it stopped. --json prints {"labeled","failed","requests","cached",...}.`

export const evaluateHelp = `Usage: concord evaluate --labeler NAME|--run ID --against CODER|final [flags]

Scores a labeler against a coder or the final codes: accuracy, macro-F1, Cohen's kappa, per-code
precision / recall / F1 and the confusion matrix, over the commits both labelled.

  --labeler NAME     a rater: rules, classifier, llm:MODEL (or llm when one LLM rater has labels)
  --run ID           or the labels of one labeling run
  --against NAME     a coder's name (e.g. coder1), or final for the final codes
  --platform P       github or huggingface only
  --project NAME, --json, --help`

const whole = (flag: string, value: string | undefined) => {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${flag} takes a whole number of at least 1, not '${value}'`)
  return n
}

export async function labelCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseFlags(args, {
    labeler: { type: 'string' },
    concurrency: { type: 'string' },
    limit: { type: 'string' },
    budget: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    relabel: { type: 'boolean', default: false },
  })
  if (values.help) return void console.log(labelHelp)
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  if (!values.labeler) throw new UsageError('--labeler is required: rules, classifier or llm')
  if (!(labelers as readonly string[]).includes(values.labeler)) {
    throw new UsageError(`--labeler takes rules, classifier or llm, not '${values.labeler}'`)
  }
  const budget = values.budget === undefined ? undefined : Number(values.budget)
  if (budget !== undefined && !(Number.isFinite(budget) && budget > 0)) {
    throw new UsageError(`--budget takes an amount in USD above 0, not '${values.budget}'`)
  }
  const session = await openSession(values.project)
  try {
    const input = {
      projectId: session.project.id,
      labeler: values.labeler as Labeler,
      concurrency: whole('concurrency', values.concurrency),
      limit: whole('limit', values.limit),
      budgetUsd: budget,
      relabel: values.relabel,
    }
    if (values['dry-run']) {
      const plan = await planLabeling({ ctx: session.ctx, input })
      return output(values.json, plan, () => formatPlan(plan))
    }
    const result = await labelCommits({
      ctx: session.ctx,
      input,
      onProgress: stderrProgress('label'),
    })
    output(values.json, result, () => formatResult(result))
  } finally {
    session.database.close()
  }
}

const usd = (v: number | null) =>
  v === null ? 'unknown (set CONCORD_LLM_*_USD_PER_MTOK)' : `$${v.toFixed(4)}`

function formatPlan(p: LabelPlan): string {
  return [
    `dry run: ${p.rater}${p.prompt_version ? ` (prompt ${p.prompt_version})` : ''}, codebook version ${p.codebook_version}`,
    `  units to label        ${p.units}`,
    `  answers in the cache  ${p.cached}`,
    `  requests to send      ${p.to_send}`,
    `  estimated tokens      ${p.estimated_prompt_tokens} prompt + ${p.estimated_completion_tokens} completion`,
    `  estimated cost        ${usd(p.estimated_cost_usd)}`,
    'nothing was sent',
  ].join('\n')
}

function formatResult(r: LabelResult): string {
  const lines = [
    `${r.rater}: ${r.labeled} labeled, ${r.failed} failed, ${r.requests} requests, ${r.cached} from the cache (run ${r.run})`,
  ]
  if (r.requests > 0)
    lines.push(
      `tokens: ${r.prompt_tokens} prompt + ${r.completion_tokens} completion, estimated cost ${usd(r.cost_usd)}`,
    )
  if (r.stopped === 'budget')
    lines.push('stopped: the budget was reached; rerun with a larger --budget to continue')
  return lines.join('\n')
}

export async function evaluateCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseFlags(args, {
    labeler: { type: 'string' },
    run: { type: 'string' },
    against: { type: 'string' },
    platform: { type: 'string' },
  })
  if (values.help) return void console.log(evaluateHelp)
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  if ((values.labeler === undefined) === (values.run === undefined))
    throw new UsageError('name either --labeler NAME or --run ID')
  if (!values.against) throw new UsageError('--against is required: a coder name, or final')
  if (values.platform && !(platforms as readonly string[]).includes(values.platform)) {
    throw new UsageError('--platform takes github or huggingface')
  }
  const session = await openSession(values.project)
  try {
    const report = await evaluate({
      ctx: session.ctx,
      input: {
        projectId: session.project.id,
        labeler: values.labeler,
        runId: whole('run', values.run),
        against: values.against,
        platform: values.platform as Platform | undefined,
      },
    })
    output(values.json, report, () => formatEvaluation(report))
  } finally {
    session.database.close()
  }
}

const fmt = (v: number | null) => (v === null ? '  —  ' : v.toFixed(3))

function formatEvaluation(e: Evaluation): string {
  const width = Math.max(4, ...e.per_code.map((c) => c.code.length))
  return [
    `${e.labeler} against ${e.reference}: ${e.n} commits both labelled`,
    `  accuracy       ${fmt(e.accuracy)}`,
    `  macro-F1       ${fmt(e.macro_f1)}`,
    `  Cohen's kappa  ${fmt(e.cohen_kappa)}`,
    '',
    `${'code'.padEnd(width)}  support  predicted  precision  recall     F1`,
    ...e.per_code.map(
      (c) =>
        `${c.code.padEnd(width)}  ${String(c.support).padStart(7)}  ${String(c.predicted).padStart(9)}  ${fmt(c.precision).padStart(9)}  ${fmt(c.recall).padStart(6)}  ${fmt(c.f1).padStart(5)}`,
    ),
    ...(e.notes.length > 0 ? ['', 'notes:', ...e.notes.map((n) => `  - ${n}`)] : []),
  ].join('\n')
}
