/**
 * @module A project's codebook: its current version and codes, storing a codebook document,
 * recording versions, linking example commits, and the read model of the codebook page.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import {
  codeExamples,
  codebookVersions,
  codebooks,
  codes,
  commits,
  labelCodeChanges,
  labels,
  recodeQueue,
  repositories,
  users,
} from '../../schema'
import type { Code, CodeExampleRef, CodeSnapshot, Codebook, CodebookVersion, Platform } from '../../schema'
import type { CodebookDocument, DocumentCode } from '../core/codebook-document'
import { flattenCodes, pickColor } from '../core/codebook-document'
import { fallbackCodeName } from '../core/default-codebook'
import type { Ctx } from './context'
import { InvalidInputError, NotFoundError } from './errors'
import { ensureRater, machineSource } from './users'
import { blindUnits } from './visibility'

export type CurrentCodebook = { codebook: Codebook; version: CodebookVersion; codes: Code[] }

/** The project's codebook at its latest version. */
export async function currentCodebook(ctx: Ctx, projectId: number): Promise<CurrentCodebook> {
  const [codebook] = await ctx.db.select().from(codebooks).where(eq(codebooks.projectId, projectId)).orderBy(codebooks.id).limit(1)
  if (!codebook) throw new NotFoundError('the project has no codebook')
  const [version] = await ctx.db
    .select()
    .from(codebookVersions)
    .where(eq(codebookVersions.codebookId, codebook.id))
    .orderBy(desc(codebookVersions.version))
    .limit(1)
  if (!version) throw new NotFoundError(`codebook '${codebook.name}' has no version`)
  const list = await ctx.db.select().from(codes).where(eq(codes.codebookId, codebook.id)).orderBy(codes.position, codes.id)
  return { codebook, version, codes: list }
}

/** Code lookup by name as people write it: case-insensitive, `_` as a space. */
export function codeResolver(list: readonly Code[]): (name: string) => Code | undefined {
  const byName = new Map(list.filter((c) => c.status === 'active').map((c) => [normaliseCodeName(c.name), c]))
  return (name) => byName.get(normaliseCodeName(name))
}

export function normaliseCodeName(name: string): string {
  return name.trim().replace(/_/g, ' ').replace(/\s+/g, ' ').toLowerCase()
}

/** A code of the list by name (any status), or a NotFoundError naming it. */
export function findCode(list: readonly Code[], name: string): Code {
  const wanted = normaliseCodeName(name)
  const code = list.find((c) => normaliseCodeName(c.name) === wanted)
  if (!code) throw new NotFoundError(`no code named '${name.trim()}' in the codebook`)
  return code
}

/** A code name as stored: trimmed, one line, 1 to 100 characters. */
export function validCodeName(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, ' ')
  if (trimmed === '') throw new InvalidInputError('a code name must not be empty')
  if (trimmed.length > 100) throw new InvalidInputError(`code name '${trimmed.slice(0, 30)}…' is longer than 100 characters`)
  return trimmed
}

/** What a code looked like in a version (stored in the version's snapshot). */
export function snapshotOf(code: Code): CodeSnapshot {
  return {
    id: code.id,
    name: code.name,
    status: code.status,
    parentId: code.parentId,
    guid: code.guid,
    definition: code.definition,
    includeNotes: code.includeNotes,
    excludeNotes: code.excludeNotes,
    color: code.color,
    hotkey: code.hotkey,
    isFallback: code.isFallback,
    position: code.position,
    examples: code.examples,
  }
}

/**
 * The user a codebook change is attributed to: the signed-in user of the context (`user:NAME`),
 * else the named person (the CLI's --author), else nobody (null). Machine rater names are refused.
 */
export async function resolveAuthor(ctx: Ctx, name: string | undefined | null): Promise<number | null> {
  const who = ctx.actor.startsWith('user:') ? ctx.actor.slice(5) : (name?.trim() ?? '')
  if (!who) return null
  if (machineSource(who)) throw new InvalidInputError(`'${who}' is a machine rater, not an author`)
  return (await ensureRater(ctx, who)).id
}

