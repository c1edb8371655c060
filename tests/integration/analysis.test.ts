/**
 * The synchronization analysis on a real database holding all of shared/data/commits: `analyze`
 * through the CLI process (pinned results, checked against the detector on the raw files),
 * exclusions and windows changing results and showing in reports, `report --out` with its
 * manifest of hashes, and the HTTP routes.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { commits, finalCodeCodes, finalCodes, repositories } from '../../schema'
import { detectSync } from '../../server/core/sync'
import type { FamilyTimeline } from '../../server/core/sync'
import { and, eq, inArray } from 'drizzle-orm'
import { currentCodebook } from '../../server/services/codebook'
import { importFamiliesFile, importJsonlFiles } from '../../server/services/importing'
import { ensureProject } from '../../server/services/projects'
import { signedInApp } from '../helpers/auth'
import type { Requester } from '../helpers/auth'
import { runCli } from '../helpers/cli'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { repoRoot, sharedPath } from '../helpers/shared'

type FamilyEntry = { family: string; github: string; huggingface: string[]; mirrored_hf: string[] }
const commitsDir = (...p: string[]) => sharedPath('data', 'commits', ...p)
const entries = JSON.parse(readFileSync(commitsDir('families.json'), 'utf8')) as FamilyEntry[]
const jsonlFiles = ['github', 'huggingface'].flatMap((side) =>
  readdirSync(commitsDir(side))
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => commitsDir(side, f)),
)
const committedAt = (platform: string, repo: string) =>
  readFileSync(commitsDir(platform, `${repo.replace('/', '__')}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { committed_at: string }).committed_at)

/** The family straight from the JSONL files, independent of the database. */
function rawFamily(e: FamilyEntry, end: Record<string, string> = {}): FamilyTimeline {
  const inside = (repo: string) => (ts: string) => !end[repo] || new Date(ts).toISOString().slice(0, 10) <= end[repo]!
  const variants = [...new Set([...e.huggingface, ...e.mirrored_hf])]
  return {
    family: e.family,
    github: committedAt('github', e.github).filter(inside(e.github)),
    variants: variants.map((name) => ({
      name,
      timestamps: e.mirrored_hf.includes(name) ? committedAt('huggingface', name).filter(inside(name)) : [],
    })),
  }
}

// The eight families with both sides, pinned; the lags agree with the first-commit dates in
// shared/data/commits/README.md (same 14-day period -> no-lag).
const pinned = {
  baichuan2: { lag: 'no-lag', type: 'CS', intensity: 'R', code: 'CSR', pattern: 'Rare' },
  bart: { lag: 'upstream-first', type: 'PS', intensity: 'S', code: 'PSS', pattern: 'Disperse' },
  bert: { lag: 'upstream-first', type: 'PS', intensity: 'S', code: 'PSS', pattern: 'Disperse' },
  chatglm3: { lag: 'no-lag', type: 'CS', intensity: 'R', code: 'CSR', pattern: 'Rare' },
  'chinese-bert-wwm': { lag: 'upstream-first', type: 'PS', intensity: 'S', code: 'PSS', pattern: 'Disperse' },
  codegeex2: { lag: 'no-lag', type: 'CS', intensity: 'R', code: 'CSR', pattern: 'Rare' },
  'gpt-j': { lag: 'upstream-first', type: 'PS', intensity: 'S', code: 'PSS', pattern: 'Disperse' },
  'minicpm-v': { lag: 'upstream-first', type: 'CS', intensity: 'S', code: 'CSS', pattern: 'Intermittent' },
} as const

type CliFamily = {
  family: string
  status: string
  lag: string | null
  type: string | null
  intensity: string | null
  code: string | null
  pattern: string | null
  reason: string | null
  ignored_variants: string[]
  windows: { repository: string; observation_end: string; ignored_commits: number }[]
  evidence: { period_days: number; github: number[]; rules: { lag: string; type: string; intensity: string } } | null
}

