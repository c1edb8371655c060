/**
 * @module A whole project as one portable file (`concord export project` / `import project`), for
 * backups and for moving a project between databases (a file and sqld, or two instances). The
 * format is in core/project-archive; which tables travel is in project-archive-tables.
 */
import { and, count, eq, getTableColumns, inArray, isNotNull, sql } from 'drizzle-orm'
import type { SQL, SQLWrapper } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'
import { createReadStream, createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip, createGzip } from 'node:zlib'
import { userKinds, users } from '../../schema'
import type { Project } from '../../schema'
import { ArchiveError, archiveFormat, archiveVersion, parseHeader, parseRecord } from '../core/project-archive'
import type { ArchiveHeader, IdMap } from '../core/project-archive'
import { audit } from './audit'
import { chunks } from './commit-store'
import type { Ctx } from './context'
import { withDb } from './context'
import { ConflictError, InvalidInputError } from './errors'
import { archiveTable, archiveTables } from './project-archive-tables'
import type { ArchiveTable } from './project-archive-tables'
import { checkProjectName, findProject, getProject } from './projects'

type Row = Record<string, unknown>

export type ArchiveProgress = { done: number; total: number }
export type ArchiveSummary = { project: string; file: string; tables: Record<string, number> }

const pageSize = 500

const column = (spec: ArchiveTable, key: string) => getTableColumns(spec.table)[key] as SQLiteColumn

// ---- Export ---------------------------------------------------------------------------------

/** The project's rows of a table: its scope column is the project, or points at archived parent rows. */
function scopeOf(ctx: Ctx, spec: ArchiveTable, projectId: number): SQL {
  if (spec.scope === 'referenced') throw new Error(`${spec.name} has no scope of its own`)
  const { column: key, parent } = spec.scope
  if (!parent) return eq(column(spec, key), projectId)
  return inArray(column(spec, key), idsOf(ctx, archiveTable.get(parent)!, projectId))
}

function idsOf(ctx: Ctx, spec: ArchiveTable, projectId: number): SQLWrapper {
  return ctx.db.select({ id: column(spec, 'id') }).from(spec.table).where(scopeOf(ctx, spec, projectId))
}

/** For every table with ids, source id -> archive id (1..n in source-id order; users by name). */
async function archiveIds(ctx: Ctx, projectId: number): Promise<Map<string, Map<number, number>>> {
  const maps = new Map<string, Map<number, number>>()
  const ranked = (ids: number[]) => new Map(ids.map((id, i) => [id, i + 1]))
  for (const spec of archiveTables) {
    if (!spec.hasId || spec.scope === 'referenced') continue
    const rows = await ctx.db.select({ id: column(spec, 'id') }).from(spec.table).where(scopeOf(ctx, spec, projectId)).orderBy(column(spec, 'id'))
    maps.set(spec.name, ranked(rows.map((r) => r.id as number)))
  }
  const userIds = new Set<number>()
  for (const spec of archiveTables) {
    for (const [key, target] of Object.entries(spec.refs)) {
      if (target !== 'users') continue
      const c = column(spec, key)
      const rows = await ctx.db.selectDistinct({ id: c }).from(spec.table).where(and(scopeOf(ctx, spec, projectId), isNotNull(c)))
      for (const r of rows) userIds.add(r.id as number)
    }
  }
  const named: { id: number; name: string }[] = []
  for (const page of chunks([...userIds], pageSize)) named.push(...(await ctx.db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, page))))
  // By name, so that the archive does not depend on which users a database held before.
  named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  maps.set('users', ranked(named.map((u) => u.id)))
  return maps
}

/** A row as the archive holds it: archive ids, omitted columns left out. */
function toArchive(spec: ArchiveTable, row: Row, map: IdMap): Row {
  let out: Row = {}
  for (const key of spec.columns) {
    const value = row[key]
    const target = key === 'id' && spec.hasId ? spec.name : spec.refs[key]
    out[key] = target && value !== null && value !== undefined ? map(target, value as number) : value
  }
  if (spec.mapValues) out = spec.mapValues(out, map)
  return out
}

/** Orders rows by their archived key columns, so rows without ids come out the same from any database. */
function byKeys(spec: ArchiveTable) {
  const keys = Object.keys(spec.refs)
  return (a: Row, b: Row) => {
    for (const k of keys) {
      const d = ((a[k] as number | null) ?? 0) - ((b[k] as number | null) ?? 0)
      if (d !== 0) return d
    }
    return 0
  }
}

