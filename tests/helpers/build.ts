import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, rmdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { repoRoot } from './shared'

/**
 * Builds the client once per test run: browser test files run in parallel, and builds racing
 * into the same dist/client (vite empties it first) make a server find no index.html. The first
 * file builds under a lock; the others wait and reuse it (the marker names the vitest process).
 */
export function buildClientOnce(): void {
  const dist = path.join(repoRoot, 'dist')
  mkdirSync(dist, { recursive: true })
  const marker = path.join(dist, `.built-for-${process.ppid}`)
  const lock = path.join(dist, '.build.lock')
  const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
  for (let waited = 0; ; waited += 250) {
    if (existsSync(marker) && existsSync(path.join(dist, 'client', 'index.html'))) return
    try {
      mkdirSync(lock)
      break
    } catch {
      if (waited > 300_000) throw new Error(`${lock} held for five minutes: remove it if no build runs`)
      sleep(250)
    }
  }
  try {
    if (existsSync(marker) && existsSync(path.join(dist, 'client', 'index.html'))) return
    execFileSync(process.execPath, [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], {
      cwd: repoRoot,
      stdio: 'inherit',
    })
    for (const old of readdirSync(dist).filter((f) => f.startsWith('.built-for-'))) rmSync(path.join(dist, old), { force: true })
    writeFileSync(marker, '')
  } finally {
    rmdirSync(lock)
  }
}
