/**
 * Blind coding against a coder who calls the API directly instead of using the pages: every
 * read that could carry another coder's work on an open round's units (commit detail, label
 * export, agreement, disagreements, dashboard, card sort, the re-coding queue, codebook usage,
 * labeling overview, rounds, jobs, search), and writes as someone else or into another round.
 */
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labels } from '../../schema'
import { currentCodebook } from '../../server/services/codebook'
import { findProject } from '../../server/services/projects'
import { loadSample, studyProjectName } from '../../server/services/sample'
import { ensureMember } from '../../server/services/users'
import { projectTeam, signedInApp } from '../helpers/auth'
import type { Requester } from '../helpers/auth'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'

let t: TestDatabase
let admin: Requester
let ann: Requester
let ben: Requester
let cid: Requester
let round: number
let unit: number
let code: (name: string) => number
const P = `/api/projects/${studyProjectName}`
const memo = 'ann-private-memo-7f3a'

type Usage = { codes: { name: string; usage: Record<string, number> }[] }
const usageOf = async (who: Requester) => (await who.json<Usage>(`${P}/codebook`)).body.codes.map((c) => [c.name, c.usage])

let benUsageBefore: unknown
let benOverviewBefore: unknown
let benStatusBefore: unknown

beforeAll(async () => {
  t = await freshDatabase()
  await loadSample(t.ctx, { diffCap: 20_000 })
  ;({ admin, coders: [ann, ben, cid] } = await projectTeam(t.db, { project: studyProjectName, coders: ['ann', 'ben', 'cid'] }))
  const studyId = (await findProject(t.ctx, studyProjectName))!.id
  const ids = new Map((await currentCodebook(t.ctx, studyId)).codes.map((c) => [c.name, c.id]))
  code = (name) => ids.get(name)!
  const created = await admin.json<{ id: number }>(`${P}/rounds`, {
    method: 'POST',
    json: { name: 'blind', coders: ['ann', 'ben'], selection: 'random', size: 6, overlap: { mode: 'k', k: 2 }, machineRaters: ['llm'], preLabels: 'hidden', seed: 7 },
  })
  expect(created.status).toBe(201)
  round = created.body.id
  unit = (await ann.json<{ items: { commitId: number }[] }>(`${P}/coding/${round}/queue`)).body.items[0]!.commitId
  // What Ben sees before Ann codes: nothing he may see changes when she does.
  benUsageBefore = await usageOf(ben)
  benOverviewBefore = (await ben.json(`${P}/labeling`)).body
  benStatusBefore = (await ben.json(`${P}`)).body.status
  expect((await ann.json(`${P}/coding/${round}/units/${unit}/label`, { method: 'PUT', json: { codeIds: [code('sharing')] } })).status).toBe(200)
  expect((await ann.json(`${P}/coding/${round}/units/${unit}/memo`, { method: 'PUT', json: { memo } })).status).toBe(200)
})
afterAll(() => t.dispose())

/** The raw text of a response as Ben, which must name neither Ann's work nor the other raters' on the unit. */
async function asBen(path: string): Promise<{ status: number; text: string }> {
  const res = await ben.request(path)
  const text = await res.text()
  expect(text, path).not.toContain(memo)
  return { status: res.status, text }
}

