import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { commitFiles, commits, repositories } from '../../schema'
import { truncationMarker } from '../../server/core/diff-cap'
import { listedFilesCap } from '../../server/services/browse'
import { jsonFormatName } from '../../server/core/codebook-document'
import { importCodebook, readCodebookText } from '../../server/services/codebook-exchange'
import { importJsonlFiles, importLongLabels, importStudyFile } from '../../server/services/importing'
import { ensureProject } from '../../server/services/projects'
import { signedInApp } from '../helpers/auth'
import type { Requester } from '../helpers/auth'
import { runCli } from '../helpers/cli'
import { engines, freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { sharedPath } from '../helpers/shared'
import { snapshotDatabase } from '../helpers/snapshot'
import type { DatabaseSnapshot } from '../helpers/snapshot'

// Every rejected input runs against a database that already holds commits, labels and a
// codebook, and must leave all of it as it was (row counts and content hashes).

const hf = (name: string) => sharedPath('data', 'commits', 'huggingface', name)
const realLines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '')
/** Records not stored yet: a file that stored part of itself would change the snapshot. */
const fresh = realLines(hf('baichuan-inc__Baichuan2-13B-Chat.jsonl'))
const storedShas = realLines(hf('THUDM__codegeex2-6b.jsonl')).map((l) => JSON.parse(l).sha as string)
const diffCap = 20_000

let t: TestDatabase
let env: Record<string, string>
let admin: Requester
let baseline: DatabaseSnapshot

beforeAll(async () => {
  t = await freshDatabase()
  env = { DATABASE_URL: `file:${t.file}`, CONCORD_DIFF_CAP: String(diffCap) }
  const { id: projectId } = await ensureProject(t.ctx, 'default')
  await importJsonlFiles(t.ctx, { projectId, files: [hf('THUDM__codegeex2-6b.jsonl')], diffCap })
  const labelsCsv = write(
    'labels.csv',
    ['repo,sha,coder,code', ...storedShas.slice(0, 3).flatMap((sha) => [`THUDM/codegeex2-6b,${sha},coder1,sharing`, `THUDM/codegeex2-6b,${sha},coder2,model structure`])].join('\n'),
  )
  await importLongLabels(t.ctx, { projectId, file: labelsCsv })
  admin = await signedInApp(t.db, { role: 'admin' })
  baseline = await snapshotDatabase(t.db)
  expect(baseline.counts.commits).toBe(storedShas.length)
  expect(baseline.counts.labels).toBe(6)
})
afterAll(() => t.dispose())

function write(name: string, content: string | Buffer): string {
  const file = path.join(t.dir, name)
  writeFileSync(file, content)
  return file
}

/** The CLI fails with exit 1, one `error:` line matching `message`, nothing on stdout, and the store unchanged. */
async function cliRejects(args: string[], message: RegExp | string): Promise<string> {
  const r = await runCli(args, env)
  expect(r.code, r.stderr).toBe(1)
  expect(r.stdout).toBe('')
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '))
  expect(errors).toHaveLength(1)
  if (typeof message === 'string') expect(errors[0]).toContain(message)
  else expect(errors[0]).toMatch(message)
  expect(await snapshotDatabase(t.db)).toEqual(baseline)
  return errors[0]!
}

const withField = (line: string, change: (r: Record<string, unknown>) => void) => {
  const record = JSON.parse(line) as Record<string, unknown>
  change(record)
  return JSON.stringify(record)
}

