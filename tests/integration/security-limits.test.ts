/**
 * Request body limits: small for sign-in and every ordinary call, larger only where a codebook
 * file is uploaded; too large is a 413 with the usual JSON error, whether the body announces
 * its length or streams.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultBodyLimit } from '../../server/routes/body-limits'
import { maxCodebookBytes } from '../../server/services/codebook-exchange'
import { ensureProject } from '../../server/services/projects'
import { enforcedApp, signedInApp } from '../helpers/auth'
import type { App, Requester } from '../helpers/auth'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'

let t: TestDatabase
let app: App
let admin: Requester

beforeAll(async () => {
  t = await freshDatabase()
  await ensureProject(t.ctx, 'default')
  app = enforcedApp(t.db)
  admin = await signedInApp(t.db, { role: 'admin', app })
})
afterAll(() => t.dispose())

const padded = (bytes: number) => ({ name: 'admin', password: 'x'.repeat(bytes) })

async function expectTooLarge(res: Response, limit: string) {
  expect(res.status).toBe(413)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  const body = (await res.json()) as { error: string; code: string }
  expect(body.code).toBe('too_large')
  expect(body.error).toContain(`at most ${limit}`)
}

describe('body limits', () => {
  it('keeps sign-in to 64 KB: a larger body is 413 with a JSON error, even when streamed', async () => {
    expect(defaultBodyLimit).toBe(64 * 1024)
    const big = JSON.stringify(padded(defaultBodyLimit))
    const announced = await app.request('/api/auth/signin', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(big.length) }, body: big })
    await expectTooLarge(announced, '64 KB')
    const stream = new Blob([big]).stream()
    const streamed = await app.request('/api/auth/signin', { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit)
    await expectTooLarge(streamed, '64 KB')
    // Under the limit, the body is read and judged on its merits (nobody is called admin here).
    const fits = await app.request('/api/auth/signin', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(padded(1000)) })
    expect(fits.status).toBe(401)
  })

  it('keeps ordinary project calls small too', async () => {
    const res = await admin.request('/api/projects/default/members', { method: 'POST', json: { name: 'x', password: 'y'.repeat(defaultBodyLimit) } })
    await expectTooLarge(res, '64 KB')
  })

  it('takes a codebook file of several megabytes, up to twice the codebook limit once in JSON', async () => {
    const megabytes = JSON.stringify({ filename: 'big.json', content: `{"codes":[]}${' '.repeat(3 * 1024 * 1024)}` })
    const accepted = await admin.request('/api/projects/default/codebook/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: megabytes })
    expect(accepted.status).not.toBe(413)
    const tooBig = JSON.stringify({ filename: 'big.json', content: ' '.repeat(2 * maxCodebookBytes) })
    await expectTooLarge(await admin.request('/api/projects/default/codebook/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: tooBig }), '10 MB')
  })

  it('answers an anonymous upload with 401 before reading it', async () => {
    const res = await app.request('/api/projects/default/codebook/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: ' '.repeat(3 * 1024 * 1024) })
    expect(res.status).toBe(401)
  })
})
