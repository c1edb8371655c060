import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app'
import { loadConfig } from '../../server/config'
import { importStudyFile } from '../../server/services/importing'
import { ensureProject } from '../../server/services/projects'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { sharedPath } from '../helpers/shared'
import { enforcedApp, requesterFor, signedInApp } from '../helpers/auth'
import type { Requester } from '../helpers/auth'
import { startFakeOpenAI } from '../fakes/openai'
import type { FakeOpenAI } from '../fakes/openai'

const secret = 'sk-api-test-0c9d2b71'

describe('the labeling API', () => {
  let t: TestDatabase
  let fake: FakeOpenAI
  // One site administrator, signed in on an app with the LLM configured and on one without.
  let app: Requester
  let offline: Requester
  beforeAll(async () => {
    t = await freshDatabase()
    fake = await startFakeOpenAI()
    const project = await ensureProject(t.ctx, 'study')
    await importStudyFile(t.ctx, {
      projectId: project.id,
      file: sharedPath('data/paper/HF_160_with_labels.reduced.csv'),
      format: 'study-hf',
    })
    const llm = loadConfig({
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY: secret,
      CONCORD_LLM_MODEL: 'fake-1',
    }).llm
    app = await signedInApp(t.db, { role: 'admin', app: createApp({ db: t.db, llm }) })
    offline = await requesterFor(enforcedApp(t.db), t.db, app.user)
  })
  afterAll(async () => {
    await fake.close()
    t.dispose()
  })

  const call = async (target: Requester, path: string, body?: unknown) => {
    const res = await target.request(path, body === undefined ? {} : { method: 'POST', json: body })
    const text = await res.text()
    expect(text).not.toContain(secret)
    return { status: res.status, body: JSON.parse(text) }
  }

  it('says which labelers can run, without the key', async () => {
    const none = await call(offline, '/api/projects/study/labeling')
    expect(none.body.labelers.rules.available).toBe(true)
    expect(none.body.labelers.llm).toMatchObject({ available: false, endpoint: null })
    expect(none.body.labelers.llm.reason).toMatch(/not configured/)
    expect(none.body.labelers.classifier).toMatchObject({ available: false, finalCodes: 0 })
    const configured = await call(app, '/api/projects/study/labeling')
    expect(configured.body.labelers.llm).toMatchObject({
      available: true,
      model: 'fake-1',
      endpoint: fake.url,
    })
    expect(configured.body.raters.map((r: { name: string }) => r.name)).toEqual([
      'coder1',
      'coder2',
      'llm',
    ])
  })

  it('estimates, runs a job followed over server-sent events, and lists the run', async () => {
    const plan = await call(app, '/api/projects/study/labeling/estimate', {
      labeler: 'llm',
      limit: 12,
    })
    expect(plan.status).toBe(200)
    expect(plan.body).toMatchObject({ units: 12, to_send: 12, requests: 0 })
    expect(fake.completions()).toBe(0)

    const started = await call(app, '/api/projects/study/labeling/runs', {
      labeler: 'llm',
      limit: 12,
      concurrency: 3,
    })
    expect(started.status).toBe(202)
    const jobId = started.body.job.id
    const events = await app.request(`/api/projects/study/jobs/${jobId}/events`)
    const stream = await events.text()
    const updates = [...stream.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]!))
    expect(updates.at(-1)).toMatchObject({ id: jobId, status: 'done', done: 12, total: 12 })
    expect(updates.at(-1).result).toMatchObject({ labeled: 12, requests: 12, cached: 0 })
    expect(stream).not.toContain(secret)

    const runs = await call(app, '/api/projects/study/labeling/runs')
    expect(runs.body[0]).toMatchObject({
      labeler: 'llm',
      model: 'fake-1',
      status: 'done',
      labeled: 12,
      requests: 12,
      failures: 0,
    })
    expect(runs.body[0].promptTokens).toBeGreaterThan(0)
    expect(runs.body[0].params.endpoint).toBe(fake.url)
  })

  it('evaluates a labeler and a run against a coder', async () => {
    await call(offline, '/api/projects/study/labeling/runs', { labeler: 'rules' })
    let runs = (await call(offline, '/api/projects/study/labeling/runs')).body
    for (let i = 0; i < 100 && runs[0].status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50))
      runs = (await call(offline, '/api/projects/study/labeling/runs')).body
    }
    expect(runs[0]).toMatchObject({ labeler: 'rules', status: 'done', labeled: 160 })
    const byName = await call(
      offline,
      '/api/projects/study/labeling/evaluation?labeler=rules&against=coder1',
    )
    expect(byName.body).toMatchObject({ labeler: 'rules', reference: 'coder1', n: 160, run: null })
    expect(byName.body.cohen_kappa).toBeGreaterThanOrEqual(0.5)
    const byRun = await call(
      offline,
      `/api/projects/study/labeling/evaluation?run=${runs[1].id}&against=coder1`,
    )
    expect(byRun.body).toMatchObject({ labeler: `run ${runs[1].id} (llm:fake-1)`, n: 12 })
    const bad = await call(
      offline,
      '/api/projects/study/labeling/evaluation?labeler=rules&against=final',
    )
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatch(/no final codes/)
    const neither = await call(offline, '/api/projects/study/labeling/evaluation?against=coder1')
    expect(neither.status).toBe(400)
  })

  it('refuses an LLM run where none is configured, and a classifier without final codes', async () => {
    const llm = await call(offline, '/api/projects/study/labeling/runs', { labeler: 'llm' })
    expect(llm.status).toBe(400)
    expect(llm.body.error).toMatch(/LLM labeler is not configured/)
    const classifier = await call(offline, '/api/projects/study/labeling/estimate', {
      labeler: 'classifier',
    })
    expect(classifier.status).toBe(400)
    expect(classifier.body.error).toMatch(/needs at least 30 final codes/)
  })
})
