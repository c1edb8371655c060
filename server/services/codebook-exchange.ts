/**
 * @module Codebook exchange: export to Concord's JSON or REFI-QDA `.qdc`, import a file into a
 * project's codebook (one transaction, one version), read a file for a new project.
 */
import { eq } from 'drizzle-orm'
import { codebooks, codes } from '../../schema'
import type { Code, CodeExampleRef } from '../../schema'
import type { CodebookDocument, CodebookFormat, DocumentCode } from '../core/codebook-document'
import { flattenCodes, toJsonDocument, toQdc, treeOf } from '../core/codebook-document'
import { formatOfFile, parseCodebookFile } from '../ingest/codebook-file'
import { IngestError } from '../ingest/ingest-error'
import { audit } from './audit'
import { currentCodebook, insertDocumentCodes, labelsWithSeveralCodes, linkExampleCommits, normaliseCodeName, recordVersion, resolveAuthor } from './codebook'
import type { Ctx } from './context'
import { withDb } from './context'
import { ConflictError, InvalidInputError } from './errors'

/** A `.qdc` written by Concord says `origin="Concord: NAME"`; NAME is the codebook's name. */
const qdcOriginPrefix = 'Concord: '

/** The largest codebook file accepted (a codebook is a few kilobytes; 5 MB is generous). */
export const maxCodebookBytes = 5 * 1024 * 1024

/** The project's codebook as a document (the current version). */
export async function codebookDocument(ctx: Ctx, projectId: number): Promise<{ doc: CodebookDocument; version: number }> {
  const { codebook, version, codes: list } = await currentCodebook(ctx, projectId)
  const doc: CodebookDocument = {
    name: codebook.name,
    multiLabel: codebook.multiLabel,
    codes: treeOf(list, (c) => ({
      guid: c.guid ?? '',
      name: c.name,
      definition: c.definition,
      includeNotes: c.includeNotes,
      excludeNotes: c.excludeNotes,
      color: c.color,
      hotkey: c.hotkey,
      status: c.status,
      isFallback: c.isFallback,
      examples: c.examples,
    })),
  }
  return { doc, version: version.version }
}

export type ExportedCodebook = { filename: string; contentType: string; body: string; version: number; codes: number }

/** The codebook as a file in the chosen format. */
export async function exportCodebook(ctx: Ctx, input: { projectId: number; projectName: string; format: CodebookFormat }): Promise<ExportedCodebook> {
  const { doc, version } = await codebookDocument(ctx, input.projectId)
  const count = flattenCodes(doc.codes).length
  const base = `${input.projectName.replace(/[^A-Za-z0-9._-]+/g, '-')}-codebook-v${version}`
  if (input.format === 'qdc') {
    if (count === 0) throw new InvalidInputError('the codebook has no codes: a REFI-QDA codebook must hold one code at least')
    return { filename: `${base}.qdc`, contentType: 'application/xml; charset=utf-8', body: toQdc(doc, `${qdcOriginPrefix}${doc.name}`), version, codes: count }
  }
  const body = `${JSON.stringify(toJsonDocument(doc, { version, exportedAt: new Date().toISOString() }), null, 2)}\n`
  return { filename: `${base}.json`, contentType: 'application/json; charset=utf-8', body, version, codes: count }
}

/**
 * Reads a codebook file's text; the format comes from `format` or the file name. A bad file is
 * an InvalidInputError naming the file, the line or field, and the reason.
 */
export function readCodebookText(text: string, file: string, format?: CodebookFormat): CodebookDocument {
  const chosen = format ?? formatOfFile(file)
  if (!chosen) throw new InvalidInputError(`${file}: cannot tell the format from the name: give the format (json or qdc)`)
  if (Buffer.byteLength(text) > maxCodebookBytes) throw new InvalidInputError(`${file}: larger than ${maxCodebookBytes / 1024 / 1024} MB`)
  try {
    const doc = parseCodebookFile(text, file, chosen)
    return doc.name.startsWith(qdcOriginPrefix) ? { ...doc, name: doc.name.slice(qdcOriginPrefix.length) || doc.name } : doc
  } catch (error) {
    if (error instanceof IngestError) throw new InvalidInputError(error.message)
    throw error
  }
}

