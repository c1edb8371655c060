/**
 * `npm run bench`: figures, never assertions. Builds a git repository of 2,400 commits with
 * `git fast-import` (edits, new files, renames, deletions, binary files, merges), then prints
 * the throughput of `import git` (into a fresh file database, in-process, stored and all) as a
 * ratio to `git log -M -p --numstat` on the same repository. Target: a ratio of at least 0.5.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { loadConfig } from '../server/config'
import { openDatabase } from '../server/db'
import { ensureProject } from '../server/services/projects'
import { runRepositoryImport } from '../server/services/repository-import'
import { cpuSeconds } from './cpu'

const commitCount = Number(process.env.BENCH_GIT_COMMITS ?? 2_400)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)

/** A deterministic pseudo-random sequence, so every run builds the same history. */
function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const words = ['model', 'layer', 'token', 'config', 'train', 'eval', 'batch', 'weight', 'loss', 'grad', 'cache', 'shard']

function sourceFile(random: () => number, lines: number): string[] {
  return Array.from({ length: lines }, (_, i) => {
    const a = words[Math.floor(random() * words.length)]!
    const b = words[Math.floor(random() * words.length)]!
    return i % 12 === 0 ? `def ${a}_${b}_${i}(x):` : `    ${a}_${i} = ${b}(x, ${Math.floor(random() * 1000)})  # ${a} ${b}`
  })
}

/** Writes a repository: a main line with edits, adds, renames, deletes, binaries and merges. */
function buildRepository(dir: string): void {
  execFileSync('git', ['init', '-q', '-b', 'main', dir])
  const random = rng(42)
  // Each branch's files; the side branch forks from main while main waits, then is merged.
  const trees = { main: new Map<string, string[]>(), side: new Map<string, string[]>() }
  let files = trees.main
  for (let i = 0; i < 60; i++) files.set(`src/module_${i}.py`, sourceFile(random, 150 + Math.floor(random() * 150)))
  const out: Buffer[] = []
  const data = (text: string | Buffer) => {
    const bytes = typeof text === 'string' ? Buffer.from(text) : text
    out.push(Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from('\n'))
  }
  const weights = new Map<number, Buffer>()
  let mark = 0
  let mainMark = 0
  let sideMark = 0
  const start = Date.UTC(2021, 0, 1) / 1000
  const commit = (branch: string, message: string, ops: () => void, merge?: number) => {
    mark += 1
    const when = start + mark * 3_600
    out.push(Buffer.from(`commit refs/heads/${branch}\nmark :${mark}\nauthor Dev ${mark % 7} <dev${mark % 7}@example.org> ${when} +0200\ncommitter Dev ${mark % 7} <dev${mark % 7}@example.org> ${when} +0200\n`))
    data(message)
    const parent = branch === 'main' ? mainMark : sideMark
    if (parent) out.push(Buffer.from(`from :${parent}\n`))
    if (merge) out.push(Buffer.from(`merge :${merge}\n`))
    ops()
    out.push(Buffer.from('\n'))
    if (branch === 'main') mainMark = mark
    else sideMark = mark
  }
  const write = (file: string) => {
    out.push(Buffer.from(`M 100644 inline ${file}\n`))
    data(`${files.get(file)!.join('\n')}\n`)
  }
  commit('main', 'Initial commit', () => [...files.keys()].forEach(write))
  for (let i = 1; mark < commitCount; i++) {
    const branch = i % 40 >= 30 ? 'side' : 'main'
    if (branch === 'side' && !sideMark) {
      sideMark = mainMark
      trees.side = new Map([...trees.main].map(([f, lines]) => [f, [...lines]]))
    }
    files = trees[branch]
    if (i % 40 === 0 && sideMark) {
      // Main did not move meanwhile: the merge's tree is the side branch's.
      files = trees.main = trees.side
      commit('main', `Merge branch 'side' (#${i})`, () => {
        out.push(Buffer.from('deleteall\n'))
        for (const file of files.keys()) write(file)
        for (const [n, blob] of weights) {
          out.push(Buffer.from(`M 100644 inline weights/shard_${n}.bin\n`))
          data(blob)
        }
      }, sideMark)
      sideMark = 0
      continue
    }
    const names = [...files.keys()]
    const kind = random()
    if (kind < 0.04) {
      const from = names[Math.floor(random() * names.length)]!
      const to = from.replace('.py', `_v${i}.py`)
      files.set(to, files.get(from)!)
      files.delete(from)
      commit(branch, `Rename ${from} to ${to}`, () => out.push(Buffer.from(`R ${from} ${to}\n`)))
    } else if (kind < 0.08) {
      const file = `src/new_${i}.py`
      files.set(file, sourceFile(random, 80))
      commit(branch, `Add ${file}`, () => write(file))
    } else if (kind < 0.1 && names.length > 30) {
      const file = names[Math.floor(random() * names.length)]!
      files.delete(file)
      commit(branch, `Remove ${file}`, () => out.push(Buffer.from(`D ${file}\n`)))
    } else if (kind < 0.12) {
      const blob = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(random() * 256)))
      weights.set(i % 5, blob)
      commit(branch, `Update weights ${i}`, () => {
        out.push(Buffer.from(`M 100644 inline weights/shard_${i % 5}.bin\n`))
        data(blob)
      })
    } else {
      const touched = new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => names[Math.floor(random() * names.length)]!))
      for (const file of touched) {
        const lines = files.get(file)!
        for (let k = 0; k < 1 + Math.floor(random() * 6); k++) {
          const at = Math.floor(random() * lines.length)
          lines[at] = `    changed_${i}_${k} = ${words[k % words.length]}(x)  # edit ${i}`
        }
        if (random() < 0.3) lines.splice(Math.floor(random() * lines.length), 0, `    inserted_${i} = None`)
      }
      commit(branch, `Tune ${[...touched].join(', ')}\n\nCo-authored-by: Reviewer <reviewer${i % 3}@example.org>`, () => touched.forEach(write))
    }
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: Buffer.concat(out), maxBuffer: 1 << 28 })
}

