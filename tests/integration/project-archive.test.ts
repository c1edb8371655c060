import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { currentCodebook } from '../../server/services/codebook'
import { mergeCodes, splitCode } from '../../server/services/codebook-evolution'
import { excludeRepository } from '../../server/services/exclusions'
import { exportLabels, labelsCsv } from '../../server/services/export'
import { importFamiliesFile, importJsonlFiles } from '../../server/services/importing'
import { labelCommits } from '../../server/services/labeling'
import { exportProjectArchive, importProjectArchive } from '../../server/services/project-archive'
import { archiveTables, excludedTables } from '../../server/services/project-archive-tables'
import { findProject } from '../../server/services/projects'
import { loadSample, sampleDir, studyProjectName } from '../../server/services/sample'
import { enforcedApp, projectTeam, signedInApp } from '../helpers/auth'
import { runCli } from '../helpers/cli'
import { engines, freshDatabase } from '../helpers/db'
import type { Engine, TestDatabase } from '../helpers/db'

type Line = { table: string; row: Record<string, unknown> }

/** The study project with every kind of content: commits with diffs, families, a round, an adjudication, a rules run, a merge and a split. */
async function seed(t: TestDatabase): Promise<void> {
  await loadSample(t.ctx, { diffCap: 20_000 })
  const study = (await findProject(t.ctx, studyProjectName))!
  const projectId = study.id
  await importFamiliesFile(t.ctx, { projectId, file: path.join(sampleDir, 'families.json') })
  const history = readdirSync(path.join(sampleDir, 'commits')).filter((f) => f.endsWith('.jsonl')).sort()[0]!
  await importJsonlFiles(t.ctx, { projectId, files: [path.join(sampleDir, 'commits', history)], diffCap: 20_000 })
  await labelCommits({ ctx: t.ctx, input: { projectId, labeler: 'rules', limit: 60 } })

  const { admin, coders: [ann, ben] } = await projectTeam(t.db, { project: studyProjectName, coders: ['ann', 'ben'], adminName: 'alice' })
  const base = `/api/projects/${studyProjectName}`
  const codeId = new Map((await currentCodebook(t.ctx, projectId)).codes.map((c) => [c.name, c.id]))
  const round = (
    await admin.json<{ id: number }>(`${base}/rounds`, {
      method: 'POST',
      json: { name: 'pilot', coders: ['ann', 'ben'], selection: 'random', size: 6, overlap: { mode: 'k', k: 2 }, machineRaters: ['llm'], seed: 7 },
    })
  ).body.id
  const units = (await ann.json<{ items: { commitId: number }[] }>(`${base}/coding/${round}/queue`)).body.items.map((i) => i.commitId)
  const plan = ['sharing', 'model structure', 'sharing', 'preprocessing', 'sharing', 'external documentation']
  for (const [i, unit] of units.entries()) {
    await ann.json(`${base}/coding/${round}/units/${unit}/label`, { method: 'PUT', json: { codeIds: [codeId.get(plan[i]!)] } })
    await ben.json(`${base}/coding/${round}/units/${unit}/label`, { method: 'PUT', json: { codeIds: [codeId.get(i === 1 ? 'sharing' : plan[i]!)] } })
  }
  await ann.json(`${base}/coding/${round}/units/${units[0]}/memo`, { method: 'PUT', json: { memo: 'uploads the weights' } })
  const decided = await admin.json(`${base}/rounds/${round}/adjudication`, {
    method: 'POST',
    json: { commitId: units[1], codeIds: [codeId.get('model structure')], note: 'the code changes, not the upload' },
  })
  expect(decided.status).toBe(200)
  await mergeCodes(t.ctx, { projectId, from: 'output data', into: 'model structure', note: 'one code for outputs' })
  await splitCode(t.ctx, { projectId, code: 'external documentation', into: ['readme', 'model card'] })
  await excludeRepository(t.ctx, { projectId, repository: 'THUDM/CodeGeeX2', platform: 'github', reason: 'mirror of another repository' })
}

function readArchive(file: string): { header: Record<string, any>; records: Line[] } {
  const [header, ...rest] = gunzipSync(readFileSync(file)).toString('utf8').trimEnd().split('\n')
  return { header: JSON.parse(header!), records: rest.map((l) => JSON.parse(l) as Line) }
}

