import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { startServer } from '../helpers/server'

let t: TestDatabase
beforeAll(async () => {
  t = await freshDatabase()
  t.close()
})
afterAll(() => t.dispose())

describe('the server at start-up', () => {
  it('with sign-in enforced, prints a sign-in link that works until restart', async () => {
    const first = await startServer({ DATABASE_URL: `file:${t.file}`, CONCORD_SAMPLE: '0', CONCORD_AUTH: 'required', CONCORD_ADMIN_PASSWORD: '' })
    try {
      expect(first.output()).toMatch(/Concord is running at http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{40,}\n/)
      expect(first.output()).toMatch(/Created the administrator 'admin'/)
      expect((await fetch(`${first.url}api/projects`)).status).toBe(401)
      expect((await fetch(`${first.url}api/health`)).status).toBe(200)
      const signedIn = await fetch(first.signInUrl, { redirect: 'manual' })
      expect(signedIn.status).toBe(302)
      const cookie = signedIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
      expect((await fetch(`${first.url}api/projects`, { headers: { cookie } })).status).toBe(200)
    } finally {
      await first.stop()
    }
    const second = await startServer({ DATABASE_URL: `file:${t.file}`, CONCORD_SAMPLE: '0', CONCORD_AUTH: 'required', CONCORD_ADMIN_PASSWORD: '' })
    try {
      expect(second.signInUrl).not.toBe(first.signInUrl)
      expect(second.output()).not.toMatch(/Created the administrator/)
      const stale = await fetch(`${second.url}?token=${new URL(first.signInUrl).searchParams.get('token')}`, { redirect: 'manual' })
      expect(stale.headers.getSetCookie().some((c) => c.startsWith('concord_session='))).toBe(false)
    } finally {
      await second.stop()
    }
  })

  it('with CONCORD_ADMIN_PASSWORD, prints no link and the administrator signs in with it', async () => {
    const server = await startServer({ DATABASE_URL: `file:${t.file}`, CONCORD_SAMPLE: '0', CONCORD_AUTH: 'required', CONCORD_ADMIN_PASSWORD: 'a-long-secret' })
    try {
      expect(server.signInUrl).toBe(server.url)
      expect(server.output()).not.toMatch(/token=/)
      const res = await fetch(`${server.url}api/auth/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'admin', password: 'a-long-secret' }),
      })
      expect(res.status).toBe(200)
    } finally {
      await server.stop()
    }
  })

  it('with sign-in not enforced, prints the plain address on stdout and the link on stderr', async () => {
    const server = await startServer({ DATABASE_URL: `file:${t.file}`, CONCORD_SAMPLE: '0', CONCORD_AUTH: 'off', CONCORD_ADMIN_PASSWORD: '' })
    try {
      expect(server.output()).toMatch(/Concord is running at http:\/\/127\.0\.0\.1:\d+\/\n/)
      expect(server.signInUrl).toBe(server.url)
      // stderr is another pipe: its line may arrive just after stdout's.
      for (let i = 0; i < 50 && !server.output().includes('Sign in as'); i++) await new Promise((r) => setTimeout(r, 100))
      expect(server.output()).toMatch(/Sign in as admin \(coding rounds need an account\): http:\/\/\S+\?token=/)
      expect((await fetch(`${server.url}api/projects`)).status).toBe(200)
    } finally {
      await server.stop()
    }
  })
})