export type ImportResult = {
  /** The new version, or null when the file changed nothing. */
  version: number | null
  added: string[]
  updated: string[]
  unchanged: number
  /** Codes of the project the file does not mention (left as they are). */
  untouched: string[]
}

type Fields = Pick<Code, 'name' | 'guid' | 'definition' | 'includeNotes' | 'excludeNotes' | 'color' | 'hotkey' | 'status' | 'examples' | 'isFallback'>

/**
 * Imports a codebook document into the project's codebook: a code is matched by guid, else by
 * name, and takes the file's name, texts, colour, status and place in the hierarchy (hotkeys
 * and the fallback flag too when the format has them); unmatched codes are added; codes the
 * file does not mention stay. All or nothing, one new version.
 */
export async function importCodebook(
  ctx: Ctx,
  input: { projectId: number; document: CodebookDocument; source: string; author?: string | undefined; note?: string | undefined },
): Promise<ImportResult> {
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    const book = await currentCodebook(txCtx, input.projectId)
    const flat = flattenCodes(input.document.codes)
    const byGuid = new Map(book.codes.filter((c) => c.guid).map((c) => [c.guid!, c]))
    const byName = new Map(book.codes.map((c) => [normaliseCodeName(c.name), c]))
    const matched = new Map<string, Code>() // document guid -> existing code
    const taken = new Set<number>()
    // Guids first, so that a code renamed in the file still finds itself before names are tried.
    for (const pick of [(c: DocumentCode) => byGuid.get(c.guid), (c: DocumentCode) => byName.get(normaliseCodeName(c.name))]) {
      for (const { code } of flat) {
        const hit = matched.has(code.guid) ? undefined : pick(code)
        if (hit && !taken.has(hit.id)) {
          matched.set(code.guid, hit)
          taken.add(hit.id)
        }
      }
    }
    // A name in the file that an unmatched code of the project already has would clash.
    for (const { code } of flat) {
      const owner = byName.get(normaliseCodeName(code.name))
      if (owner && !taken.has(owner.id)) {
        throw new ConflictError(`${input.source}: code '${code.name}' (guid ${code.guid}) would take the name of the project's code '${owner.name}'`)
      }
      const guidOwner = byGuid.get(code.guid)
      if (guidOwner && matched.get(code.guid)?.id !== guidOwner.id) {
        throw new ConflictError(`${input.source}: code '${code.name}' has the guid of the project's code '${guidOwner.name}'`)
      }
    }

    const idOfGuid = new Map([...matched].map(([guid, c]) => [guid, c.id]))
    const fresh = flat.filter((f) => !matched.has(f.code.guid))
    const updates: { code: Code; next: Fields }[] = []
    for (const { code } of flat) {
      const existing = matched.get(code.guid)
      if (!existing) continue
      const next: Fields = {
        name: code.name,
        guid: code.guid,
        definition: code.definition,
        includeNotes: code.includeNotes,
        excludeNotes: code.excludeNotes,
        color: code.color ?? existing.color,
        hotkey: code.status === 'retired' ? null : code.hotkey === undefined ? existing.hotkey : code.hotkey,
        status: code.status,
        examples: withKnownFields(code.examples, existing.examples),
        isFallback: code.isFallback ?? existing.isFallback,
      }
      updates.push({ code: existing, next })
    }

    // Renames go through a temporary name so that codes may swap names without a clash.
    const changed = updates.filter(({ code, next }) => (Object.keys(next) as (keyof Fields)[]).some((k) => JSON.stringify(next[k]) !== JSON.stringify(code[k])))
    for (const { code, next } of changed) {
      if (next.name !== code.name) await tx.update(codes).set({ name: `\u0000renaming ${code.id}` }).where(eq(codes.id, code.id))
    }
    for (const { code, next } of changed) await tx.update(codes).set(next).where(eq(codes.id, code.id))
    const current = book.codes.map((c) => ({ ...c, ...updates.find((u) => u.code.id === c.id)?.next }))
    const insertedIds = await insertDocumentCodes(txCtx, book.codebook.id, fresh, current, idOfGuid)
    // Parents last: a matched code may now sit under a code the file added.
    const updated = new Set(changed.map((u) => u.next.name))
    for (const { code, next } of updates) {
      const parentGuid = flat.find((f) => f.code.guid === next.guid)!.parent
      const parentId = parentGuid === null ? null : insertedIds.get(parentGuid)!
      if (parentId !== code.parentId) {
        await tx.update(codes).set({ parentId }).where(eq(codes.id, code.id))
        updated.add(next.name)
      }
    }
    await checkFinalState(txCtx, book.codebook.id)

    const added = fresh.map((f) => f.code.name)
    let modeChanged = false
    if (input.document.multiLabel !== undefined && input.document.multiLabel !== book.codebook.multiLabel) {
      if (!input.document.multiLabel) {
        const several = await labelsWithSeveralCodes(txCtx, book.codebook.id)
        if (several > 0) throw new ConflictError(`${several} labels carry more than one code: the codebook must stay multi-label`)
      }
      await tx.update(codebooks).set({ multiLabel: input.document.multiLabel }).where(eq(codebooks.id, book.codebook.id))
      modeChanged = true
    }
    const untouched = book.codes.filter((c) => !taken.has(c.id)).map((c) => c.name)
    if (added.length === 0 && updated.size === 0 && !modeChanged) {
      return { version: null, added, updated: [], unchanged: updates.length, untouched }
    }
    const parts = [`${added.length} codes added`, `${updated.size} updated`]
    if (modeChanged) parts.push(`switched to ${input.document.multiLabel ? 'multi' : 'single'}-label coding`)
    const summary = `Imported ${input.source}: ${parts.join(', ')}.`
    const version = await recordVersion(txCtx, book.codebook.id, {
      changelog: input.note ? `${summary} ${input.note}` : summary,
      authorId: await resolveAuthor(txCtx, input.author),
    })
    await linkExampleCommits(txCtx, input.projectId)
    await audit(txCtx, {
      projectId: input.projectId,
      action: 'codebook.import',
      entity: 'codebook',
      entityId: book.codebook.id,
      details: { version: version.version, source: input.source, added, updated: [...updated] },
    })
    return { version: version.version, added, updated: [...updated], unchanged: updates.length - updated.size, untouched }
  })
}

