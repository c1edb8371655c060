/**
 * @module The LLM labeler's prompt: template files in `prompts/` (a system and a user part)
 * filled with the codebook, few-shot examples and the unit's text.
 *
 * The prompt version is `sha256` over, in this order and separated by NUL bytes: the literal
 * `concord-prompt-v1`, the system template's text, the user template's text, and the settings
 * that change what is rendered (`fewShotPerCode`, `unitTokens`) as JSON; its first 12 hex digits.
 * The codebook and the examples are not part of it: the codebook version is recorded beside it,
 * and examples follow the final codes as coding proceeds.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { SparseVector } from '../core/similarity-text'
import { rankBySimilarity } from '../core/similarity-text'

export const promptDir = fileURLToPath(new URL('../../prompts', import.meta.url))
export const promptFiles = { system: 'labeling.system.md', user: 'labeling.user.md' } as const

export type PromptTemplates = { system: string; user: string }
export type PromptSettings = { fewShotPerCode: number; unitTokens: number }

export type PromptCode = {
  name: string
  definition: string
  includeNotes?: string
  excludeNotes?: string
  isFallback?: boolean
}

/** A final-coded commit shown to the model with its codes. */
export type FewShotExample = { codes: readonly string[]; text: string }

export type RenderInput = {
  codes: readonly PromptCode[]
  multiLabel: boolean
  examples: readonly FewShotExample[]
  platform: string
  repository: string
  unit: string
}

export async function loadPromptTemplates(dir = promptDir): Promise<PromptTemplates> {
  const read = async (file: string) => {
    try {
      return await readFile(path.join(dir, file), 'utf8')
    } catch (error) {
      throw new Error(
        `cannot read the prompt template ${path.join(dir, file)}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      )
    }
  }
  return { system: await read(promptFiles.system), user: await read(promptFiles.user) }
}

/**
 * The prompt version (see the module comment for exactly what is hashed).
 * @example promptVersion({ system: 'S', user: 'U' }, { fewShotPerCode: 1, unitTokens: 1500 }) // 12 hex digits
 */
export function promptVersion(templates: PromptTemplates, settings: PromptSettings): string {
  const hash = createHash('sha256')
  const config = JSON.stringify({
    fewShotPerCode: settings.fewShotPerCode,
    unitTokens: settings.unitTokens,
  })
  for (const part of ['concord-prompt-v1', templates.system, templates.user, config])
    hash.update(part).update('\u0000')
  return hash.digest('hex').slice(0, 12)
}

/** Fills `{{name}}` placeholders; an unknown or unused name is an error naming the template. */
export function fillTemplate(
  template: string,
  values: Record<string, string>,
  name: string,
): string {
  const used = new Set<string>()
  const text = template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_m, key: string) => {
    if (!(key in values)) throw new Error(`prompt template ${name}: unknown placeholder {{${key}}}`)
    used.add(key)
    return values[key]!
  })
  const unused = Object.keys(values).filter((k) => !used.has(k))
  if (unused.length > 0)
    throw new Error(`prompt template ${name}: missing placeholder {{${unused[0]}}}`)
  return text
}

/** Untrusted text cannot close (or open) the <commit> block it is quoted in. */
export function quoteUntrusted(text: string): string {
  return text.replace(/<\s*(\/?)\s*commit\s*>/gi, '[$1commit]')
}

function codebookText(codes: readonly PromptCode[]): string {
  return codes
    .map((c) => {
      const notes = [
        c.includeNotes ? `  Includes: ${c.includeNotes}` : '',
        c.excludeNotes ? `  Excludes: ${c.excludeNotes}` : '',
      ]
      return [`- ${c.name}: ${c.definition || '(no definition)'}`, ...notes.filter(Boolean)].join(
        '\n',
      )
    })
    .join('\n')
}

function examplesText(examples: readonly FewShotExample[], multiLabel: boolean): string {
  if (examples.length === 0) return ''
  const blocks = examples.map((e, i) => {
    const answer = JSON.stringify(multiLabel ? { codes: e.codes } : { code: e.codes[0] })
    return `Example ${i + 1}, coded ${answer}:\n<commit>\n${quoteUntrusted(e.text)}\n</commit>`
  })
  return `Examples coded by this project's researchers (final codes):\n\n${blocks.join('\n\n')}\n\n`
}

/**
 * The system and user messages for one unit.
 * @example renderPrompt(templates, { codes, multiLabel: false, examples: [], platform: 'github', repository: 'a/b', unit: 'Message: x' }).user
 */
export function renderPrompt(
  templates: PromptTemplates,
  input: RenderInput,
): { system: string; user: string } {
  const fallback = input.codes.find((c) => c.isFallback)?.name ?? 'unclear'
  const system = fillTemplate(
    templates.system,
    {
      code_count: String(input.codes.length),
      codebook: codebookText(input.codes),
      answer_rule: input.multiLabel
        ? 'Give every code that applies, in "codes" (at least one).'
        : 'Give exactly one code, in "code": the one that fits the main change best.',
      fallback,
    },
    promptFiles.system,
  )
  const user = fillTemplate(
    templates.user,
    {
      examples: examplesText(input.examples, input.multiLabel),
      platform: input.platform,
      repository: quoteUntrusted(input.repository),
      unit: quoteUntrusted(input.unit),
    },
    promptFiles.user,
  )
  return { system, user }
}

export type ExampleCandidate = {
  id: number
  codes: readonly string[]
  text: string
  vector: SparseVector
}

/**
 * Few-shot examples: for each code (in codebook order), up to `perCode` final-coded commits with
 * that code, the most similar to the unit first; never the unit itself, never one commit twice.
 * @example selectExamples(unitVector, 42, candidates, ['docs', 'model'], 1)
 */
export function selectExamples(
  unit: SparseVector,
  unitId: number,
  candidates: readonly ExampleCandidate[],
  codes: readonly string[],
  perCode: number,
): FewShotExample[] {
  if (perCode <= 0 || candidates.length === 0) return []
  const ranked = rankBySimilarity(unit, candidates, { exclude: unitId })
  const taken = new Set<number>()
  const out: FewShotExample[] = []
  for (const code of codes) {
    let n = 0
    for (const c of ranked) {
      if (n >= perCode) break
      if (taken.has(c.id) || !c.codes.includes(code)) continue
      taken.add(c.id)
      out.push({ codes: c.codes, text: c.text })
      n += 1
    }
  }
  return out
}
