import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import path from 'node:path'
import { asc } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { commitFiles, commits, jobs, repositories } from '../../schema'
import { loadConfig } from '../../server/config'
import type { Wait } from '../../server/ingest/http'
import { ensureProject } from '../../server/services/projects'
import { runRepositoryImport } from '../../server/services/repository-import'
import type { ImportSettings } from '../../server/services/repository-import'
import { startFakeGithub, syntheticGithubHistory } from '../fakes/github'
import type { FakeGithub, FakeGithubCommit } from '../fakes/github'
import { runCli } from '../helpers/cli'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { repoRoot } from '../helpers/shared'

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex')

/** 130 synthetic commits plus, newest, one touching five files (paged two at a time). */
function history(): FakeGithubCommit[] {
  const older = syntheticGithubHistory(130)
  const newest: FakeGithubCommit = {
    sha: 'a'.repeat(40),
    parents: [older[0]!.sha],
    author: { name: 'Zoë', email: 'Zoe@Example.com', date: '2024-02-01T10:00:00Z' },
    committer: { name: 'GitHub', email: 'noreply@github.com', date: '2024-02-01T10:05:00Z' },
    message: 'Many files\n\nSigned-off-by: Zoë <zoe@example.com>\n',
    files: [
      { filename: 'new.py', status: 'added', additions: 2, deletions: 0, patch: '@@ -0,0 +1,2 @@\n+a = 1\n+b = 2' },
      { filename: 'old.py', status: 'removed', additions: 0, deletions: 1, patch: '@@ -1 +0,0 @@\n-gone = True' },
      { filename: 'docs/guide.md', status: 'renamed', additions: 1, deletions: 1, previous_filename: 'guide.md', patch: '@@ -1 +1 @@\n-Mail me@old.org\n+Mail me@new.org' },
      { filename: 'model.safetensors', status: 'modified', additions: 0, deletions: 0 },
      { filename: 'config.json', status: 'modified', additions: 1, deletions: 1, patch: '@@ -1 +1 @@\n-{"n": 1}\n+{"n": 2}' },
    ],
  }
  return [newest, ...older]
}