/** Records a new version of the codebook: its codes as they stand now, a changelog, an author. */
export async function recordVersion(
  ctx: Ctx,
  codebookId: number,
  input: { changelog: string; authorId: number | null },
): Promise<CodebookVersion> {
  const [latest] = await ctx.db
    .select({ version: codebookVersions.version })
    .from(codebookVersions)
    .where(eq(codebookVersions.codebookId, codebookId))
    .orderBy(desc(codebookVersions.version))
    .limit(1)
  const list = await ctx.db.select().from(codes).where(eq(codes.codebookId, codebookId)).orderBy(codes.position, codes.id)
  const [version] = await ctx.db
    .insert(codebookVersions)
    .values({
      codebookId,
      version: (latest?.version ?? 0) + 1,
      changelog: input.changelog,
      authorId: input.authorId,
      snapshot: list.map(snapshotOf),
    })
    .returning()
  return version!
}

/**
 * Stores a codebook document as the project's codebook, version 1. Call inside a transaction.
 * Codes without a colour get a palette colour; a code named `unclear` is the fallback when the
 * document does not say (REFI-QDA has no such notion).
 */
export async function createCodebook(
  ctx: Ctx,
  projectId: number,
  doc: CodebookDocument,
  input: { changelog: string; authorId: number | null },
): Promise<CurrentCodebook> {
  const [codebook] = await ctx.db
    .insert(codebooks)
    .values({ projectId, name: doc.name, multiLabel: doc.multiLabel ?? false })
    .returning()
  await insertDocumentCodes(ctx, codebook!.id, flattenCodes(doc.codes), [])
  const version = await recordVersion(ctx, codebook!.id, input)
  await linkExampleCommits(ctx, projectId)
  const list = await ctx.db.select().from(codes).where(eq(codes.codebookId, codebook!.id)).orderBy(codes.position, codes.id)
  return { codebook: codebook!, version, codes: list }
}

/**
 * Inserts document codes (parents before children, as `flattenCodes` orders them) after the
 * existing ones; a parent guid resolves among the new codes or through `parents`.
 * @returns guid -> id of every code inserted (and of `parents`).
 */
export async function insertDocumentCodes(
  ctx: Ctx,
  codebookId: number,
  flat: readonly { code: DocumentCode; parent: string | null }[],
  existing: readonly Code[],
  parents: ReadonlyMap<string, number> = new Map(),
): Promise<Map<string, number>> {
  const ids = new Map(parents)
  const colors = existing.map((c) => c.color)
  checkDocumentCodes(flat.map((f) => f.code), existing)
  let position = existing.reduce((max, c) => Math.max(max, c.position + 1), 0)
  for (const { code, parent } of flat) {
    const color = code.color ?? pickColor(colors)
    colors.push(color)
    const [row] = await ctx.db
      .insert(codes)
      .values({
        codebookId,
        guid: code.guid,
        name: validCodeName(code.name),
        definition: code.definition,
        includeNotes: code.includeNotes,
        excludeNotes: code.excludeNotes,
        color,
        hotkey: code.status === 'active' ? (code.hotkey ?? null) : null,
        status: code.status,
        parentId: parent === null ? null : (ids.get(parent) ?? null),
        isFallback: code.isFallback ?? normaliseCodeName(code.name) === fallbackCodeName,
        position: position++,
        examples: code.examples,
      })
      .returning({ id: codes.id })
    ids.set(code.guid, row!.id)
  }
  return ids
}

/** Hotkeys unique among active codes, at most one fallback: the rules a document must keep. */
export function checkDocumentCodes(incoming: readonly DocumentCode[], existing: readonly Code[]): void {
  const hotkeys = new Map(existing.filter((c) => c.status === 'active' && c.hotkey).map((c) => [c.hotkey!, c.name]))
  for (const code of incoming) {
    if (code.status !== 'active' || !code.hotkey) continue
    const other = hotkeys.get(code.hotkey)
    if (other !== undefined) throw new InvalidInputError(`code '${code.name}': hotkey '${code.hotkey}' is already the hotkey of '${other}'`)
    hotkeys.set(code.hotkey, code.name)
  }
  const fallbacks = [
    ...existing.filter((c) => c.isFallback),
    ...incoming.filter((c) => c.isFallback ?? normaliseCodeName(c.name) === fallbackCodeName),
  ]
  if (fallbacks.length > 1) throw new InvalidInputError(`only one fallback code is allowed (${fallbacks.map((c) => c.name).join(', ')})`)
}

