import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditLog } from '../../schema'
import { agreementReport } from '../../server/core/agreement'
import type { Rating } from '../../server/core/agreement'
import { currentCodebook } from '../../server/services/codebook'
import { findProject } from '../../server/services/projects'
import { loadSample, studyProjectName } from '../../server/services/sample'
import { projectTeam } from '../helpers/auth'
import type { Requester } from '../helpers/auth'
import { engines, freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'

describe.each(engines())('round dashboards and adjudication on a %s database', (engine) => {
  let t: TestDatabase
  let admin: Requester
  let ann: Requester
  let ben: Requester
  let round: number
  let units: number[]
  let codeIds: Map<string, number>
  const project = `/api/projects/${studyProjectName}`

  // What each coder codes on the round's eight units: two disagreements on sharing/model
  // structure, one on preprocessing/input data, five agreements.
  const plan: [string, string][] = [
    ['sharing', 'sharing'],
    ['sharing', 'model structure'],
    ['model structure', 'model structure'],
    ['model structure', 'sharing'],
    ['preprocessing', 'input data'],
    ['external documentation', 'external documentation'],
    ['external documentation', 'external documentation'],
    ['parameter tuning', 'parameter tuning'],
  ]

  type Adjudication = {
    counts: { units: number; unanimous: number; disagreements: number; finalized: number; adjudicated: number }
    groups: { key: string; codes: string[]; units: { commitId: number; coders: Record<string, string[]>; machines: Record<string, string[]>; final: unknown }[] }[]
  }

  beforeAll(async () => {
    t = await freshDatabase(engine)
    await loadSample(t.ctx, { diffCap: 20_000 })
    ;({ admin, coders: [ann, ben] } = await projectTeam(t.db, { project: studyProjectName, coders: ['ann', 'ben'] }))
    codeIds = new Map((await currentCodebook(t.ctx, (await findProject(t.ctx, studyProjectName))!.id)).codes.map((c) => [c.name, c.id]))
    const created = await admin.json<{ id: number }>(`${project}/rounds`, {
      method: 'POST',
      json: { name: 'adjudicate me', coders: ['ann', 'ben'], selection: 'random', size: 8, overlap: { mode: 'k', k: 2 }, machineRaters: ['llm'], seed: 3 },
    })
    round = created.body.id
    units = (await ann.json<{ items: { commitId: number }[] }>(`${project}/coding/${round}/queue`)).body.items.map((i) => i.commitId)
    for (const [i, [a, b]] of plan.entries()) {
      await ann.json(`${project}/coding/${round}/units/${units[i]}/label`, { method: 'PUT', json: { codeIds: [codeIds.get(a)] } })
      await ben.json(`${project}/coding/${round}/units/${units[i]}/label`, { method: 'PUT', json: { codeIds: [codeIds.get(b)] } })
    }
  })
  afterAll(() => t.dispose())

  describe('the round dashboard', () => {
    it("shows the coders' kappa, per code, the confusion matrix and disagreements, with the machine rater", async () => {
      const res = await admin.json<{
        report: { coders: string[]; pairwise: { coders: string[]; cohen_kappa: number }[]; per_code: { code: string }[]; confusion_matrices: { coders: string[] }[] }
        disagreements: { commitId: number }[]
        round: { progress: { coder: string; done: number }[] }
      }>(`${project}/rounds/${round}/dashboard`)
      expect(res.status).toBe(200)
      const ratings: Rating[] = plan.flatMap(([a, b], i) => [
        { unit: String(units[i]), rater: 'ann', codes: [a] },
        { unit: String(units[i]), rater: 'ben', codes: [b] },
      ])
      const expected = agreementReport(ratings, { bootstrapResamples: 0 }).pairwise[0]!.cohen_kappa!
      const pair = res.body.report.pairwise.find((p) => p.coders.join() === 'ann,ben')!
      expect(pair.cohen_kappa).toBeCloseTo(expected, 12)
      expect(res.body.report.coders).toEqual(['ann', 'ben', 'llm'])
      expect(res.body.report.pairwise.some((p) => p.coders.includes('llm'))).toBe(true)
      expect(res.body.report.per_code.map((c) => c.code)).toContain('sharing')
      expect(res.body.report.confusion_matrices.length).toBe(3)
      expect(res.body.disagreements.length).toBeGreaterThanOrEqual(plan.filter(([a, b]) => a !== b).length)
      expect(res.body.round.progress).toEqual([
        { coder: 'ann', assigned: 8, done: 8, skipped: 0 },
        { coder: 'ben', assigned: 8, done: 8, skipped: 0 },
      ])
    })
  })

  describe('the agreement API with a round filter', () => {
    it('reports over the round only, and the same kappa as the dashboard', async () => {
      const res = await admin.json<{ coders: string[]; units: number; pairwise: { coders: string[]; cohen_kappa: number }[] }>(
        `${project}/agreement?round=${round}&resamples=0`,
      )
      expect(res.status).toBe(200)
      expect(res.body.coders).toEqual(['ann', 'ben', 'llm'])
      expect(res.body.units).toBe(8)
      const dashboard = await admin.json<{ report: { pairwise: { coders: string[]; cohen_kappa: number }[] } }>(`${project}/rounds/${round}/dashboard`)
      const kappa = (r: { pairwise: { coders: string[]; cohen_kappa: number }[] }) => r.pairwise.find((p) => p.coders.join() === 'ann,ben')!.cohen_kappa
      expect(kappa(res.body)).toBe(kappa(dashboard.body.report))
      const confusion = await admin.json<{ n: number }>(`${project}/agreement/confusion?round=${round}&coders=ann,ben`)
      expect(confusion.body.n).toBe(8)
      expect((await admin.request(`${project}/agreement?round=999999`)).status).toBe(404)
    })
  })

  describe('adjudication', () => {
    it('groups disagreements by the pair of codes in conflict', async () => {
      const res = await admin.json<Adjudication>(`${project}/rounds/${round}/adjudication`)
      expect(res.status).toBe(200)
      expect(res.body.counts).toMatchObject({ units: 8, unanimous: 5, disagreements: 3 })
      expect(res.body.groups.map((g) => [g.key, g.units.length])).toEqual([
        ['model structure ↔ sharing', 2],
        ['input data ↔ preprocessing', 1],
      ])
      const unit = res.body.groups[0]!.units[0]!
      expect(Object.keys(unit.coders).sort()).toEqual(['ann', 'ben'])
      expect(Object.keys(unit.machines)).toEqual(['llm'])
      // The five unanimous units were finalized automatically (the round's default).
      expect(res.body.counts.finalized).toBe(5)
    })

    it('is for admins only, and needs a rationale', async () => {
      const body = { commitId: units[1]!, codeIds: [codeIds.get('sharing')!], note: 'weights uploaded to the hub' }
      expect((await ben.request(`${project}/rounds/${round}/adjudication`)).status).toBe(403)
      expect((await ben.request(`${project}/rounds/${round}/adjudication`, { method: 'POST', json: body })).status).toBe(403)
      const noNote = await admin.json(`${project}/rounds/${round}/adjudication`, { method: 'POST', json: { ...body, note: '  ' } })
      expect(noNote.status).toBe(400)
      expect(noNote.body.error).toMatch(/rationale/)
      const notInRound = await admin.json(`${project}/rounds/${round}/adjudication`, { method: 'POST', json: { ...body, commitId: 1 } })
      expect(notInRound.status).toBe(404)
    })

    it('sets the final code with the rationale, audited, and export labels carries it as final', async () => {
      const body = { commitId: units[1]!, codeIds: [codeIds.get('sharing')!], note: 'weights uploaded to the hub' }
      const res = await admin.json(`${project}/rounds/${round}/adjudication`, { method: 'POST', json: body })
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ method: 'adjudication', note: body.note, decidedBy: admin.user.name, codes: [{ name: 'sharing' }], roundId: round })
      // A second decision replaces the first; the audit keeps both, the second naming the first.
      await admin.json(`${project}/rounds/${round}/adjudication`, { method: 'POST', json: { ...body, codeIds: [codeIds.get('model structure')!], note: 'the code, not the upload' } })
      const audit = await t.db.select().from(auditLog).where(and(eq(auditLog.action, 'adjudicate'), eq(auditLog.entityId, String(units[1]))))
      expect(audit).toHaveLength(2)
      expect(audit[1]!.details).toMatchObject({ codes: ['model structure'], previous: { method: 'adjudication', codes: ['sharing'] } })
      expect(audit[1]!.actor).toBe(`user:${admin.user.name}`)
      const after = await admin.json<Adjudication>(`${project}/rounds/${round}/adjudication`)
      expect(after.body.counts).toMatchObject({ adjudicated: 1, finalized: 6 })
      const exported = await admin.json<{ sha: string; coder: string; source: string; codes: string[]; rationale: string }[]>(
        `${project}/export/labels?format=json`,
      )
      const finals = exported.body.filter((r) => r.source === 'final' && r.rationale === 'the code, not the upload')
      expect(finals).toHaveLength(1)
      expect(finals[0]!.codes).toEqual(['model structure'])
    })
  })
})
