import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importJsonlFiles } from '../../server/services/importing'
import { ensureProject } from '../../server/services/projects'
import { signedInApp } from '../helpers/auth'
import type { Requester } from '../helpers/auth'
import { runCli } from '../helpers/cli'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { sharedPath } from '../helpers/shared'

// Projects with nothing in them (no commits, no labels, no families, no codes) and families
// with one platform only: every project route answers with an empty state or a clear 4xx.

const data = (side: 'github' | 'huggingface', name: string) => sharedPath('data', 'commits', side, `${name}.jsonl`)

let t: TestDatabase
let env: Record<string, string>
let admin: Requester

beforeAll(async () => {
  t = await freshDatabase()
  env = { DATABASE_URL: `file:${t.file}` }
  admin = await signedInApp(t.db, { role: 'admin' })
  expect((await admin.json('/api/projects', { method: 'POST', json: { name: 'empty' } })).status).toBe(201)
  expect((await admin.json('/api/projects', { method: 'POST', json: { name: 'no-codes', codebook: 'empty' } })).status).toBe(201)
  // Commits and families, not one label; one family per side only, and one with both.
  const { id } = await ensureProject(t.ctx, 'unlabelled')
  const files = [data('github', 'THUDM__CodeGeeX2'), data('huggingface', 'THUDM__codegeex2-6b'), data('github', 'baichuan-inc__Baichuan2'), data('huggingface', 'baichuan-inc__Baichuan2-13B-Chat')]
  await importJsonlFiles(t.ctx, { projectId: id, files, diffCap: 20_000 })
  for (const [name, repositories] of [
    ['codegeex', [{ platform: 'github', fullName: 'THUDM/CodeGeeX2' }, { platform: 'huggingface', fullName: 'THUDM/codegeex2-6b' }]],
    ['gh-only', [{ platform: 'github', fullName: 'baichuan-inc/Baichuan2' }]],
    ['hf-only', [{ platform: 'huggingface', fullName: 'baichuan-inc/Baichuan2-13B-Chat' }]],
    ['no-repositories', []],
  ] as const) {
    const res = await admin.json('/api/projects/unlabelled/families', { method: 'POST', json: { name, repositories } })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
  }
})
afterAll(() => t.dispose())

const projects = ['empty', 'no-codes', 'unlabelled'] as const

/** Every GET under a project a page reads, with a route's own empty-state expectation where one is clear. */
const routes: [string, ((body: any, project: string) => void)?][] = [
  ['', (b) => expect(b.status.labels).toBe(0)],
  ['/families'],
  ['/repositories'],
  ['/commits', (b, p) => p !== 'unlabelled' && expect(b).toEqual({ total: 0, items: [] })],
  ['/agreement'],
  ['/agreement/confusion?coders=coder1,coder2'],
  ['/agreement/disagreements'],
  ['/analysis', (b) => expect(Array.isArray(b.families)).toBe(true)],
  ['/analysis/sensitivity'],
  ['/analysis/exclusions', (b) => expect(b).toEqual({ families: [], repositories: [], windows: [] })],
  ['/analysis/tables/families.csv'],
  ['/analysis/tables/pattern_distribution.json'],
  ['/analysis/report.html', (b) => expect(b).toContain('<!doctype html>')],
  ['/export/labels', (b) => expect(b).toBe('platform,repo,sha,coder,source,code\n')],
  ['/export/labels?format=json', (b) => expect(b).toEqual([])],
  ['/card-sort', (b) => expect(b.cards).toEqual([])],
  ['/codebook'],
  ['/codebook/versions/1'],
  ['/codebook/export?format=json'],
  ['/codebook/export?format=qdc'],
  ['/codebook/recode', (b) => expect(b).toEqual([])],
  ['/rounds', (b) => expect(b).toEqual([])],
  ['/rounds/options'],
  ['/rounds/sample-size'],
  ['/labeling'],
  ['/labeling/runs', (b) => expect(b).toEqual([])],
  ['/labeling/evaluation?labeler=rules&against=coder1'],
  ['/discovery'],
  ['/members'],
  ['/jobs', (b) => expect(b).toEqual([])],
]