describe('import github', () => {
  let t: TestDatabase
  let fake: FakeGithub | undefined
  let projectId: number
  const settings = (url: string, extra: Partial<ImportSettings> = {}): ImportSettings => ({
    ...loadConfig({}).sources,
    githubApiUrl: url,
    retryBaseMs: 20,
    diffCap: 20_000,
    ...extra,
  })

  beforeEach(async () => {
    t = await freshDatabase()
    projectId = (await ensureProject(t.ctx, 'default')).id
  })
  afterEach(async () => {
    await fake?.close()
    fake = undefined
    await t.dispose()
  })

  it('pages through the listing and each commit’s files, and stores every field', async () => {
    fake = await startFakeGithub({
      repos: { 'acme/model': { commits: history(), readme: '# Model\nhttps://huggingface.co/acme/model-7b\n' } },
      maxPerPage: 50,
      filesPerPage: 2,
    })
    const result = await runRepositoryImport(t.ctx, { projectId, input: { source: 'github', repo: 'acme/model' }, settings: settings(fake.url) })
    expect(result).toMatchObject({ imported: 131, skipped_duplicates: 0, files: 1, repository: { platform: 'github', fullName: 'acme/model' } })
    const listing = fake.requests.filter((r) => /\/commits\?/.test(r.path))
    expect(listing.map((r) => new URL(r.path, fake!.url).searchParams.get('page') ?? '1')).toEqual(['1', '2', '3'])
    // 1 repository + 3 listing pages + 131 commits + 2 more file pages of the newest + 1 README
    expect(result.requests).toBe(138)
    expect(fake.requests).toHaveLength(138)

    const rows = await t.db.select().from(commits).orderBy(asc(commits.id))
    const files = await t.db.select().from(commitFiles)
    const bySha = new Map(rows.map((c) => [c.sha, { ...c, files: files.filter((f) => f.commitId === c.id) }]))
    const newest = bySha.get('a'.repeat(40))!
    expect(newest).toMatchObject({
      parents: [history()[1]!.sha],
      isMerge: false,
      authorName: 'Zoë',
      authorEmailHash: sha1('zoe@example.com'),
      authoredAt: '2024-02-01T10:00:00Z',
      authoredOffset: 0,
      committedAt: '2024-02-01T10:05:00Z',
      message: `Many files\n\nSigned-off-by: Zoë <email-sha1:${sha1('zoe@example.com')}>`,
      fileCount: 5,
      diffTruncated: false,
    })
    expect(newest.files.map((f) => [f.path, f.oldPath, f.status, f.additions, f.deletions])).toEqual([
      ['new.py', null, 'A', 2, 0],
      ['old.py', null, 'D', 0, 1],
      ['docs/guide.md', 'guide.md', 'R', 1, 1],
      ['model.safetensors', null, 'M', null, null],
      ['config.json', null, 'M', 1, 1],
    ])
    expect(newest.diff).toContain('diff --git a/new.py b/new.py\n--- /dev/null\n+++ b/new.py\n@@ -0,0 +1,2 @@\n+a = 1\n')
    expect(newest.diff).toContain('diff --git a/old.py b/old.py\n--- a/old.py\n+++ /dev/null\n')
    expect(newest.diff).toContain('rename from guide.md\nrename to docs/guide.md')
    expect(newest.diff).toContain(`+Mail email-sha1:${sha1('me@new.org')}`)
    expect(newest.diff).toContain('Binary files a/model.safetensors and b/model.safetensors differ')

    const merge = bySha.get((25).toString(16).padStart(40, '0'))!
    expect(merge.isMerge).toBe(true)
    expect(merge.parents).toHaveLength(2)
    const renamed = bySha.get((15).toString(16).padStart(40, '0'))!
    expect(renamed.files).toMatchObject([{ path: 'src/m15.py', oldPath: 'src/m14.py', status: 'R', additions: 0, deletions: 0 }])
    expect(bySha.get((8).toString(16).padStart(40, '0'))!.message).toBe(`Change 8\n\nCo-authored-by: Eve <email-sha1:${sha1('eve@example.net')}>`)

    const [repo] = await t.db.select({ metadata: repositories.metadata }).from(repositories)
    expect(repo!.metadata).toMatchObject({
      github: { stars: 4200, forks: 321, defaultBranch: 'main' },
      readme: { path: 'README.md', text: '# Model\nhttps://huggingface.co/acme/model-7b\n', source: 'github-api' },
    })
  })

  it('waits out rate limits (reset a second away, Retry-After) and retries a 500', async () => {
    fake = await startFakeGithub({
      repos: { 'acme/model': { commits: syntheticGithubHistory(30) } },
      maxPerPage: 10,
      rateLimitAt: [3],
      retryAfterAt: [9],
      failAt: [15],
    })
    const waits: Wait[] = []
    const started = Date.now()
    const result = await runRepositoryImport(t.ctx, {
      projectId,
      input: { source: 'github', repo: 'acme/model' },
      settings: settings(fake.url),
      onWait: (w) => waits.push(w),
    })
    expect(result).toMatchObject({ imported: 30, skipped_duplicates: 0 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000)
    const statuses = fake.requests.filter((r) => !r.path.endsWith('/readme')).map((r) => r.status)
    expect(statuses.filter((s) => s !== 200)).toEqual([403, 429, 500])
    // Each refused request was sent again and answered.
    for (const n of [3, 9, 15]) {
      const refused = fake.requests.find((r) => r.n === n)!
      expect(fake.requests.some((r) => r.n > n && r.path === refused.path && r.status === 200)).toBe(true)
    }
    expect(waits.some((w) => w.reason.includes('rate limit (403)'))).toBe(true)
    expect(waits.some((w) => w.reason.includes('rate limit (429)'))).toBe(true)
    expect(waits.some((w) => w.reason.includes('answered 500'))).toBe(true)
    expect(waits.every((w) => w.secondsLeft >= 1 && w.secondsLeft <= 3)).toBe(true)
  })

  it('stops with a clear message on an unknown repository and a refused token', async () => {
    fake = await startFakeGithub({ repos: { 'acme/model': { commits: syntheticGithubHistory(3) } }, token: 'sekret' })
    await expect(
      runRepositoryImport(t.ctx, { projectId, input: { source: 'github', repo: 'acme/model' }, settings: settings(fake.url) }),
    ).rejects.toThrow(/GitHub answered 401 .*Bad credentials.*the token was refused/)
    await expect(
      runRepositoryImport(t.ctx, { projectId, input: { source: 'github', repo: 'acme/nothing' }, settings: settings(fake.url, { githubToken: 'sekret' }) }),
    ).rejects.toThrow('acme/nothing: no such GitHub repository (or it is private: set GITHUB_TOKEN)')
    const ok = await runRepositoryImport(t.ctx, { projectId, input: { source: 'github', repo: 'acme/model' }, settings: settings(fake.url, { githubToken: 'sekret' }) })
    expect(ok.imported).toBe(3)
    const failed = (await t.db.select().from(jobs)).filter((j) => j.status === 'failed')
    expect(failed).toHaveLength(2)
  })
})

describe('concord import github (CLI)', () => {
  let t: TestDatabase
  let fake: FakeGithub | undefined
  beforeEach(async () => {
    t = await freshDatabase()
  })
  afterEach(async () => {
    await fake?.close()
    fake = undefined
    await t.dispose()
  })

  it('shows the rate-limit countdown on stderr and prints the import document', async () => {
    fake = await startFakeGithub({ repos: { 'acme/model': { commits: syntheticGithubHistory(12) } }, rateLimitAt: [2] })
    const r = await runCli(['import', 'github', 'acme/model', '--json'], { DATABASE_URL: `file:${t.file}`, GITHUB_API_URL: fake.url })
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 12, skipped_duplicates: 0, files: 1 })
    expect(r.stderr).toMatch(/GitHub rate limit \(403\): waiting 0:0[12] \(until \d\d:\d\d:\d\d UTC\)/)
    expect(r.stderr).toMatch(/import github \[#+\] 12\/12 100%/)
  })

  it('resumes after being killed midway, fetching only the commits it had not stored', async () => {
    const all = syntheticGithubHistory(130)
    let child: ReturnType<typeof spawn> | undefined
    fake = await startFakeGithub({
      repos: { 'acme/model': { commits: all } },
      onRequest: (n) => {
        if (n === 70) child?.kill('SIGKILL')
      },
    })
    const env = { ...process.env, DATABASE_URL: `file:${t.file}`, GITHUB_API_URL: fake.url }
    const code = await new Promise<number | null>((resolve) => {
      child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/cli/index.ts'), 'import', 'github', 'acme/model'], {
        cwd: repoRoot,
        env,
        stdio: 'ignore',
      })
      child.on('exit', (c, signal) => resolve(signal ? null : c))
    })
    expect(code).toBeNull() // killed
    const status = JSON.parse((await runCli(['status', '--json'], env as Record<string, string>)).stdout)
    const kept: number = status.commits
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThan(130)
    expect(kept % 20).toBe(0) // whole batches survive a kill

    const keptRows = await t.db.select({ sha: commits.sha }).from(commits)
    expect(keptRows).toHaveLength(kept)
    const firstRun = fake.requests.length
    const again = await runCli(['import', 'github', 'acme/model', '--json'], env as Record<string, string>)
    expect(again.code, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 130 - kept, skipped_duplicates: kept })
    const second = fake.requests.slice(firstRun)
    const fetched = second.filter((r) => /\/commits\/[0-9a-f]{40}/.test(r.path)).map((r) => r.path.split('/').pop()!.split('?')[0])
    expect(fetched).toHaveLength(130 - kept)
    const keptShas = new Set(keptRows.map((c) => c.sha))
    expect(fetched.some((sha) => keptShas.has(sha!))).toBe(false)
    // Besides the missing commits: the repository, two listing pages and the README.
    expect(second).toHaveLength(130 - kept + 4)
  })
})
