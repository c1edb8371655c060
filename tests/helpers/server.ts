import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import path from 'node:path'
import { repoRoot } from './shared'

export type RunningServer = {
  url: string
  /** The printed sign-in link (`url?token=…`) when sign-in is enforced, else `url`. */
  signInUrl: string
  process: ChildProcess
  output: () => string
  stop: () => Promise<void>
}

/** Starts the real server (`server/main.ts`) on a free port and waits for its printed URL. */
export function startServer(env: Record<string, string>): Promise<RunningServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/main.ts')], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output}`)), 60_000)
    const onData = (chunk: Buffer) => {
      output += chunk
      const [, url, token] = /Concord is running at (http:\/\/[^\s?]+)(\?token=\S+)?\n/.exec(output) ?? []
      if (url) {
        clearTimeout(timer)
        resolve({ url, signInUrl: `${url}${token ?? ''}`, process: child, output: () => output, stop })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}:\n${output}`))
    })
  })
}