let t: TestDatabase
let env: Record<string, string>
const cli = async (...args: string[]) => {
  const r = await runCli(args, env)
  return { ...r, json: r.code === 0 && args.includes('--json') ? JSON.parse(r.stdout) : null }
}

beforeAll(async () => {
  t = await freshDatabase()
  env = { DATABASE_URL: `file:${t.file}` }
  for (const name of ['default', 'windows']) {
    const project = await ensureProject(t.ctx, name)
    await importFamiliesFile(t.ctx, { projectId: project.id, file: commitsDir('families.json') })
    await importJsonlFiles(t.ctx, { projectId: project.id, files: jsonlFiles, diffCap: 20_000 })
  }
})
afterAll(() => t?.dispose())

describe('concord analyze on shared/data/commits', () => {
  let families: CliFamily[]
  beforeAll(async () => {
    const r = await cli('analyze', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.trim().split('\n')).toHaveLength(1)
    families = r.json.families
  })

  it('gives the pinned pattern for every family with both sides', () => {
    const ok = Object.fromEntries(
      families.filter((f) => f.status === 'ok').map((f) => [f.family, { lag: f.lag, type: f.type, intensity: f.intensity, code: f.code, pattern: f.pattern }]),
    )
    expect(ok).toEqual(pinned)
  })

  it('agrees with the detector run on the raw JSONL files, evidence included', () => {
    for (const e of entries) {
      const expected = detectSync(rawFamily(e))
      const found = families.find((f) => f.family === e.family)!
      expect(found.status, e.family).toBe(expected.status)
      expect(found.code, e.family).toBe(expected.code)
      expect(found.ignored_variants.sort(), e.family).toEqual([...expected.ignoredVariants].sort())
      if (expected.status === 'ok') {
        expect(found.evidence!.github, e.family).toEqual(expected.evidence.github)
        expect(found.evidence!.rules, e.family).toEqual(expected.evidence.rules)
      }
    }
  })

  it('reports every other family as insufficient-data with the reason, in the contract shape', () => {
    expect(families).toHaveLength(entries.length)
    const rest = families.filter((f) => !(f.family in pinned))
    expect(rest).toHaveLength(entries.length - 8)
    for (const f of families) {
      expect(Object.keys(f)).toEqual(expect.arrayContaining(['family', 'status', 'lag', 'type', 'intensity', 'code', 'pattern']))
    }
    for (const f of rest) {
      expect(f).toMatchObject({ status: 'insufficient-data', lag: null, type: null, intensity: null, code: null, pattern: null })
      expect(f.reason).toMatch(/no Hugging Face commits in any of its \d+ variant/)
    }
  })

  it('takes the thresholds as flags and explains one family in text', async () => {
    const r = await cli('analyze', '--family', 'minicpm-v', '--period', '7', '--frequent-run', '2', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.settings).toMatchObject({ period_days: 7, frequent_run: 2 })
    expect(r.json.families).toHaveLength(1)
    const expected = detectSync(rawFamily(entries.find((e) => e.family === 'minicpm-v')!), { periodDays: 7, frequentRun: 2 })
    expect(r.json.families[0].code).toBe(expected.code)
    expect(r.json.families[0].evidence.period_days).toBe(7)

    const text = await cli('analyze', '--family', 'codegeex2')
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('CSR')
    expect(text.stdout).toMatch(/lag: In the first period \(0\) GitHub and 1 variant/)
    expect(text.stdout).toContain('ignored (no commits): THUDM/codegeex2-6b-int4')
  })

  it('refuses an unknown family and a bad threshold with one error line', async () => {
    const unknown = await cli('analyze', '--family', 'nope', '--json')
    expect(unknown.code).toBe(1)
    expect(unknown.stdout).toBe('')
    expect(unknown.stderr.trim()).toBe("error: no family named 'nope' in this project")
    const bad = await cli('analyze', '--period', '0')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^error: --period takes a whole number/m)
  })
})

