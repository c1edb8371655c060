/**
 * @module Growing a codebook: add, rename, edit, merge, split, retire a code and switch between
 * single- and multi-label coding. Each operation is one transaction that makes a new codebook
 * version (changelog, author) and an audit entry. Merge and split write the label history
 * (`label_code_changes`) so that counts by code reconcile across versions.
 *
 * What happens to labels:
 * - merge A into B: every label and final code carrying A carries B instead (once, if it had
 *   both); one history row per label / final code records A -> B. A is retired.
 * - split A into B, C: labels and final codes keep A (they were made under the old meaning);
 *   A is retired so no new label can use it, and every commit they are on joins the re-coding
 *   queue. One history row per label / final code records A -> (pending).
 */
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm'
import { z } from 'zod'
import {
  codeExamples,
  codes,
  codebooks,
  commits,
  finalCodeCodes,
  finalCodes,
  labelCodeChanges,
  labelCodes,
  labels,
  openCodes,
  recodeQueue,
  repositories,
  users,
} from '../../schema'
import type { Code, CodeExampleRef, CodebookVersion } from '../../schema'
import { normaliseColor, pickColor } from '../core/codebook-document'
import { audit } from './audit'
import type { CurrentCodebook } from './codebook'
import { currentCodebook, findCode, labelsWithSeveralCodes, linkExampleCommits, normaliseCodeName, recordVersion, resolveAuthor, validCodeName } from './codebook'
import { chunks } from './commit-store'
import type { Ctx } from './context'
import { withDb } from './context'
import { ConflictError, InvalidInputError, NotFoundError } from './errors'
import { labelVisibility, visibleLabels } from './visibility'

const Base = z.object({
  projectId: z.number().int().positive(),
  /** Who makes the change (a person's name); defaults to the signed-in user. */
  author: z.string().trim().max(100).optional(),
  /** Appended to the changelog: why the change was made. */
  note: z.string().trim().max(2_000).optional(),
})

const Color = z
  .string()
  .regex(/^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$/, 'colour: expected #rrggbb')
  .transform(normaliseColor)
const Hotkey = z
  .string()
  .transform((k) => k.trim().toLowerCase())
  .pipe(z.string().regex(/^[0-9a-z]$/, 'hotkey: one character, 0-9 or a-z'))
  .nullable()
const Example = z.object({
  platform: z.enum(['github', 'huggingface']),
  repository: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'repository: expected owner/name'),
  sha: z.string().regex(/^[0-9a-f]{40}$/, 'sha: expected 40 hex digits'),
  shaDerived: z.boolean().optional(),
  message: z.string().max(2_000),
  note: z.string().max(2_000).default(''),
  source: z.string().max(500).optional(),
})
const Text = z.string().max(10_000)

const CodeFields = z.object({
  definition: Text.optional(),
  includeNotes: Text.optional(),
  excludeNotes: Text.optional(),
  color: Color.optional(),
  hotkey: Hotkey.optional(),
  /** The parent code's name; null makes it a top-level code. */
  parent: z.string().nullable().optional(),
  examples: z.array(Example).max(50).optional(),
})

export const AddCodeInput = Base.extend({ name: z.string() }).extend(CodeFields.shape)
export type AddCodeInput = z.input<typeof AddCodeInput>
export const RenameCodeInput = Base.extend({ code: z.string(), to: z.string() })
export type RenameCodeInput = z.input<typeof RenameCodeInput>
export const EditCodeInput = Base.extend({ code: z.string(), status: z.enum(['active', 'retired']).optional() }).extend(CodeFields.shape)
export type EditCodeInput = z.input<typeof EditCodeInput>
export const MergeCodesInput = Base.extend({ from: z.string(), into: z.string() })
export type MergeCodesInput = z.input<typeof MergeCodesInput>
export const SplitCodeInput = Base.extend({
  code: z.string(),
  into: z.array(z.string()).min(2, 'split into two codes at least'),
  /** Definitions for the codes the split creates, by name. */
  definitions: z.record(z.string(), Text).optional(),
})
export type SplitCodeInput = z.input<typeof SplitCodeInput>
export const RetireCodeInput = Base.extend({ code: z.string() })
export type RetireCodeInput = z.input<typeof RetireCodeInput>
export const SetMultiLabelInput = Base.extend({ multiLabel: z.boolean() })
export type SetMultiLabelInput = z.input<typeof SetMultiLabelInput>

