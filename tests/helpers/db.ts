import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { openDatabase } from '../../server/db'
import type { Database } from '../../server/db'
import type { Ctx } from '../../server/services/context'

export type TestDatabase = Database & { ctx: Ctx; dir: string; file: string; dispose: () => void }

/** A fresh, migrated libSQL database file in its own temporary folder. */
export async function freshDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(path.join(tmpdir(), 'concord-test-'))
  const file = path.join(dir, 'concord.db')
  const database = await openDatabase({ url: `file:${file}` })
  return {
    ...database,
    ctx: { db: database.db, actor: 'test' },
    dir,
    file,
    dispose: () => {
      database.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
