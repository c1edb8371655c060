/**
 * @module What a CLI command is, how flags are read, and the one place errors become exit codes.
 */
import { parseArgs } from 'node:util'
import type { ParseArgsConfig } from 'node:util'
import { loadConfig } from '../config'
import type { Config } from '../config'
import { openDatabase } from '../db'
import type { Database } from '../db'
import type { Ctx } from '../services/context'
import { defaultProjectName, ensureProject } from '../services/projects'
import type { Project } from '../../schema'

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>

/** Flags every command takes. */
export const commonOptions = {
  project: { type: 'string', default: defaultProjectName },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies Options

export function parseFlags<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...commonOptions, ...options }, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

export type Session = { config: Config; database: Database; ctx: Ctx; project: Project }

/** Opens the database (migrating it), without choosing a project. */
export async function openDatabaseSession(): Promise<Omit<Session, 'project'>> {
  const config = loadConfig()
  const database = await openDatabase({
    url: config.databaseUrl,
    authToken: config.databaseAuthToken,
    busyTimeoutMs: config.busyTimeoutMs,
  })
  const ctx: Ctx = { db: database.db, actor: 'cli', progress: (m) => process.stderr.write(`${m}\n`), llm: config.llm }
  return { config, database, ctx }
}

/** Opens the database (migrating it) and the project the command acts on. */
export async function openSession(projectName: string): Promise<Session> {
  const session = await openDatabaseSession()
  try {
    return { ...session, project: await ensureProject(session.ctx, projectName) }
  } catch (error) {
    session.database.close()
    throw error
  }
}

/** Prints the result: one JSON document with --json, else the human text. */
export function output(json: boolean, result: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${text()}\n`)
}

/** Runs a command and maps failures to `error: …` on stderr and an exit code (2 for usage). */
export async function runCommand(fn: () => Promise<void>): Promise<number> {
  try {
    await fn()
    return 0
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    process.stderr.write(`error: ${message.replace(/\s*\n\s*/g, ' ')}\n`)
    if (process.env.CONCORD_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`)
    return error instanceof UsageError ? 2 : 1
  }
}
