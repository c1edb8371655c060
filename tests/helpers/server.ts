import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import path from 'node:path'
import type { Db } from '../../server/db'
import { requesterFor } from './auth'
import type { App, Requester } from './auth'
import { repoRoot } from './shared'

/** A TypeScript entry point of the repository running as its own process (`tsx`). */
export type RunningProcess = {
  process: ChildProcess
  /** stdout and stderr so far. */
  output: () => string
  /** Settles when it exits: its code, or null when a signal ended it. */
  exited: Promise<number | null>
}

/** Starts `node --import tsx SCRIPT ARGS...` in the repository with `env` over this process's. */
export function spawnTsx(script: string, args: string[], env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, script), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { process: child, output: () => output, exited }
}

/** Resolves once `test` holds for the process's output; fails if it exits first or after `timeoutMs`. */
export async function waitForOutput(running: RunningProcess, test: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs
  let ended = false
  void running.exited.then(() => (ended = true))
  for (;;) {
    const match = test.exec(running.output())
    if (match) return match
    if (ended) throw new Error(`the process exited before printing ${test}:\n${running.output()}`)
    if (Date.now() > deadline) throw new Error(`no ${test} within ${timeoutMs} ms:\n${running.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

export type RunningServer = RunningProcess & {
  url: string
  /** The printed sign-in link (`url?token=…`) when sign-in is enforced, else `url`. */
  signInUrl: string
  /** SIGTERM, then waits for the exit. */
  stop: () => Promise<void>
}

/** Starts the real server (`server/main.ts`) on a free port and waits for its printed URL. */
export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const running = spawnTsx('server/main.ts', [], { PORT: '0', HOST: '127.0.0.1', ...env })
  const stop = async () => {
    if (running.process.exitCode === null && running.process.signalCode === null) running.process.kill('SIGTERM')
    await running.exited
  }
  try {
    const [, url, token] = await waitForOutput(running, /Concord is running at (http:\/\/[^\s?]+)(\?token=\S+)?\n/)
    return { ...running, url: url!, signInUrl: `${url}${token ?? ''}`, stop }
  } catch (error) {
    running.process.kill('SIGKILL')
    throw error
  }
}

/**
 * A request function signed in as `user` against a running server over HTTP (the session is
 * made in the database directly, as `signedInApp` does).
 */
export function remoteRequester(server: Pick<RunningServer, 'url'>, db: Db, user: { id: number; name: string }): Promise<Requester> {
  // requesterFor only calls `app.request`: here, a real request to the server.
  const remote = { request: (target: string, init?: RequestInit) => fetch(new URL(target, server.url), init) } as unknown as App
  return requesterFor(remote, db, user)
}