const cpuSince = (start: number | null) => {
  const now = cpuSeconds()
  return start === null || now === null ? null : now - start
}

/** Seconds `git log -M -p --numstat` takes to stream the whole history (output consumed). */
function timeGitLog(dir: string): Promise<{ seconds: number; bytes: number; cpu: number | null }> {
  return new Promise((resolve, reject) => {
    const cpu = cpuSeconds()
    const started = process.hrtime.bigint()
    const child = spawn('git', ['-C', dir, 'log', '-M', '-p', '--numstat', 'HEAD'], { stdio: ['ignore', 'pipe', 'inherit'] })
    let bytes = 0
    child.stdout.on('data', (d: Buffer) => (bytes += d.length))
    child.on('error', reject)
    child.on('close', () => resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, bytes, cpu: cpuSince(cpu) }))
  })
}

async function timeImport(dir: string): Promise<{ seconds: number; imported: number; cpu: number | null }> {
  const work = mkdtempSync(path.join(tmpdir(), 'concord-bench-git-db-'))
  const database = await openDatabase({ url: `file:${path.join(work, 'bench.db')}` })
  try {
    const ctx = { db: database.db, actor: 'bench' }
    const project = await ensureProject(ctx, 'default')
    const settings = { ...loadConfig({}).sources, diffCap: 20_000 }
    const cpu = cpuSeconds()
    const started = process.hrtime.bigint()
    const result = await runRepositoryImport(ctx, {
      projectId: project.id,
      input: { source: 'git', path: dir, platform: 'github', repo: 'bench/repo' },
      settings,
    })
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, imported: result.imported, cpu: cpuSince(cpu) }
  } finally {
    database.close()
    rmSync(work, { recursive: true, force: true })
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const repoDir = mkdtempSync(path.join(tmpdir(), 'concord-bench-git-'))
try {
  const built = process.hrtime.bigint()
  buildRepository(repoDir)
  const commits = Number(execFileSync('git', ['-C', repoDir, 'rev-list', '--count', 'HEAD'], { encoding: 'utf8' }).trim())
  const merges = Number(execFileSync('git', ['-C', repoDir, 'rev-list', '--count', '--merges', 'HEAD'], { encoding: 'utf8' }).trim())
  console.log(
    `import git bench: ${commits} commits (${merges} merges) built with git fast-import in ` +
      `${(Number(process.hrtime.bigint() - built) / 1e9).toFixed(1)} s; ${rounds} rounds`,
  )
  const logs: number[] = []
  const imports: number[] = []
  const logCpu: number[] = []
  const importCpu: number[] = []
  for (let round = 1; round <= rounds; round++) {
    const log = await timeGitLog(repoDir)
    const imported = await timeImport(repoDir)
    if (imported.imported !== commits) throw new Error(`imported ${imported.imported} commits, expected ${commits}`)
    logs.push(log.seconds)
    imports.push(imported.seconds)
    if (log.cpu !== null && imported.cpu !== null) {
      logCpu.push(log.cpu)
      importCpu.push(imported.cpu)
    }
    const cpu = (c: number | null) => (c === null ? '' : `, ${c.toFixed(2)} s CPU`)
    console.log(
      `  round ${round}: git log -M -p --numstat ${log.seconds.toFixed(2)} s${cpu(log.cpu)} (${(log.bytes / 1e6).toFixed(1)} MB), ` +
        `import git ${imported.seconds.toFixed(2)} s${cpu(imported.cpu)} (${Math.round(commits / imported.seconds)} commits/s, stored)`,
    )
  }
  const log = median(logs)
  const imported = median(imports)
  console.log(
    `median: git log ${Math.round(commits / log)} commits/s, import git ${Math.round(commits / imported)} commits/s; ` +
      `throughput ratio import/git log = ${(log / imported).toFixed(2)} (target: at least 0.5)`,
  )
  if (logCpu.length > 0) {
    // Wall time on a shared machine depends on everyone else's load; CPU time does not.
    console.log(
      `CPU (this process and its git, /proc/self/stat): git log ${median(logCpu).toFixed(2)} s, import git ${median(importCpu).toFixed(2)} s; ` +
        `ratio ${(median(logCpu) / median(importCpu)).toFixed(2)}; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
    )
  }
} finally {
  rmSync(repoDir, { recursive: true, force: true })
}