export type VersionResult = { version: number; changelog: string }

type Op = { txCtx: Ctx; book: CurrentCodebook; authorId: number | null }

/** Runs an operation in one transaction over the current codebook. */
async function operate<T>(ctx: Ctx, input: z.infer<typeof Base>, fn: (op: Op) => Promise<T>): Promise<T> {
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    const book = await currentCodebook(txCtx, input.projectId)
    const authorId = await resolveAuthor(txCtx, input.author)
    return fn({ txCtx, book, authorId })
  })
}

/** Records the version and the audit entry that close every operation. */
async function finish(
  op: Op,
  input: z.infer<typeof Base>,
  action: string,
  summary: string,
  details: Record<string, unknown>,
): Promise<CodebookVersion> {
  const changelog = input.note ? `${summary} ${input.note}` : summary
  const version = await recordVersion(op.txCtx, op.book.codebook.id, { changelog, authorId: op.authorId })
  await audit(op.txCtx, {
    projectId: input.projectId,
    action: `codebook.${action}`,
    entity: 'codebook',
    entityId: op.book.codebook.id,
    details: { version: version.version, ...details },
  })
  return version
}

function assertNameFree(list: readonly Code[], name: string, except?: Code): void {
  const clash = list.find((c) => c.id !== except?.id && normaliseCodeName(c.name) === normaliseCodeName(name))
  if (clash) throw new ConflictError(`a code named '${clash.name}' exists already${clash.status === 'retired' ? ' (retired)' : ''}`)
}

function assertHotkeyFree(list: readonly Code[], hotkey: string | null | undefined, except?: Code): void {
  if (!hotkey) return
  const clash = list.find((c) => c.id !== except?.id && c.status === 'active' && c.hotkey === hotkey)
  if (clash) throw new ConflictError(`hotkey '${hotkey}' is already the hotkey of '${clash.name}'`)
}

/** The parent's id for a code; refuses itself and its own descendants (a cycle). */
function parentIdFor(list: readonly Code[], parent: string | null, code?: Code): number | null {
  if (parent === null || parent.trim() === '') return null
  const target = findCode(list, parent)
  if (code) {
    for (let at: Code | undefined = target; at; at = list.find((c) => c.id === at!.parentId)) {
      if (at.id === code.id) throw new InvalidInputError(`'${target.name}' cannot be the parent of '${code.name}': it is ${target.id === code.id ? 'the code itself' : 'one of its sub-codes'}`)
    }
  }
  return target.id
}

function activeCode(list: readonly Code[], name: string): Code {
  const code = findCode(list, name)
  if (code.status !== 'active') throw new InvalidInputError(`code '${code.name}' is retired`)
  return code
}

// ---- add ------------------------------------------------------------------------------------

export type AddCodeResult = VersionResult & { code: { id: number; name: string; guid: string | null } }

/** Adds a code (a new category). */
export async function addCode(ctx: Ctx, raw: AddCodeInput): Promise<AddCodeResult> {
  const input = AddCodeInput.parse(raw)
  return operate(ctx, input, async (op) => {
    const code = await insertCode(op, input)
    const version = await finish(op, input, 'add', `Added code '${code.name}'.`, { code: code.name })
    return { version: version.version, changelog: version.changelog, code: { id: code.id, name: code.name, guid: code.guid } }
  })
}

async function insertCode(op: Op, input: z.infer<typeof AddCodeInput>): Promise<Code> {
  const list = op.book.codes
  const name = validCodeName(input.name)
  assertNameFree(list, name)
  assertHotkeyFree(list, input.hotkey)
  const [code] = await op.txCtx.db
    .insert(codes)
    .values({
      codebookId: op.book.codebook.id,
      name,
      definition: input.definition ?? '',
      includeNotes: input.includeNotes ?? '',
      excludeNotes: input.excludeNotes ?? '',
      color: input.color ?? pickColor(list.map((c) => c.color)),
      hotkey: input.hotkey ?? null,
      parentId: parentIdFor(list, input.parent ?? null),
      position: list.reduce((max, c) => Math.max(max, c.position + 1), 0),
      examples: input.examples ?? [],
    })
    .returning()
  op.book.codes.push(code!)
  if (input.examples?.length) await linkExampleCommits(op.txCtx, op.book.codebook.projectId)
  return code!
}