describe('exclusions and observation windows', () => {
  const project = ['--project', 'windows']
  let analysed: { families: CliFamily[]; exclusions: Record<string, { family?: string; repository?: string; reason?: string }[]> }
  let reportDir: string

  beforeAll(async () => {
    const steps = [
      ['exclude', 'family', 'chatglm3', '--reason', 'duplicate upload of another family'],
      ['exclude', 'repository', 'kingoflolz/mesh-transformer-jax', '--reason', 'archived fork'],
      ['window', 'google-bert/bert-base-uncased', '--end', '2018-12-31'],
    ]
    for (const step of steps) {
      const r = await cli(...step, ...project, '--json')
      expect(r.code, r.stderr).toBe(0)
    }
    analysed = (await cli('analyze', ...project, '--json')).json
    reportDir = path.join(t.dir, 'windows-report')
    const r = await cli('report', '--out', reportDir, ...project, '--json')
    expect(r.code, r.stderr).toBe(0)
  })

  it('leaves an excluded family out and lists it with its reason', () => {
    expect(analysed.families.map((f) => f.family)).not.toContain('chatglm3')
    expect(analysed.exclusions.families).toEqual([{ family: 'chatglm3', reason: 'duplicate upload of another family' }])
  })

  it('turns a family whose GitHub repository is excluded into insufficient data, saying why', () => {
    const gptj = analysed.families.find((f) => f.family === 'gpt-j')!
    expect(gptj.status).toBe('insufficient-data')
    expect(gptj.reason).toBe('no GitHub commits (excluded: kingoflolz/mesh-transformer-jax, archived fork)')
  })

  it('ignores commits after an observation end, which changes the pattern', () => {
    const bert = analysed.families.find((f) => f.family === 'bert')!
    const entry = entries.find((e) => e.family === 'bert')!
    const expected = detectSync(rawFamily(entry, { 'google-bert/bert-base-uncased': '2018-12-31' }))
    expect(bert.code).toBe(expected.code)
    expect(bert.code).not.toBe(pinned.bert.code)
    const later = committedAt('huggingface', 'google-bert/bert-base-uncased').filter((ts) => new Date(ts).toISOString().slice(0, 10) > '2018-12-31')
    expect(bert.windows).toEqual([{ repository: 'google-bert/bert-base-uncased', platform: 'huggingface', observation_end: '2018-12-31', ignored_commits: later.length }])
    expect(later.length).toBeGreaterThan(0)
  })

  it('shows them in every report: analysis.json, the tables and the HTML', () => {
    const view = JSON.parse(readFileSync(path.join(reportDir, 'analysis.json'), 'utf8'))
    expect(view.exclusions.families).toEqual([{ family: 'chatglm3', reason: 'duplicate upload of another family' }])
    expect(view.exclusions.repositories[0]).toMatchObject({ repository: 'kingoflolz/mesh-transformer-jax', reason: 'archived fork', families: ['gpt-j'] })
    expect(view.exclusions.windows[0]).toMatchObject({ repository: 'google-bert/bert-base-uncased', observation_end: '2018-12-31' })
    const exclusions = parse(readFileSync(path.join(reportDir, 'tables', 'exclusions.csv'), 'utf8'), { columns: true }) as Record<string, string>[]
    expect(exclusions.map((r) => [r.kind, r.name, r.reason])).toEqual([
      ['family', 'chatglm3', 'duplicate upload of another family'],
      ['repository', 'kingoflolz/mesh-transformer-jax', 'archived fork'],
    ])
    const html = readFileSync(path.join(reportDir, 'report.html'), 'utf8')
    expect(html).toContain('duplicate upload of another family')
    expect(html).toContain('observed up to 2018-12-31')
    const manifest = JSON.parse(readFileSync(path.join(reportDir, 'manifest.json'), 'utf8'))
    expect(manifest.exclusions).toEqual(view.exclusions)
  })

  it('audits every change and takes them back with include and --clear', async () => {
    const audit = await t.client.execute("select action, entity, details from audit_log where action in ('exclude', 'window') order by id")
    expect(audit.rows.map((r) => `${r.action} ${r.entity}`)).toEqual(['exclude family', 'exclude repository', 'window repository'])
    for (const step of [
      ['include', 'family', 'chatglm3'],
      ['include', 'repository', 'kingoflolz/mesh-transformer-jax'],
      ['window', 'google-bert/bert-base-uncased', '--clear'],
    ]) {
      expect((await cli(...step, ...project)).code).toBe(0)
    }
    const list = await cli('exclude', 'list', ...project, '--json')
    expect(list.json).toEqual({ families: [], repositories: [], windows: [] })
    const again = await cli('analyze', ...project, '--json')
    const codesNow = Object.fromEntries(again.json.families.filter((f: CliFamily) => f.status === 'ok').map((f: CliFamily) => [f.family, f.code]))
    expect(codesNow).toEqual(Object.fromEntries(Object.entries(pinned).map(([k, v]) => [k, v.code])))
  })

  it('needs a reason to exclude', async () => {
    const r = await cli('exclude', 'family', 'bert', ...project)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--reason/)
  })
})

