import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { finishedStatuses, getJob } from '../../server/services/jobs'
import { isDatabaseEmpty } from '../../server/services/sample'
import { signedInApp } from '../helpers/auth'
import type { Requester } from '../helpers/auth'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'

describe('loading the bundled sample from the web app (POST /api/projects/sample)', () => {
  let t: TestDatabase
  let admin: Requester
  beforeAll(async () => {
    t = await freshDatabase()
    admin = await signedInApp(t.db, { role: 'admin' })
  })
  afterAll(() => t.dispose())

  it('refuses a coder and changes nothing', async () => {
    const coder = await signedInApp(t.db, { role: 'coder', project: 'elsewhere', app: admin.app })
    const r = await coder.json('/api/projects/sample', { method: 'POST' })
    expect(r.status).toBe(403)
    expect(await isDatabaseEmpty(t.ctx)).toBe(true)
  })

  it("loads it for an admin as a job of 'default', then refuses a second load", async () => {
    const r = await admin.json('/api/projects/sample', { method: 'POST' })
    expect(r.status).toBe(202)
    expect(r.body).toMatchObject({ project: 'default', job: { kind: 'load-sample' } })
    const projectId = r.body.job.projectId as number
    let job = await getJob(t.ctx, projectId, r.body.job.id)
    while (!finishedStatuses.includes(job.status)) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      job = await getJob(t.ctx, projectId, job.id)
    }
    expect(job).toMatchObject({ status: 'done', done: 4, total: 4, message: 'Loaded', result: { families: 4, study_commits: 320 } })
    expect((job.result as { commits: number }).commits).toBeGreaterThan(0)
    const projects = await admin.json<{ name: string; commits: number }[]>('/api/projects')
    expect(projects.body.map((p) => p.name)).toEqual(['default', 'elsewhere', 'study'])

    const again = await admin.json('/api/projects/sample', { method: 'POST' })
    expect(again.status).toBe(409)
    expect(again.body.error).toContain('only into an empty Concord')
  })
})
