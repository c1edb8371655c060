import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { and, count, eq, sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { commits, familyRepositories, families, labels, openCodes, repositories, users } from '../../schema'
import {
  ImportError,
  importFamiliesFile,
  importJsonlFiles,
  importLongLabels,
  importStudyFile,
} from '../../server/services/importing'
import { ensureProject } from '../../server/services/projects'
import { projectStatus } from '../../server/services/status'
import { engines, freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { sharedPath } from '../helpers/shared'

const commitsDir = sharedPath('data', 'commits')
const jsonlFiles = ['github', 'huggingface'].flatMap((side) =>
  readdirSync(path.join(commitsDir, side))
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => path.join(commitsDir, side, f)),
)
const linesOf = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').length

describe.each(engines())('imports on a %s database', (engine) => {
  let t: TestDatabase
  let projectId: number
  beforeEach(async () => {
    t = await freshDatabase(engine)
    projectId = (await ensureProject(t.ctx, 'default')).id
  })
  afterEach(() => t.dispose())

  describe('import jsonl', () => {
    it('stores exactly one commit per line of every file, and a second import adds nothing', async () => {
      const first = await importJsonlFiles(t.ctx, { projectId, files: jsonlFiles, diffCap: 20_000 })
      const expected = jsonlFiles.reduce((n, f) => n + linesOf(f), 0)
      expect(first).toEqual({ imported: expected, skipped_duplicates: 0, files: jsonlFiles.length })

      const perRepo = await t.db
        .select({ platform: repositories.platform, name: repositories.fullName, n: count(commits.id) })
        .from(repositories)
        .innerJoin(commits, eq(commits.repositoryId, repositories.id))
        .groupBy(repositories.id)
      for (const file of jsonlFiles) {
        const [owner, name] = path.basename(file, '.jsonl').split('__')
        const platform = path.basename(path.dirname(file))
        const row = perRepo.find((r) => r.platform === platform && r.name === `${owner}/${name}`)
        expect(row?.n, file).toBe(linesOf(file))
      }

      const second = await importJsonlFiles(t.ctx, { projectId, files: jsonlFiles, diffCap: 20_000 })
      expect(second).toEqual({ imported: 0, skipped_duplicates: expected, files: jsonlFiles.length })
      expect((await projectStatus(t.ctx, projectId)).commits).toBe(expected)
    })

    it('keeps timestamps in UTC, email hashes, merges and file lists as recorded', async () => {
      const file = path.join(commitsDir, 'github', 'THUDM__ChatGLM3.jsonl')
      await importJsonlFiles(t.ctx, { projectId, files: [file], diffCap: 20_000 })
      const source = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
      const merge = source.find((r) => r.is_merge)
      const [stored] = await t.db.select().from(commits).where(eq(commits.sha, merge.sha))
      expect(stored!.isMerge).toBe(true)
      expect(stored!.parents).toEqual(merge.parents)
      expect(stored!.authorEmailHash).toBe(merge.author_email_sha1)
      expect(stored!.committedAt).toBe(new Date(merge.committed_at).toISOString().replace('.000Z', 'Z'))
      expect(stored!.fileCount).toBe(merge.files.length)
    })

    it('rejects a file with one malformed line whole, naming the line, while earlier files stay', async () => {
      const good = path.join(commitsDir, 'huggingface', 'THUDM__codegeex2-6b.jsonl')
      const lines = readFileSync(path.join(commitsDir, 'huggingface', 'EleutherAI__gpt-j-6b.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
      lines.splice(4, 1, lines[4]!.slice(0, 60)) // line 5 cut short
      const bad = path.join(t.dir, 'bad.jsonl')
      writeFileSync(bad, lines.join('\n'))
      const after = path.join(commitsDir, 'huggingface', 'THUDM__chatglm3-6b.jsonl')

      const error = await importJsonlFiles(t.ctx, { projectId, files: [good, bad, after], diffCap: 20_000 }).catch((e) => e)
      expect(error).toBeInstanceOf(ImportError)
      expect(error.message).toContain(`${bad}:5: not valid JSON`)
      expect(error.message).toContain(`stored before it: ${good}`)
      expect((await projectStatus(t.ctx, projectId)).commits).toBe(linesOf(good))
    })
  })

  describe('import families', () => {
    it('creates families with their GitHub repository and the union of variants, idempotently', async () => {
      const file = path.join(commitsDir, 'families.json')
      const definitions = JSON.parse(readFileSync(file, 'utf8'))
      const first = await importFamiliesFile(t.ctx, { projectId, file })
      expect(first.families).toBe(definitions.length)
      const again = await importFamiliesFile(t.ctx, { projectId, file })
      expect(again).toEqual(first)
      expect((await projectStatus(t.ctx, projectId)).families).toBe(definitions.length)

      const bert = definitions.find((d: { family: string }) => d.family === 'bert')
      const linked = await t.db
        .select({ platform: repositories.platform, name: repositories.fullName })
        .from(familyRepositories)
        .innerJoin(families, eq(families.id, familyRepositories.familyId))
        .innerJoin(repositories, eq(repositories.id, familyRepositories.repositoryId))
        .where(and(eq(families.name, 'bert'), eq(families.projectId, projectId)))
      const expected = new Set([...bert.huggingface, ...bert.mirrored_hf])
      expect(linked.filter((r) => r.platform === 'github').map((r) => r.name)).toEqual(['google-research/bert'])
      expect(new Set(linked.filter((r) => r.platform === 'huggingface').map((r) => r.name))).toEqual(expected)
    })

    it('lets one GitHub repository feed several families', async () => {
      const file = path.join(t.dir, 'families.json')
      writeFileSync(
        file,
        JSON.stringify([
          { family: 'bart', github: 'facebookresearch/fairseq', huggingface: ['facebook/bart-large'] },
          { family: 'roberta', github: 'facebookresearch/fairseq', huggingface: ['FacebookAI/roberta-base'] },
        ]),
      )
      expect(await importFamiliesFile(t.ctx, { projectId, file })).toEqual({ families: 2, repositories: 3 })
    })
  })

  describe('import labels', () => {
    it('imports the study files with three raters per commit and the open codes', async () => {
      const gh = await importStudyFile(t.ctx, { projectId, file: sharedPath('data', 'paper', 'GH_160_with_labels.csv'), format: 'study-gh' })
      const hf = await importStudyFile(t.ctx, {
        projectId,
        file: sharedPath('data', 'paper', 'HF_160_with_labels.reduced.csv'),
        format: 'study-hf',
      })
      expect(gh).toEqual({ imported: 480, commits: 160, raters: ['coder1', 'coder2', 'llm'] })
      expect(hf).toEqual({ imported: 480, commits: 160, raters: ['coder1', 'coder2', 'llm'] })

      const perCommit = await t.db
        .select({ raters: sql<string>`group_concat(${users.name}, ',')`, n: count() })
        .from(labels)
        .innerJoin(users, eq(users.id, labels.raterId))
        .groupBy(labels.commitId)
      expect(perCommit).toHaveLength(320)
      expect(perCommit.every((r) => r.n === 3 && r.raters.split(',').sort().join() === 'coder1,coder2,llm')).toBe(true)
      const sources = await t.db.select({ name: users.name, source: labels.source }).from(labels).innerJoin(users, eq(users.id, labels.raterId)).groupBy(users.name)
      expect(Object.fromEntries(sources.map((s) => [s.name, s.source]))).toEqual({ coder1: 'human', coder2: 'human', llm: 'llm' })
      expect((await t.db.select({ n: count() }).from(openCodes))[0]!.n).toBe(160)

      const status = await projectStatus(t.ctx, projectId)
      expect(status).toMatchObject({ commits: 320, labels: 960, coders: 2 })

      const again = await importStudyFile(t.ctx, { projectId, file: sharedPath('data', 'paper', 'GH_160_with_labels.csv'), format: 'study-gh' })
      expect(again.commits).toBe(160)
      expect(await projectStatus(t.ctx, projectId)).toEqual(status)
    })

    it('imports long CSV labels and rejects the whole file on an unknown code, naming the line', async () => {
      const file = path.join(commitsDir, 'huggingface', 'THUDM__codegeex2-6b.jsonl')
      await importJsonlFiles(t.ctx, { projectId, files: [file], diffCap: 20_000 })
      const [a, b] = readFileSync(file, 'utf8').split('\n').map((l) => l && JSON.parse(l).sha)
      const good = path.join(t.dir, 'good.csv')
      writeFileSync(good, `repo,sha,coder,code\nTHUDM/codegeex2-6b,${a},alice,sharing\nTHUDM/codegeex2-6b,${b},alice,preprocessing|parameter_tuning\n`)
      expect(await importLongLabels(t.ctx, { projectId, file: good })).toEqual({ imported: 2 })

      const bad = path.join(t.dir, 'bad.csv')
      writeFileSync(bad, `repo,sha,coder,code\nTHUDM/codegeex2-6b,${a},bob,sharing\nTHUDM/codegeex2-6b,${b},bob,vibes\n`)
      await expect(importLongLabels(t.ctx, { projectId, file: bad })).rejects.toThrow(`${bad}:3: unknown code 'vibes'`)
      expect((await projectStatus(t.ctx, projectId)).labels).toBe(2)
    })
  })
})
