/**
 * @module Reading a local git repository through the `git` binary: the history reachable from
 * HEAD streamed into commit records (see git-log.ts), the README at HEAD, and clones.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, open, rename, rm, rmdir, stat, unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Platform } from '../../schema/enums'
import { GitLogParser, gitLogDiffArgs, gitLogFormat } from './git-log'
import type { GitLogItem } from './git-log'
import { IngestError } from './ingest-error'
import { decodeText } from './text'

/** Settings that keep a user's git configuration from changing the output we parse. */
const neutralConfig = [
  '-c', 'core.quotepath=off',
  '-c', 'log.showRoot=true',
  '-c', 'log.showSignature=false',
  '-c', 'diff.noprefix=false',
  '-c', 'diff.mnemonicPrefix=false',
  '-c', 'diff.relative=false',
  '-c', 'color.ui=false',
]

const gitEnv = () => ({ ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_OPTIONAL_LOCKS: '0' })

/** The full `git log` argument list the importer runs (the benchmark prints it). */
export function gitLogArgs(dir: string): string[] {
  return [
    '-C', dir, ...neutralConfig, 'log', `--format=${gitLogFormat}`, ...gitLogDiffArgs,
    '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/', '--encoding=UTF-8',
    'HEAD', '--',
  ]
}

/** Runs git to completion; resolves with stdout bytes, rejects with stderr's first line. */
export function git(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const stdin = options.input === undefined ? 'ignore' : 'pipe'
    const child = spawn('git', args, { cwd: options.cwd, env: options.env ?? gitEnv(), stdio: [stdin, 'pipe', 'pipe'] })
    const out: Buffer[] = []
    let err = ''
    child.stdout!.on('data', (d: Buffer) => out.push(d))
    child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')))
    child.on('error', (error) => reject(new Error(`cannot run git: ${error.message}`)))
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out))
      else reject(new Error(firstErrorLine(err) || `git ${args.find((a) => !a.startsWith('-'))} exited with ${code}`))
    })
    if (child.stdin) {
      child.stdin.on('error', () => undefined) // git may exit before reading its input
      child.stdin.end(options.input)
    }
  })
}

function firstErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean)
  return lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[0] ?? ''
}

/**
 * Checks that `dir` is a git repository with at least one commit; returns its HEAD sha.
 * @throws IngestError naming the path.
 */