/** The archive's header (counted first) and its lines (header first), read page by page. */
async function archiveOf(ctx: Ctx, project: Project, onProgress?: (p: ArchiveProgress) => void) {
  const maps = await archiveIds(ctx, project.id)
  const map: IdMap = (table, id) => {
    const archived = maps.get(table)?.get(id)
    if (archived === undefined) throw new Error(`project '${project.name}' points at ${table} row ${id}, which does not belong to it`)
    return archived
  }
  const tables: Record<string, number> = {}
  for (const spec of archiveTables) {
    if (spec.hasId) tables[spec.name] = maps.get(spec.name)!.size
    else {
      const [row] = await ctx.db.select({ n: count() }).from(spec.table).where(scopeOf(ctx, spec, project.id))
      tables[spec.name] = row!.n
    }
  }
  const header: ArchiveHeader = { format: archiveFormat, version: archiveVersion, exportedAt: new Date().toISOString(), project: project.name, tables }
  const total = Object.values(tables).reduce((a, b) => a + b, 0)
  async function* lines(): AsyncGenerator<string> {
    yield `${JSON.stringify(header)}\n`
    let done = 0
    for (const spec of archiveTables) {
      let written = 0
      for await (const rows of tablePages(ctx, spec, project.id, maps)) {
        const archived = rows.map((row) => toArchive(spec, row, map))
        archived.sort(spec.hasId ? (a, b) => (a.id as number) - (b.id as number) : byKeys(spec))
        written += archived.length
        yield archived.map((row) => `${JSON.stringify({ table: spec.name, row })}\n`).join('')
        done += archived.length
        onProgress?.({ done, total })
      }
      if (written !== tables[spec.name]) throw new ConflictError(`the project changed during the export (${spec.name}); export again`)
    }
  }
  return { header, lines: lines() }
}

/** A table's rows of the project, by pages of their own ids or of their parents' ids (in archive order). */
async function* tablePages(ctx: Ctx, spec: ArchiveTable, projectId: number, maps: Map<string, Map<number, number>>): AsyncGenerator<Row[]> {
  const pagesOf = (table: string) => chunks([...maps.get(table)!.keys()], pageSize)
  if (spec.hasId) {
    for (const page of pagesOf(spec.name)) yield (await ctx.db.select().from(spec.table).where(inArray(column(spec, 'id'), page))) as Row[]
  } else if (spec.scope !== 'referenced' && spec.scope.parent) {
    const scopeColumn = column(spec, spec.scope.column)
    for (const page of pagesOf(spec.scope.parent)) yield (await ctx.db.select().from(spec.table).where(inArray(scopeColumn, page))) as Row[]
  } else {
    yield (await ctx.db.select().from(spec.table).where(scopeOf(ctx, spec, projectId))) as Row[]
  }
}

/** The archive as a gzip stream (for a download). */
export async function projectArchiveStream(ctx: Ctx, projectName: string): Promise<Readable> {
  const project = await getProject(ctx, projectName)
  const { lines } = await archiveOf(ctx, project)
  const gzip = createGzip()
  // A failure while reading destroys the stream with the error: the download breaks off.
  pipeline(Readable.from(lines), gzip).catch(() => undefined)
  return gzip
}

/** Writes the archive of a project to a file (whole or not at all: a failed export leaves no file). */
export async function exportProjectArchive(
  ctx: Ctx,
  input: { project: string; file: string; onProgress?: (p: ArchiveProgress) => void },
): Promise<ArchiveSummary> {
  const project = await getProject(ctx, input.project)
  const { header, lines } = await archiveOf(ctx, project, input.onProgress)
  const partial = `${input.file}.partial`
  try {
    await pipeline(Readable.from(lines), createGzip(), createWriteStream(partial))
    await rename(partial, input.file)
  } catch (error) {
    await rm(partial, { force: true })
    throw error
  }
  return { project: project.name, file: input.file, tables: header.tables }
}

// ---- Import ---------------------------------------------------------------------------------

/** The statement limits: SQLite's bound parameters, and a libSQL server's request size. */
const maxParams = 20_000
const maxChars = 1_000_000

/**
 * Reads an archive into a new project in one transaction: ids are given anew after the largest
 * of each table (archive id + offset), users are matched by name (created, without password,
 * when missing). Any problem rolls everything back and names the file and line.
 */