describe("a coder's direct reads in an open blind round", () => {
  it('commit detail: only his own work on the unit', async () => {
    const detail = JSON.parse((await asBen(`${P}/commits/${unit}`)).text)
    expect(detail.labels).toEqual([])
    expect(detail.openCodes).toEqual([])
    expect(detail.finalCode).toBeNull()
    // Ann's label is there for an admin who does not code the round.
    const full = (await admin.json(`${P}/commits/${unit}`)).body
    expect(full.labels.map((l: { rater: string }) => l.rater)).toEqual(expect.arrayContaining(['ann', 'coder1', 'llm']))
  })

  it('label export (JSON and CSV): no label of others on the round units', async () => {
    const rows = JSON.parse((await asBen(`${P}/export/labels?format=json`)).text) as { coder: string; sha: string }[]
    expect(rows.some((r) => r.coder === 'ann')).toBe(false)
    const sha = (await admin.json(`${P}/commits/${unit}`)).body.sha as string
    expect(rows.filter((r) => r.sha === sha)).toEqual([])
    expect((await asBen(`${P}/export/labels?format=csv&coder=ann`)).text).not.toMatch(/,ann,/)
  })

  it('agreement, confusion and disagreements: Ann is not there, with any filter', async () => {
    for (const query of [`coders=ann,ben`, `coders=ann,coder1`, `round=${round}`, `round=${round}&coders=ann,llm`]) {
      const report = await asBen(`${P}/agreement?resamples=0&${query}`)
      expect(report.text, query).not.toMatch(/"ann"/)
      const disagreements = await asBen(`${P}/agreement/disagreements?${query}`)
      expect(disagreements.text, query).not.toMatch(/"ann"/)
    }
    const confusion = await asBen(`${P}/agreement/confusion?coders=ann,ben&round=${round}`)
    expect(confusion.status).toBe(400)
    expect(confusion.text).toMatch(/no labels by ann/)
  })

  it('dashboard, adjudication and live events of the round: refused', async () => {
    for (const path of ['dashboard', 'adjudication', 'events']) expect((await ben.request(`${P}/rounds/${round}/${path}`)).status, path).toBe(403)
    const summary = JSON.parse((await asBen(`${P}/rounds/${round}`)).text)
    expect(summary.progress).toBeNull()
    expect(summary.finalized).toBeNull()
    const list = JSON.parse((await asBen(`${P}/rounds`)).text) as { progress: unknown }[]
    expect(list.every((r) => r.progress === null)).toBe(true)
  })

  it("card sort: Ann's memo is not a card", async () => {
    const board = JSON.parse((await asBen(`${P}/card-sort`)).text)
    expect(board.cards.length).toBeGreaterThan(0)
    expect((await admin.request(`${P}/card-sort`).then((r) => r.text()))).toContain(memo)
  })

  it('search and filters: memos and labels are not searchable', async () => {
    const found = JSON.parse((await asBen(`${P}/commits?q=${memo}`)).text)
    expect(found.total).toBe(0)
  })

  it('codebook usage, the labeling overview and the project counts do not move when Ann codes', async () => {
    expect(await usageOf(ben)).toEqual(benUsageBefore)
    expect((await ben.json(`${P}/labeling`)).body).toEqual(benOverviewBefore)
    expect((await ben.json(`${P}`)).body.status).toEqual(benStatusBefore)
    expect((await admin.json(`${P}`)).body.status.labels).toBeGreaterThan((benStatusBefore as { labels: number }).labels)
    // They do for an admin: Ann's label counts.
    const sharing = (await admin.json<Usage>(`${P}/codebook`)).body.codes.find((c) => c.name === 'sharing')!
    const before = (benUsageBefore as [string, Record<string, number>][]).find(([name]) => name === 'sharing')![1]
    expect(sharing.usage.labels).toBe(before.labels! + 1)
  })

  it("analysis: a unit the two coders agreed on gets a final code, which Ben's analysis leaves out", async () => {
    const D = '/api/projects/default'
    const defaultId = (await findProject(t.ctx, 'default'))!.id
    for (const who of [ann, ben]) await ensureMember(t.ctx, defaultId, who.user.id, 'coder')
    const created = await admin.json<{ id: number }>(`${D}/rounds`, { method: 'POST', json: { name: 'agree', coders: ['ann', 'ben'], selection: 'random', size: 2, overlap: { mode: 'k', k: 2 }, seed: 3 } })
    expect(created.status).toBe(201)
    const shared = (await ann.json<{ items: { commitId: number }[] }>(`${D}/coding/${created.body.id}/queue`)).body.items[0]!.commitId
    const finals = async (who: Requester) => (await who.json<{ codes: { final_commits: number } }>(`${D}/analysis`)).body.codes.final_commits
    const [adminBefore, benBefore] = [await finals(admin), await finals(ben)]
    const sharing = (await currentCodebook(t.ctx, defaultId)).codes.find((c) => c.name === 'sharing')!.id
    for (const who of [ann, ben]) {
      expect((await who.json(`${D}/coding/${created.body.id}/units/${shared}/label`, { method: 'PUT', json: { codeIds: [sharing] } })).status).toBe(200)
    }
    expect(await finals(admin)).toBe(adminBefore + 1)
    expect(await finals(ben)).toBe(benBefore)
    const family = (await admin.json<{ families: { family: string }[] }>(`${D}/analysis`)).body.families[0]!.family
    expect((await asBen(`${D}/analysis/report.html`)).status).toBe(200)
    expect((await asBen(`${D}/analysis/families/${family}`)).status).toBe(200)
  })

  it('an admin who codes in an open round gets neither the project archive nor the labeler evaluation', async () => {
    const dora = await signedInApp(t.db, { role: 'coder', project: studyProjectName, name: 'dora', app: admin.app })
    expect((await admin.request(`${P}/members/${dora.user.id}`, { method: 'PATCH', json: { role: 'admin' } })).status).toBe(200)
    const evaluation = `${P}/labeling/evaluation?labeler=llm&against=coder1`
    expect((await dora.request(`${P}/archive`)).status).toBe(200)
    expect((await dora.request(evaluation)).status).toBe(200)
    const own = await admin.json(`${P}/rounds`, { method: 'POST', json: { name: 'dora codes', coders: ['dora'], selection: 'random', size: 2, seed: 9 } })
    expect(own.status).toBe(201)
    for (const path of [`${P}/archive`, evaluation]) {
      const res = await dora.json(path)
      expect(res.status, path).toBe(403)
      expect(res.body.error).toMatch(/open round/)
    }
  })

  it('jobs: nothing of Ann in the project jobs', async () => {
    expect((await asBen(`${P}/jobs`)).status).toBe(200)
  })

  it("the re-coding queue after a split: Ann's label on the unit is not listed", async () => {
    const split = await admin.json(`${P}/codebook/split`, { method: 'POST', json: { code: 'sharing', into: ['sharing weights', 'sharing code'] } })
    expect(split.status, JSON.stringify(split.body)).toBe(200)
    const queue = JSON.parse((await asBen(`${P}/codebook/recode?status=all`)).text) as { commitId: number; labels: { rater: string }[] }[]
    const onUnit = queue.filter((q) => q.commitId === unit)
    const adminQueue = (await admin.json<typeof queue>(`${P}/codebook/recode?status=all`)).body
    expect(adminQueue.find((q) => q.commitId === unit)?.labels.map((l) => l.rater)).toContain('ann')
    expect(onUnit.length).toBe(1)
    expect(onUnit[0]!.labels).toEqual([])
  })
})