/** How many labels carry more than one code of the codebook (single-label needs none). */
export async function labelsWithSeveralCodes(ctx: Ctx, codebookId: number): Promise<number> {
  const [row] = await ctx.db.all<{ n: number }>(sql`select count(*) as n from (
    select lc.label_id from label_codes lc join codes c on c.id = lc.code_id
    where c.codebook_id = ${codebookId} group by lc.label_id having count(*) > 1)`)
  return Number(row?.n ?? 0)
}

// ---- Example commits ------------------------------------------------------------------------

export type CommitRef = { commitId: number; platform: Platform; repository: string; sha: string }

const refKey = (platform: string, repository: string, sha: string) => `${platform}\u0000${repository}\u0000${sha}`

/**
 * Links the codes' example commits that exist in the project (`code_examples`). With `among`,
 * only those commits are considered (e.g. the ones an import just stored); existing links stay.
 * @returns how many links were added.
 */
export async function linkExampleCommits(ctx: Ctx, projectId: number, among?: readonly CommitRef[]): Promise<number> {
  if (among?.length === 0) return 0
  const withExamples = await ctx.db
    .select({ id: codes.id, examples: codes.examples })
    .from(codes)
    .innerJoin(codebooks, eq(codebooks.id, codes.codebookId))
    .where(and(eq(codebooks.projectId, projectId), sql`${codes.examples} <> '[]'`))
  if (withExamples.length === 0) return 0
  const wanted = new Map<string, { codeId: number; note: string }[]>()
  for (const code of withExamples) {
    for (const e of code.examples) {
      const key = refKey(e.platform, e.repository, e.sha)
      wanted.set(key, [...(wanted.get(key) ?? []), { codeId: code.id, note: e.note }])
    }
  }
  const found = among
    ? among.filter((c) => wanted.has(refKey(c.platform, c.repository, c.sha)))
    : await commitsByRef(ctx, projectId, [...wanted.keys()].map((k) => k.split('\u0000') as [Platform, string, string]))
  const rows = found.flatMap((c) => wanted.get(refKey(c.platform, c.repository, c.sha))!.map((w) => ({ ...w, commitId: c.commitId })))
  if (rows.length === 0) return 0
  const inserted = await ctx.db.insert(codeExamples).values(rows).onConflictDoNothing().returning({ codeId: codeExamples.codeId })
  return inserted.length
}

/** The project's commits with these (platform, repository, sha). */
async function commitsByRef(ctx: Ctx, projectId: number, refs: readonly [Platform, string, string][]): Promise<CommitRef[]> {
  if (refs.length === 0) return []
  const rows = await ctx.db
    .select({ commitId: commits.id, platform: repositories.platform, repository: repositories.fullName, sha: commits.sha })
    .from(commits)
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .where(
      and(
        eq(repositories.projectId, projectId),
        inArray(repositories.fullName, [...new Set(refs.map((r) => r[1]))]),
        inArray(commits.sha, [...new Set(refs.map((r) => r[2]))]),
      ),
    )
  const keys = new Set(refs.map((r) => refKey(...r)))
  return rows.filter((r) => keys.has(refKey(r.platform, r.repository, r.sha)))
}

// ---- The read model -------------------------------------------------------------------------

export type ExampleView = CodeExampleRef & { commitId: number | null }
export type CodeUsage = { labels: number; raters: number; finalCodes: number; commits: number; openCodes: number }
export type CodeView = Omit<Code, 'examples' | 'createdAt'> & { examples: ExampleView[]; usage: CodeUsage }
export type VersionChange = { operation: string; from: string; to: string | null; labels: number; finalCodes: number }
export type VersionView = {
  id: number
  version: number
  changelog: string
  author: string | null
  createdAt: string
  /** Labels made under this version. */
  labels: number
  /** Labels and final codes whose code this version's operation changed or queued. */
  changes: VersionChange[]
}
export type CodebookView = {
  codebook: { id: number; name: string; multiLabel: boolean }
  version: VersionView
  codes: CodeView[]
  versions: VersionView[]
  recode: { pending: number }
}

