/**
 * Security headers on every kind of response: API answers (success, 401, 404, 413), the served
 * client (index.html, its client-side routes, its assets) and the HTML report, which gets a
 * stricter policy of its own (no script at all, nothing fetched).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app'
import { loadSample } from '../../server/services/sample'
import { signedInApp } from '../helpers/auth'
import type { App, Requester } from '../helpers/auth'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'

let t: TestDatabase
let app: App
let admin: Requester

beforeAll(async () => {
  t = await freshDatabase()
  await loadSample(t.ctx, { diffCap: 20_000 })
  const clientDir = path.join(t.dir, 'client')
  mkdirSync(path.join(clientDir, 'assets'), { recursive: true })
  writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>')
  writeFileSync(path.join(clientDir, 'assets', 'app.js'), 'export {}\n')
  app = createApp({ db: t.db, clientDir })
  admin = await signedInApp(t.db, { role: 'admin', app })
})
afterAll(() => t.dispose())

/** The policy's directives by name. */
function directives(policy: string | null): Map<string, string[]> {
  expect(policy).toBeTruthy()
  return new Map(
    policy!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  )
}

function expectAppHeaders(res: Response, what: string) {
  const csp = directives(res.headers.get('content-security-policy'))
  expect(csp.get('default-src'), what).toEqual(["'self'"])
  // Scripts only from the app's own files: no inline script, no eval.
  expect(csp.get('script-src'), what).toEqual(["'self'"])
  // Style sheets only from the app's files; style attributes are allowed (ECharts' tooltips).
  expect(csp.get('style-src'), what).toEqual(["'self'"])
  expect(csp.get('style-src-attr'), what).toEqual(["'unsafe-inline'"])
  expect(csp.get('frame-ancestors'), what).toEqual(["'none'"])
  expect(csp.get('object-src'), what).toEqual(["'none'"])
  expect(csp.get('base-uri'), what).toEqual(["'none'"])
  expect(csp.get('form-action'), what).toEqual(["'self'"])
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff')
  expect(res.headers.get('x-frame-options'), what).toBe('DENY')
  expect(res.headers.get('referrer-policy'), what).toBe('no-referrer')
}

describe('security headers', () => {
  it('are on API answers, errors included', async () => {
    const answers: [string, Response][] = [
      ['health', await app.request('/api/health')],
      ['a signed-in read', await admin.request('/api/projects/default/commits?limit=1')],
      ['a mutation', await admin.request('/api/projects/default/families', { method: 'POST', json: { name: 'headers' } })],
      ['401', await app.request('/api/projects')],
      ['401 (unknown session)', await app.request('/api/projects/default/families', { method: 'POST', headers: { cookie: 'concord_session=x' } })],
      ['404', await admin.request('/api/nothing')],
      ['413', await app.request('/api/auth/signin', { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(70_000) })],
    ]
    for (const [what, res] of answers) expectAppHeaders(res, what)
    expect(answers.map(([, r]) => r.status)).toEqual([200, 200, 201, 401, 401, 404, 413])
  })

  it('are on the served client: index.html, a client-side route and an asset', async () => {
    for (const route of ['/', '/p/default/analysis', '/assets/app.js']) {
      const res = await app.request(route)
      expect(res.status, route).toBe(200)
      expectAppHeaders(res, route)
    }
    expect(await (await app.request('/')).text()).toContain('<script type="module" src="/assets/app.js">')
  })

  it('give the HTML report its own policy: its inline styles, no script, nothing fetched, not framed', async () => {
    const res = await admin.request('/api/projects/default/analysis/report.html?inline=1')
    expect(res.status).toBe(200)
    const csp = directives(res.headers.get('content-security-policy'))
    expect(csp.get('default-src')).toEqual(["'none'"])
    expect(csp.has('script-src')).toBe(false)
    expect(csp.get('style-src')).toEqual(["'unsafe-inline'"])
    expect(csp.get('frame-ancestors')).toEqual(["'none'"])
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
  })
})