describe("a coder's direct writes", () => {
  const labelsOn = (commitId: number) => t.db.select().from(labels).where(and(eq(labels.commitId, commitId), eq(labels.context, `round:${round}`)))

  it('cannot label as someone else: a forged rater in the body is ignored', async () => {
    const before = await labelsOn(unit)
    const annLabel = before.find((l) => l.raterId === ann.user.id)!
    const forged = { codeIds: [code('preprocessing')], raterId: ann.user.id, rater: 'ann', coder: 'ann', coderId: ann.user.id, userId: ann.user.id }
    expect((await ben.json(`${P}/coding/${round}/units/${unit}/label`, { method: 'PUT', json: forged })).status).toBe(200)
    const after = await labelsOn(unit)
    expect(after.find((l) => l.id === annLabel.id)).toEqual(annLabel)
    expect(after.filter((l) => l.raterId === ben.user.id)).toHaveLength(1)
    const annUnit = (await ann.json<{ mine: { codeIds: number[] } }>(`${P}/coding/${round}/units/${unit}`)).body
    expect(annUnit.mine.codeIds).not.toContain(code('preprocessing'))
  })

  it('cannot write into a round he is not in, nor through another project', async () => {
    const before = await labelsOn(unit)
    const body = { method: 'PUT', json: { codeIds: [code('preprocessing')] } }
    expect((await cid.request(`${P}/coding/${round}/units/${unit}/label`, body)).status).toBe(403)
    expect((await cid.request(`${P}/coding/${round}/units/${unit}/memo`, { method: 'PUT', json: { memo: 'x' } })).status).toBe(403)
    expect((await cid.request(`${P}/coding/${round}/units/${unit}/skip`, { method: 'POST' })).status).toBe(403)
    // The round belongs to `study`: under `default` it is refused to a non-member (Cid), and is
    // not found for a member there (Ben, since the analysis test).
    expect((await cid.request(`/api/projects/default/coding/${round}/units/${unit}/label`, body)).status).toBe(403)
    expect((await ben.request(`/api/projects/default/coding/${round}/units/${unit}/label`, body)).status).toBe(404)
    // Nor can a coder adjudicate or reveal the round he codes in.
    expect((await ben.request(`${P}/rounds/${round}/adjudication`, { method: 'POST', json: { commitId: unit, codeIds: [code('preprocessing')], note: 'mine' } })).status).toBe(403)
    expect((await ben.request(`${P}/rounds/${round}/reveal`, { method: 'POST' })).status).toBe(403)
    expect(await labelsOn(unit)).toEqual(before)
  })
})