/** Everything the codebook page shows: codes with usage and examples, versions, the queue. */
export async function codebookView(ctx: Ctx, projectId: number): Promise<CodebookView> {
  const { codebook, codes: list } = await currentCodebook(ctx, projectId)
  const codeIds = list.map((c) => c.id)
  const [usage, links, versions, pending] = await Promise.all([
    codeUsage(ctx, projectId, codeIds),
    codeIds.length === 0
      ? Promise.resolve([])
      : ctx.db
          .select({ codeId: codeExamples.codeId, commitId: codeExamples.commitId, platform: repositories.platform, repository: repositories.fullName, sha: commits.sha })
          .from(codeExamples)
          .innerJoin(commits, eq(commits.id, codeExamples.commitId))
          .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
          .where(inArray(codeExamples.codeId, codeIds)),
    listVersions(ctx, codebook.id, list),
    ctx.db
      .select({ n: sql<number>`count(*)` })
      .from(recodeQueue)
      .where(and(eq(recodeQueue.codebookId, codebook.id), eq(recodeQueue.status, 'pending'))),
  ])
  const linked = new Map(links.map((l) => [`${l.codeId}\u0000${refKey(l.platform, l.repository, l.sha)}`, l.commitId]))
  const views: CodeView[] = list.map(({ examples, createdAt: _, ...code }) => ({
    ...code,
    examples: examples.map((e) => ({ ...e, commitId: linked.get(`${code.id}\u0000${refKey(e.platform, e.repository, e.sha)}`) ?? null })),
    usage: usage.get(code.id) ?? { labels: 0, raters: 0, finalCodes: 0, commits: 0, openCodes: 0 },
  }))
  return {
    codebook: { id: codebook.id, name: codebook.name, multiLabel: codebook.multiLabel },
    version: versions[0]!,
    codes: views,
    versions,
    recode: { pending: Number(pending[0]?.n ?? 0) },
  }
}

/**
 * Per code: labels, distinct raters, final codes, distinct commits and open codes filed under it.
 * A coder of an open round counts only their own work on its units (blind coding: a count that
 * moves when another coder saves would tell what they chose).
 */
export async function codeUsage(ctx: Ctx, projectId: number, codeIds: readonly number[]): Promise<Map<number, CodeUsage>> {
  const out = new Map<number, CodeUsage>()
  if (codeIds.length === 0) return out
  const ids = sql.join(codeIds.map((id) => sql`${id}`), sql`, `)
  const blind = blindUnits(ctx, projectId)
  const viewerId = ctx.viewer?.id ?? null
  const visibleLabel = blind ? sql`and (l.commit_id not in (${blind}) or l.rater_id = ${viewerId})` : sql``
  const visibleFinal = blind ? sql`and fc.commit_id not in (${blind})` : sql``
  const visibleOpen = blind ? sql`and (o.commit_id not in (${blind}) or o.coder_id = ${viewerId})` : sql``
  const rows = await ctx.db.all<{ code_id: number; labels: number; raters: number; final_codes: number; commits: number; open_codes: number }>(sql`
    with uses as (
      select lc.code_id, l.commit_id, l.rater_id, 1 as is_label from label_codes lc join labels l on l.id = lc.label_id
        where lc.code_id in (${ids}) ${visibleLabel}
      union all
      select fcc.code_id, fc.commit_id, null, 0 from final_code_codes fcc join final_codes fc on fc.id = fcc.final_code_id
        where fcc.code_id in (${ids}) ${visibleFinal}
    )
    select c.id as code_id,
      (select count(*) from uses u where u.code_id = c.id and u.is_label = 1) as labels,
      (select count(distinct u.rater_id) from uses u where u.code_id = c.id and u.is_label = 1) as raters,
      (select count(*) from uses u where u.code_id = c.id and u.is_label = 0) as final_codes,
      (select count(distinct u.commit_id) from uses u where u.code_id = c.id) as commits,
      (select count(*) from open_codes o where o.category_code_id = c.id ${visibleOpen}) as open_codes
    from codes c where c.id in (${ids})`)
  for (const r of rows) {
    out.set(Number(r.code_id), {
      labels: Number(r.labels),
      raters: Number(r.raters),
      finalCodes: Number(r.final_codes),
      commits: Number(r.commits),
      openCodes: Number(r.open_codes),
    })
  }
  return out
}

