import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditLog, commits, families, familyRepositories, repositories, roundAssignments, roundUnits, rounds } from '../../schema'
import { sampleSize } from '../../server/core/sampling'
import { findProject } from '../../server/services/projects'
import { loadSample, studyProjectName } from '../../server/services/sample'
import { enforcedApp, signedInApp } from '../helpers/auth'
import type { App, Requester } from '../helpers/auth'
import { engines, freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'

describe.each(engines())('coding rounds on a %s database', (engine) => {
  let t: TestDatabase
  let app: App
  let admin: Requester
  let coders: Requester[]
  let studyId: number
  const base = `/api/projects/${studyProjectName}/rounds`

  beforeAll(async () => {
    t = await freshDatabase(engine)
    await loadSample(t.ctx, { diffCap: 20_000 })
    studyId = (await findProject(t.ctx, studyProjectName))!.id
    app = enforcedApp(t.db)
    admin = await signedInApp(t.db, { role: 'admin', app })
    coders = await Promise.all(['ann', 'ben', 'cid'].map((name) => signedInApp(t.db, { role: 'coder', project: studyProjectName, name, app })))
  })
  afterAll(() => t.dispose())

  type Round = { id: number; units: number; coders: string[]; progress: { coder: string; assigned: number; done: number }[] | null }

  async function unitsOf(roundId: number) {
    return t.db
      .select({ commitId: roundUnits.commitId, stratum: roundUnits.stratum, platform: repositories.platform })
      .from(roundUnits)
      .innerJoin(commits, eq(commits.id, roundUnits.commitId))
      .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
      .where(eq(roundUnits.roundId, roundId))
  }

  async function codersPerUnit(roundId: number) {
    const rows = await t.db.select().from(roundAssignments).where(eq(roundAssignments.roundId, roundId))
    const m = new Map<number, number[]>()
    for (const r of rows) m.set(r.commitId, [...(m.get(r.commitId) ?? []), r.coderId])
    return m
  }

  describe('the sample-size helper', () => {
    it('gives the finite-population sample size of the pool', async () => {
      const all = await admin.json(`${base}/sample-size?confidence=0.95&margin=0.05`)
      expect(all.status).toBe(200)
      expect(all.body).toMatchObject({ population: 320, n: sampleSize({ population: 320, confidence: 0.95, margin: 0.05 }).n })
      const hf = await admin.json(`${base}/sample-size?platform=huggingface&confidence=0.99&margin=0.1`)
      expect(hf.body).toMatchObject({ population: 160, n: sampleSize({ population: 160, confidence: 0.99, margin: 0.1 }).n })
    })
  })

  describe('creating rounds', () => {
    it('draws a random sample where every unit is coded by k coders', async () => {
      const res = await admin.json<Round>(base, {
        method: 'POST',
        json: { name: 'random k=2', coders: ['ann', 'ben', 'cid'], selection: 'random', size: 30, overlap: { mode: 'k', k: 2 }, seed: 5 },
      })
      expect(res.status).toBe(201)
      expect(res.body.units).toBe(30)
      const per = await codersPerUnit(res.body.id)
      expect(per.size).toBe(30)
      for (const ids of per.values()) expect(new Set(ids).size).toBe(2)
      expect(res.body.progress!.map((p) => p.assigned).sort()).toEqual([20, 20, 20])
      // The pinned codebook version is the project's current one.
      const [row] = await t.db.select().from(rounds).where(eq(rounds.id, res.body.id))
      expect(row!.codebookVersionId).toBeGreaterThan(0)
    })

    it('sizes the sample from confidence and margin when no size is given', async () => {
      const res = await admin.json<Round>(base, {
        method: 'POST',
        json: { name: 'sized', coders: ['ann', 'ben'], selection: 'random', confidence: 0.9, margin: 0.1, platform: 'github' },
      })
      expect(res.body.units).toBe(sampleSize({ population: 160, confidence: 0.9, margin: 0.1 }).n)
      expect((await unitsOf(res.body.id)).every((u) => u.platform === 'github')).toBe(true)
    })

    it('stratifies by platform in proportion to the pool', async () => {
      const res = await admin.json<Round>(base, {
        method: 'POST',
        json: { name: 'strata', coders: ['ann', 'ben'], selection: 'stratified', strata: 'platform', size: 40 },
      })
      const units = await unitsOf(res.body.id)
      expect(units).toHaveLength(40)
      expect(units.filter((u) => u.stratum === 'github')).toHaveLength(20)
      for (const u of units) expect(u.stratum).toBe(u.platform)
    })

    it('with an overlap share, gives that share to every coder and splits the rest', async () => {
      const res = await admin.json<Round>(base, {
        method: 'POST',
        json: { name: 'share', coders: ['ann', 'ben'], selection: 'random', size: 20, overlap: { mode: 'share', share: 0.25 } },
      })
      const per = [...(await codersPerUnit(res.body.id)).values()]
      expect(per.filter((c) => c.length === 2)).toHaveLength(5)
      expect(per.filter((c) => c.length === 1)).toHaveLength(15)
    })

    it('takes every commit of a platform, or of a family', async () => {
      const hf = await admin.json<Round>(base, { method: 'POST', json: { name: 'all hf', coders: ['ann'], selection: 'all', platform: 'huggingface' } })
      expect(hf.body.units).toBe(160)
      const [family] = await t.db.select().from(families).where(eq(families.projectId, studyId)).orderBy(families.name).limit(1)
      const inFamily = await t.db
        .select({ id: commits.id })
        .from(commits)
        .innerJoin(familyRepositories, eq(familyRepositories.repositoryId, commits.repositoryId))
        .where(eq(familyRepositories.familyId, family!.id))
      const res = await admin.json<Round>(base, { method: 'POST', json: { name: 'family', coders: ['ann'], selection: 'all', family: family!.name } })
      expect(res.body.units).toBe(new Set(inFamily.map((c) => c.id)).size)
      expect(new Set((await unitsOf(res.body.id)).map((u) => u.commitId))).toEqual(new Set(inFamily.map((c) => c.id)))
    })

    it('refuses bad settings with the field named', async () => {
      const cases: [unknown, RegExp][] = [
        [{ name: 'x', coders: ['nobody'] }, /coder 'nobody'/],
        [{ name: 'x', coders: ['ann'], overlap: { mode: 'k', k: 2 } }, /overlap/],
        [{ name: 'x', coders: ['ann', 'ann'] }, /twice/],
        [{ name: 'x', coders: ['ann'], selection: 'stratified' }, /strata/],
        [{ name: 'x', coders: ['ann'], machineRaters: ['gpt-9'] }, /machineRaters/],
        [{ name: 'x', coders: ['ann'], family: 'no-such-family' }, /no-such-family/],
      ]
      for (const [json, message] of cases) {
        const res = await admin.json(base, { method: 'POST', json })
        expect(res.status, JSON.stringify(json)).toBeGreaterThanOrEqual(400)
        expect(res.body.error).toMatch(message)
      }
    })

    it('shows coders only their rounds and their own progress', async () => {
      const ann = await coders[0]!.json<(Round & { mine: { assigned: number } | null })[]>(base)
      expect(ann.status).toBe(200)
      expect(ann.body.length).toBeGreaterThan(0)
      for (const r of ann.body) {
        expect(r.coders).toContain('ann')
        expect(r.progress).toBeNull()
        expect(r.mine!.assigned).toBeGreaterThan(0)
      }
      const cid = await coders[2]!.json<Round[]>(base)
      expect(cid.body.every((r) => r.coders.includes('cid'))).toBe(true)
      expect(cid.body.length).toBeLessThan(ann.body.length)
    })

    it('audits round creation', async () => {
      const rows = await t.db.select().from(auditLog).where(and(eq(auditLog.entity, 'round'), eq(auditLog.action, 'create')))
      expect(rows.length).toBeGreaterThanOrEqual(5)
    })
  })
})