export async function importProjectArchive(
  ctx: Ctx,
  input: { file: string; as?: string | undefined; onProgress?: (p: ArchiveProgress) => void },
): Promise<ArchiveSummary> {
  if (input.as !== undefined) input = { ...input, as: checkProjectName(input.as) }
  try {
    return await ctx.db.transaction(async (tx) => {
      const importer = new Importer(withDb(ctx, tx), input)
      // Foreign keys are checked at the commit: codes point at parent codes in any order.
      await tx.run(sql`PRAGMA defer_foreign_keys = ON`)
      // The pipeline rejects with an AbortError when the reader fails: keep the reader's error.
      let failure: unknown = null
      await pipeline(createReadStream(input.file), createGunzip(), async (source: AsyncIterable<Buffer>) => {
        try {
          for await (const line of splitLines(source, () => importer.lineNumber + 1)) await importer.line(line)
        } catch (error) {
          failure ??= error
          throw error
        }
      }).catch((error: unknown) => {
        const cause = (failure ?? error) as NodeJS.ErrnoException
        if (cause.code?.startsWith('Z_')) {
          throw new ArchiveError(null, `not a gzip file, or truncated or corrupt after line ${importer.lineNumber} (${cause.message})`)
        }
        throw cause
      })
      return importer.finish()
    })
  } catch (error) {
    if (error instanceof ArchiveError) throw new InvalidInputError(`${input.file}: ${error.message}`)
    if (error instanceof ConflictError || error instanceof InvalidInputError) throw error
    throw new InvalidInputError(`${input.file}: ${(error as Error).message}`)
  }
}

/** Lines of UTF-8 text; a final empty line (the newline at the end) is not one. */
async function* splitLines(source: AsyncIterable<Buffer>, nextLine: () => number): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let rest = ''
  const decode = (chunk?: Buffer) => {
    try {
      return decoder.decode(chunk, { stream: chunk !== undefined })
    } catch {
      throw new ArchiveError(nextLine(), 'not UTF-8 text')
    }
  }
  for await (const chunk of source) {
    const parts = (rest + decode(chunk)).split('\n')
    rest = parts.pop()!
    for (const part of parts) yield part
  }
  rest += decode()
  if (rest !== '') yield rest
}

type Pending = { row: Row; line: number }

class Importer {
  lineNumber = 0
  private header: ArchiveHeader | null = null
  private name = ''
  private readonly bases = new Map<string, number>()
  private readonly userIds = new Map<number, number>()
  private readonly seen = new Map<string, number>()
  private current = -1
  private pending: Pending[] = []
  private pendingChars = 0
  private project: Project | null = null
  private done = 0
  private total = 0

  constructor(
    private readonly ctx: Ctx,
    private readonly input: { file: string; as?: string | undefined; onProgress?: (p: ArchiveProgress) => void },
  ) {}

  async line(text: string): Promise<void> {
    this.lineNumber += 1
    if (!this.header) return this.start(text)
    const record = parseRecord(text, this.lineNumber)
    const at = archiveTables.findIndex((t) => t.name === record.table)
    if (at < 0) throw new ArchiveError(this.lineNumber, `unknown table '${record.table}'`)
    if (at < this.current) throw new ArchiveError(this.lineNumber, `a ${record.table} record after the ${archiveTables[this.current]!.name} records`)
    if (at > this.current) {
      await this.flush()
      this.current = at
    }
    const spec = archiveTables[at]!
    const n = (this.seen.get(spec.name) ?? 0) + 1
    if (n > (this.header.tables[spec.name] ?? 0)) {
      throw new ArchiveError(this.lineNumber, `more ${spec.name} records than the header's ${this.header.tables[spec.name] ?? 0}`)
    }
    this.seen.set(spec.name, n)
    const row = this.toDatabase(spec, record.row, n)
    const pending = this.pending.length
    if (pending > 0 && ((pending + 1) * spec.columns.length > maxParams || this.pendingChars + text.length > maxChars)) await this.flush()
    this.pending.push({ row, line: this.lineNumber })
    this.pendingChars += text.length
  }

  private async start(text: string) {
    this.header = parseHeader(text, archiveTables.map((t) => t.name))
    this.total = Object.values(this.header.tables).reduce((a, b) => a + b, 0)
    this.name = this.input.as ?? this.header.project
    if (await findProject(this.ctx, this.name)) {
      throw new ConflictError(`${this.input.file}: a project named '${this.name}' exists already; import it under another name (--as NAME)`)
    }
    if (this.header.tables.projects !== 1) throw new ArchiveError(1, 'an archive holds exactly one project')
    // New ids follow the largest id each table ever had (AUTOINCREMENT never reuses one).
    const withIds = archiveTables.filter((t) => t.hasId && t.name !== 'users')
    const largest = await this.ctx.db.all<{ t: string; m: number }>(
      sql.raw(withIds.map((t) => `select '${t.name}' as t, coalesce(max(id), 0) as m from "${t.name}"`).join(' union all ')),
    )
    const sequences = await this.ctx.db.all<{ name: string; seq: number }>(sql`select name, seq from sqlite_sequence`)
    for (const { t, m } of largest) this.bases.set(t, Math.max(Number(m), Number(sequences.find((s) => s.name === t)?.seq ?? 0)))
  }