describe('commit JSONL: a bad file is refused whole, naming the line and field', () => {
  const cases: [string, () => string | Buffer, (file: string) => RegExp | string][] = [
    ['a last line cut mid-object', () => [fresh[0], fresh[1], fresh[2]!.slice(0, 200)].join('\n'), (f) => `${f}:3: not valid JSON`],
    ['a line that is not JSON in the middle', () => [fresh[0], 'commit 1234 by someone', fresh[1]].join('\n'), (f) => `${f}:2: not valid JSON`],
    ['a record without its sha', () => [fresh[0], withField(fresh[1]!, (r) => delete r.sha)].join('\n'), (f) => new RegExp(`${f}:2: sha: .*expected string`)],
    ['a record with is_merge as a string', () => [fresh[0], withField(fresh[1]!, (r) => (r.is_merge = 'no'))].join('\n'), (f) => new RegExp(`${f}:2: is_merge: .*expected boolean`)],
    ['a file entry with a text line count', () => withField(fresh[0]!, (r) => ((r.files as { additions: unknown }[])[0]!.additions = '3')), (f) => new RegExp(`${f}:1: files\\.0\\.additions: .*expected number`)],
    ['a JSON array instead of an object', () => [fresh[0], '[1, 2, 3]'].join('\n'), (f) => new RegExp(`${f}:2: record: .*expected object`)],
    ['an empty file', () => '', (f) => `${f}: no commit records: the file is empty`],
    ['a file of blank lines only', () => '\n  \n\r\n\n', (f) => `${f}: no commit records: the file holds only blank lines`],
  ]
  it.each(cases)('%s', async (name, content, message) => {
    const file = write(`${name.replace(/\W+/g, '-')}.jsonl`, content())
    await cliRejects(['import', 'jsonl', file], message(file))
  })

  it.each(['message', 'diff'])('invalid UTF-8 in a %s: the line and the byte offset are named', async (field) => {
    const first = Buffer.from(`${fresh[0]}\n`)
    const [before, after] = withField(fresh[1]!, (r) => (r[field] = 'caf\u0000 au lait')).split('\\u0000')
    const second = Buffer.concat([Buffer.from(before!), Buffer.from([0xe9]), Buffer.from(after!)])
    const file = write(`latin1-${field}.jsonl`, Buffer.concat([first, second]))
    const offset = first.length + Buffer.byteLength(before!)
    await cliRejects(['import', 'jsonl', file], `${file}:2: not UTF-8: byte 0xe9 at byte offset ${offset}`)
  })
})

describe('label CSVs: a bad row is refused with its line, and nothing of the file is stored', () => {
  const repo = 'THUDM/codegeex2-6b'
  const good = [`${repo},${storedShas[3]},coder3,sharing`, `${repo},${storedShas[4]},coder3,"model structure|sharing"`]
  const cases: [string, string, (file: string) => string][] = [
    ['a row cut short', ['repo,sha,coder,code', ...good, `${repo},${storedShas[5]},coder3`].join('\n'), (f) => `${f}:4: 3 fields where the header has 4 (is the row cut short?)`],
    ['an unclosed quote in the last row', ['repo,sha,coder,code', good[0], `${repo},${storedShas[5]},coder3,"sharing`].join('\n'), (f) => `${f}:3: a quoted field opened in this row is never closed`],
    ['an unbalanced quote mid-file', ['repo,sha,coder,code', good[0], `${repo},${storedShas[5]},coder3,"sharing`, good[1]].join('\n'), (f) => `${f}:3: a quoted field opened in this row is not closed where it should be: the quote on line 4 is followed by 'm'`],
    ['a missing header column', ['repo,sha,code', `${repo},${storedShas[3]},sharing`].join('\n'), (f) => `${f}:1: header lacks column(s) coder`],
    ['a row with an extra column', ['repo,sha,coder,code', good[0], `${repo},${storedShas[5]},coder3,sharing,extra`].join('\n'), (f) => `${f}:3: 5 fields where the header has 4`],
    ['an unknown code', ['repo,sha,coder,code', ...good, `${repo},${storedShas[5]},coder3,sharing|weather report`].join('\n'), (f) => `${f}:4: unknown code 'weather report'`],
    ['an unknown commit', ['repo,sha,coder,code', good[0], `${repo},${'f'.repeat(40)},coder3,sharing`].join('\n'), (f) => `${f}:3: no commit ${'f'.repeat(40)} in repository ${repo}`],
    ['an empty file', '', (f) => `${f}: empty file: expected a header row`],
    ['a header only', 'repo,sha,coder,code\n', (f) => `${f}: no rows: the file has a header only`],
  ]
  it.each(cases)('long labels: %s', async (name, content, message) => {
    const file = write(`${name.replace(/\W+/g, '-')}.csv`, content)
    await cliRejects(['import', 'labels', file, '--format', 'long'], message(file))
  })

  it('long labels: invalid UTF-8 names the line and byte offset', async () => {
    const head = Buffer.from(`repo,sha,coder,code\n${good[0]}\n${repo},${storedShas[5]},coder3,`)
    const file = write('latin1.csv', Buffer.concat([head, Buffer.from([0x73, 0x68, 0x61, 0x72, 0xef, 0x6e, 0x67, 0x0a])]))
    await cliRejects(['import', 'labels', file, '--format', 'long'], `${file}:3: not UTF-8: byte 0xef at byte offset ${head.length + 4}`)
  })

  const study = readFileSync(sharedPath('data', 'paper', 'GH_160_with_labels.csv'), 'utf8').split('\n').slice(0, 6)
  const studyCases: [string, () => string[], (file: string) => RegExp | string][] = [
    ['an unknown code in a rater column', () => study.map((l, i) => (i === 3 ? l.replace(/;[^;]*$/, ';weather report') : l)), (f) => `${f}:4: unknown code 'weather report' (llm)`],
    ['a last row cut short', () => [...study.slice(0, 5), study[5]!.slice(0, 60)], (f) => new RegExp(`${f}:6: \\d fields where the header has 11 \\(is the row cut short\\?\\)`)],
    ['a missing header column', () => study.map((l, i) => (i === 0 ? l.replace('manual_categories', 'manual') : l)), (f) => `${f}:1: header lacks column(s) manual_categories`],
  ]
  it.each(studyCases)('study file: %s', async (name, lines, message) => {
    const file = write(`study-${name.replace(/\W+/g, '-')}.csv`, lines().join('\n'))
    await cliRejects(['import', 'labels', file, '--format', 'study-gh'], message(file))
  })

  const ratings: [string, string, (file: string) => string][] = [
    ['a row cut short', 'unit,coder,code\nu1,a,x\nu1,b', (f) => `${f}:3: 2 fields where the header has 3`],
    ['an unclosed quote', 'unit,coder,code\nu1,a,x\nu1,b,"x\nu2,a,y\n', (f) => `${f}:3: a quoted field opened in this row is never closed`],
    ['a missing header column', 'unit,code\nu1,x\n', (f) => `${f}:1: header lacks column(s) coder`],
    ['a row with an extra column', 'unit,coder,code\nu1,a,x,y\n', (f) => `${f}:2: 4 fields where the header has 3`],
    ['an empty file', '', (f) => `${f}: empty file: expected a header row`],
    ['a header only', 'unit,coder,code\n', (f) => `${f}: no rows: the file has a header only`],
  ]
  it.each(ratings)('agreement --input: %s', async (name, content, message) => {
    const file = write(`ratings-${name.replace(/\W+/g, '-')}.csv`, content)
    await cliRejects(['agreement', '--input', file], message(file))
  })

  it('agreement --input: codes are free strings, so a code no codebook holds is one more category', async () => {
    const file = write('ratings-free.csv', 'unit,coder,code\nu1,a,weather report\nu1,b,weather report\nu2,a,x\nu2,b,y\n')
    const r = await runCli(['agreement', '--input', file, '--json', '--resamples', '0'], env)
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ units: 2, categories: 3, percent_agreement: 0.5 })
  })
})