/** Adds a code inside an open transaction (the card-sorting board creates categories this way). */
export async function addCodeInTransaction(ctx: Ctx, raw: AddCodeInput): Promise<{ code: Code; version: CodebookVersion }> {
  const input = AddCodeInput.parse(raw)
  const op: Op = { txCtx: ctx, book: await currentCodebook(ctx, input.projectId), authorId: await resolveAuthor(ctx, input.author) }
  const code = await insertCode(op, input)
  const version = await finish(op, input, 'add', `Added code '${code.name}'.`, { code: code.name })
  return { code, version }
}

// ---- rename ---------------------------------------------------------------------------------

export async function renameCode(ctx: Ctx, raw: RenameCodeInput): Promise<VersionResult> {
  const input = RenameCodeInput.parse(raw)
  return operate(ctx, input, async (op) => {
    const code = findCode(op.book.codes, input.code)
    const to = validCodeName(input.to)
    if (to === code.name) throw new InvalidInputError(`code '${code.name}' already has that name`)
    assertNameFree(op.book.codes, to, code)
    await op.txCtx.db.update(codes).set({ name: to }).where(eq(codes.id, code.id))
    const version = await finish(op, input, 'rename', `Renamed '${code.name}' to '${to}'.`, { code: code.id, from: code.name, to })
    return { version: version.version, changelog: version.changelog }
  })
}

// ---- edit -----------------------------------------------------------------------------------

const fieldNames: Record<string, string> = {
  definition: 'definition',
  includeNotes: 'when-to-use notes',
  excludeNotes: 'when-not-to-use notes',
  color: 'colour',
  hotkey: 'hotkey',
  parentId: 'parent',
  examples: 'examples',
  status: 'status',
}

export async function editCode(ctx: Ctx, raw: EditCodeInput): Promise<VersionResult & { changed: string[] }> {
  const input = EditCodeInput.parse(raw)
  return operate(ctx, input, async (op) => {
    const code = findCode(op.book.codes, input.code)
    const next: Partial<Pick<Code, 'definition' | 'includeNotes' | 'excludeNotes' | 'color' | 'hotkey' | 'parentId' | 'examples' | 'status'>> = {}
    if (input.definition !== undefined) next.definition = input.definition
    if (input.includeNotes !== undefined) next.includeNotes = input.includeNotes
    if (input.excludeNotes !== undefined) next.excludeNotes = input.excludeNotes
    if (input.color !== undefined) next.color = input.color
    if (input.hotkey !== undefined) next.hotkey = input.hotkey
    if (input.parent !== undefined) next.parentId = parentIdFor(op.book.codes, input.parent, code)
    if (input.examples !== undefined) next.examples = input.examples
    if (input.status !== undefined) next.status = input.status
    if (next.status === 'retired') next.hotkey = null
    const status = next.status ?? code.status
    if (status === 'active') assertHotkeyFree(op.book.codes, next.hotkey === undefined ? code.hotkey : next.hotkey, code)
    if (status === 'active' && code.status === 'retired') assertNameFree(op.book.codes.filter((c) => c.status === 'active'), code.name, code)

    const changed = Object.keys(next).filter((k) => JSON.stringify(next[k as keyof typeof next]) !== JSON.stringify(code[k as keyof Code]))
    if (changed.length === 0) throw new InvalidInputError(`nothing to change on '${code.name}'`)
    await op.txCtx.db.update(codes).set(next).where(eq(codes.id, code.id))
    if (changed.includes('examples')) {
      await op.txCtx.db.delete(codeExamples).where(eq(codeExamples.codeId, code.id))
      await linkExampleCommits(op.txCtx, input.projectId)
    }
    const what = changed.map((k) => fieldNames[k] ?? k)
    const summary =
      changed.length === 1 && changed[0] === 'status'
        ? `${status === 'active' ? 'Restored' : 'Retired'} '${code.name}'.`
        : `Edited '${code.name}': ${what.join(', ')}.`
    const version = await finish(op, input, 'edit', summary, { code: code.id, name: code.name, changed: what })
    return { version: version.version, changelog: version.changelog, changed: what }
  })
}