describe('concord report --out', () => {
  let out: string
  let manifest: { files: { path: string; bytes: number; sha256: string }[]; [k: string]: unknown }

  beforeAll(async () => {
    // Final codes on a few codegeex2 commits, as adjudication would leave them.
    const project = await ensureProject(t.ctx, 'default')
    const { codes: list } = await currentCodebook(t.ctx, project.id)
    const code = (name: string) => list.find((c) => c.name === name)!.id
    const repoCommits = async (fullName: string) =>
      (
        await t.db
          .select({ id: commits.id })
          .from(commits)
          .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
          .where(and(eq(repositories.fullName, fullName), eq(repositories.projectId, project.id)))
          .orderBy(commits.id)
          .limit(3)
      ).map((r) => r.id)
    const gh = await repoCommits('THUDM/CodeGeeX2')
    const hf = await repoCommits('THUDM/codegeex2-6b')
    const assign = [
      [gh[0]!, 'model structure'],
      [gh[1]!, 'external documentation'],
      [gh[2]!, 'unclear'],
      [hf[0]!, 'external documentation'],
      [hf[1]!, 'sharing'],
    ] as const
    for (const [commitId, name] of assign) {
      const [final] = await t.db.insert(finalCodes).values({ commitId, method: 'adjudication', note: '' }).returning()
      await t.db.insert(finalCodeCodes).values({ finalCodeId: final!.id, codeId: code(name) })
    }
    expect((await t.db.select().from(finalCodes).where(inArray(finalCodes.commitId, [...gh, ...hf]))).length).toBe(5)

    out = path.join(t.dir, 'report')
    const r = await cli('report', '--out', out, '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json).toMatchObject({ out, manifest: 'manifest.json', report: 'report.html' })
    manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'))
  })

  it('writes every file the manifest lists, with matching sizes and sha256 hashes', () => {
    expect(manifest.files.length).toBeGreaterThan(50)
    for (const f of manifest.files) {
      const data = readFileSync(path.join(out, f.path))
      expect(data.length, f.path).toBe(f.bytes)
      expect(createHash('sha256').update(data).digest('hex'), f.path).toBe(f.sha256)
    }
  })

  it('has CSV and JSON of every table of the analysis', () => {
    const view = JSON.parse(readFileSync(path.join(out, 'analysis.json'), 'utf8'))
    const names = view.tables.map((x: { name: string }) => x.name)
    expect(names).toEqual(
      expect.arrayContaining([
        'families', 'pattern_distribution', 'pattern_by_lag', 'pattern_by_maturity', 'similarity', 'similarity_histogram',
        'change_types_by_platform', 'change_types_by_maturity', 'gaps', 'gaps_by_lag', 'gaps_by_pattern', 'gaps_by_maturity',
        'contributors', 'pattern_evolution', 'sensitivity_summary', 'sensitivity_changes', 'tests', 'exclusions', 'windows',
      ]),
    )
    const listed = new Set(manifest.files.map((f) => f.path))
    for (const name of names) {
      expect(listed.has(`tables/${name}.csv`), name).toBe(true)
      expect(listed.has(`tables/${name}.json`), name).toBe(true)
    }
    const distribution = parse(readFileSync(path.join(out, 'tables', 'pattern_distribution.csv'), 'utf8'), { columns: true }) as Record<string, string>[]
    expect(Object.fromEntries(distribution.map((r) => [r.pattern, Number(r.families)]))).toMatchObject({ Disperse: 4, Rare: 3, Intermittent: 1 })
  })

  it('computes similarity from the final codes, says how many there are, and leaves the fallback code out', () => {
    const similarity = JSON.parse(readFileSync(path.join(out, 'tables', 'similarity.json'), 'utf8')).rows as Record<string, unknown>[]
    const codegeex2 = similarity.find((r) => r.family === 'codegeex2')!
    // GH {model structure, external documentation} (unclear left out) vs HF {external documentation, sharing}
    expect(codegeex2).toMatchObject({ github_coded: 3, huggingface_coded: 2, jaccard: 1 / 3, shared_types: 'external documentation' })
    expect(similarity.find((r) => r.family === 'bert')).toMatchObject({ jaccard: null, github_coded: 0 })
    const view = JSON.parse(readFileSync(path.join(out, 'analysis.json'), 'utf8'))
    expect(view.codes).toMatchObject({ source: 'final', final_commits: 5, prelabel_commits: 0, fallback_codes: ['unclear'] })
  })

  it('writes a self-contained HTML report with the charts as SVG and no script', () => {
    const html = readFileSync(path.join(out, 'report.html'), 'utf8')
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).not.toMatch(/<script|<link|src="http/i)
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(6 + 8)
    expect(html).toContain('id="family-minicpm-v"')
    expect(html).toContain('href="tables/pattern_distribution.csv"')
  })

  it('bundles the codebook, prompts with their hashes, models, agreement and final codes, and the rounds', () => {
    const codebook = JSON.parse(readFileSync(path.join(out, 'bundle', 'codebook.json'), 'utf8'))
    expect(codebook.codes.map((c: { name: string }) => c.name)).toContain('model structure')
    expect(manifest.codebook).toMatchObject({ version: codebook.version.version, file: 'bundle/codebook.json' })
    const prompts = manifest.prompts as { file: string; sha256: string }[]
    const promptFiles = existsSync(path.join(repoRoot, 'prompts')) ? readdirSync(path.join(repoRoot, 'prompts')).filter((f) => !f.startsWith('.')) : []
    expect(prompts.map((p) => path.basename(p.file)).sort()).toEqual(expect.arrayContaining(promptFiles.sort()))
    for (const p of prompts) {
      const original = readFileSync(path.join(repoRoot, 'prompts', p.file.replace('bundle/prompts/', '')))
      expect(createHash('sha256').update(original).digest('hex')).toBe(p.sha256)
    }
    expect(JSON.parse(readFileSync(path.join(out, 'bundle', 'models.json'), 'utf8'))).toEqual(manifest.models)
    expect(manifest.agreement).toMatchObject({ file: 'bundle/agreement.json', available: false })
    expect(manifest.rounds).toEqual({ file: 'bundle/rounds.json', count: 0 })
    expect(JSON.parse(readFileSync(path.join(out, 'bundle', 'rounds.json'), 'utf8'))).toEqual([])
    const finals = parse(readFileSync(path.join(out, 'bundle', 'final_codes.csv'), 'utf8'), { columns: true }) as Record<string, string>[]
    expect(finals).toHaveLength(5)
    expect(finals.filter((f) => f.repo === 'THUDM/codegeex2-6b').map((f) => f.codes).sort()).toEqual(['external documentation', 'sharing'])
  })
})

describe('the analysis routes', () => {
  let admin: Requester
  beforeAll(async () => {
    admin = await signedInApp(t.db, { role: 'admin' })
  })
  const get = (p: string) => admin.request(`/api/projects/default/analysis${p}`)

  it('answers the project analysis with summary, tables and exclusions', async () => {
    const res = await get('')
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.summary).toMatchObject({ families: entries.length, with_pattern: 8, insufficient_data: entries.length - 8, excluded: 0 })
    expect(body.families.filter((f: CliFamily) => f.status === 'ok').map((f: CliFamily) => f.family).sort()).toEqual(Object.keys(pinned).sort())
    expect(body.tables.map((x: { name: string }) => x.name)).toContain('gaps_by_pattern')
    expect(body.exclusions).toEqual({ families: [], repositories: [], windows: [] })
  })

  it('answers a family with its evidence, swimlanes and sensitivity', async () => {
    const res = await get('/families/codegeex2?period=7')
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.settings.period_days).toBe(7)
    expect(body.evidence.period_days).toBe(7)
    expect(body.family).toMatchObject({ family: 'codegeex2', status: 'ok' })
    const lanes = body.swimlanes.lanes as { name: string; platform: string; commits: number; periods: { period: number }[] }[]
    expect(lanes[0]).toMatchObject({ name: 'THUDM/CodeGeeX2', platform: 'github', commits: 57 })
    expect(lanes[0]!.periods.map((p) => p.period)).toEqual(body.evidence.github)
    expect(lanes.find((l) => l.name === 'THUDM/codegeex2-6b-int4')).toMatchObject({ commits: 0, periods: [] })
    expect(body.similarity.jaccard).toBeCloseTo(1 / 3)
    expect(body.sensitivity.find((s: { scenario: string }) => s.scenario === 'period 7 days').changed).toBe(false)
  })

  it('downloads any table as CSV or JSON, and refuses unknown ones', async () => {
    const csv = await get('/tables/pattern_distribution.csv')
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/)
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="default-pattern_distribution\.csv"/)
    expect((await csv.text()).split('\n')[0]).toBe('pattern,codes,families,share')
    const json = await get('/tables/sensitivity_summary.json')
    expect((await json.json()).rows).toHaveLength(11)
    const lanes = await get('/families/bert/tables/lanes.csv')
    expect((await lanes.text()).split('\n')[0]).toBe('repository,platform,period,from,to,commits,co_active')
    expect((await get('/tables/nope.csv')).status).toBe(404)
    expect((await get('/tables/..%2Fsecret.csv')).status).toBe(400)
    expect((await get('/families/nope')).status).toBe(404)
    expect((await get('?period=0')).status).toBe(400)
  })

  it('answers the sensitivity reruns for chosen periods', async () => {
    const body = await (await get('/sensitivity?periods=10,20')).json()
    expect(body.scenarios.map((s: { name: string }) => s.name).slice(0, 2)).toEqual(['period 10 days', 'period 20 days'])
    expect(body.tables.map((x: { name: string }) => x.name)).toEqual(['sensitivity_summary', 'sensitivity_changes'])
  })

  it('serves the report as one HTML download without script', async () => {
    const res = await get('/report.html')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="concord-default-analysis\.html"/)
    const html = await res.text()
    expect(html).toContain('<svg')
    expect(html).not.toContain('<script')
    expect(html).not.toContain('href="tables/')
  })

  it('falls back to machine pre-labels only when asked, and says so', async () => {
    const final = await (await get('')).json()
    const withPrelabels = await (await get('?codes=prelabels')).json()
    expect(final.codes.label).not.toMatch(/pre-labels/)
    expect(withPrelabels.codes).toMatchObject({ source: 'prelabels', final_commits: 5 })
    expect(withPrelabels.codes.label).toMatch(/NOT adjudicated/)
  })
})
