/**
 * @module Environment -> typed configuration, parsed once by zod.
 */
import { z } from 'zod'

const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes')

const Env = z.object({
  DATABASE_URL: z.string().min(1).default('file:./concord.db'),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  /** Milliseconds a file database waits on a lock held by another process. */
  CONCORD_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /** Diffs longer than this many characters are cut, with a marker. */
  CONCORD_DIFF_CAP: z.coerce.number().int().min(1_000).default(20_000),
  /** Load the bundled sample into an empty database on `npm start`. */
  CONCORD_SAMPLE: flag.default(true),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
})

export type Config = {
  databaseUrl: string
  databaseAuthToken: string | undefined
  busyTimeoutMs: number
  diffCap: number
  loadSample: boolean
  port: number
  host: string
}

/**
 * Reads the configuration from an environment (the process's by default).
 * @throws Error naming the offending variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(`invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`)
  }
  const e = parsed.data
  return {
    databaseUrl: e.DATABASE_URL,
    databaseAuthToken: e.DATABASE_AUTH_TOKEN,
    busyTimeoutMs: e.CONCORD_BUSY_TIMEOUT_MS,
    diffCap: e.CONCORD_DIFF_CAP,
    loadSample: e.CONCORD_SAMPLE,
    port: e.PORT,
    host: e.HOST,
  }
}