export async function gitHead(dir: string): Promise<string> {
  const info = await stat(dir).catch(() => null)
  if (!info?.isDirectory()) throw new IngestError(dir, null, 'no such directory')
  try {
    await git(['-C', dir, 'rev-parse', '--git-dir'])
  } catch (error) {
    throw new IngestError(dir, null, `not a git repository (${(error as Error).message})`)
  }
  try {
    return (await git(['-C', dir, 'rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).toString('latin1').trim()
  } catch {
    throw new IngestError(dir, null, 'the repository has no commits (HEAD does not point to a commit)')
  }
}

/** Number of commits reachable from HEAD. */
export async function countCommits(dir: string): Promise<number> {
  return Number((await git(['-C', dir, 'rev-list', '--count', 'HEAD'])).toString('latin1').trim())
}

/** Every sha reachable from HEAD. */
export async function listShas(dir: string): Promise<string[]> {
  return (await git(['-C', dir, 'rev-list', 'HEAD'])).toString('latin1').split('\n').filter(Boolean)
}

export type GitLogOptions = {
  platform: Platform
  repo: string
  diffCap: number
  skip?: (sha: string) => boolean
}

/**
 * Streams the history reachable from HEAD, newest first, as batches of parsed commits.
 *
 * git writes into a spool file in a temporary folder that is read as it grows: git runs at its
 * own pace while the consumer stores (a pipe would hold git back whenever the consumer works),
 * and memory holds one read block and one commit at a time. The spool is deleted at the end.
 */
export async function* readGitLog(dir: string, options: GitLogOptions): AsyncGenerator<GitLogItem[]> {
  const spoolDir = await mkdtemp(path.join(tmpdir(), 'concord-git-log-'))
  const spoolFile = path.join(spoolDir, 'log')
  const writer = await open(spoolFile, 'w')
  const reader = await open(spoolFile, 'r')
  const child = spawn('git', gitLogArgs(dir), { env: gitEnv(), stdio: ['ignore', writer.fd, 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => {
    if (stderr.length < 10_000) stderr += d.toString('utf8')
  })
  let exitCode: number | null | undefined
  let failure: Error | undefined
  let wake: (() => void) | undefined
  child.on('error', (error) => {
    failure = new Error(`cannot run git: ${error.message}`)
    wake?.()
  })
  child.on('close', (code) => {
    exitCode = code
    wake?.()
  })
  const parser = new GitLogParser(options)
  const block = Buffer.alloc(1 << 20)
  let position = 0
  let finished = false
  try {
    for (;;) {
      if (failure) throw failure
      // Checked before reading: once git has exited, one more read sees all it wrote.
      const gitDone = exitCode !== undefined
      const { bytesRead } = await reader.read(block, 0, block.length, position)
      if (bytesRead > 0) {
        position += bytesRead
        // The parser keeps references into what it is given: hand it its own copy.
        const items = parser.push(Buffer.from(block.subarray(0, bytesRead)))
        if (items.length > 0) yield items
        // A full block: more is waiting. Otherwise let git write a while: fewer, larger reads.
        if (bytesRead === block.length || gitDone) continue
      } else if (gitDone) {
        break
      }
      await new Promise<void>((resolve) => {
        wake = resolve
        setTimeout(resolve, 10)
      })
      wake = undefined
    }
    if (exitCode !== 0) throw new IngestError(dir, null, `git log failed: ${firstErrorLine(stderr) || `exit code ${exitCode}`}`)
    const last = parser.end()
    if (last.length > 0) yield last
    finished = true
  } finally {
    // The consumer stopped early (an error, a cancel): do not leave git running.
    if (!finished && child.exitCode === null) child.kill()
    await Promise.all([writer.close(), reader.close()]).catch(() => undefined)
    await unlink(spoolFile).catch(() => undefined)
    await rmdir(spoolDir).catch(() => undefined)
  }
}

export type HeadFile = { path: string; text: string; commit: string }

const readmeName = /^readme(\.(md|markdown|mdown|rst|txt|org))?$/i

/** The README at the root of HEAD's tree (README.md preferred), or null. Capped at 1 MB. */
export async function readReadme(dir: string): Promise<HeadFile | null> {
  const commit = (await git(['-C', dir, 'rev-parse', 'HEAD'])).toString('latin1').trim()
  const listing = (await git(['-C', dir, 'ls-tree', '-z', 'HEAD'])).toString('utf8')
  const entries = listing
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta, name] = line.split('\t')
      const [, type, sha] = (meta ?? '').split(' ')
      return { type, sha, name: name ?? '' }
    })
    .filter((e) => e.type === 'blob' && readmeName.test(e.name))
    .sort((a, b) => rank(a.name) - rank(b.name))
  const best = entries[0]
  if (!best?.sha) return null
  const bytes = await git(['-C', dir, 'cat-file', 'blob', best.sha])
  return { path: best.name, text: decodeText(bytes.subarray(0, 1_000_000)), commit }
}

function rank(name: string): number {
  const lower = name.toLowerCase()
  return lower === 'readme.md' ? 0 : lower.endsWith('.md') ? 1 : 2
}

/**
 * Clones `url` bare into `dir`, or fetches into an existing clone (only new objects travel).
 * A bare clone never checks files out, so Git LFS content is never downloaded either: LFS files
 * stay pointer text (GIT_LFS_SKIP_SMUDGE=1 is set as well, for any LFS-aware git).
 */
export async function cloneOrFetch(url: string, dir: string, options: { token?: string | undefined }): Promise<'cloned' | 'fetched'> {
  // The token travels as a header set through the environment: never in the URL or the
  // process list, where git or ps could show it.
  const auth = options.token
    ? { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Bearer ${options.token}` }
    : {}
  const env = { ...gitEnv(), GIT_LFS_SKIP_SMUDGE: '1', ...auth }
  const existing = await stat(dir).catch(() => null)
  try {
    if (existing?.isDirectory()) {
      await git(['-C', dir, 'fetch', '--quiet', '--prune', '--no-tags', url, '+refs/heads/*:refs/heads/*'], { env })
      return 'fetched'
    }
    // Cloned beside and renamed into place: a clone killed midway never looks complete.
    const partial = `${dir}.partial-${process.pid}-${Date.now()}`
    try {
      await git(['clone', '--quiet', '--bare', '--no-tags', url, partial], { env })
      await rename(partial, dir)
    } finally {
      await rm(partial, { recursive: true, force: true })
    }
    return 'cloned'
  } catch (error) {
    throw new IngestError(url, null, `git could not ${existing ? 'fetch' : 'clone'} it: ${(error as Error).message}`)
  }
}
