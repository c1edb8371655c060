/**
 * `npm run bench`: LLM labeling throughput, figures only. 2,000 real commits (from
 * ../shared/data/commits), labelled by the real CLI at concurrency 16 against the fake
 * OpenAI-compatible server (tests/fakes/openai.ts) answering each request in 100 ms: the ideal
 * is 2,000 / 16 x 0.1 s = 12.5 s (target: within 1.25x). A second run must send 0 requests.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { eq } from 'drizzle-orm'
import { labelingRuns } from '../schema'
import { openDatabase } from '../server/db'
import { importJsonlFiles } from '../server/services/importing'
import { ensureProject } from '../server/services/projects'
import { startFakeOpenAI } from '../tests/fakes/openai'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const shared = process.env.CONCORD_SHARED_DIR ?? path.resolve(root, '../shared')
const units = Number(process.env.BENCH_LABEL_UNITS ?? 2000)
const concurrency = 16
const delayMs = 100
const histories = ['01-ai__Yi', 'BlinkDL__RWKV-LM', 'EleutherAI__gpt-neo'].map((f) =>
  path.join(shared, 'data/commits/github', `${f}.jsonl`),
)

/** The real CLI as a child process (the fake server keeps answering in this one). */
function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ seconds: number; stdout: string }> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'server/cli/index.ts'), ...args],
      {
        cwd: root,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) =>
      code === 0
        ? resolve({ seconds: (performance.now() - started) / 1000, stdout })
        : reject(new Error(`concord ${args.join(' ')}: ${stderr}`)),
    )
  })
}

const dir = mkdtempSync(path.join(tmpdir(), 'concord-bench-label-'))
const url = `file:${path.join(dir, 'bench.db')}`
const fake = await startFakeOpenAI({ delayMs })
try {
  const database = await openDatabase({ url })
  const ctx = { db: database.db, actor: 'bench' }
  const project = await ensureProject(ctx, 'default')
  // Exactly `units` real commits, so the second run has nothing left to label.
  const lines = histories
    .flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => l.trim()),
    )
    .slice(0, units)
  const file = path.join(dir, 'commits.jsonl')
  writeFileSync(file, lines.join('\n'))
  await importJsonlFiles(ctx, { projectId: project.id, files: [file], diffCap: 20_000 })
  const env = {
    DATABASE_URL: url,
    OPENAI_BASE_URL: fake.url,
    OPENAI_API_KEY: 'sk-bench',
    CONCORD_LLM_MODEL: 'fake-bench',
  }
  const args = ['label', '--labeler', 'llm', '--concurrency', String(concurrency), '--json']
  const ideal = (units / concurrency) * (delayMs / 1000)
  console.log(
    `labeling bench: ${units} commits, concurrency ${concurrency}, fake LLM at ${delayMs} ms a request; ideal ${ideal.toFixed(1)} s`,
  )

  const first = await cli(args, env)
  const result = JSON.parse(first.stdout)
  const [run] = await database.db.select().from(labelingRuns).where(eq(labelingRuns.id, result.run))
  const jobSeconds = (Date.parse(run!.finishedAt!) - Date.parse(run!.startedAt!)) / 1000
  console.log(
    `  first run: ${result.labeled} labeled, ${result.failed} failed, ${result.requests} requests; ` +
      `job ${jobSeconds.toFixed(2)} s = ${(jobSeconds / ideal).toFixed(2)}x the ideal (target <= 1.25x), ` +
      `${(result.labeled / jobSeconds).toFixed(0)} commits/s; CLI wall time incl. start-up ${first.seconds.toFixed(2)} s`,
  )
  const sent = fake.completions()
  const second = await cli(args, env)
  const again = JSON.parse(second.stdout)
  console.log(
    `  second run: ${again.labeled} labeled, ${again.requests} requests (fake server saw ${fake.completions() - sent}); ` +
      `${second.seconds.toFixed(2)} s wall`,
  )
  database.close()
} finally {
  await fake.close()
  rmSync(dir, { recursive: true, force: true })
}