// ---- retire ---------------------------------------------------------------------------------

/** Retires a code: no new labels can use it; its labels stay as they are. */
export async function retireCode(ctx: Ctx, raw: RetireCodeInput): Promise<VersionResult & { labels: number }> {
  const input = RetireCodeInput.parse(raw)
  return operate(ctx, input, async (op) => {
    const code = activeCode(op.book.codes, input.code)
    await op.txCtx.db.update(codes).set({ status: 'retired', hotkey: null }).where(eq(codes.id, code.id))
    const [row] = await op.txCtx.db.select({ n: sql<number>`count(*)` }).from(labelCodes).where(eq(labelCodes.codeId, code.id))
    const kept = Number(row?.n ?? 0)
    const version = await finish(op, input, 'retire', `Retired '${code.name}' (${plural(kept, 'label')} keep it).`, { code: code.id, name: code.name, labels: kept })
    return { version: version.version, changelog: version.changelog, labels: kept }
  })
}

// ---- merge ----------------------------------------------------------------------------------

export type MergeResult = VersionResult & {
  from: string
  into: string
  /** Labels that carried the merged code. */
  labels: number
  /** Of those, labels that already carried the target too (multi-label). */
  alreadyTarget: number
  finalCodes: number
  raters: number
  openCodes: number
}

