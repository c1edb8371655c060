/**
 * `npm run bench`: figures, never assertions. Imports every commit history of
 * ../shared/data/commits into a fresh file database through the real CLI (start-up included)
 * and prints wall time, commits/s and peak RSS.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const shared = process.env.CONCORD_SHARED_DIR ?? path.resolve(root, '../shared')
const commitsDir = path.join(shared, 'data', 'commits')
const files = ['github', 'huggingface'].flatMap((side) =>
  readdirSync(path.join(commitsDir, side))
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => path.join(commitsDir, side, f)),
)
const lines = files.reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).length, 0)
const megabytes = files.reduce((n, f) => n + readFileSync(f).length, 0) / 1e6

function cli(args: string[], databaseUrl: string) {
  const started = process.hrtime.bigint()
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--import', path.join(root, 'bench/report-rss.mjs'), path.join(root, 'server/cli/index.ts'), ...args],
    { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: 'utf8' },
  )
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  if (run.status !== 0) throw new Error(`concord ${args.join(' ')} failed: ${run.stderr}`)
  const rssKb = Number(/concord-bench-max-rss-kb=(\d+)/.exec(run.stderr)?.[1] ?? NaN)
  return { seconds, rssMb: rssKb / 1024, stdout: run.stdout }
}

const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
console.log(`import bench: ${files.length} files, ${lines} commits, ${megabytes.toFixed(1)} MB of JSONL; ${rounds} rounds`)
const results: { families: number; jsonl: number; rss: number }[] = []
for (let round = 1; round <= rounds; round++) {
  const dir = mkdtempSync(path.join(tmpdir(), 'concord-bench-'))
  const url = `file:${path.join(dir, 'bench.db')}`
  try {
    const families = cli(['import', 'families', path.join(commitsDir, 'families.json'), '--json'], url)
    const jsonl = cli(['import', 'jsonl', ...files, '--json'], url)
    const imported = JSON.parse(jsonl.stdout).imported
    if (imported !== lines) throw new Error(`imported ${imported} commits, expected ${lines}`)
    results.push({ families: families.seconds, jsonl: jsonl.seconds, rss: Math.max(families.rssMb, jsonl.rssMb) })
    console.log(
      `  round ${round}: import families ${families.seconds.toFixed(2)} s, import jsonl ${jsonl.seconds.toFixed(2)} s ` +
        `(${Math.round(lines / jsonl.seconds)} commits/s incl. CLI start-up), peak RSS ${jsonl.rssMb.toFixed(0)} MB`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const jsonlMedian = median(results.map((r) => r.jsonl))
console.log(
  `median: import jsonl ${jsonlMedian.toFixed(2)} s = ${Math.round(lines / jsonlMedian)} commits/s; ` +
    `families + jsonl ${median(results.map((r) => r.families + r.jsonl)).toFixed(2)} s; ` +
    `peak RSS ${Math.max(...results.map((r) => r.rss)).toFixed(0)} MB (target: under 4 s and 400 MB; no search index to build)`,
)