/** The file's examples, keeping what the project knew of the same commits (`source`, which `.qdc` lacks). */
function withKnownFields(incoming: readonly CodeExampleRef[], known: readonly CodeExampleRef[]): CodeExampleRef[] {
  const key = (e: CodeExampleRef) => `${e.platform} ${e.repository} ${e.sha}`
  const byKey = new Map(known.map((e) => [key(e), e]))
  return incoming.map((e) => {
    const old = byKey.get(key(e))
    return old ? { ...old, ...e, source: e.source ?? old.source, shaDerived: e.shaDerived ?? old.shaDerived } : e
  })
}

/** After an import: hotkeys unique among active codes, one fallback at most, no cycles. */
async function checkFinalState(ctx: Ctx, codebookId: number): Promise<void> {
  const list = await ctx.db.select().from(codes).where(eq(codes.codebookId, codebookId))
  const hotkeys = new Map<string, string>()
  for (const c of list) {
    if (c.status !== 'active' || !c.hotkey) continue
    const other = hotkeys.get(c.hotkey)
    if (other) throw new InvalidInputError(`hotkey '${c.hotkey}' would belong to both '${other}' and '${c.name}'`)
    hotkeys.set(c.hotkey, c.name)
  }
  const fallbacks = list.filter((c) => c.isFallback)
  if (fallbacks.length > 1) throw new InvalidInputError(`only one fallback code is allowed (${fallbacks.map((c) => c.name).join(', ')})`)
  const byId = new Map(list.map((c) => [c.id, c]))
  for (const c of list) {
    const seen = new Set<number>()
    for (let at: Code | undefined = c; at?.parentId != null; at = byId.get(at.parentId)) {
      if (seen.has(at.id)) throw new InvalidInputError(`the hierarchy would have a cycle through '${c.name}'`)
      seen.add(at.id)
    }
  }
}
