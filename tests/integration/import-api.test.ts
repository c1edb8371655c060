import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app'
import { loadConfig } from '../../server/config'
import { ensureProject } from '../../server/services/projects'
import { startFakeGithub, syntheticGithubHistory } from '../fakes/github'
import type { FakeGithub } from '../fakes/github'
import { signedInApp } from '../helpers/auth'
import type { Requester } from '../helpers/auth'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { GitRepo } from '../helpers/git-repo'

type JobEvent = { id: number; status: string; done: number; total: number | null; message: string; result: Record<string, unknown> | null; error: string | null; progress: { rate: number; etaSeconds: number | null } }

describe('imports, families and discovery over the API', () => {
  let t: TestDatabase
  let fake: FakeGithub
  let app: ReturnType<typeof createApp>
  let admin: Requester
  let hf: GitRepo
  const json = (method: string, body?: unknown) => ({ method, ...(body === undefined ? {} : { json: body }) })

  beforeAll(async () => {
    t = await freshDatabase()
    await ensureProject(t.ctx, 'default')
    fake = await startFakeGithub({
      repos: { 'acme/lm': { commits: syntheticGithubHistory(40), readme: '# LM\nWeights: https://huggingface.co/acme/lm-7b\n' } },
      maxPerPage: 15,
      rateLimitAt: [3],
    })
    app = createApp({
      db: t.db,
      auth: { required: true },
      imports: { ...loadConfig({}).sources, githubApiUrl: fake.url, retryBaseMs: 10, diffCap: 20_000 },
    })
    admin = await signedInApp(t.db, { role: 'admin', app })
    hf = new GitRepo()
    hf.write('README.md', '---\nlicense: mit\n---\n# lm-7b\n')
    hf.commit('initial commit')
    hf.write('config.json', '{}\n')
    hf.commit('Upload config.json')
  })
  afterAll(async () => {
    await fake.close()
    await t.dispose()
    rmSync(hf.dir, { recursive: true, force: true })
  })

  /** Reads the job's SSE stream to its end; returns every progress event. */
  async function follow(id: number): Promise<JobEvent[]> {
    const response = await admin.request(`/api/projects/default/jobs/${id}/events`)
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const text = await response.text()
    return text
      .split('\n\n')
      .filter((e) => e.includes('event: progress'))
      .map((e) => JSON.parse(e.split('data: ')[1]!) as JobEvent)
  }

  it('lets only a project admin start an import', async () => {
    const anonymous = await app.request('/api/projects/default/imports', { method: 'POST', body: JSON.stringify({ source: 'github', repo: 'acme/lm' }), headers: { 'content-type': 'application/json' } })
    expect(anonymous.status).toBe(401)
    const coder = await signedInApp(t.db, { role: 'coder', app })
    const refused = await coder.request('/api/projects/default/imports', json('POST', { source: 'git', path: '/etc', platform: 'github', repo: 'a/b' }))
    expect(refused.status).toBe(403)
    expect((await coder.request('/api/projects/default/discovery')).status).toBe(200)
    expect((await coder.request('/api/projects/default/families', json('POST', { name: 'x' }))).status).toBe(403)
  })

  it('starts a GitHub import as a job and streams its progress to the end', async () => {
    const started = await admin.request('/api/projects/default/imports', json('POST', { source: 'github', repo: 'acme/lm' }))
    expect(started.status).toBe(202)
    const job = (await started.json()) as JobEvent & { kind: string }
    expect(job.kind).toBe('import-github')
    const events = await follow(job.id)
    const last = events.at(-1)!
    expect(last).toMatchObject({ status: 'done', done: 40, total: 40, result: { imported: 40, skipped_duplicates: 0, files: 1 } })
    expect(events.some((e) => /GitHub rate limit \(403\): waiting \d s/.test(e.message))).toBe(true)
    const commits = (await (await admin.request('/api/projects/default/commits?limit=5')).json()) as { total: number }
    expect(commits.total).toBe(40)
  })

  it('refuses a malformed import with 400 and reports a failing one in its job', async () => {
    const bad = await admin.request('/api/projects/default/imports', json('POST', { source: 'git', repo: 'a/b' }))
    expect(bad.status).toBe(400)
    const started = await admin.request('/api/projects/default/imports', json('POST', { source: 'git', path: '/nonexistent/clone', platform: 'huggingface', repo: 'acme/lm-7b' }))
    expect(started.status).toBe(202)
    const events = await follow(((await started.json()) as JobEvent).id)
    expect(events.at(-1)).toMatchObject({ status: 'failed', error: '/nonexistent/clone: no such directory' })
  })

  it('imports a local clone, proposes the README’s link, and accepts it into a family', async () => {
    const started = await admin.request('/api/projects/default/imports', json('POST', { source: 'git', path: hf.dir, platform: 'huggingface', repo: 'acme/lm-7b' }))
    const events = await follow(((await started.json()) as JobEvent).id)
    expect(events.at(-1)).toMatchObject({ status: 'done', result: { imported: 2, proposals: 1 } })

    const discovery = (await (await admin.request('/api/projects/default/discovery')).json()) as {
      proposals: { id: number; foundIn: string; evidence: string; github: { fullName: string }; huggingface: { fullName: string }; suggestedFamily: string }[]
      notImported: unknown[]
    }
    expect(discovery.notImported).toEqual([])
    expect(discovery.proposals).toEqual([
      expect.objectContaining({ foundIn: 'github-readme', evidence: 'Weights: https://huggingface.co/acme/lm-7b', github: expect.objectContaining({ fullName: 'acme/lm' }), suggestedFamily: 'lm' }),
    ])
    const accepted = await admin.request(`/api/projects/default/discovery/proposals/${discovery.proposals[0]!.id}/accept`, json('POST', {}))
    expect(accepted.status).toBe(200)
    expect(await accepted.json()).toMatchObject({ status: 'accepted', family: { name: 'lm' } })
    const again = await admin.request(`/api/projects/default/discovery/proposals/${discovery.proposals[0]!.id}/reject`, json('POST'))
    expect(again.status).toBe(409)
    const families = (await (await admin.request('/api/projects/default/families')).json()) as { id: number; name: string; repositories: { fullName: string; commits: number }[] }[]
    expect(families).toEqual([
      expect.objectContaining({ name: 'lm', repositories: [expect.objectContaining({ fullName: 'acme/lm', commits: 40 }), expect.objectContaining({ fullName: 'acme/lm-7b', commits: 2 })] }),
    ])
    const scan = await admin.request('/api/projects/default/discovery/scan', json('POST'))
    expect(await scan.json()).toMatchObject({ created: 0, pending: 0 })
  })

  it('creates, renames, fills, empties and deletes a family', async () => {
    const created = await admin.request('/api/projects/default/families', json('POST', { name: 'gpt-2', repositories: [{ platform: 'github', fullName: 'openai/gpt-2' }] }))
    expect(created.status).toBe(201)
    const family = (await created.json()) as { id: number; name: string }
    expect((await admin.request('/api/projects/default/families', json('POST', { name: 'gpt-2' }))).status).toBe(409)
    const renamed = await admin.request(`/api/projects/default/families/${family.id}`, json('PATCH', { name: 'GPT-2' }))
    expect(await renamed.json()).toMatchObject({ id: family.id, name: 'GPT-2' })
    const linked = await admin.request(`/api/projects/default/families/${family.id}/repositories`, json('POST', { repositories: [{ platform: 'huggingface', fullName: 'openai-community/gpt2' }] }))
    expect(await linked.json()).toEqual({ family: 'GPT-2', linked: 1 })
    const list = (await (await admin.request('/api/projects/default/families')).json()) as { id: number; repositories: { id: number; fullName: string }[] }[]
    const members = list.find((f) => f.id === family.id)!.repositories
    expect(members.map((r) => r.fullName)).toEqual(['openai/gpt-2', 'openai-community/gpt2'])
    const unlinked = await admin.request(`/api/projects/default/families/${family.id}/repositories/${members[1]!.id}`, json('DELETE'))
    expect(await unlinked.json()).toEqual({ family: 'GPT-2', unlinked: 1 })
    expect((await admin.request('/api/projects/default/families/99999', json('PATCH', { name: 'x' }))).status).toBe(404)
    expect(await (await admin.request(`/api/projects/default/families/${family.id}`, json('DELETE'))).json()).toEqual({ deleted: 'GPT-2' })
  })
})