function writeArchive(file: string, lines: string[]) {
  writeFileSync(file, gzipSync(`${lines.join('\n')}\n`))
}

/** The row count of every table of the database: what a failed import must leave unchanged. */
async function tableCounts(t: TestDatabase): Promise<Record<string, number>> {
  const tables = await t.db.all<{ name: string }>(sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '\\_%' escape '\\' and name not like 'libsql_%' order by name`)
  const out: Record<string, number> = {}
  for (const { name } of tables) out[name] = (await t.db.all<{ n: number }>(sql.raw(`select count(*) as n from "${name}"`)))[0]!.n
  return out
}

async function labelsOf(t: TestDatabase, name: string) {
  const project = (await findProject(t.ctx, name))!
  const rows = await exportLabels(t.ctx, project.id)
  // The JSON carries the codebook version's row id, which differs between databases.
  const versions = new Map((await t.db.all<{ id: number; version: number }>(sql`select id, version from codebook_versions`)).map((v) => [v.id, v.version]))
  return { csv: labelsCsv(rows), json: rows.map((r) => ({ ...r, codebook_version_id: r.codebook_version_id === null ? null : versions.get(r.codebook_version_id) })) }
}

const other = (engine: Engine): Engine => (engines().includes('sqld') && engine === 'file' ? 'sqld' : 'file')

describe.each(engines())('a project archive from a %s database', (engine) => {
  let source: TestDatabase
  let target: TestDatabase
  let archive: string
  let exported: Awaited<ReturnType<typeof exportProjectArchive>>

  beforeAll(async () => {
    source = await freshDatabase(engine)
    target = await freshDatabase(other(engine))
    await seed(source)
    archive = path.join(source.dir, 'study.concord.gz')
    exported = await exportProjectArchive(source.ctx, { project: studyProjectName, file: archive })
  }, 240_000)
  afterAll(async () => {
    await source?.dispose()
    await target?.dispose()
  })

  it('holds every table of the project, and no secret', () => {
    const { header, records } = readArchive(archive)
    expect(header).toMatchObject({ format: 'concord-project', version: 1, project: studyProjectName, tables: exported.tables })
    for (const table of ['commits', 'commit_files', 'families', 'family_repositories', 'codebook_versions', 'codes', 'labels', 'label_codes',
      'labeling_runs', 'rounds', 'round_coders', 'round_units', 'round_assignments', 'final_codes', 'final_code_codes',
      'label_code_changes', 'recode_queue', 'open_codes', 'project_members', 'jobs', 'audit_log']) {
      expect(header.tables[table], table).toBeGreaterThan(0)
    }
    const counted: Record<string, number> = {}
    for (const r of records) counted[r.table] = (counted[r.table] ?? 0) + 1
    expect(counted).toEqual(Object.fromEntries(Object.entries(header.tables).filter(([, n]) => (n as number) > 0)))
    const people = records.filter((r) => r.table === 'users').map((r) => r.row)
    expect(people.map((p) => p.name)).toEqual(expect.arrayContaining(['alice', 'ann', 'ben', 'rules']))
    for (const p of people) expect(Object.keys(p).sort()).toEqual(['displayName', 'id', 'kind', 'name'])
    expect(JSON.stringify(records)).not.toMatch(/"(passwordHash|password_hash|tokenHash|token_hash|siteAdmin|site_admin)"/)
    // Round labels name their round by its archive id.
    const roundLabels = records.filter((r) => r.table === 'labels' && String(r.row.context).startsWith('round:'))
    expect(roundLabels.length).toBe(12)
    expect(new Set(roundLabels.map((r) => r.row.context))).toEqual(new Set(['round:1']))
  })

  it('lists every table of the schema as archived or left out with a reason', async () => {
    const tables = Object.keys(await tableCounts(source))
    expect(tables.filter((t) => !archiveTables.some((a) => a.name === t) && !(t in excludedTables))).toEqual([])
  })

  it(`imports into a fresh ${other(engine)} database with the same labels export, byte for byte`, async () => {
    const result = await importProjectArchive(target.ctx, { file: archive })
    expect(result.project).toBe(studyProjectName)
    const [before, after] = [await labelsOf(source, studyProjectName), await labelsOf(target, studyProjectName)]
    expect(after.csv.length).toBeGreaterThan(1000)
    expect(after.csv).toBe(before.csv)
    expect(after.json).toEqual(before.json)
    // Exported again, the archive is the same but for the date and the import's own audit entry.
    const again = path.join(target.dir, 'again.concord.gz')
    await exportProjectArchive(target.ctx, { project: studyProjectName, file: again })
    const [a, b] = [readArchive(archive), readArchive(again)]
    expect(b.header.tables).toEqual({ ...a.header.tables, audit_log: a.header.tables.audit_log + 1 })
    expect(b.records.slice(0, -1)).toEqual(a.records)
    expect(b.records.at(-1)!.row).toMatchObject({ action: 'import', entity: 'project', details: { from: studyProjectName } })
  })

  it('imports beside the original under another name: new ids for everything, the same content', async () => {
    const countsBefore = await tableCounts(source)
    await importProjectArchive(source.ctx, { file: archive, as: 'study copy' })
    const [original, copy] = [await labelsOf(source, studyProjectName), await labelsOf(source, 'study copy')]
    expect(copy.csv).toBe(original.csv)
    const countsAfter = await tableCounts(source)
    for (const [table, n] of Object.entries(exported.tables)) {
      if (table === 'users') expect(countsAfter.users, 'users are matched by name').toBe(countsBefore.users)
      else expect(countsAfter[table], table).toBe(countsBefore[table]! + n + (table === 'audit_log' ? 1 : 0))
    }
    const again = path.join(source.dir, 'copy.concord.gz')
    await exportProjectArchive(source.ctx, { project: 'study copy', file: again })
    const [a, b] = [readArchive(archive), readArchive(again)]
    const projectRow = (r: Line) => (r.table === 'projects' ? { ...r, row: { ...r.row, name: studyProjectName } } : r)
    expect(b.records.slice(0, -1).map(projectRow)).toEqual(a.records)
  })

  it('brings a job or run that was unfinished at export in as failed, so no server resumes it', async () => {
    const { records, header } = readArchive(archive)
    const unfinished = records.map((r) =>
      r.table === 'jobs' || r.table === 'labeling_runs' ? { ...r, row: { ...r.row, status: 'running', finishedAt: null } } : r,
    )
    const file = path.join(target.dir, 'unfinished.concord.gz')
    writeArchive(file, [JSON.stringify(header), ...unfinished.map((r) => JSON.stringify(r))])
    await importProjectArchive(target.ctx, { file, as: 'unfinished' })
    const project = (await findProject(target.ctx, 'unfinished'))!
    for (const table of ['jobs', 'labeling_runs']) {
      const rows = await target.db.all<{ status: string; error: string | null }>(
        sql`select status, error from ${sql.identifier(table)} where project_id = ${project.id}`,
      )
      expect(rows.length, table).toBeGreaterThan(0)
      for (const row of rows) expect(row, table).toEqual({ status: 'failed', error: 'unfinished when the project was exported; rerun it' })
    }
  })

  it('downloads from GET /api/projects/:project/archive, for project admins only', async () => {
    const app = enforcedApp(source.db)
    const admin = await signedInApp(source.db, { role: 'admin', app })
    const coder = await signedInApp(source.db, { role: 'coder', project: studyProjectName, name: 'ann', app })
    expect((await coder.request(`/api/projects/${studyProjectName}/archive`)).status).toBe(403)
    const res = await admin.request(`/api/projects/${studyProjectName}/archive`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/gzip')
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${studyProjectName}.concord-project.jsonl.gz"`)
    const file = path.join(target.dir, 'download.concord.gz')
    writeFileSync(file, Buffer.from(await res.arrayBuffer()))
    expect(readArchive(file).records).toEqual(readArchive(archive).records)
    await importProjectArchive(target.ctx, { file, as: 'downloaded' })
    expect((await labelsOf(target, 'downloaded')).csv).toBe((await labelsOf(source, studyProjectName)).csv)
  })

  describe('refuses a bad archive, naming the file and line, and writes nothing', () => {
    const cases: [string, (lines: string[], raw: Buffer) => Buffer | string[], RegExp][] = [
      ['a truncated gzip file', (_l, raw) => raw.subarray(0, Math.floor(raw.length / 2)), /truncated or corrupt after line \d+/],
      ['not gzip at all', () => Buffer.from('hello\n'), /not a gzip file/],
      ['bad JSON on line 5', (l) => [...l.slice(0, 4), '{"table": "users", "row": {', ...l.slice(5)], /line 5: not valid JSON/],
      ['another version', (l) => [l[0]!.replace('"version":1', '"version":2'), ...l.slice(1)], /line 1: archive version 2: this Concord reads version 1/],
      ['a missing last record', (l) => l.slice(0, -1), /with \d+ of the header's \d+ audit_log records \(truncated\?\)/],
      ['a reference out of range', (l) => l.map((x) => (x.includes('"table":"labels"') ? x.replace(/"commitId":\d+/, '"commitId":999999') : x)), /line \d+: labels: 999999 is not the id of one of the archive's \d+ commits records/],
    ]
    it.each(cases)('%s', async (_name, spoil, message) => {
      const raw = readFileSync(archive)
      const lines = gunzipSync(raw).toString('utf8').trimEnd().split('\n').map((l) => l.replace(`"project":"${studyProjectName}"`, '"project":"spoilt"'))
      const spoilt = spoil(lines, gzipSync(`${lines.join('\n')}\n`))
      const file = path.join(target.dir, 'spoilt.concord.gz')
      if (Buffer.isBuffer(spoilt)) writeFileSync(file, spoilt)
      else writeArchive(file, spoilt)
      const before = await tableCounts(target)
      const error = await importProjectArchive(target.ctx, { file }).then(() => null, (e: Error) => e)
      expect(error?.message).toContain(file)
      expect(error?.message).toMatch(message)
      expect(await tableCounts(target)).toEqual(before)
    })

    it('a project of the same name', async () => {
      const before = await tableCounts(target)
      await expect(importProjectArchive(target.ctx, { file: archive })).rejects.toThrow(
        `${archive}: a project named '${studyProjectName}' exists already; import it under another name (--as NAME)`,
      )
      expect(await tableCounts(target)).toEqual(before)
    })
  })
})