  /** Checks a row and gives it its ids in this database. */
  private toDatabase(spec: ArchiveTable, row: Row, n: number): Row {
    const line = this.lineNumber
    for (const key of Object.keys(row)) {
      if (!spec.columns.includes(key)) throw new ArchiveError(line, `${spec.name} has no column '${key}'`)
    }
    if (spec.hasId && row.id !== n) throw new ArchiveError(line, `${spec.name} record ${n} has id ${JSON.stringify(row.id)} (ids run 1, 2, 3, … per table)`)
    const map: IdMap = (table, id) => {
      const limit = table === 'users' ? this.seen.get('users') ?? 0 : this.header!.tables[table] ?? 0
      if (!Number.isInteger(id) || id < 1 || id > limit) {
        throw new ArchiveError(line, `${spec.name}: ${JSON.stringify(id)} is not the id of one of the archive's ${limit} ${table} records`)
      }
      return table === 'users' ? this.userIds.get(id)! : this.bases.get(table)! + id
    }
    const out: Row = { ...row }
    for (const [key, target] of Object.entries(spec.refs)) {
      if (out[key] !== null && out[key] !== undefined) out[key] = map(target, out[key] as number)
    }
    if (spec.name === 'users') {
      if (typeof row.name !== 'string' || row.name === '' || !(userKinds as readonly unknown[]).includes(row.kind)) {
        throw new ArchiveError(line, 'a user needs a name and a kind (human or machine)')
      }
      return out // its id in this database comes at the flush (matched by name)
    }
    if (spec.hasId) out.id = map(spec.name, n)
    if (spec.name === 'projects') out.name = this.name
    return spec.mapValues ? spec.mapValues(out, map) : out
  }

  private async flush(): Promise<void> {
    const batch = this.pending
    if (batch.length === 0) return
    this.pending = []
    this.pendingChars = 0
    const spec = archiveTables[this.current]!
    try {
      if (spec.name === 'users') await this.matchUsers(batch.map((p) => p.row))
      else await this.ctx.db.insert(spec.table).values(batch.map((p) => p.row) as never[])
    } catch (error) {
      // Drizzle wraps the database's error in one that quotes the whole statement.
      const cause = ((error as { cause?: unknown }).cause ?? error) as Error
      const lines = batch.length === 1 ? `${batch[0]!.line}` : `${batch[0]!.line}-${batch.at(-1)!.line}`
      throw new ArchiveError(null, `lines ${lines} (${spec.name}): ${cause.message}`)
    }
    if (spec.name === 'projects') this.project = (batch[0]!.row as Project)
    this.done += batch.length
    this.input.onProgress?.({ done: this.done, total: this.total })
  }

  /** Users are the instance's: the same name is the same person; the missing are created without a password. */
  private async matchUsers(rows: Row[]) {
    const names = rows.map((r) => r.name as string)
    const existing = await this.ctx.db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.name, names))
    const missing = rows.filter((r) => !existing.some((u) => u.name === r.name))
    const created =
      missing.length === 0
        ? []
        : await this.ctx.db
            .insert(users)
            .values(missing.map((r) => ({ name: r.name as string, displayName: (r.displayName as string | undefined) ?? '', kind: r.kind as 'human' | 'machine' })))
            .returning({ id: users.id, name: users.name })
    const idOf = new Map([...existing, ...created].map((u) => [u.name, u.id]))
    for (const r of rows) this.userIds.set(r.id as number, idOf.get(r.name as string)!)
  }

  async finish(): Promise<ArchiveSummary> {
    if (!this.header) throw new ArchiveError(null, 'empty archive')
    await this.flush()
    for (const [table, n] of Object.entries(this.header.tables)) {
      const seen = this.seen.get(table) ?? 0
      if (seen !== n) throw new ArchiveError(null, `the archive ends after line ${this.lineNumber} with ${seen} of the header's ${n} ${table} records (truncated?)`)
    }
    const project = this.project!
    await audit(this.ctx, {
      projectId: project.id,
      action: 'import',
      entity: 'project',
      entityId: project.id,
      details: { file: this.input.file, from: this.header.project, exportedAt: this.header.exportedAt },
    })
    return { project: project.name, file: this.input.file, tables: this.header.tables }
  }
}