describe('REFI-QDA codebooks: a bad .qdc is refused with its line, through the CLI and the API', () => {
  const valid = readFileSync(sharedPath('data', 'refi-qda', 'example-valid.qdc'), 'utf8')
  const cases: [string, () => string, RegExp][] = [
    ['truncated XML', () => valid.slice(0, valid.indexOf('</Code>') + 3), /:\d+: not well-formed XML: /],
    ['a Code without isCodable (schema-invalid)', () => readFileSync(sharedPath('data', 'refi-qda', 'example-invalid.qdc'), 'utf8'), /:6: element Code 'external documentation' \(CodeBook\/Codes\[1\]\/Code\[1\]\/Code\[1\]\): the attribute 'isCodable' is required but missing/],
    ['the wrong namespace', () => valid.replace('urn:QDA-XML:codebook:1.0', 'urn:QDA-XML:project:1.0'), /:2: element CodeBook: expected namespace urn:QDA-XML:codebook:1\.0, found urn:QDA-XML:project:1\.0/],
    ['two codes with one GUID', () => valid.replace('2AA58B12-6F6F-4B0C-8BE5-BBDC91F55295" name="external', '1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="external'), /: code 'external documentation': guid 1ff58b12-6f6f-4b0c-8be5-bbdc91f55294 is also the guid of 'documentation'/],
    ['an empty codebook', () => '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n  <Codes/>\n</CodeBook>\n', /:3: element CodeBook\/Codes\[1\]: missing child element: at least one 'Code' is expected/],
    ['an empty file', () => '', /\.qdc: empty file: expected a CodeBook element/],
  ]
  it.each(cases)('codebook import (CLI): %s', async (name, content, message) => {
    const file = write(`${name.replace(/\W+/g, '-')}.qdc`, content())
    const error = await cliRejects(['codebook', 'import', file], message)
    expect(error).toContain(file)
  })

  it.each(cases)('POST /codebook/import (API): %s', async (name, content, message) => {
    const filename = `${name.replace(/\W+/g, '-')}.qdc`
    const res = await admin.json('/api/projects/default/codebook/import', { method: 'POST', json: { filename, content: content() } })
    expect(res.status).toBe(400)
    expect(res.body.error).toContain(filename)
    expect(res.body.error).toMatch(message)
    expect(await snapshotDatabase(t.db)).toEqual(baseline)
  })

  it('codebook import (CLI): invalid UTF-8 names the line and byte offset', async () => {
    const [head, tail] = valid.split('Changes to documentation')
    const file = write('latin1.qdc', Buffer.concat([Buffer.from(`${head}Caf`), Buffer.from([0xe9]), Buffer.from(tail!)]))
    const line = `${head}Caf`.split('\n').length
    await cliRejects(['codebook', 'import', file], `${file}:${line}: not UTF-8: byte 0xe9 at byte offset ${Buffer.byteLength(`${head}Caf`)}`)
  })
})

