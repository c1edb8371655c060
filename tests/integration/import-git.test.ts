import { createHash } from 'node:crypto'
import { rmSync } from 'node:fs'
import path from 'node:path'
import { asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { commitFiles, commits, families, familyRepositories, jobs, repositories } from '../../schema'
import { loadConfig } from '../../server/config'
import { truncationMarker } from '../../server/core/diff-cap'
import { storeCommits } from '../../server/services/commit-store'
import { ensureProject } from '../../server/services/projects'
import { runRepositoryImport } from '../../server/services/repository-import'
import type { ImportSettings } from '../../server/services/repository-import'
import { runCli } from '../helpers/cli'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { GitRepo } from '../helpers/git-repo'

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex')
const lfsPointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n'

/** A history with everything import git must get right; the shas of the interesting commits. */
function buildRepository() {
  const repo = new GitRepo()
  repo.write('README.md', '# Demo\n\nWeights: https://huggingface.co/demo-org/demo-model\n')
  repo.write('a.txt', 'one\ntwo\nthree\n')
  repo.write('b.txt', 'alpha\nbeta\ngamma\ndelta\n')
  const root = repo.commit('Initial commit', { date: '2024-01-01T10:00:00+05:30' })
  repo.git('mv', 'b.txt', 'docs-b.txt')
  repo.write('a.txt', 'one\ntwo\nthree\nfour\n')
  const rename = repo.commit('Move b and extend a')
  repo.git('checkout', '-q', '-b', 'side')
  repo.write('weights.bin', Buffer.from([0, 1, 2, 3, 255, 0, 7]))
  const binary = repo.commit('Add binary weights\n\nCo-authored-by: Bob Builder <Bob@Example.com>')
  repo.git('checkout', '-q', 'main')
  repo.write('.gitattributes', '*.safetensors filter=lfs diff=lfs merge=lfs -text\n')
  repo.write('model.safetensors', lfsPointer)
  const lfs = repo.commit('Add model (LFS pointer)', { date: '2024-01-02T09:00:00-08:00' })
  repo.git('merge', '-q', '--no-ff', 'side', '-m', 'Merge branch side')
  const merge = repo.head()
  repo.write('notes.txt', Buffer.from('caf\xe9 au lait\ncontact: Someone@Lab.org\n', 'latin1'))
  const latin1File = repo.commit('Add notes')
  const rawLatin1 = repo.rawCommit(Buffer.from('R\xe9sum\xe9 of the week\n', 'latin1'))
  const declared = repo.rawCommit(Buffer.from('Na\xefve fix\n', 'latin1'), { encoding: 'ISO-8859-1' })
  repo.write('big.txt', Array.from({ length: 3000 }, (_, i) => `line ${i} of a long file`).join('\n') + '\n')
  const big = repo.commit('Add a big file')
  return { repo, root, rename, binary, lfs, merge, latin1File, rawLatin1, declared, big }
}

describe('import git', () => {
  let t: TestDatabase
  let projectId: number
  let built: ReturnType<typeof buildRepository>
  let settings: ImportSettings

  beforeAll(async () => {
    t = await freshDatabase()
    projectId = (await ensureProject(t.ctx, 'default')).id
    built = buildRepository()
    settings = { ...loadConfig({}).sources, diffCap: 1_000 }
  })
  afterAll(async () => {
    await t.dispose()
    rmSync(built.repo.dir, { recursive: true, force: true })
  })

  const stored = async () => {
    const rows = await t.db.select().from(commits).orderBy(asc(commits.id))
    const files = await t.db.select().from(commitFiles).orderBy(asc(commitFiles.id))
    const bySha = new Map(rows.map((c) => [c.sha, { ...c, files: files.filter((f) => f.commitId === c.id) }]))
    return { rows, bySha }
  }

  it('stores every commit reachable from HEAD with every field', async () => {
    const result = await runRepositoryImport(t.ctx, {
      projectId,
      input: { source: 'git', path: built.repo.dir, platform: 'github', repo: 'demo-org/demo', family: 'demo' },
      settings,
    })
    expect(result).toMatchObject({ imported: 9, skipped_duplicates: 0, files: 1, repository: { platform: 'github', fullName: 'demo-org/demo' } })
    const { rows, bySha } = await stored()
    const reachable = built.repo.git('rev-list', 'HEAD').split('\n')
    expect(rows.map((r) => r.sha).sort()).toEqual([...reachable].sort())

    for (const row of rows) {
      const [parents, author, email, authored, committed] = built.repo.git('log', '-1', '--format=%P%x00%an%x00%ae%x00%aI%x00%cI', row.sha).split('\0')
      expect(row.parents).toEqual(parents ? parents.split(' ') : [])
      expect(row.isMerge).toBe(row.parents.length > 1)
      expect(row.authorName).toBe(author)
      expect(row.authorEmailHash).toBe(sha1(email!.toLowerCase()))
      expect(new Date(row.authoredAt).getTime()).toBe(new Date(authored!).getTime())
      expect(new Date(row.committedAt).getTime()).toBe(new Date(committed!).getTime())
      expect(row.fileCount).toBe(bySha.get(row.sha)!.files.length)
      expect(row.shaDerived).toBe(false)
    }

    const root = bySha.get(built.root)!
    expect(root.parents).toEqual([])
    expect(root.authoredAt).toBe('2024-01-01T04:30:00Z')
    expect(root.authoredOffset).toBe(330)
    expect(root.files.map((f) => [f.path, f.status, f.additions, f.deletions])).toEqual([
      ['README.md', 'A', 3, 0],
      ['a.txt', 'A', 3, 0],
      ['b.txt', 'A', 4, 0],
    ])
    expect(root.diff).toContain('--- /dev/null\n+++ b/a.txt\n@@ -0,0 +1,3 @@\n+one\n')

    const rename = bySha.get(built.rename)!
    expect(rename.files.map((f) => [f.path, f.oldPath, f.status, f.additions, f.deletions])).toEqual([
      ['a.txt', null, 'M', 1, 0],
      ['docs-b.txt', 'b.txt', 'R', 0, 0],
    ])
    expect(rename.diff).toContain('rename from b.txt\nrename to docs-b.txt')

    const binary = bySha.get(built.binary)!
    expect(binary.files).toMatchObject([{ path: 'weights.bin', status: 'A', additions: null, deletions: null, blobAbsent: false }])
    expect(binary.diff).toContain('Binary files /dev/null and b/weights.bin differ')
    expect(binary.message).toBe(`Add binary weights\n\nCo-authored-by: Bob Builder <email-sha1:${sha1('bob@example.com')}>`)

    const lfs = bySha.get(built.lfs)!
    expect(lfs.committedOffset).toBe(-480)
    expect(lfs.files.find((f) => f.path === 'model.safetensors')).toMatchObject({ status: 'A', additions: 3, deletions: 0 })
    expect(lfs.diff).toContain('+version https://git-lfs.github.com/spec/v1\n+oid sha256:4d7a2146')

    const merge = bySha.get(built.merge)!
    expect(merge.isMerge).toBe(true)
    expect(merge.parents).toEqual([built.lfs, built.binary])
    // Against the first parent: the side branch's file arrives with the merge.
    expect(merge.files.map((f) => [f.path, f.status, f.additions])).toEqual([['weights.bin', 'A', null]])

    const notes = bySha.get(built.latin1File)!
    expect(notes.diff).toContain('+café au lait')
    expect(notes.diff).toContain(`+contact: email-sha1:${sha1('someone@lab.org')}`)
    expect(notes.diff).not.toMatch(/@Lab\.org/i)

    expect(bySha.get(built.rawLatin1)!.message).toBe('Résumé of the week')
    expect(bySha.get(built.declared)!.message).toBe('Naïve fix')
    expect(bySha.get(built.declared)!.files).toEqual([])

    const big = bySha.get(built.big)!
    expect(big.diffTruncated).toBe(true)
    expect(big.diff).toHaveLength(1_000 + truncationMarker.length)
    expect(big.diff.endsWith(truncationMarker)).toBe(true)
    expect(big.files).toMatchObject([{ path: 'big.txt', additions: 3000, deletions: 0 }])
    for (const row of rows.filter((r) => r.sha !== built.big)) expect(row.diffTruncated).toBe(false)
  })

  it('puts the repository in the family and records the job', async () => {
    const [link] = await t.db
      .select({ family: families.name, repo: repositories.fullName, origin: familyRepositories.origin })
      .from(familyRepositories)
      .innerJoin(families, eq(families.id, familyRepositories.familyId))
      .innerJoin(repositories, eq(repositories.id, familyRepositories.repositoryId))
    expect(link).toEqual({ family: 'demo', repo: 'demo-org/demo', origin: 'import' })
    const [job] = await t.db.select().from(jobs)
    expect(job).toMatchObject({ kind: 'import-git', status: 'done', done: 9, total: 9 })
    expect(job!.result).toMatchObject({ imported: 9 })
    const [repo] = await t.db.select({ metadata: repositories.metadata }).from(repositories)
    expect(repo!.metadata).toMatchObject({ readme: { path: 'README.md', commit: built.big, source: 'git' } })
  })

  it('adds nothing the second time, and only the new commits after more work', async () => {
    const again = await runRepositoryImport(t.ctx, {
      projectId,
      input: { source: 'git', path: built.repo.dir, platform: 'github', repo: 'demo-org/demo' },
      settings,
    })
    expect(again).toMatchObject({ imported: 0, skipped_duplicates: 9 })
    built.repo.write('a.txt', 'changed\n')
    const next = built.repo.commit('One more')
    const more = await runRepositoryImport(t.ctx, {
      projectId,
      input: { source: 'git', path: built.repo.dir, platform: 'github', repo: 'demo-org/demo' },
      settings,
    })
    expect(more).toMatchObject({ imported: 1, skipped_duplicates: 9 })
    const { bySha } = await stored()
    expect(bySha.get(next)!.files).toMatchObject([{ path: 'a.txt', status: 'M', additions: 1, deletions: 4 }])
  })

  it('keeps whole batches when stopped midway, and a rerun stores only the rest', async () => {
    const other = await freshDatabase()
    try {
      const pid = (await ensureProject(other.ctx, 'default')).id
      let reports = 0
      const stopped = runRepositoryImport(other.ctx, {
        projectId: pid,
        input: { source: 'git', path: built.repo.dir, platform: 'huggingface', repo: 'demo-org/demo-model' },
        settings: { ...settings, gitBatch: 2 },
        onProgress: (job) => {
          reports += 1
          // Simulates a kill: the job dies once four commits have been read.
          if (job.done >= 4) throw new Error('killed')
        },
      })
      await expect(stopped).rejects.toThrow('killed')
      const kept = (await other.db.select({ sha: commits.sha }).from(commits)).length
      expect(reports).toBeGreaterThan(0)
      expect(kept).toBe(4) // two whole batches of two
      const rest = await runRepositoryImport(other.ctx, {
        projectId: pid,
        input: { source: 'git', path: built.repo.dir, platform: 'huggingface', repo: 'demo-org/demo-model' },
        settings,
      })
      expect(rest).toMatchObject({ imported: 10 - kept, skipped_duplicates: kept })
    } finally {
      await other.dispose()
    }
  })
})

describe('storeCommits', () => {
  it('stores a lone UTF-16 surrogate (possible in JSON input) as U+FFFD instead of failing', async () => {
    const t = await freshDatabase()
    try {
      const projectId = (await ensureProject(t.ctx, 'default')).id
      const record = {
        platform: 'github' as const, repo: 'a/b', sha: 'c'.repeat(40), shaDerived: false, parents: [], isMerge: false,
        authorName: 'A\ud800', authorEmailHash: null, authoredAt: '2024-01-01T00:00:00Z', authoredOffset: 0,
        committedAt: '2024-01-01T00:00:00Z', committedOffset: 0, message: 'x\udc00y \ud83d\ude00', diff: '',
        diffTruncated: false, files: [{ path: 'f\ud800', oldPath: null, status: 'A' as const, additions: 1, deletions: 0, blobAbsent: false }],
      }
      await t.db.transaction((tx) => storeCommits({ ...t.ctx, db: tx }, projectId, [record]))
      const [row] = await t.db.select().from(commits)
      const [file] = await t.db.select().from(commitFiles)
      expect([row!.authorName, row!.message, file!.path]).toEqual(['A\ufffd', 'x\ufffdy \ud83d\ude00', 'f\ufffd'])
      expect(row).toMatchObject({ parents: [], isMerge: false, shaDerived: false, authorEmailHash: null, fileCount: 1 })
    } finally {
      await t.dispose()
    }
  })
})

describe('concord import git (CLI)', () => {
  let t: TestDatabase
  let repo: GitRepo
  beforeAll(async () => {
    t = await freshDatabase()
    repo = new GitRepo()
    repo.write('x.txt', 'x\n')
    repo.commit('first')
    repo.write('x.txt', 'y\n')
    repo.commit('second')
  })
  afterAll(async () => {
    await t.dispose()
    rmSync(repo.dir, { recursive: true, force: true })
  })

  it('prints the import jsonl document with --json and progress on stderr', async () => {
    const env = { DATABASE_URL: `file:${t.file}` }
    const r = await runCli(['import', 'git', repo.dir, '--platform', 'huggingface', '--repo', 'org/model', '--family', 'fam', '--json'], env)
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 2, skipped_duplicates: 0, files: 1 })
    expect(r.stderr).toMatch(/import git \[#+\] 2\/2 100%/)
    const status = JSON.parse((await runCli(['status', '--json'], env)).stdout)
    expect(status).toMatchObject({ families: 1, repositories: 1, commits: 2 })
    const again = await runCli(['import', 'git', repo.dir, '--platform', 'huggingface', '--repo', 'org/model', '--json'], env)
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 0, skipped_duplicates: 2, files: 1 })
  })

  it('names what is wrong: a missing folder, a folder that is no repository, missing flags', async () => {
    const env = { DATABASE_URL: `file:${t.file}` }
    const missing = await runCli(['import', 'git', path.join(t.dir, 'nowhere'), '--platform', 'github', '--repo', 'a/b'], env)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain(`error: ${path.join(t.dir, 'nowhere')}: no such directory`)
    const notRepo = await runCli(['import', 'git', t.dir, '--platform', 'github', '--repo', 'a/b'], env)
    expect(notRepo.stderr).toMatch(/error: .*: not a git repository/)
    const noPlatform = await runCli(['import', 'git', repo.dir, '--repo', 'a/b'], env)
    expect(noPlatform.code).toBe(2)
    expect(noPlatform.stderr).toContain('error: import git needs --platform github|huggingface')
    const badRepo = await runCli(['import', 'git', repo.dir, '--platform', 'github', '--repo', 'nope'], env)
    expect(badRepo.stderr).toContain("'nope' is not a repository name of the form owner/name")
  })
})
