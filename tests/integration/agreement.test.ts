import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectAgreement } from '../../server/services/agreement'
import { importStudyFile } from '../../server/services/importing'
import { ensureProject } from '../../server/services/projects'
import { signedInApp } from '../helpers/auth'
import type { Requester } from '../helpers/auth'
import { runCli } from '../helpers/cli'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { sharedPath } from '../helpers/shared'

// The study's Cohen's kappas (method.md §2), to 3 decimals.
const studyKappas = {
  gh: { 'coder1,coder2': 0.814, 'coder1,llm': 0.685, 'coder2,llm': 0.853 },
  hf: { 'coder1,coder2': 0.944, 'coder1,llm': 0.842, 'coder2,llm': 0.889 },
}
const studyFiles = {
  gh: { file: sharedPath('data', 'paper', 'GH_160_with_labels.csv'), format: 'study-gh' as const, columns: ['manual_categories', 'oussama_categories', 'automatic'] },
  hf: {
    file: sharedPath('data', 'paper', 'HF_160_with_labels.reduced.csv'),
    format: 'study-hf' as const,
    columns: ['manual_classification', 'oussama_classification', 'automatic_classification'],
  },
}

let t: TestDatabase
beforeAll(async () => {
  t = await freshDatabase()
  for (const side of ['gh', 'hf'] as const) {
    const project = await ensureProject(t.ctx, `study-${side}`)
    await importStudyFile(t.ctx, { projectId: project.id, file: studyFiles[side].file, format: studyFiles[side].format })
  }
})
afterAll(() => t.dispose())

const kappasOf = (report: { pairwise: { coders: string[]; cohen_kappa: number | null }[] }) =>
  Object.fromEntries(report.pairwise.map((p) => [p.coders.join(','), Number(p.cohen_kappa!.toFixed(3))]))

/** The study file rewritten as the long CSV `unit,coder,code` that `agreement --input` reads. */
function longCsv(side: 'gh' | 'hf'): string {
  const [header, ...rows] = readFileSync(studyFiles[side].file, 'utf8').trim().split('\n')
  const columns = header!.split(';')
  const out = ['unit,coder,code']
  rows.forEach((row, i) => {
    const cells = row.split(';')
    studyFiles[side].columns.forEach((column, k) => {
      out.push(`u${i},${['coder1', 'coder2', 'llm'][k]},${cells[columns.indexOf(column)]}`)
    })
  })
  return out.join('\n')
}

describe("the study's kappas", () => {
  for (const side of ['gh', 'hf'] as const) {
    it(`are reproduced from the imported ${side.toUpperCase()} labels`, async () => {
      const project = await ensureProject(t.ctx, `study-${side}`)
      const report = await projectAgreement(t.ctx, project.id, { coders: ['coder1', 'coder2', 'llm'], resamples: 0 })
      expect(report.units).toBe(160)
      expect(kappasOf(report)).toEqual(studyKappas[side])
    })

    it(`are reproduced by the CLI on the ${side.toUpperCase()} project and on its long CSV`, async () => {
      const env = { DATABASE_URL: `file:${t.file}` }
      const stored = await runCli(['agreement', '--project', `study-${side}`, '--coders', 'coder1,coder2,llm', '--json'], env)
      expect(stored.code).toBe(0)
      expect(kappasOf(JSON.parse(stored.stdout))).toEqual(studyKappas[side])

      const csv = path.join(t.dir, `${side}.csv`)
      // Raw study labels still carry `_` (pipeline_performance): normalised as the study did.
      writeFileSync(csv, longCsv(side).replace(/_/g, ' '))
      const fromFile = await runCli(['agreement', '--input', csv, '--json'], env)
      expect(fromFile.code).toBe(0)
      const report = JSON.parse(fromFile.stdout)
      expect(kappasOf(report)).toEqual(studyKappas[side])
      expect(report.krippendorff_alpha_ci95).toHaveLength(2)
    })
  }

  it('names the line of a malformed --input file', async () => {
    const csv = path.join(t.dir, 'bad.csv')
    writeFileSync(csv, 'unit,coder,code\nu1,a,x\nu1,,y\n')
    const r = await runCli(['agreement', '--input', csv], { DATABASE_URL: `file:${t.file}` })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`error: ${csv}:3: coder: empty`)
  })
})

describe('the agreement API', () => {
  let admin: Requester
  beforeAll(async () => {
    admin = await signedInApp(t.db, { role: 'admin' })
  })
  const get = async (url: string) => {
    const res = await admin.request(url)
    return { status: res.status, body: await res.json() }
  }

  it('reports per pair and per code for the chosen raters, machine raters included', async () => {
    const r = await get('/api/projects/study-hf/agreement?coders=coder1,llm&resamples=200')
    expect(r.status).toBe(200)
    expect(r.body.coders).toEqual(['coder1', 'llm'])
    expect(Number(r.body.pairwise[0].cohen_kappa.toFixed(3))).toBe(0.842)
    expect(r.body.per_code.map((c: { code: string }) => c.code)).toContain('sharing')
  })

  it('gives the confusion matrix of two raters', async () => {
    const r = await get('/api/projects/study-gh/agreement/confusion?coders=coder1,coder2')
    expect(r.status).toBe(200)
    const total = r.body.matrix.flat().reduce((a: number, b: number) => a + b, 0)
    expect(total).toBe(160)
    const diagonal = r.body.matrix.reduce((n: number, row: number[], i: number) => n + row[i]!, 0)
    expect(diagonal / total).toBeCloseTo(0.9875, 4)
  })

  it('lists the disagreements with their commits', async () => {
    const r = await get('/api/projects/study-gh/agreement/disagreements?coders=coder1,coder2')
    expect(r.status).toBe(200)
    expect(r.body).toHaveLength(2) // 0.9875 of 160 agree
    for (const d of r.body) {
      expect(d.platform).toBe('github')
      expect(d.codes.coder1).not.toEqual(d.codes.coder2)
    }
  })

  it('refuses one rater, and names a rater without labels', async () => {
    expect((await get('/api/projects/study-gh/agreement?coders=coder1')).status).toBe(400)
    const r = await get('/api/projects/study-gh/agreement?coders=coder1,nobody')
    expect(r.status).toBe(400)
    expect(r.body.error).toContain('nobody')
  })
})