describe.each(projects)('project %s: every route answers without a server error', (project) => {
  it.each(routes)('GET %s', async (route, check) => {
    const res = await admin.request(`/api/projects/${project}${route}`)
    const type = res.headers.get('content-type') ?? ''
    const text = await res.text()
    expect(res.status, text.slice(0, 300)).toBeLessThan(500)
    if (res.status >= 400) {
      // A refusal is a sentence a person can act on, not a stack trace.
      expect(res.status).toBeOneOf([400, 404, 409])
      const { error } = JSON.parse(text)
      expect(error).toMatch(/^[\w'"(].{8,}/)
      return
    }
    expect(res.status).toBe(200)
    const body = type.includes('json') ? JSON.parse(text) : text
    check?.(body, project)
  })
})

describe('the empty states that say what is missing', () => {
  it.each([
    ['empty', '/agreement', 400, 'agreement needs labels from at least two raters'],
    ['empty', '/agreement/confusion?coders=coder1,coder2', 400, 'no labels by coder1, coder2 in this project'],
    ['empty', '/labeling/evaluation?labeler=rules&against=coder1', 400, 'no labels by rules in this project'],
    ['no-codes', '/codebook/export?format=qdc', 400, 'the codebook has no codes'],
    ['unlabelled', '/agreement', 400, 'agreement needs labels from at least two raters'],
  ])('%s %s: %i "%s"', async (project, route, status, message) => {
    const res = await admin.json(`/api/projects/${project}${route}`)
    expect(res.status).toBe(status)
    expect(res.body.error).toContain(message)
  })

  it('the analysis of a project without families has no rows and zero counts', async () => {
    const { status, body } = await admin.json('/api/projects/empty/analysis')
    expect(status).toBe(200)
    expect(body.families).toEqual([])
    expect(body.summary).toEqual({ families: 0, excluded: 0, analysed: 0, with_pattern: 0, insufficient_data: 0 })
  })

  it('a round cannot be made from a project without commits, and says so', async () => {
    const coder = await signedInApp(t.db, { role: 'coder', project: 'empty' })
    const res = await admin.json('/api/projects/empty/rounds', { method: 'POST', json: { name: 'r', coders: [coder.user.name], selection: 'all' } })
    expect(res.status).toBeOneOf([400, 409])
    expect(res.body.error).toMatch(/commit/)
  })

  it('the CLI: agreement fails with the reason, analyze and export labels print an empty result, exit 0', async () => {
    const agreement = await runCli(['agreement', '--project', 'empty'], env)
    expect(agreement.code).toBe(1)
    expect(agreement.stderr).toContain('error: agreement needs labels from at least two raters')

    const analyze = await runCli(['analyze', '--project', 'empty'], env)
    expect(analyze.code, analyze.stderr).toBe(0)
    expect(analyze.stdout).toContain('(no family analysed)')
    const analyzeJson = await runCli(['analyze', '--project', 'empty', '--json'], env)
    expect(JSON.parse(analyzeJson.stdout).families).toEqual([])

    const csv = await runCli(['export', 'labels', '--project', 'empty'], env)
    expect(csv.code, csv.stderr).toBe(0)
    expect(csv.stdout).toBe('platform,repo,sha,coder,source,code\n')
    const json = await runCli(['export', 'labels', '--project', 'empty', '--json'], env)
    expect(JSON.parse(json.stdout)).toEqual([])
  })
})

describe('families with one platform only', () => {
  it.each([
    ['gh-only', 'no Hugging Face variants'],
    ['hf-only', 'no GitHub commits'],
    ['no-repositories', 'no commits on either platform'],
  ])('%s: insufficient data with the reason, in the table and on the family page', async (family, reason) => {
    const all = await admin.json('/api/projects/unlabelled/analysis')
    expect(all.status).toBe(200)
    const row = all.body.families.find((f: { family: string }) => f.family === family)
    expect(row).toMatchObject({ status: 'insufficient-data', reason })

    const page = await admin.json(`/api/projects/unlabelled/analysis/families/${family}`)
    expect(page.status, JSON.stringify(page.body).slice(0, 300)).toBe(200)
    expect(JSON.stringify(page.body)).toContain(reason)
    const table = await admin.request(`/api/projects/unlabelled/analysis/families/${family}/tables/lanes.csv`)
    expect(table.status).toBeLessThan(500)
  })

  it('the family with both platforms still gets its pattern beside them', async () => {
    const { body } = await admin.json('/api/projects/unlabelled/analysis')
    const row = body.families.find((f: { family: string }) => f.family === 'codegeex')
    expect(row.status).not.toBe('insufficient-data')
    expect(row.pattern).toEqual(expect.any(String))
  })

  it('analyze --family on a one-sided family prints the reason and exits 0', async () => {
    const r = await runCli(['analyze', '--project', 'unlabelled', '--family', 'hf-only', '--json'], env)
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).families).toEqual([expect.objectContaining({ family: 'hf-only', status: 'insufficient-data', reason: 'no GitHub commits' })])
  })
})