/** Merges code A into code B: every label and final code carrying A now carries B. */
export async function mergeCodes(ctx: Ctx, raw: MergeCodesInput): Promise<MergeResult> {
  const input = MergeCodesInput.parse(raw)
  return operate(ctx, input, async (op) => {
    const db = op.txCtx.db
    const from = activeCode(op.book.codes, input.from)
    const into = activeCode(op.book.codes, input.into)
    if (from.id === into.id) throw new InvalidInputError(`cannot merge '${from.name}' into itself`)
    if (from.isFallback) throw new InvalidInputError(`'${from.name}' is the fallback code: retire it instead of merging it`)

    const affected = await carriersOf(op.txCtx, from.id)
    const [both] = await db
      .select({ n: sql<number>`count(*)` })
      .from(labelCodes)
      .where(and(eq(labelCodes.codeId, from.id), sql`exists (select 1 from ${labelCodes} x where x.label_id = ${labelCodes.labelId} and x.code_id = ${into.id})`))
    const alreadyTarget = Number(both?.n ?? 0)

    await db.run(sql`insert or ignore into label_codes (label_id, code_id) select label_id, ${into.id} from label_codes where code_id = ${from.id}`)
    await db.delete(labelCodes).where(eq(labelCodes.codeId, from.id))
    await db.run(
      sql`insert or ignore into final_code_codes (final_code_id, code_id) select final_code_id, ${into.id} from final_code_codes where code_id = ${from.id}`,
    )
    await db.delete(finalCodeCodes).where(eq(finalCodeCodes.codeId, from.id))
    const movedOpen = await db.update(openCodes).set({ categoryCodeId: into.id }).where(eq(openCodes.categoryCodeId, from.id)).returning({ id: openCodes.id })

    // Sub-codes of A move under B; if B itself sits under A, it first takes A's place.
    if (isDescendant(op.book.codes, into, from)) await db.update(codes).set({ parentId: from.parentId }).where(eq(codes.id, into.id))
    await db.update(codes).set({ parentId: into.id }).where(and(eq(codes.parentId, from.id), ne(codes.id, into.id)))

    const examples = mergeExamples(into.examples, from.examples)
    await db.update(codes).set({ examples }).where(eq(codes.id, into.id))
    await db.run(sql`insert or ignore into code_examples (code_id, commit_id, note) select ${into.id}, commit_id, note from code_examples where code_id = ${from.id}`)
    await db.delete(codeExamples).where(eq(codeExamples.codeId, from.id))
    await db.update(codes).set({ status: 'retired', hotkey: null, examples: [] }).where(eq(codes.id, from.id))

    const raters = new Set(affected.labels.map((l) => l.raterId)).size
    const summary =
      `Merged '${from.name}' into '${into.name}': ${plural(affected.labels.length, 'label')}` +
      (raters > 0 ? ` by ${plural(raters, 'rater')}` : '') +
      ` and ${plural(affected.finalCodes.length, 'final code')} now carry '${into.name}'.`
    const version = await finish(op, input, 'merge', summary, {
      from: { id: from.id, name: from.name },
      into: { id: into.id, name: into.name },
      labels: affected.labels.length,
      alreadyTarget,
      finalCodes: affected.finalCodes.length,
      openCodes: movedOpen.length,
    })
    await writeHistory(op.txCtx, affected, { codebookVersionId: version.id, operation: 'merge', fromCodeId: from.id, toCodeId: into.id })
    return {
      version: version.version,
      changelog: version.changelog,
      from: from.name,
      into: into.name,
      labels: affected.labels.length,
      alreadyTarget,
      finalCodes: affected.finalCodes.length,
      raters,
      openCodes: movedOpen.length,
    }
  })
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

function isDescendant(list: readonly Code[], code: Code, ancestor: Code): boolean {
  for (let at = list.find((c) => c.id === code.parentId); at; at = list.find((c) => c.id === at!.parentId)) {
    if (at.id === ancestor.id) return true
  }
  return false
}

function mergeExamples(a: readonly CodeExampleRef[], b: readonly CodeExampleRef[]): CodeExampleRef[] {
  const key = (e: CodeExampleRef) => `${e.platform} ${e.repository} ${e.sha}`
  const seen = new Set(a.map(key))
  return [...a, ...b.filter((e) => !seen.has(key(e)))]
}

/** The labels and final codes that carry a code: what a merge or split of it touches. */
type Carriers = {
  labels: { labelId: number; commitId: number; raterId: number }[]
  finalCodes: { finalCodeId: number; commitId: number }[]
}

async function carriersOf(ctx: Ctx, codeId: number): Promise<Carriers> {
  const carryingLabels = await ctx.db
    .select({ labelId: labels.id, commitId: labels.commitId, raterId: labels.raterId })
    .from(labelCodes)
    .innerJoin(labels, eq(labels.id, labelCodes.labelId))
    .where(eq(labelCodes.codeId, codeId))
  const carryingFinal = await ctx.db
    .select({ finalCodeId: finalCodes.id, commitId: finalCodes.commitId })
    .from(finalCodeCodes)
    .innerJoin(finalCodes, eq(finalCodes.id, finalCodeCodes.finalCodeId))
    .where(eq(finalCodeCodes.codeId, codeId))
  return { labels: carryingLabels, finalCodes: carryingFinal }
}

type Change = Pick<typeof labelCodeChanges.$inferInsert, 'codebookVersionId' | 'operation' | 'fromCodeId' | 'toCodeId'>

/** One `label_code_changes` row per carrier: the history that lets counts by code reconcile. */
async function writeHistory(ctx: Ctx, carriers: Carriers, change: Change): Promise<void> {
  const rows: (typeof labelCodeChanges.$inferInsert)[] = [
    ...carriers.labels.map((l) => ({ ...change, labelId: l.labelId, commitId: l.commitId, raterId: l.raterId })),
    ...carriers.finalCodes.map((f) => ({ ...change, finalCodeId: f.finalCodeId, commitId: f.commitId })),
  ]
  for (const batch of chunks(rows, 3_000)) await ctx.db.insert(labelCodeChanges).values(batch)
}

// ---- split ----------------------------------------------------------------------------------

export type SplitResult = VersionResult & {
  code: string
  into: string[]
  /** The target codes the split created (the others existed). */
  created: string[]
  labels: number
  finalCodes: number
  /** Commits put on the re-coding queue. */
  queued: number
  /** Open codes filed under the split code, now uncategorised again. */
  openCodes: number
}

/**
 * Splits code A into B, C…: creates the targets that do not exist, retires A, keeps A on its
 * labels and queues every commit carrying A for re-coding.
 */
export async function splitCode(ctx: Ctx, raw: SplitCodeInput): Promise<SplitResult> {
  const input = SplitCodeInput.parse(raw)
  return operate(ctx, input, async (op) => {
    const db = op.txCtx.db
    const code = activeCode(op.book.codes, input.code)
    if (code.isFallback) throw new InvalidInputError(`'${code.name}' is the fallback code and cannot be split`)
    const names = input.into.map(validCodeName)
    const distinct = new Set(names.map(normaliseCodeName))
    if (distinct.size !== names.length) throw new InvalidInputError('the codes to split into must be different')
    if (distinct.has(normaliseCodeName(code.name))) throw new InvalidInputError(`'${code.name}' cannot be split into itself`)

    const created: string[] = []
    for (const name of names) {
      const existing = op.book.codes.find((c) => normaliseCodeName(c.name) === normaliseCodeName(name))
      if (existing) {
        if (existing.status !== 'active') throw new InvalidInputError(`code '${existing.name}' is retired`)
        continue
      }
      await insertCode(op, {
        ...input,
        name,
        definition: input.definitions?.[name] ?? `Split from '${code.name}': ${code.definition}`.trim(),
        parent: code.parentId === null ? null : op.book.codes.find((c) => c.id === code.parentId)!.name,
      })
      created.push(name)
    }

    const affected = await carriersOf(op.txCtx, code.id)
    await db.update(codes).set({ status: 'retired', hotkey: null }).where(eq(codes.id, code.id))
    await db.update(codes).set({ parentId: code.parentId }).where(eq(codes.parentId, code.id))
    const released = await db.update(openCodes).set({ categoryCodeId: null }).where(eq(openCodes.categoryCodeId, code.id)).returning({ id: openCodes.id })

    const commitIds = [...new Set([...affected.labels, ...affected.finalCodes].map((r) => r.commitId))]
    const summary =
      `Split '${code.name}' into ${names.map((n) => `'${n}'`).join(', ')}: ` +
      `${plural(commitIds.length, 'commit')} (${plural(affected.labels.length, 'label')}, ${plural(affected.finalCodes.length, 'final code')}) queued for re-coding.`
    const version = await finish(op, input, 'split', summary, {
      code: { id: code.id, name: code.name },
      into: names,
      created,
      labels: affected.labels.length,
      finalCodes: affected.finalCodes.length,
      queued: commitIds.length,
      openCodes: released.length,
    })
    await writeHistory(op.txCtx, affected, { codebookVersionId: version.id, operation: 'split', fromCodeId: code.id, toCodeId: null })
    const reason = `split of '${code.name}' into ${names.join(', ')} (version ${version.version})`
    for (const batch of chunks(commitIds, 5_000)) {
      await db
        .insert(recodeQueue)
        .values(batch.map((commitId) => ({ codebookId: op.book.codebook.id, commitId, codebookVersionId: version.id, reason })))
        .onConflictDoNothing()
    }
    return {
      version: version.version,
      changelog: version.changelog,
      code: code.name,
      into: names,
      created,
      labels: affected.labels.length,
      finalCodes: affected.finalCodes.length,
      queued: commitIds.length,
      openCodes: released.length,
    }
  })
}

// ---- single- / multi-label ------------------------------------------------------------------

/** Switches the coding mode; going back to single-label needs every label to hold one code. */
export async function setMultiLabel(ctx: Ctx, raw: SetMultiLabelInput): Promise<VersionResult & { multiLabel: boolean }> {
  const input = SetMultiLabelInput.parse(raw)
  return operate(ctx, input, async (op) => {
    if (op.book.codebook.multiLabel === input.multiLabel) {
      throw new InvalidInputError(`the codebook is already ${input.multiLabel ? 'multi' : 'single'}-label`)
    }
    if (!input.multiLabel) {
      const several = await labelsWithSeveralCodes(op.txCtx, op.book.codebook.id)
      if (several > 0) throw new ConflictError(`${several} labels carry more than one code: the codebook must stay multi-label until they are re-coded`)
    }
    await op.txCtx.db.update(codebooks).set({ multiLabel: input.multiLabel }).where(eq(codebooks.id, op.book.codebook.id))
    const summary = input.multiLabel ? 'Switched to multi-label coding.' : 'Switched to single-label coding.'
    const version = await finish(op, input, 'mode', summary, { multiLabel: input.multiLabel })
    return { version: version.version, changelog: version.changelog, multiLabel: input.multiLabel }
  })
}

// ---- the re-coding queue ----------------------------------------------------------------------

export type RecodeItem = {
  id: number
  commitId: number
  platform: string
  repository: string
  sha: string
  subject: string
  reason: string
  status: string
  version: number
  createdAt: string
  /** The labels on the commit now: rater and codes. */
  labels: { rater: string; codes: string[] }[]
}

/** The commits waiting for re-coding after a split (or all, with their status). */
export async function listRecodeQueue(ctx: Ctx, projectId: number, options: { status?: 'pending' | 'done' | undefined } = {}): Promise<RecodeItem[]> {
  const { codebook } = await currentCodebook(ctx, projectId)
  const conditions = [eq(recodeQueue.codebookId, codebook.id)]
  if (options.status) conditions.push(eq(recodeQueue.status, options.status))
  const rows = await ctx.db
    .select({
      id: recodeQueue.id,
      commitId: recodeQueue.commitId,
      platform: repositories.platform,
      repository: repositories.fullName,
      sha: commits.sha,
      message: commits.message,
      reason: recodeQueue.reason,
      status: recodeQueue.status,
      versionId: recodeQueue.codebookVersionId,
      createdAt: recodeQueue.createdAt,
    })
    .from(recodeQueue)
    .innerJoin(commits, eq(commits.id, recodeQueue.commitId))
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .where(and(...conditions))
    .orderBy(asc(recodeQueue.id))
  const ids = [...new Set(rows.map((r) => r.commitId))]
  const allLabelRows = ids.length
    ? await ctx.db
        .select({ commitId: labels.commitId, labelId: labels.id, raterId: labels.raterId, source: labels.source, rater: users.name, code: codes.name })
        .from(labels)
        .innerJoin(users, eq(users.id, labels.raterId))
        .innerJoin(labelCodes, eq(labelCodes.labelId, labels.id))
        .innerJoin(codes, eq(codes.id, labelCodes.codeId))
        .where(inArray(labels.commitId, ids))
    : []
  // Blind coding: a coder of an open round sees only their own labels on its units.
  const labelRows = visibleLabels(await labelVisibility(ctx, projectId), allLabelRows)
  const versions = await ctx.db.all<{ id: number; version: number }>(sql`select id, version from codebook_versions where codebook_id = ${codebook.id}`)
  const versionOf = new Map(versions.map((v) => [Number(v.id), Number(v.version)]))
  return rows.map((r) => {
    const byLabel = new Map<number, { rater: string; codes: string[] }>()
    for (const l of labelRows.filter((x) => x.commitId === r.commitId)) {
      const entry = byLabel.get(l.labelId) ?? { rater: l.rater, codes: [] }
      entry.codes.push(l.code)
      byLabel.set(l.labelId, entry)
    }
    return {
      id: r.id,
      commitId: r.commitId,
      platform: r.platform,
      repository: r.repository,
      sha: r.sha,
      subject: r.message.split('\n')[0]!.slice(0, 200),
      reason: r.reason,
      status: r.status,
      version: versionOf.get(r.versionId) ?? 0,
      createdAt: r.createdAt,
      labels: [...byLabel.values()],
    }
  })
}

/** Marks a queued commit as re-coded. */
export async function completeRecode(ctx: Ctx, input: { projectId: number; id: number }): Promise<{ id: number; status: 'done' }> {
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    const { codebook } = await currentCodebook(txCtx, input.projectId)
    const [row] = await tx
      .update(recodeQueue)
      .set({ status: 'done', doneAt: new Date().toISOString() })
      .where(and(eq(recodeQueue.id, input.id), eq(recodeQueue.codebookId, codebook.id)))
      .returning({ id: recodeQueue.id, commitId: recodeQueue.commitId })
    if (!row) throw new NotFoundError(`no re-coding entry ${input.id} in this project`)
    await audit(txCtx, { projectId: input.projectId, action: 'codebook.recoded', entity: 'commit', entityId: row.commitId, details: { queueId: row.id } })
    return { id: row.id, status: 'done' as const }
  })
}