describe('inputs that are accepted, in projects of their own', () => {
  it('a JSONL file with a byte-order mark imports as without one', async () => {
    const file = write('bom.jsonl', `\uFEFF${fresh.slice(0, 3).join('\n')}\n`)
    const r = await runCli(['import', 'jsonl', file, '--json', '--project', 'bom'], env)
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ imported: 3, skipped_duplicates: 0, files: 1 })
    // The snapshot sees an import that did store something.
    const after = await snapshotDatabase(t.db)
    expect(after.counts.commits).toBe(baseline.counts.commits! + 3)
    expect(after.hashes.commits).not.toBe(baseline.hashes.commits)
  })

  it('a 50 MB diff imports within a 256 MB heap, cut at the cap with the marker; the API and coding screen stay small', async () => {
    const hunk = `@@ -1,0 +1,2000 @@\n${'+'.padEnd(100, 'x')}\n`.repeat(250)
    const diff = `diff --git a/weights.txt b/weights.txt\n${hunk.repeat(Math.ceil(50_000_000 / hunk.length))}`
    expect(diff.length).toBeGreaterThanOrEqual(50_000_000)
    const record = withField(fresh[0]!, (r) => {
      r.repo = 'big/diff'
      r.diff = diff
    })
    const file = write('big-diff.jsonl', `${record}\n`)
    const r = await runCli(['import', 'jsonl', file, '--json', '--project', 'big'], { ...env, NODE_OPTIONS: '--max-old-space-size=256' })
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).imported).toBe(1)

    const [stored] = await t.db
      .select({ id: commits.id, diff: commits.diff, truncated: commits.diffTruncated, length: sql<number>`length(${commits.diff})` })
      .from(commits)
      .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
      .where(and(eq(repositories.fullName, 'big/diff'), eq(commits.sha, JSON.parse(record).sha)))
    expect(stored!.truncated).toBe(true)
    expect(stored!.diff.endsWith(truncationMarker)).toBe(true)
    expect(stored!.diff).toBe(diff.slice(0, diffCap) + truncationMarker)

    const detail = await admin.request(`/api/projects/big/commits/${stored!.id}`)
    expect(detail.status).toBe(200)
    const body = await detail.text()
    expect(body.length).toBeLessThan(diffCap + 20_000)
    expect(JSON.parse(body)).toMatchObject({ diffTruncated: true })

    const coder = await signedInApp(t.db, { role: 'coder', project: 'big' })
    const round = await admin.json('/api/projects/big/rounds', { method: 'POST', json: { name: 'big', coders: [coder.user.name], selection: 'all' } })
    expect(round.status, JSON.stringify(round.body)).toBe(201)
    const unit = await coder.request(`/api/projects/big/coding/${round.body.id}/units/${stored!.id}`)
    expect(unit.status).toBe(200)
    const unitBody = await unit.text()
    // The diff at its cap plus the round's codebook with its definitions.
    expect(unitBody.length).toBeLessThan(diffCap + 60_000)
    expect(JSON.parse(unitBody).commit.diffTruncated).toBe(true)

    // Saving a label with a code the round's codebook lacks: 400 naming it, nothing stored.
    const before = await snapshotDatabase(t.db)
    const save = await coder.json(`/api/projects/big/coding/${round.body.id}/units/${stored!.id}/label`, { method: 'PUT', json: { codeIds: [999_999] } })
    expect(save.status).toBe(400)
    expect(save.body.error).toMatch(/code 999999 is not an active code of codebook version 1/)
    expect(await snapshotDatabase(t.db)).toEqual(before)
  })

  it('a commit touching 10,000 files: every file stored, the detail lists the first ones and the count', async () => {
    const files = Array.from({ length: 10_000 }, (_, i) => ({ path: `vendor/pkg${i % 97}/module_${i}.py`, status: 'A', additions: 12, deletions: 0 }))
    const record = withField(fresh[0]!, (r) => {
      r.repo = 'wide/commit'
      r.files = files
    })
    const file = write('wide.jsonl', `${record}\n`)
    const r = await runCli(['import', 'jsonl', file, '--json', '--project', 'wide'], env)
    expect(r.code, r.stderr).toBe(0)

    const list = await admin.json('/api/projects/wide/commits')
    expect(list.body.total).toBe(1)
    const item = list.body.items[0]
    expect(item.fileCount).toBe(10_000)
    const [{ n }] = (await t.db.select({ n: sql<number>`count(*)` }).from(commitFiles).where(eq(commitFiles.commitId, item.id))) as [{ n: number }]
    expect(n).toBe(10_000)

    const detail = await admin.request(`/api/projects/wide/commits/${item.id}`)
    expect(detail.status).toBe(200)
    const body = await detail.text()
    const commit = JSON.parse(body)
    expect(commit.files).toHaveLength(listedFilesCap)
    expect(commit.files[0].path).toBe('vendor/pkg0/module_0.py')
    expect(commit.fileCount).toBe(10_000)
    expect(body.length).toBeLessThan(250_000)

    // The coding screen lists as many files as the commit page, with the same count.
    const coder = await signedInApp(t.db, { role: 'coder', project: 'wide' })
    const round = await admin.json('/api/projects/wide/rounds', { method: 'POST', json: { name: 'wide', coders: [coder.user.name], selection: 'all' } })
    expect(round.status, JSON.stringify(round.body)).toBe(201)
    const unit = await coder.json(`/api/projects/wide/coding/${round.body.id}/units/${item.id}`)
    expect(unit.status).toBe(200)
    expect(unit.body.commit.files).toHaveLength(listedFilesCap)
    expect(unit.body.commit.fileCount).toBe(10_000)
  })
})

