import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditLog, labels, openCodes } from '../../schema'
import { currentCodebook } from '../../server/services/codebook'
import { findProject } from '../../server/services/projects'
import { loadSample, studyProjectName } from '../../server/services/sample'
import { enforcedApp, signedInApp } from '../helpers/auth'
import type { App, Requester } from '../helpers/auth'
import { engines, freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'

describe.each(engines())('blind coding on a %s database', (engine) => {
  let t: TestDatabase
  let app: App
  let admin: Requester
  let ann: Requester
  let ben: Requester
  let outsider: Requester
  let codeIds: Map<string, number>
  const project = `/api/projects/${studyProjectName}`

  type Queue = { items: { commitId: number; done: boolean; skipped: boolean }[]; progress: { assigned: number; done: number } }
  type Unit = { mine: { codeIds: number[]; memo: string }; preLabels: { rater: string; codes: string[] }[]; codebook: { codes: { id: number; name: string; hotkey: string | null }[] } }
  type Detail = {
    labels: { rater: string; source: string; codes: { name: string }[] }[]
    openCodes: { coder: string; text: string }[]
    finalCode: { method: string; codes: { name: string }[] } | null
  }

  beforeAll(async () => {
    t = await freshDatabase(engine)
    await loadSample(t.ctx, { diffCap: 20_000 })
    app = enforcedApp(t.db)
    admin = await signedInApp(t.db, { role: 'admin', app })
    const coder = (name: string) => signedInApp(t.db, { role: 'coder', project: studyProjectName, name, app })
    ann = await coder('ann')
    ben = await coder('ben')
    outsider = await coder('olga')
    const studyId = (await findProject(t.ctx, studyProjectName))!.id
    codeIds = new Map((await currentCodebook(t.ctx, studyId)).codes.map((c) => [c.name, c.id]))
  })
  afterAll(() => t.dispose())

  const code = (name: string) => codeIds.get(name)!

  async function createRound(json: Record<string, unknown>): Promise<number> {
    const res = await admin.json<{ id: number }>(`${project}/rounds`, {
      method: 'POST',
      json: { coders: ['ann', 'ben'], selection: 'random', size: 6, overlap: { mode: 'k', k: 2 }, machineRaters: ['llm'], ...json },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body.id
  }

  const queueOf = async (who: Requester, round: number) => (await who.json<Queue>(`${project}/coding/${round}/queue`)).body
  const save = (who: Requester, round: number, commit: number, ids: number[]) =>
    who.json(`${project}/coding/${round}/units/${commit}/label`, { method: 'PUT', json: { codeIds: ids } })
  const detail = async (who: Requester, commit: number) => (await who.json<Detail>(`${project}/commits/${commit}`)).body
  const unit = async (who: Requester, round: number, commit: number) => (await who.json<Unit>(`${project}/coding/${round}/units/${commit}`)).body

  describe('blind coding, enforced by the server', () => {
    let round: number
    let first: number
    beforeAll(async () => {
      round = await createRound({ name: 'blind', preLabels: 'hidden', autoFinalize: true, seed: 11 })
      first = (await queueOf(ann, round)).items[0]!.commitId
      expect((await save(ann, round, first, [code('sharing')])).status).toBe(200)
    })

    it("hides another coder's label, other people's labels, memos and machine pre-labels in the commit view", async () => {
      const asBen = await detail(ben, first)
      expect(asBen.labels.map((l) => l.rater)).toEqual([])
      expect(asBen.openCodes).toEqual([])
      expect(asBen.finalCode).toBeNull()
      // The same commit, seen by an admin who does not code the round: everything.
      const asAdmin = await detail(admin, first)
      expect(asAdmin.labels.map((l) => l.rater)).toEqual(expect.arrayContaining(['ann', 'coder1', 'coder2', 'llm']))
      // Ann sees her own label, but not the others'.
      expect((await detail(ann, first)).labels.map((l) => l.rater)).toEqual(['ann'])
      // A member who is not in the round sees the commit as usual.
      expect((await detail(outsider, first)).labels.map((l) => l.rater)).toContain('ann')
    })

    it("keeps another coder's labels out of agreement and exports for coders", async () => {
      const report = await ben.json(`${project}/agreement?coders=ann,coder1`)
      expect(report.status).toBe(400)
      expect(report.body.error).toMatch(/no labels by ann/)
      const exported = await ben.json<{ sha: string; coder: string; source: string }[]>(`${project}/export/labels?format=json`)
      expect(exported.status).toBe(200)
      expect(exported.body.some((r) => r.coder === 'ann')).toBe(false)
      const csv = await (await ben.request(`${project}/export/labels`)).text()
      expect(csv.split('\n')[0]).toBe('platform,repo,sha,coder,source,code')
      expect(csv).not.toMatch(/,ann,/)
      // The round's units lose every other label for Ben; elsewhere nothing is hidden.
      const units = new Set((await queueOf(ben, round)).items.map((i) => i.commitId))
      const all = await admin.json<{ sha: string; coder: string }[]>(`${project}/export/labels?format=json`)
      expect(all.body.some((r) => r.coder === 'ann')).toBe(true)
      expect(exported.body.length).toBeLessThan(all.body.length)
      expect(exported.body.length).toBeGreaterThan(all.body.length - units.size * 4)
    })

    it("gives coders no dashboard, adjudication or live events of their open round", async () => {
      for (const path of ['dashboard', 'adjudication', 'events']) {
        expect((await ben.request(`${project}/rounds/${round}/${path}`)).status, path).toBe(403)
      }
      expect((await admin.request(`${project}/rounds/${round}/dashboard`)).status).toBe(200)
    })

    it("does not let a coder change another coder's label or code outside their queue", async () => {
      const before = await t.db.select().from(labels).where(and(eq(labels.commitId, first), eq(labels.context, `round:${round}`)))
      const benQueue = (await queueOf(ben, round)).items.map((i) => i.commitId)
      const annOnly = (await queueOf(ann, round)).items.map((i) => i.commitId)
      const outside = (await admin.json<{ items: { id: number }[] }>(`${project}/commits?limit=500`)).body.items.find(
        (c) => !benQueue.includes(c.id) && !annOnly.includes(c.id),
      )!
      const res = await save(ben, round, outside.id, [code('sharing')])
      expect(res.status).toBe(403)
      // Saving the same unit writes Ben's own label; Ann's stays as it was.
      expect((await save(ben, round, first, [code('model structure')])).status).toBe(200)
      const after = await t.db.select().from(labels).where(and(eq(labels.commitId, first), eq(labels.context, `round:${round}`)))
      expect(after).toHaveLength(before.length + 1)
      expect(after.find((l) => l.id === before[0]!.id)).toMatchObject({ raterId: ann.user.id, updatedAt: before[0]!.updatedAt })
      expect((await unit(ann, round, first)).mine.codeIds).toEqual([code('sharing')])
      // An outsider has no queue in the round.
      expect((await outsider.request(`${project}/coding/${round}/queue`)).status).toBe(403)
    })

    it('keeps hidden pre-labels hidden on the coding screen, before and after coding', async () => {
      const u = await unit(ann, round, first)
      expect(u.preLabels).toEqual([])
      expect(u.codebook.codes.find((c) => c.name === 'sharing')?.hotkey).toBe('7')
    })

    it('keeps the memo private, as the coder’s open code', async () => {
      const res = await ann.json(`${project}/coding/${round}/units/${first}/memo`, { method: 'PUT', json: { memo: 'pushes weights to the hub' } })
      expect(res.status).toBe(200)
      await ann.json(`${project}/coding/${round}/units/${first}/memo`, { method: 'PUT', json: { memo: 'pushes weights and card to the hub' } })
      const rows = await t.db.select().from(openCodes).where(and(eq(openCodes.commitId, first), eq(openCodes.coderId, ann.user.id)))
      expect(rows.map((r) => r.text)).toEqual(['pushes weights and card to the hub'])
      expect((await detail(ben, first)).openCodes).toEqual([])
      expect((await detail(ann, first)).openCodes.map((o) => o.text)).toEqual(['pushes weights and card to the hub'])
    })

    it('reveals: labels become visible and are locked', async () => {
      const revealed = await admin.json(`${project}/rounds/${round}/reveal`, { method: 'POST' })
      expect(revealed.status).toBe(200)
      expect((await detail(ben, first)).labels.map((l) => l.rater)).toEqual(expect.arrayContaining(['ann', 'ben', 'coder1', 'llm']))
      const locked = await save(ann, round, first, [code('model structure')])
      expect(locked.status).toBe(409)
      expect((await ben.request(`${project}/rounds/${round}/dashboard`)).status).toBe(200)
    })
  })

  describe('saving labels', () => {
    let round: number
    let units: number[]
    beforeAll(async () => {
      round = await createRound({ name: 'saves', seed: 21, autoFinalize: false })
      units = (await queueOf(ann, round)).items.map((i) => i.commitId)
    })

    it('keeps both labels when two coders save the same unit at once', async () => {
      const unitId = units[0]!
      const results = await Promise.all([
        save(ann, round, unitId, [code('preprocessing')]),
        save(ben, round, unitId, [code('external documentation')]),
        save(ann, round, units[1]!, [code('sharing')]),
        save(ben, round, units[1]!, [code('sharing')]),
      ])
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200])
      expect((await unit(ann, round, unitId)).mine.codeIds).toEqual([code('preprocessing')])
      expect((await unit(ben, round, unitId)).mine.codeIds).toEqual([code('external documentation')])
    })

    it("replaces only the coder's own label on a second save", async () => {
      const unitId = units[0]!
      const others = await t.db.select().from(labels).where(and(eq(labels.commitId, unitId)))
      expect((await save(ann, round, unitId, [code('input data')])).status).toBe(200)
      const after = await t.db.select().from(labels).where(and(eq(labels.commitId, unitId)))
      expect(after).toHaveLength(others.length)
      expect((await unit(ann, round, unitId)).mine.codeIds).toEqual([code('input data')])
      expect((await unit(ben, round, unitId)).mine.codeIds).toEqual([code('external documentation')])
      for (const l of others.filter((o) => o.raterId !== ann.user.id)) expect(after.find((a) => a.id === l.id)).toEqual(l)
    })

    it('refuses a second code on a single-label codebook and an unknown code', async () => {
      expect((await save(ann, round, units[2]!, [code('sharing'), code('input data')])).status).toBe(400)
      expect((await save(ann, round, units[2]!, [999_999])).status).toBe(400)
    })

    it('clears a label with no codes, skips to the end of the queue, and counts progress', async () => {
      const before = await queueOf(ann, round)
      expect(before.progress.done).toBe(2)
      expect((await save(ann, round, units[1]!, [])).status).toBe(200)
      const skipped = units[2]!
      expect((await ann.json(`${project}/coding/${round}/units/${skipped}/skip`, { method: 'POST' })).status).toBe(200)
      const after = await queueOf(ann, round)
      expect(after.progress.done).toBe(1)
      expect(after.items.at(-1)).toMatchObject({ commitId: skipped, skipped: true })
      expect(after.items).toHaveLength(before.items.length)
    })
  })

  describe('pre-labels', () => {
    it('shows machine pre-labels when the round says shown', async () => {
      const round = await createRound({ name: 'shown', preLabels: 'shown', seed: 31 })
      const first = (await queueOf(ann, round)).items[0]!.commitId
      const u = await unit(ann, round, first)
      expect(u.preLabels.map((p) => p.rater)).toEqual(['llm:gemini'])
      expect((await detail(ann, first)).labels.map((l) => l.rater)).toEqual(['llm'])
    })

    it('shows them only after the coder saved their own label when the round says after', async () => {
      const round = await createRound({ name: 'after', preLabels: 'after', seed: 41 })
      const first = (await queueOf(ben, round)).items[0]!.commitId
      expect((await unit(ben, round, first)).preLabels).toEqual([])
      expect((await detail(ben, first)).labels).toEqual([])
      await save(ben, round, first, [code('sharing')])
      expect((await unit(ben, round, first)).preLabels.map((p) => p.rater)).toEqual(['llm:gemini'])
      expect((await detail(ben, first)).labels.map((l) => l.rater).sort()).toEqual(['ben', 'llm'])
    })
  })

  describe('unanimity', () => {
    it('finalizes a unit all its coders coded alike, and withdraws it when they stop agreeing', async () => {
      const round = await createRound({ name: 'unanimous', seed: 51, autoFinalize: true, preLabels: 'shown' })
      const first = (await queueOf(ann, round)).items[0]!.commitId
      await save(ann, round, first, [code('parameter tuning')])
      expect((await detail(admin, first)).finalCode?.method).not.toBe('agreement')
      await save(ben, round, first, [code('parameter tuning')])
      const final = (await detail(admin, first)).finalCode
      expect(final).toMatchObject({ method: 'agreement', codes: [{ name: 'parameter tuning' }] })
      // Hidden from the coders while the round is open.
      expect((await detail(ann, first)).finalCode).toBeNull()
      const exported = await admin.json<{ coder: string; codes: string[] }[]>(`${project}/export/labels?format=json`)
      expect(exported.body.filter((r) => r.coder === 'final' && r.codes.includes('parameter tuning')).length).toBeGreaterThan(0)
      await save(ben, round, first, [code('sharing')])
      expect((await detail(admin, first)).finalCode).toBeNull()
      const audit = await t.db.select().from(auditLog).where(and(eq(auditLog.entity, 'final-code'), eq(auditLog.entityId, String(first))))
      expect(audit.map((a) => a.action)).toEqual(['finalize', 'unfinalize'])
    })
  })
})
