/**
 * @module The project archive format (`concord export project`): gzip-compressed JSON Lines, a
 * header line, then one line per row tagged by table. Row ids in the archive are archive-local
 * (1..n per table, in the order of the source ids), so an archive does not depend on the row ids
 * of the database it came from; ids written inside text (label contexts, codebook snapshots) are
 * renumbered the same way. Pure: no I/O.
 */

export const archiveFormat = 'concord-project'
export const archiveVersion = 1

export type ArchiveHeader = {
  format: typeof archiveFormat
  version: number
  exportedAt: string
  /** The project's name where it was exported (import uses it unless told another). */
  project: string
  /** Rows per table, in the order the records follow. */
  tables: Record<string, number>
}

/** One row: `{"table":"labels","row":{…}}`. */
export type ArchiveRecord = { table: string; row: Record<string, unknown> }

/** A problem with the archive's content, located by line (1 is the header). */
export class ArchiveError extends Error {
  constructor(
    readonly line: number | null,
    message: string,
  ) {
    super(line === null ? message : `line ${line}: ${message}`)
    this.name = 'ArchiveError'
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function parseJson(text: string, line: number): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ArchiveError(line, `not valid JSON (${(error as Error).message})`)
  }
}

/** Reads and checks the first line against the tables this version knows. */
export function parseHeader(text: string, knownTables: readonly string[]): ArchiveHeader {
  const header = parseJson(text, 1)
  if (!isObject(header) || header.format !== archiveFormat) {
    throw new ArchiveError(1, `not a Concord project archive (the header's format must be '${archiveFormat}')`)
  }
  if (header.version !== archiveVersion) {
    throw new ArchiveError(1, `archive version ${JSON.stringify(header.version)}: this Concord reads version ${archiveVersion}`)
  }
  if (typeof header.project !== 'string' || header.project === '') throw new ArchiveError(1, 'the header names no project')
  if (!isObject(header.tables)) throw new ArchiveError(1, 'the header has no table counts')
  for (const [table, n] of Object.entries(header.tables)) {
    if (!knownTables.includes(table)) throw new ArchiveError(1, `unknown table '${table}'`)
    if (!Number.isInteger(n) || (n as number) < 0) throw new ArchiveError(1, `table '${table}': the count must be a whole number`)
  }
  return header as ArchiveHeader
}

/** Reads one row line. */
export function parseRecord(text: string, line: number): ArchiveRecord {
  const record = parseJson(text, line)
  if (!isObject(record) || typeof record.table !== 'string' || !isObject(record.row)) {
    throw new ArchiveError(line, 'a record must be {"table": NAME, "row": {…}}')
  }
  return record as ArchiveRecord
}

/** Maps an id of a table to the id it has on the other side (archive or database). */
export type IdMap = (table: string, id: number) => number

const idToken = /^(round|cbv):(\d+)$/
const tokenTable = { round: 'rounds', cbv: 'codebook_versions' } as const

/**
 * A label context with its ids mapped: `round:<round id>` and the `cbv:<codebook version id>`
 * part of a machine labeler's configuration (`prompt:v3|cbv:12`).
 */
export function mapContext(context: string, map: IdMap): string {
  if (context === '') return context
  return context
    .split('|')
    .map((token) => {
      const m = idToken.exec(token)
      return m ? `${m[1]}:${map(tokenTable[m[1] as keyof typeof tokenTable], Number(m[2]))}` : token
    })
    .join('|')
}

/** A codebook version's snapshot with its code ids (`id`, `parentId`) mapped. */
export function mapSnapshot(snapshot: unknown, map: IdMap): unknown {
  if (!Array.isArray(snapshot)) return snapshot
  return snapshot.map((code: unknown) => {
    if (!isObject(code)) return code
    const out = { ...code }
    if (typeof code.id === 'number') out.id = map('codes', code.id)
    if (typeof code.parentId === 'number') out.parentId = map('codes', code.parentId)
    return out
  })
}
