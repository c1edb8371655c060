import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { commits, labels, users } from '../../schema'
import { importJsonlFiles } from '../../server/services/importing'
import { ensureProject } from '../../server/services/projects'
import { runCli } from '../helpers/cli'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { repoRoot, sharedPath } from '../helpers/shared'
import { startFakeOpenAI } from '../fakes/openai'
import type { FakeOpenAI } from '../fakes/openai'

const secret = 'sk-cli-test-7a1c44e0'
const units = 60
const messageOf = (i: number) => `commit-${String(i).padStart(3, '0')} update the README`

function records() {
  return Array.from({ length: units }, (_, i) => ({
    platform: 'huggingface',
    repo: 'org/model',
    sha: (i + 1).toString(16).padStart(40, '0'),
    parents: [],
    is_merge: false,
    author: 'someone',
    author_email_sha1: 'a'.repeat(40),
    authored_at: '2024-01-01T00:00:00Z',
    committed_at: '2024-01-01T00:00:00Z',
    message: messageOf(i),
    files: [{ path: 'README.md', status: 'M', additions: 1, deletions: 1 }],
    diff: `diff --git a/README.md b/README.md\n@@ -1 +1 @@\n-old ${i}\n+new ${i}`,
  }))
}

describe('concord label and evaluate', () => {
  let t: TestDatabase
  let fake: FakeOpenAI
  let env: Record<string, string>
  beforeAll(async () => {
    t = await freshDatabase()
    fake = await startFakeOpenAI()
    const project = await ensureProject(t.ctx, 'default')
    const file = path.join(t.dir, 'commits.jsonl')
    writeFileSync(
      file,
      records()
        .map((r) => JSON.stringify(r))
        .join('\n'),
    )
    await importJsonlFiles(t.ctx, { projectId: project.id, files: [file], diffCap: 20_000 })
    env = {
      DATABASE_URL: `file:${t.file}`,
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY: secret,
      CONCORD_LLM_MODEL: 'fake-1',
      CONCORD_LLM_INPUT_USD_PER_MTOK: '0.5',
      CONCORD_LLM_OUTPUT_USD_PER_MTOK: '1.5',
    }
  })
  afterAll(async () => {
    await fake.close()
    t.dispose()
  })

  it('prints the contract counts with --json, and usage errors exit 2', async () => {
    const rules = await runCli(['label', '--labeler', 'rules', '--json'], env)
    expect(rules.code, rules.stderr).toBe(0)
    const result = JSON.parse(rules.stdout)
    expect(result).toMatchObject({ labeled: units, failed: 0, requests: 0, cached: 0 })
    expect(rules.stdout.trim().split('\n')).toHaveLength(1)
    const missing = await runCli(['label', '--json'], env)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^error: --labeler is required/)
    const unconfigured = await runCli(['label', '--labeler', 'llm'], {
      DATABASE_URL: env.DATABASE_URL!,
      OPENAI_BASE_URL: '',
      OPENAI_API_KEY: '',
      CONCORD_LLM_MODEL: '',
    })
    expect(unconfigured.code).toBe(1)
    expect(unconfigured.stderr).toMatch(
      /^error: the LLM labeler is not configured: set CONCORD_LLM_MODEL and OPENAI_BASE_URL/,
    )
  })

  it('estimates with --dry-run and sends nothing', async () => {
    const dry = await runCli(['label', '--labeler', 'llm', '--dry-run', '--json'], env)
    expect(dry.code, dry.stderr).toBe(0)
    const plan = JSON.parse(dry.stdout)
    expect(plan).toMatchObject({
      dry_run: true,
      units,
      to_send: units,
      labeled: 0,
      failed: 0,
      requests: 0,
      cached: 0,
    })
    expect(plan.estimated_cost_usd).toBeGreaterThan(0)
    expect(fake.completions()).toBe(0)
  })

  it('resumes a killed run without resending any stored unit', async () => {
    fake.options.delayMs = 150
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(repoRoot, 'server/cli/index.ts'),
        'label',
        '--labeler',
        'llm',
        '--concurrency',
        '2',
        '--json',
      ],
      {
        cwd: repoRoot,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    )
    const stored = async () =>
      t.ctx.db
        .select({ id: labels.commitId, message: commits.message })
        .from(labels)
        .innerJoin(users, eq(users.id, labels.raterId))
        .innerJoin(commits, eq(commits.id, labels.commitId))
        .where(eq(users.name, 'llm:fake-1'))
    const deadline = Date.now() + 30_000
    while ((await stored()).length < 8 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 30))
    child.kill('SIGKILL')
    expect(await exited).toBeNull()
    const before = await stored()
    expect(before.length).toBeGreaterThanOrEqual(8)
    expect(before.length).toBeLessThan(units)
    const firstRun = fake.completions()

    fake.options.delayMs = 0
    const rerun = await runCli(['label', '--labeler', 'llm', '--concurrency', '2', '--json'], env)
    expect(rerun.code, rerun.stderr).toBe(0)
    const result = JSON.parse(rerun.stdout)
    const resent = fake.requests.slice(firstRun).map((r) => r.user)
    expect(result.requests).toBe(resent.length)
    expect(result.labeled).toBe(units - before.length)
    for (const unit of before)
      expect(
        resent.some((user) => user.includes(`Message:\n${unit.message}\n`)),
        unit.message,
      ).toBe(false)
    // At most the two requests in flight at the kill are sent again.
    expect(firstRun + resent.length).toBeLessThanOrEqual(units + 2)
    expect(await stored()).toHaveLength(units)
  })

  it('evaluates a labeler against a coder with --json', async () => {
    const report = await runCli(
      ['evaluate', '--labeler', 'llm', '--against', 'rules', '--json'],
      env,
    )
    expect(report.code, report.stderr).toBe(0)
    const e = JSON.parse(report.stdout)
    expect(e).toMatchObject({ labeler: 'llm:fake-1', reference: 'rules', n: units })
    expect(e.per_code.length).toBeGreaterThan(0)
    expect(e.confusion.matrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(units)
    const text = await runCli(['evaluate', '--labeler', 'rules', '--against', 'nobody'], env)
    expect(text.code).toBe(1)
    expect(text.stderr).toMatch(/no labels by nobody/)
  })

  it('keeps the API key out of the output when the server echoes it', async () => {
    const project = await ensureProject(t.ctx, 'echo')
    await importJsonlFiles(t.ctx, {
      projectId: project.id,
      files: [sharedPath('data/commits/huggingface/THUDM__codegeex2-6b.jsonl')],
      diffCap: 20_000,
    })
    fake.script.push({
      kind: 'status',
      status: 401,
      message: `Incorrect API key provided: ${secret}`,
    })
    const refused = await runCli(
      ['label', '--labeler', 'llm', '--project', 'echo', '--concurrency', '1'],
      env,
    )
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/error: the LLM server refused the request \(HTTP 401/)
    expect(refused.stderr + refused.stdout).not.toContain(secret)
  })
})
