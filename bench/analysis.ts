/**
 * Synchronization analysis at the study's scale: 325 families (1 GitHub repository and 1 to 6
 * variants each) with 150,000 timestamp-only synthetic commits (90% GitHub, as in the study),
 * then 2x and 4x that. Each size goes into a fresh file database (batched multi-row inserts), and
 * the analysis is timed end to end from the database. Figures only.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { mulberry32 } from '../server/core/agreement'
import type { InStatement } from '@libsql/client'
import { openDatabase } from '../server/db'
import type { Database } from '../server/db'
import { analyzeSync, projectAnalysis } from '../server/services/analysis'
import { ensureFamily, ensureRepositories, linkRepositories } from '../server/services/commit-store'
import type { Ctx } from '../server/services/context'
import { withDb } from '../server/services/context'
import { ensureProject } from '../server/services/projects'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const baseFamilies = 325
const baseCommits = 150_000
const scales = (process.env.BENCH_ANALYSIS_SCALES ?? '1,2,4').split(',').map(Number)

const DAY = 86_400_000

type Repo = { platform: 'github' | 'huggingface'; fullName: string; start: number; span: number; weight: number }

/** Families with a GitHub repository and 1-6 variants, each active over its own span of days. */
function syntheticFamilies(families: number, random: () => number) {
  return Array.from({ length: families }, (_, i) => {
    const start = Date.UTC(2018, 0, 1) + Math.floor(random() * 5 * 365) * DAY
    const repos: Repo[] = [{ platform: 'github', fullName: `org${i}/model${i}`, start, span: 100 + Math.floor(random() * 1400), weight: 9 }]
    const variants = 1 + Math.floor(random() * 6)
    for (let v = 0; v < variants; v++) {
      const offset = Math.floor((random() - 0.3) * 400) * DAY
      repos.push({ platform: 'huggingface', fullName: `org${i}/model${i}-v${v}`, start: start + offset, span: 1 + Math.floor(random() * 600), weight: 1 / variants })
    }
    return { name: `family-${i}`, repos }
  })
}

/** A random instant in the repository's span, as stored (`YYYY-MM-DDTHH:MM:SSZ`). */
function instant(repo: Repo, random: () => number): string {
  return new Date(repo.start + Math.floor(random() * repo.span * DAY)).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

// Timestamp-only commits go in as multi-row inserts through the raw client in one batch: the
// commit store's per-record work (files, diffs, duplicate checks) is not what is measured here.
const rowsPerStatement = 500

async function fill(database: Database, ctx: Ctx, projectId: number, families: number, commits: number): Promise<number> {
  const random = mulberry32(11)
  const fams = syntheticFamilies(families, random)
  const repos = fams.flatMap((f) => f.repos)
  const totalWeight = repos.reduce((s, r) => s + r.weight, 0)
  const ids = await ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    const ids = await ensureRepositories(txCtx, projectId, repos)
    for (const f of fams) {
      const familyId = await ensureFamily(txCtx, projectId, f.name)
      await linkRepositories(txCtx, familyId, f.repos.map((r) => ids.get(`${r.platform}\u0000${r.fullName}`)!))
    }
    return ids
  })
  const statements: InStatement[] = []
  let values: (string | number)[] = []
  let n = 0
  const flush = () => {
    const rows = values.length / 5
    if (rows === 0) return
    const placeholders = Array.from({ length: rows }, () => "(?, ?, '[]', 0, '', ?, ?, ?, '')").join(', ')
    statements.push({
      sql: `insert into commits (repository_id, sha, parents, is_merge, author_name, authored_at, committed_at, created_at, message) values ${placeholders}`,
      args: values,
    })
    values = []
  }
  for (const repo of repos) {
    const repositoryId = ids.get(`${repo.platform}\u0000${repo.fullName}`)!
    const count = Math.max(1, Math.round((commits * repo.weight) / totalWeight))
    for (let i = 0; i < count; i++) {
      const at = instant(repo, random)
      values.push(repositoryId, (n++).toString(16).padStart(40, '0'), at, at, at)
      if (values.length === rowsPerStatement * 5) flush()
    }
  }
  flush()
  await database.client.batch(statements, 'write')
  return n
}

const seconds = (from: number) => (performance.now() - from) / 1000

console.log(`analysis bench: ${baseFamilies} families / ${baseCommits.toLocaleString('en')} synthetic commits, scaled ${scales.map((s) => `${s}x`).join(', ')}`)
for (const scale of scales) {
  const dir = mkdtempSync(path.join(tmpdir(), 'concord-bench-analysis-'))
  const url = `file:${path.join(dir, 'bench.db')}`
  try {
    const setup = await openDatabase({ url })
    const ctx: Ctx = { db: setup.db, actor: 'bench' }
    const project = await ensureProject(ctx, 'bench')
    let started = performance.now()
    const inserted = await fill(setup, ctx, project.id, baseFamilies * scale, baseCommits * scale)
    const insertSeconds = seconds(started)
    setup.close()

    // End to end: open the database (migration check included), read, detect.
    started = performance.now()
    const db = await openDatabase({ url })
    const runCtx: Ctx = { db: db.db, actor: 'bench' }
    const result = await analyzeSync(runCtx, { projectId: project.id })
    const analyzeSeconds = seconds(started)
    started = performance.now()
    const full = await projectAnalysis(runCtx, { projectId: project.id, projectName: 'bench' })
    const fullSeconds = seconds(started)
    db.close()

    started = performance.now()
    const cli = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'server/cli/index.ts'), 'analyze', '--project', 'bench', '--json'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url },
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    })
    const cliSeconds = seconds(started)
    if (cli.status !== 0) throw new Error(`concord analyze failed: ${cli.stderr}`)
    const ok = result.families.filter((f) => f.status === 'ok').length
    console.log(
      `  ${scale}x: ${result.families.length} families, ${inserted.toLocaleString('en')} commits ` +
        `(inserted in ${insertSeconds.toFixed(1)} s); analyze from the database ${analyzeSeconds.toFixed(2)} s ` +
        `(${scale === 1 ? 'target under 2 s; ' : ''}${ok} with a pattern); every table incl. sensitivity (11 reruns) and ` +
        `early/late ${fullSeconds.toFixed(2)} s (${full.tables.length} tables); ` +
        `\`concord analyze --json\` process ${cliSeconds.toFixed(2)} s incl. start-up`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
