/**
 * @module Open card sorting: the open codes coders wrote, grouped into cards by their text, filed
 * under categories (the codebook's codes), and the units (commits) still waiting to be sorted.
 */
import { eq, inArray } from 'drizzle-orm'
import { z } from 'zod'
import { commits, openCodes, repositories, users } from '../../schema'
import type { Platform } from '../../schema'
import { audit } from './audit'
import { currentCodebook } from './codebook'
import { addCodeInTransaction, AddCodeInput } from './codebook-evolution'
import { chunks } from './commit-store'
import { labelVisibility } from './visibility'
import type { Ctx } from './context'
import { withDb } from './context'
import { InvalidInputError } from './errors'

/** Open codes are grouped by their text, compared without case and extra spaces. */
export function cardKey(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase()
}

export type CardCommit = { id: number; platform: Platform; repository: string; sha: string; subject: string }
export type Card = {
  key: string
  /** The text as most often written. */
  text: string
  categoryId: number | null
  /** Open codes on the card (one per coder and commit). */
  count: number
  coders: string[]
  commits: CardCommit[]
}
export type Category = {
  id: number
  name: string
  color: string
  hotkey: string | null
  definition: string
  isFallback: boolean
  parentId: number | null
}
export type UnsortedUnit = CardCommit & { openCodes: string[] }
export type Board = {
  cards: Card[]
  categories: Category[]
  openCodes: { total: number; sorted: number }
  /** Commits with open codes; `unsorted` have at least one open code without a category. */
  units: { total: number; unsorted: number }
  unsortedUnits: UnsortedUnit[]
}

type Row = {
  id: number
  text: string
  categoryId: number | null
  commitId: number
  coder: string
  platform: Platform
  repository: string
  sha: string
  message: string
}

async function openCodeRows(ctx: Ctx, projectId: number): Promise<Row[]> {
  // A coder of an open round does not see the others' memos on its units (blind coding).
  const visibility = await labelVisibility(ctx, projectId)
  const rows = await ctx.db
    .select({
      id: openCodes.id,
      coderId: openCodes.coderId,
      text: openCodes.text,
      categoryId: openCodes.categoryCodeId,
      commitId: openCodes.commitId,
      coder: users.name,
      platform: repositories.platform,
      repository: repositories.fullName,
      sha: commits.sha,
      message: commits.message,
    })
    .from(openCodes)
    .innerJoin(commits, eq(commits.id, openCodes.commitId))
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .innerJoin(users, eq(users.id, openCodes.coderId))
    .where(eq(repositories.projectId, projectId))
    .orderBy(openCodes.id)
  return rows.filter((r) => visibility.canSee({ commitId: r.commitId, kind: 'open-code', raterId: r.coderId })).map(({ coderId: _, ...r }) => r)
}

const subjectOf = (message: string) => message.split('\n')[0]!.slice(0, 200)

/** The board: cards (by text and category), the active codes as categories, what is left. */
export async function cardSortBoard(ctx: Ctx, projectId: number): Promise<Board> {
  const [rows, book] = await Promise.all([openCodeRows(ctx, projectId), currentCodebook(ctx, projectId)])
  const cards = new Map<string, Card & { spellings: Map<string, number>; commitIds: Set<number>; coderSet: Set<string> }>()
  for (const row of rows) {
    const key = cardKey(row.text)
    const id = `${row.categoryId ?? ''}\u0000${key}`
    let card = cards.get(id)
    if (!card) {
      card = { key, text: row.text.trim(), categoryId: row.categoryId, count: 0, coders: [], commits: [], spellings: new Map(), commitIds: new Set(), coderSet: new Set() }
      cards.set(id, card)
    }
    card.count += 1
    card.spellings.set(row.text.trim(), (card.spellings.get(row.text.trim()) ?? 0) + 1)
    card.coderSet.add(row.coder)
    if (!card.commitIds.has(row.commitId)) {
      card.commitIds.add(row.commitId)
      card.commits.push({ id: row.commitId, platform: row.platform, repository: row.repository, sha: row.sha, subject: subjectOf(row.message) })
    }
  }
  const unsortedByCommit = new Map<number, UnsortedUnit>()
  const units = new Set<number>()
  for (const row of rows) {
    units.add(row.commitId)
    if (row.categoryId !== null) continue
    const unit = unsortedByCommit.get(row.commitId) ?? {
      id: row.commitId,
      platform: row.platform,
      repository: row.repository,
      sha: row.sha,
      subject: subjectOf(row.message),
      openCodes: [],
    }
    if (!unit.openCodes.includes(row.text.trim())) unit.openCodes.push(row.text.trim())
    unsortedByCommit.set(row.commitId, unit)
  }
  return {
    cards: [...cards.values()]
      .map(({ spellings, commitIds: _, coderSet, ...card }) => ({
        ...card,
        text: [...spellings.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0],
        coders: [...coderSet].sort(),
      }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)),
    categories: book.codes
      .filter((c) => c.status === 'active')
      .map((c) => ({ id: c.id, name: c.name, color: c.color, hotkey: c.hotkey, definition: c.definition, isFallback: c.isFallback, parentId: c.parentId })),
    openCodes: { total: rows.length, sorted: rows.filter((r) => r.categoryId !== null).length },
    units: { total: units.size, unsorted: unsortedByCommit.size },
    unsortedUnits: [...unsortedByCommit.values()],
  }
}