/** The codebook's versions, newest first, with author, label counts and label changes. */
export async function listVersions(ctx: Ctx, codebookId: number, list?: readonly Code[]): Promise<VersionView[]> {
  const [rows, labelCounts, changes, codeRows] = await Promise.all([
    ctx.db
      .select({
        id: codebookVersions.id,
        version: codebookVersions.version,
        changelog: codebookVersions.changelog,
        author: users.name,
        createdAt: codebookVersions.createdAt,
      })
      .from(codebookVersions)
      .leftJoin(users, eq(users.id, codebookVersions.authorId))
      .where(eq(codebookVersions.codebookId, codebookId))
      .orderBy(desc(codebookVersions.version)),
    ctx.db
      .select({ versionId: labels.codebookVersionId, n: sql<number>`count(*)` })
      .from(labels)
      .innerJoin(codebookVersions, eq(codebookVersions.id, labels.codebookVersionId))
      .where(eq(codebookVersions.codebookId, codebookId))
      .groupBy(labels.codebookVersionId),
    ctx.db
      .select({
        versionId: labelCodeChanges.codebookVersionId,
        operation: labelCodeChanges.operation,
        fromCodeId: labelCodeChanges.fromCodeId,
        toCodeId: labelCodeChanges.toCodeId,
        labels: sql<number>`sum(case when ${labelCodeChanges.labelId} is not null then 1 else 0 end)`,
        finalCodes: sql<number>`sum(case when ${labelCodeChanges.finalCodeId} is not null then 1 else 0 end)`,
      })
      .from(labelCodeChanges)
      .innerJoin(codebookVersions, eq(codebookVersions.id, labelCodeChanges.codebookVersionId))
      .where(eq(codebookVersions.codebookId, codebookId))
      .groupBy(labelCodeChanges.codebookVersionId, labelCodeChanges.operation, labelCodeChanges.fromCodeId, labelCodeChanges.toCodeId),
    list ? Promise.resolve(list) : ctx.db.select().from(codes).where(eq(codes.codebookId, codebookId)),
  ])
  const nameOf = new Map(codeRows.map((c) => [c.id, c.name]))
  const labelsOf = new Map(labelCounts.map((l) => [l.versionId, Number(l.n)]))
  return rows.map((v) => ({
    ...v,
    labels: labelsOf.get(v.id) ?? 0,
    changes: changes
      .filter((c) => c.versionId === v.id)
      .map((c) => ({
        operation: c.operation,
        from: nameOf.get(c.fromCodeId) ?? `#${c.fromCodeId}`,
        to: c.toCodeId === null ? null : (nameOf.get(c.toCodeId) ?? `#${c.toCodeId}`),
        labels: Number(c.labels),
        finalCodes: Number(c.finalCodes),
      })),
  }))
}

/** The row id of the project codebook's version N (labels store the id, people say N). */
export async function codebookVersionId(ctx: Ctx, projectId: number, version: number): Promise<number> {
  const { codebook } = await currentCodebook(ctx, projectId)
  const [row] = await ctx.db
    .select({ id: codebookVersions.id })
    .from(codebookVersions)
    .where(and(eq(codebookVersions.codebookId, codebook.id), eq(codebookVersions.version, version)))
  if (!row) throw new NotFoundError(`codebook '${codebook.name}' has no version ${version}`)
  return row.id
}

/** The codes as they stood in one version (its snapshot). */
export async function versionSnapshot(ctx: Ctx, projectId: number, version: number) {
  const { codebook } = await currentCodebook(ctx, projectId)
  const [row] = await ctx.db
    .select()
    .from(codebookVersions)
    .where(and(eq(codebookVersions.codebookId, codebook.id), eq(codebookVersions.version, version)))
  if (!row) throw new NotFoundError(`codebook '${codebook.name}' has no version ${version}`)
  return row
}
