/**
 * @module `concord round list|create|reveal|sample-size`: coding rounds from the command line
 * (the CLI acts as an administrator). Coders code in the web app.
 */
import { platforms, preLabelModes, strataKinds, unitSelections } from '../../schema/enums'
import { listRounds, revealRound, roundSampleSize, createRound } from '../services/rounds'
import type { CreateRoundInput, RoundSummary } from '../services/rounds'
import { UsageError, openSession, output, parseFlags } from './command'

export const roundHelp = `Usage: concord round list|create|reveal|sample-size [flags]

Coding rounds: chosen commits coded blind by chosen coders (members of the project) under the
project's current codebook version; each coder gets a queue and codes in the web app.

  round list
  round create --name NAME --coders a,b[,…] [unit and overlap flags]
      --selection all|random|stratified   (default random)
      --size N            units to draw; without it, the sample size for --confidence/--margin
      --confidence P --margin E           (default 0.95 and 0.05)
      --strata platform|family            (stratified selection)
      --platform P --family F             draw only from these commits
      --k N | --share S   every unit by N coders (default 2), or a share S (0..1) by every coder
      --pre-labels shown|hidden|after     (default hidden)
      --machine-raters llm,rules          compared on the dashboard, shown as pre-labels
      --no-auto-finalize                  unanimous units wait for adjudication too
      --seed N
  round reveal ID     end the blind phase (labels visible and locked; unanimous units finalized)
  round sample-size [--confidence P] [--margin E] [--platform P] [--family F]
  --project NAME, --json, --help`

const choice = <T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined => {
  if (value === undefined) return undefined
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${flag} takes ${allowed.join(', ')}, not '${value}'`)
  return value as T
}

const number = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isFinite(n)) throw new UsageError(`--${flag} takes a number, not '${value}'`)
  return n
}

const list = (value: string | undefined) => value?.split(',').map((s) => s.trim()).filter(Boolean)

function describe(r: RoundSummary): string {
  const progress = (r.progress ?? []).map((p) => `${p.coder} ${p.done}/${p.assigned}`).join(', ')
  return `#${r.id} ${r.name} [${r.status}] ${r.units} units, codebook v${r.codebookVersion}; ${progress}; ${r.finalized ?? 0} final`
}

export async function roundCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseFlags(args, {
    name: { type: 'string' },
    coders: { type: 'string' },
    selection: { type: 'string' },
    size: { type: 'string' },
    confidence: { type: 'string' },
    margin: { type: 'string' },
    strata: { type: 'string' },
    platform: { type: 'string' },
    family: { type: 'string' },
    k: { type: 'string' },
    share: { type: 'string' },
    'pre-labels': { type: 'string' },
    'machine-raters': { type: 'string' },
    'no-auto-finalize': { type: 'boolean', default: false },
    seed: { type: 'string' },
  })
  if (values.help) return void console.log(roundHelp)
  const [action, ...rest] = positionals
  if (!action || !['list', 'create', 'reveal', 'sample-size'].includes(action)) throw new UsageError(`round takes list, create, reveal or sample-size (try --help)`)
  const platform = choice('platform', values.platform, platforms)
  const session = await openSession(values.project)
  try {
    const { ctx, project } = session
    if (action === 'list') {
      const rounds = await listRounds(ctx, project.id)
      return output(values.json, rounds, () => (rounds.length ? rounds.map(describe).join('\n') : 'no rounds'))
    }
    if (action === 'sample-size') {
      const size = await roundSampleSize(ctx, project.id, {
        confidence: number('confidence', values.confidence),
        margin: number('margin', values.margin),
        platform,
        family: values.family,
      })
      return output(values.json, size, () => `${size.n} units (${size.confidence * 100}% ± ${size.margin * 100}% over ${size.population} commits)`)
    }
    if (action === 'reveal') {
      const id = Number(rest[0])
      if (!Number.isInteger(id) || id <= 0) throw new UsageError('round reveal takes the round id')
      const round = await revealRound(ctx, project.id, id)
      return output(values.json, round, () => describe(round))
    }
    if (!values.name) throw new UsageError('round create needs --name')
    const coders = list(values.coders)
    if (!coders?.length) throw new UsageError('round create needs --coders a,b')
    if (values.k !== undefined && values.share !== undefined) throw new UsageError('give --k or --share, not both')
    const k = number('k', values.k)
    const share = number('share', values.share)
    const input: CreateRoundInput = {
      name: values.name,
      coders,
      selection: choice('selection', values.selection, unitSelections),
      size: number('size', values.size),
      confidence: number('confidence', values.confidence),
      margin: number('margin', values.margin),
      strata: choice('strata', values.strata, strataKinds),
      platform,
      family: values.family,
      overlap: share !== undefined ? { mode: 'share', share } : k !== undefined ? { mode: 'k', k } : undefined,
      preLabels: choice('pre-labels', values['pre-labels'], preLabelModes),
      machineRaters: list(values['machine-raters']),
      autoFinalize: !values['no-auto-finalize'],
      seed: number('seed', values.seed),
    }
    const created = await createRound(ctx, project.id, input)
    const [summary] = (await listRounds(ctx, project.id)).filter((r) => r.id === created.id)
    output(values.json, summary, () => describe(summary!))
  } finally {
    session.database.close()
  }
}