const CardRef = z.object({
  /** The card's text (any spelling; compared as `cardKey`). */
  text: z.string().min(1).max(1_000),
  /** The category the card is in now (null: unsorted). */
  categoryId: z.number().int().positive().nullable(),
})

export const MoveCardsInput = z.object({
  projectId: z.number().int().positive(),
  cards: z.array(CardRef).min(1).max(5_000),
  /** The category (code id) to file them under; null takes them out of any category. */
  to: z.number().int().positive().nullable(),
})
export type MoveCardsInput = z.input<typeof MoveCardsInput>

/** Files cards under a category (or un-files them); every open code on the cards moves. */
export async function moveCards(ctx: Ctx, raw: MoveCardsInput): Promise<{ moved: number; to: string | null }> {
  const input = MoveCardsInput.parse(raw)
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    return moveIn(txCtx, input)
  })
}

async function moveIn(ctx: Ctx, input: z.infer<typeof MoveCardsInput>): Promise<{ moved: number; to: string | null }> {
  const book = await currentCodebook(ctx, input.projectId)
  const target = input.to === null ? null : book.codes.find((c) => c.id === input.to)
  if (target === undefined) throw new InvalidInputError(`code ${input.to} is not in this project's codebook`)
  if (target && target.status !== 'active') throw new InvalidInputError(`code '${target.name}' is retired`)
  const wanted = new Set(input.cards.map((c) => `${c.categoryId ?? ''}\u0000${cardKey(c.text)}`))
  const rows = await openCodeRows(ctx, input.projectId)
  const ids = rows.filter((r) => wanted.has(`${r.categoryId ?? ''}\u0000${cardKey(r.text)}`) && r.categoryId !== (target?.id ?? null)).map((r) => r.id)
  for (const batch of chunks(ids, 5_000)) {
    await ctx.db
      .update(openCodes)
      .set({ categoryCodeId: target?.id ?? null, updatedAt: new Date().toISOString() })
      .where(inArray(openCodes.id, batch))
  }
  if (ids.length > 0) {
    await audit(ctx, {
      projectId: input.projectId,
      action: 'card-sort.move',
      entity: 'open_codes',
      details: { cards: input.cards.map((c) => cardKey(c.text)), to: target?.name ?? null, openCodes: ids.length },
    })
  }
  return { moved: ids.length, to: target?.name ?? null }
}

export const CreateCategoryInput = AddCodeInput.extend({ cards: z.array(CardRef).max(5_000).default([]) })
export type CreateCategoryInput = z.input<typeof CreateCategoryInput>

/** Creates a category (a new code, so a new codebook version) from a group of cards. */
export async function createCategory(
  ctx: Ctx,
  raw: CreateCategoryInput,
): Promise<{ code: { id: number; name: string }; version: number; moved: number }> {
  const { cards, ...input } = CreateCategoryInput.parse(raw)
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    const { code, version } = await addCodeInTransaction(txCtx, {
      ...input,
      note: input.note ?? (cards.length > 0 ? `Created on the card-sorting board from ${cards.length} cards.` : undefined),
    })
    const { moved } = cards.length > 0 ? await moveIn(txCtx, { projectId: input.projectId, cards, to: code.id }) : { moved: 0 }
    return { code: { id: code.id, name: code.name }, version: version.version, moved }
  })
}
