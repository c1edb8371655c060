import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importStudyFile } from '../../server/services/importing'
import { ensureProject } from '../../server/services/projects'
import { signedInApp } from '../helpers/auth'
import type { Requester } from '../helpers/auth'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { sharedPath } from '../helpers/shared'
import { validateQdc } from '../helpers/xsd'

let t: TestDatabase
let admin: Requester
beforeAll(async () => {
  t = await freshDatabase()
  const project = await ensureProject(t.ctx, 'study')
  await importStudyFile(t.ctx, { projectId: project.id, file: sharedPath('data', 'paper', 'HF_160_with_labels.reduced.csv'), format: 'study-hf' })
  // Signed in, the author of a codebook change is the person signed in (the body's author is ignored).
  admin = await signedInApp(t.db, { role: 'admin', name: 'alice' })
})
afterAll(() => t.dispose())

const base = '/api/projects/study'
const get = async (path: string) => {
  const res = await admin.request(base + path)
  return { status: res.status, body: await res.json(), headers: res.headers }
}
const post = async (path: string, body: unknown, root = base) => {
  const res = await admin.request(root + path, { method: 'POST', json: body })
  return { status: res.status, body: await res.json() }
}

describe('the codebook API', () => {
  it('shows the codes with notes, examples linked to the project, usage and the versions', async () => {
    const r = await get('/codebook')
    expect(r.status).toBe(200)
    expect(r.body.codebook).toMatchObject({ name: 'PTLM change types', multiLabel: false })
    const sharing = r.body.codes.find((c: { name: string }) => c.name === 'sharing')
    expect(sharing.includeNotes).toContain('Upload folder using huggingface_hub')
    expect(sharing.examples.every((e: { commitId: number | null }) => e.commitId !== null)).toBe(true)
    expect(sharing.usage).toMatchObject({ raters: 3 })
    expect(r.body.versions).toHaveLength(1)
  })

  it('merges two codes with an author, then shows the change in the history', async () => {
    const r = await post('/codebook/merge', { from: 'output data', into: 'model structure', author: 'alice' })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ version: 2, labels: 3 })
    const view = await get('/codebook')
    expect(view.body.version).toMatchObject({ version: 2, author: 'alice' })
    expect(view.body.versions[0].changes[0]).toMatchObject({ operation: 'merge', from: 'output data', to: 'model structure', labels: 3 })
    const snapshot = await get('/codebook/versions/1')
    expect(snapshot.body.codes.find((c: { name: string }) => c.name === 'output data').status).toBe('active')
    const agreement = await get('/agreement?codebookVersion=1&resamples=0')
    expect(agreement.body.units).toBe(160)
    const missing = await get('/agreement?codebookVersion=7&resamples=0')
    expect(missing.status).toBe(404)
  })

  it('answers operation errors with their status and message', async () => {
    expect(await post('/codebook/rename', { code: 'sharing', to: 'Preprocessing' })).toEqual({
      status: 409,
      body: { error: "a code named 'preprocessing' exists already", code: 'conflict' },
    })
    expect((await post('/codebook/merge', { from: 'nothing', into: 'sharing' })).status).toBe(404)
    expect((await post('/codebook/split', { code: 'sharing', into: ['a'] })).status).toBe(400)
  })

  it('exports a downloadable .qdc that validates, and refuses a bad import whole', async () => {
    const res = await admin.request(`${base}/codebook/export?format=qdc`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/xml')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="study-codebook-v\d+\.qdc"$/)
    const xml = await res.text()
    expect((await validateQdc(xml)).errors).toEqual([])

    const before = (await get('/codebook')).body.versions.length
    const bad = await post('/codebook/import', { filename: 'example-invalid.qdc', content: readFileSync(sharedPath('data', 'refi-qda', 'example-invalid.qdc'), 'utf8') })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toContain("element Code 'external documentation'")
    expect(bad.body.error).toContain("the attribute 'isCodable' is required but missing")
    expect((await get('/codebook')).body.versions).toHaveLength(before)
    const same = await post('/codebook/import', { filename: 'study.qdc', content: xml })
    expect(same.body).toMatchObject({ version: null })
  })

  it('creates projects with the default, an empty or an uploaded codebook', async () => {
    const xml = readFileSync(sharedPath('data', 'refi-qda', 'example-valid.qdc'), 'utf8')
    const created = await post('', { name: 'from-file', codebook: { filename: 'example-valid.qdc', content: xml } }, '/api/projects')
    expect(created.status).toBe(201)
    const view = await (await admin.request('/api/projects/from-file/codebook')).json()
    expect(view.codes.map((c: { name: string }) => c.name)).toEqual(['documentation', 'external documentation'])
    expect((await post('', { name: 'blank', codebook: 'empty' }, '/api/projects')).status).toBe(201)
    expect((await post('', { name: 'study' }, '/api/projects')).status).toBe(409)
  })
})

describe('the card-sorting API', () => {
  it('lists cards, moves them and creates a category from a group', async () => {
    const board = await get('/card-sort')
    expect(board.body.openCodes).toEqual({ total: 160, sorted: 0 })
    const docs = board.body.categories.find((c: { name: string }) => c.name === 'external documentation')
    const moved = await post('/card-sort/move', { cards: [{ text: 'readme update', categoryId: null }], to: docs.id })
    expect(moved.body.moved).toBeGreaterThan(10)
    const created = await post('/card-sort/categories', { name: 'tokenizer', cards: [{ text: 'tokenizer update', categoryId: null }, { text: 'tokenizer addition', categoryId: null }] })
    expect(created.status).toBe(201)
    expect(created.body.moved).toBeGreaterThan(2)
    const after = await get('/card-sort')
    expect(after.body.openCodes.sorted).toBe(moved.body.moved + created.body.moved)
    expect(after.body.units.unsorted).toBe(160 - after.body.openCodes.sorted)
    expect((await post('/card-sort/move', { cards: [], to: null })).status).toBe(400)
  })
})
