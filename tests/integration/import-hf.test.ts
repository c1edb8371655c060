import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { asc, sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { commitFiles, commits, repositories } from '../../schema'
import { loadConfig } from '../../server/config'
import type { Wait } from '../../server/ingest/http'
import { ensureProject } from '../../server/services/projects'
import { runRepositoryImport } from '../../server/services/repository-import'
import type { ImportSettings } from '../../server/services/repository-import'
import { startFakeHub } from '../fakes/huggingface'
import type { FakeHub } from '../fakes/huggingface'
import { runCli } from '../helpers/cli'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { GitRepo } from '../helpers/git-repo'
import { repoRoot } from '../helpers/shared'

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex')
const card = `---
license: apache-2.0
pipeline_tag: text-generation
---
# Demo 7B

The code lives at https://github.com/demo-org/demo-code (training and evaluation).
`
const pointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\nsize 14400000000\n'

/** An HF-like model repository: card, config, an LFS-tracked weight file, web-UI style commits. */
function modelRepository(): GitRepo {
  const repo = new GitRepo()
  repo.write('.gitattributes', '*.safetensors filter=lfs diff=lfs merge=lfs -text\n')
  repo.commit('initial commit')
  repo.write('README.md', card)
  repo.commit('Update README.md')
  repo.write('config.json', '{"hidden_size": 4096}\n')
  repo.write('model.safetensors', pointer)
  repo.commit('Upload model.safetensors with huggingface_hub')
  repo.write('config.json', '{"hidden_size": 4096, "rope": true}\n')
  repo.commit('Update config.json (#3)\n\n\n- Update config.json (0123456789abcdef0123456789abcdef01234567)\n\n\nCo-authored-by: Jane Doe <jane@users.noreply.huggingface.co>\n')
  return repo
}

describe('import hf', () => {
  let t: TestDatabase
  let fake: FakeHub | undefined
  let repo: GitRepo
  let projectId: number
  const settings = (url: string, extra: Partial<ImportSettings> = {}): ImportSettings => ({
    ...loadConfig({}).sources,
    hfEndpoint: url,
    cloneDir: path.join(t.dir, 'clones'),
    retryBaseMs: 20,
    diffCap: 20_000,
    ...extra,
  })

  beforeEach(async () => {
    t = await freshDatabase()
    projectId = (await ensureProject(t.ctx, 'default')).id
    repo = modelRepository()
  })
  afterEach(async () => {
    await fake?.close()
    fake = undefined
    await t.dispose()
    rmSync(repo.dir, { recursive: true, force: true })
  })

  it('stores the commits with files and diffs from git, and the model’s metadata from the API', async () => {
    fake = await startFakeHub({
      models: { 'demo-org/demo-7b': { gitDir: repo.dir, downloads: 12345, likes: 67, pipelineTag: 'text-generation', library: 'transformers', createdAt: '2023-05-06T07:08:09.000Z' } },
      maxLimit: 3,
    })
    const result = await runRepositoryImport(t.ctx, { projectId, input: { source: 'hf', repo: 'demo-org/demo-7b' }, settings: settings(fake.url) })
    expect(result).toMatchObject({ imported: 4, skipped_duplicates: 0, files: 1, repository: { platform: 'huggingface', fullName: 'demo-org/demo-7b' } })
    // The listing asked for 100 a page; the fake serves 3, so the Link header led to a second page.
    const listing = fake.requests.filter((r) => r.path.includes('/commits/'))
    expect(listing.map((r) => new URL(r.path, fake!.url).searchParams.get('p') ?? '0')).toEqual(['0', '1'])
    expect(listing[0]!.path).toContain(`/api/models/demo-org/demo-7b/commits/${repo.head()}?limit=100`)
    expect(fake.packFetches()).toHaveLength(1)

    const rows = await t.db.select().from(commits).orderBy(asc(commits.id))
    const files = await t.db.select().from(commitFiles)
    expect(rows.map((r) => r.sha).sort()).toEqual(repo.git('rev-list', 'HEAD').split('\n').sort())
    const upload = rows.find((r) => r.message.startsWith('Upload model.safetensors'))!
    expect(files.filter((f) => f.commitId === upload.id).map((f) => [f.path, f.status, f.additions])).toEqual([
      ['config.json', 'A', 1],
      ['model.safetensors', 'A', 3],
    ])
    expect(upload.diff).toContain('+version https://git-lfs.github.com/spec/v1\n+oid sha256:9f86d08')
    expect(upload.authorEmailHash).toBe(sha1('ada@example.org'))
    const pr = rows.find((r) => r.message.startsWith('Update config.json (#3)'))!
    expect(pr.message).toContain(`Co-authored-by: Jane Doe <email-sha1:${sha1('jane@users.noreply.huggingface.co')}>`)

    const [stored] = await t.db.select({ metadata: repositories.metadata }).from(repositories)
    expect(stored!.metadata).toMatchObject({
      hub: { downloads: 12345, likes: 67, pipelineTag: 'text-generation', library: 'transformers', createdAt: '2023-05-06T07:08:09.000Z', headSha: repo.head() },
      readme: { path: 'README.md', text: card, source: 'git' },
    })
    // A bare clone: no working tree, so no LFS smudge could ever have run.
    const clones = readdirSync(path.join(t.dir, 'clones'))
    expect(clones).toHaveLength(1)
    expect(clones[0]).toMatch(/^demo-org__demo-7b-[0-9a-f]{10}\.git$/)
    expect(existsSync(path.join(t.dir, 'clones', clones[0]!, 'model.safetensors'))).toBe(false)
  })

  it('fetches only what is new on a rerun, and nothing over git when every commit is stored', async () => {
    fake = await startFakeHub({ models: { 'demo-org/demo-7b': { gitDir: repo.dir } } })
    await runRepositoryImport(t.ctx, { projectId, input: { source: 'hf', repo: 'demo-org/demo-7b' }, settings: settings(fake.url) })
    const clone = path.join(t.dir, 'clones', readdirSync(path.join(t.dir, 'clones'))[0]!)
    writeFileSync(path.join(clone, 'concord-test-marker'), 'kept')

    const before = fake.requests.length
    const idle = await runRepositoryImport(t.ctx, { projectId, input: { source: 'hf', repo: 'demo-org/demo-7b' }, settings: settings(fake.url) })
    expect(idle).toMatchObject({ imported: 0, skipped_duplicates: 4 })
    expect(fake.requests.slice(before).every((r) => r.kind === 'api')).toBe(true)

    repo.write('generation_config.json', '{"top_p": 0.9}\n')
    repo.commit('Create generation_config.json')
    repo.write('README.md', `${card}\nNow with generation settings.\n`)
    repo.commit('Update README.md')
    const fetchesBefore = fake.packFetches().length
    const more = await runRepositoryImport(t.ctx, { projectId, input: { source: 'hf', repo: 'demo-org/demo-7b' }, settings: settings(fake.url) })
    expect(more).toMatchObject({ imported: 2, skipped_duplicates: 4 })
    const fetch = fake.packFetches().slice(fetchesBefore)
    expect(fetch).toHaveLength(1)
    // An incremental fetch: git told the server which commits it already has.
    expect(fetch[0]!.body).toMatch(/have [0-9a-f]{40}/)
    expect(existsSync(path.join(clone, 'concord-test-marker'))).toBe(true)
  })

  it('waits on the Hub’s 429 (RateLimit t=1), retries a 500, and sends HF_TOKEN to the API and git', async () => {
    fake = await startFakeHub({ models: { 'demo-org/demo-7b': { gitDir: repo.dir } }, token: 'hf_secret', rateLimitAt: [2], failAt: [3] })
    await expect(
      runRepositoryImport(t.ctx, { projectId, input: { source: 'hf', repo: 'demo-org/demo-7b' }, settings: settings(fake.url, { hfToken: 'wrong' }) }),
    ).rejects.toThrow(/the Hugging Face Hub answered 401 .*the token was refused/)
    const waits: Wait[] = []
    const before = fake.requests.length
    const result = await runRepositoryImport(t.ctx, {
      projectId,
      input: { source: 'hf', repo: 'demo-org/demo-7b' },
      settings: settings(fake.url, { hfToken: 'hf_secret' }),
      onWait: (w) => waits.push(w),
    })
    expect(result.imported).toBe(4)
    expect(waits.some((w) => w.reason === 'the Hugging Face Hub rate limit (429)' && w.secondsLeft === 1)).toBe(true)
    expect(waits.some((w) => w.reason.includes('answered 500'))).toBe(true)
    const run = fake.requests.slice(before)
    expect(run.filter((r) => r.status !== 200).map((r) => r.status)).toEqual([429, 500])
    expect(run.filter((r) => r.kind === 'git').length).toBeGreaterThan(0)
    expect(run.every((r) => r.authorization === 'Bearer hf_secret')).toBe(true)
  })

  it('says so when the model does not exist', async () => {
    fake = await startFakeHub({ models: {} })
    await expect(
      runRepositoryImport(t.ctx, { projectId, input: { source: 'hf', repo: 'demo-org/nothing' }, settings: settings(fake.url) }),
    ).rejects.toThrow('demo-org/nothing: no such model on the Hugging Face Hub (or it is private or gated: set HF_TOKEN)')
  })
})

describe('concord import hf (CLI)', () => {
  let t: TestDatabase
  let fake: FakeHub | undefined
  let repo: GitRepo
  beforeEach(async () => {
    t = await freshDatabase()
    repo = new GitRepo()
  })
  afterEach(async () => {
    await fake?.close()
    fake = undefined
    await t.dispose()
    rmSync(repo.dir, { recursive: true, force: true })
  })

  it('resumes after being killed midway: the clone is kept and only the missing commits are stored', async () => {
    repo.fastImport(
      Array.from({ length: 400 }, (_, i) => ({
        message: `Update weights ${i}`,
        files: { [`shard-${i % 20}.txt`]: `${'x'.repeat(2000)} ${i}\n`, 'README.md': `# Model\nrevision ${i}\n` },
      })),
    )
    fake = await startFakeHub({ models: { 'demo-org/big': { gitDir: repo.dir } } })
    const env = {
      ...(process.env as Record<string, string>),
      DATABASE_URL: `file:${t.file}`,
      HF_ENDPOINT: fake.url,
      CONCORD_CLONE_DIR: path.join(t.dir, 'clones'),
      CONCORD_IMPORT_BATCH: '10',
    }
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/cli/index.ts'), 'import', 'hf', 'demo-org/big'], {
      cwd: repoRoot,
      env,
      stdio: 'ignore',
    })
    const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    // Kill it once some batches are stored (watching the database as another reader would).
    let kept = 0
    for (let i = 0; i < 1_500 && child.exitCode === null; i++) {
      const [row] = await t.db.select({ n: sql<number>`count(*)` }).from(commits)
      kept = Number(row!.n)
      if (kept >= 30) {
        child.kill('SIGKILL')
        break
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(await exited).toBe('SIGKILL')
    const [row] = await t.db.select({ n: sql<number>`count(*)` }).from(commits)
    kept = Number(row!.n)
    expect(kept).toBeGreaterThanOrEqual(30)
    expect(kept).toBeLessThan(400)
    expect(kept % 10).toBe(0)
    const fetchesBefore = fake.packFetches().length
    expect(fetchesBefore).toBe(1)

    const again = await runCli(['import', 'hf', 'demo-org/big', '--json'], env)
    expect(again.code, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 400 - kept, skipped_duplicates: kept, files: 1 })
    // The kept clone was up to date: no objects were transferred again.
    expect(fake.packFetches()).toHaveLength(fetchesBefore)
    expect(again.stderr).toMatch(/import hf \[#+\] 400\/400 100%/)
  })
})