describe('the command line', () => {
  let source: TestDatabase
  let target: TestDatabase
  beforeAll(async () => {
    source = await freshDatabase('file')
    target = await freshDatabase('file')
    await loadSample(source.ctx, { diffCap: 20_000 })
    source.close()
    target.close()
  }, 120_000)
  afterAll(async () => {
    await source?.dispose()
    await target?.dispose()
  })

  it('exports a project with progress on stderr and imports it under another name', async () => {
    const archive = path.join(source.dir, 'study.concord.gz')
    const from = { DATABASE_URL: `file:${source.file}` }
    const to = { DATABASE_URL: `file:${target.file}` }
    const exported = await runCli(['export', 'project', '--project', studyProjectName, '--out', archive, '--json'], from)
    expect(exported.stderr).toMatch(/export project \[#+\] \d+\/\d+ 100%/)
    expect(exported.code).toBe(0)
    expect(JSON.parse(exported.stdout)).toMatchObject({ project: studyProjectName, file: archive, tables: { commits: 320 } })
    const imported = await runCli(['import', 'project', archive, '--as', 'moved'], to)
    expect(imported.code).toBe(0)
    expect(imported.stdout).toMatch(/^imported project 'moved' from .* \(\d+ rows\)\n$/)
    const [a, b] = await Promise.all([
      runCli(['export', 'labels', '--project', studyProjectName], from),
      runCli(['export', 'labels', '--project', 'moved'], to),
    ])
    expect(b.stdout.split('\n').length).toBeGreaterThan(600)
    expect(b.stdout).toBe(a.stdout)
    const clash = await runCli(['import', 'project', archive, '--as', 'moved'], to)
    expect(clash.code).toBe(1)
    expect(clash.stderr).toBe(`error: ${archive}: a project named 'moved' exists already; import it under another name (--as NAME)\n`)
  }, 120_000)
})
