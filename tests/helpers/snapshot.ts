import { createHash } from 'node:crypto'
import { sql } from 'drizzle-orm'
import type { Db } from '../../server/db'

/** Tables whose every row is hashed: what an import or a label save could change. */
const hashedTables = [
  'commits',
  'commit_files',
  'repositories',
  'families',
  'family_repositories',
  'labels',
  'label_codes',
  'open_codes',
  'codes',
  'codebook_versions',
  'users',
  'project_members',
  'audit_log',
] as const

export type DatabaseSnapshot = {
  /** Rows per table, every table of the schema. */
  counts: Record<string, number>
  /** sha256 of each hashed table's rows in rowid order. */
  hashes: Record<string, string>
}

/**
 * Row counts of every table and a content hash of commits, labels, codes and the rest that
 * imports touch, to show that a rejected input left the store as it was.
 * Sessions are left out of the hashes: every signed-in request may touch them.
 * @example expect(await snapshotDatabase(db)).toEqual(before)
 */
export async function snapshotDatabase(db: Db): Promise<DatabaseSnapshot> {
  const tables = await db.all<{ name: string }>(
    sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and substr(name, 1, 2) <> '__' order by name`,
  )
  const counts: Record<string, number> = {}
  for (const { name } of tables) {
    const [row] = await db.all<{ n: number }>(sql.raw(`select count(*) as n from "${name}"`))
    counts[name] = Number(row!.n)
  }
  const hashes: Record<string, string> = {}
  for (const name of hashedTables) {
    const rows = await db.all(sql.raw(`select * from "${name}" order by rowid`))
    hashes[name] = createHash('sha256').update(JSON.stringify(rows)).digest('hex')
  }
  return { counts, hashes }
}
