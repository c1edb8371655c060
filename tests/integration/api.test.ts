import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isDatabaseEmpty, loadSample } from '../../server/services/sample'
import { signedInApp } from '../helpers/auth'
import type { Requester } from '../helpers/auth'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'

let t: TestDatabase
let admin: Requester
beforeAll(async () => {
  t = await freshDatabase()
  expect(await isDatabaseEmpty(t.ctx)).toBe(true)
  await loadSample(t.ctx, { diffCap: 20_000 })
  admin = await signedInApp(t.db, { role: 'admin' })
})
afterAll(() => t.dispose())

const get = async (path: string) => {
  const res = await admin.request(path)
  return { status: res.status, body: await res.json(), headers: res.headers }
}

describe('the API over the bundled sample', () => {
  it('answers health with security headers set', async () => {
    const r = await get('/api/health')
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ ok: true, service: 'concord' })
    expect(r.headers.get('x-content-type-options')).toBe('nosniff')
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
  })

  it('lists the sample projects with counts', async () => {
    const r = await get('/api/projects')
    expect(r.body.map((p: { name: string }) => p.name)).toEqual(['default', 'study'])
    const study = r.body.find((p: { name: string }) => p.name === 'study')
    expect(study.commits).toBe(320)
    expect(await isDatabaseEmpty(t.ctx)).toBe(false)
  })

  it('lists families with their repositories, GitHub first', async () => {
    const r = await get('/api/projects/default/families')
    expect(r.body.map((f: { name: string }) => f.name)).toEqual(['baichuan2', 'bert', 'codegeex2', 'gpt-j'])
    const codegeex2 = r.body.find((f: { name: string }) => f.name === 'codegeex2')
    expect(codegeex2.repositories[0]).toMatchObject({ platform: 'github', fullName: 'THUDM/CodeGeeX2', commits: 57 })
    expect(codegeex2.repositories.find((x: { fullName: string }) => x.fullName === 'THUDM/codegeex2-6b').commits).toBe(17)
  })

  it('searches commits by message text, newest first, and pages', async () => {
    const all = await get('/api/projects/default/commits?limit=5')
    expect(all.body.items).toHaveLength(5)
    const dates = all.body.items.map((c: { committedAt: string }) => c.committedAt)
    expect([...dates].sort().reverse()).toEqual(dates)

    const found = await get('/api/projects/default/commits?q=tokenizer&limit=500')
    expect(found.body.total).toBeGreaterThan(0)
    expect(found.body.total).toBeLessThan(all.body.total)
    for (const item of found.body.items) {
      const detail = await get(`/api/projects/default/commits/${item.id}`)
      expect(`${detail.body.message} ${detail.body.authorName} ${detail.body.sha}`.toLowerCase()).toContain('tokenizer')
    }
  })

  it('treats search wildcards literally', async () => {
    const r = await get('/api/projects/default/commits?q=%25%25%25')
    expect(r.body.total).toBe(0)
  })

  it('filters by family and platform', async () => {
    const families = (await get('/api/projects/default/families')).body
    const gptj = families.find((f: { name: string }) => f.name === 'gpt-j')
    const hf = await get(`/api/projects/default/commits?family=${gptj.id}&platform=huggingface&limit=500`)
    expect(hf.body.total).toBe(23)
    expect(hf.body.items.every((c: { repository: string }) => c.repository === 'EleutherAI/gpt-j-6b')).toBe(true)
  })

  it('shows a commit with files, labels and open codes', async () => {
    const page = await get('/api/projects/study/commits?platform=huggingface&q=large-upload')
    const detail = await get(`/api/projects/study/commits/${page.body.items[0].id}`)
    expect(detail.status).toBe(200)
    expect(detail.body.files.map((f: { path: string }) => f.path)).toContain('model-00001-of-00004.safetensors')
    expect(detail.body.labels.map((l: { rater: string }) => l.rater)).toEqual(['coder1', 'coder2', 'llm'])
    expect(detail.body.labels[0].codes[0].name).toBe('sharing')
    expect(detail.body.openCodes).toEqual([{ coder: 'coder1', text: 'large file upload' }])
  })

  it('answers unknown projects and commits with 404 and bad queries with 400', async () => {
    expect((await get('/api/projects/nope/families')).status).toBe(404)
    expect((await get('/api/projects/default/commits/999999')).status).toBe(404)
    expect((await get('/api/projects/default/commits?platform=gitlab')).status).toBe(400)
    expect((await get('/api/nothing')).status).toBe(404)
  })

  it('does not show one project\'s commit under another', async () => {
    const study = await get('/api/projects/study/commits?limit=1')
    expect((await get(`/api/projects/default/commits/${study.body.items[0].id}`)).status).toBe(404)
  })
})