describe.each(engines())('a failure after some rows were written rolls back the whole file, on a %s database', (engine) => {
  let db: TestDatabase
  let projectId: number
  let before: DatabaseSnapshot
  beforeAll(async () => {
    db = await freshDatabase(engine)
    projectId = (await ensureProject(db.ctx, 'default')).id
    await importJsonlFiles(db.ctx, { projectId, files: [hf('THUDM__codegeex2-6b.jsonl')], diffCap })
    before = await snapshotDatabase(db.db)
  })
  afterAll(() => db.dispose())

  it('long labels: a new coder is made, then line 3 has an unknown code', async () => {
    const file = path.join(db.dir, 'late-bad.csv')
    writeFileSync(file, ['repo,sha,coder,code', `THUDM/codegeex2-6b,${storedShas[0]},newcomer,sharing`, `THUDM/codegeex2-6b,${storedShas[1]},newcomer,weather report`].join('\n'))
    await expect(importLongLabels(db.ctx, { projectId, file })).rejects.toThrow(`${file}:3: unknown code 'weather report'`)
    expect(await snapshotDatabase(db.db)).toEqual(before)
  })

  it("the study file: commits, families and raters are written, then a row's code is unknown", async () => {
    const lines = readFileSync(sharedPath('data', 'paper', 'GH_160_with_labels.csv'), 'utf8').split('\n').slice(0, 6)
    const file = path.join(db.dir, 'late-bad-study.csv')
    writeFileSync(file, lines.map((l, i) => (i === 5 ? l.replace(/;[^;]*$/, ';weather report') : l)).join('\n'))
    await expect(importStudyFile(db.ctx, { projectId, file, format: 'study-gh' })).rejects.toThrow(`${file}:6: unknown code 'weather report' (llm)`)
    expect(await snapshotDatabase(db.db)).toEqual(before)
  })

  it("a codebook file: an existing code's definition is rewritten, then a new code's hotkey clashes", async () => {
    const codes = [
      { guid: '5b0c7d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e', name: 'sharing', definition: 'rewritten' },
      { guid: '0e6a2c8f-3c1b-4f7e-9a55-2b7d1e0c9f11', name: 'brand new', hotkey: '1' },
    ]
    const document = readCodebookText(JSON.stringify({ format: jsonFormatName, formatVersion: 1, name: 'clash', codes }), 'clash.json')
    await expect(importCodebook(db.ctx, { projectId, document, source: 'clash.json' })).rejects.toThrow(/'brand new'.*hotkey '1'|hotkey '1'.*'brand new'/)
    expect(await snapshotDatabase(db.db)).toEqual(before)
  })
})
