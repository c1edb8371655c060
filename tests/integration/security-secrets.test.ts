/**
 * Secrets never leave the server: the real server (`npm start`) runs with an OpenAI key, an
 * administrator password, GitHub and Hugging Face tokens, then serves a sign-in, an API token,
 * an LLM labeling run against the fake OpenAI server, a provider that echoes the key in its
 * error, and a base URL the client cannot use. No response (body or header) and no line the
 * server prints may hold any of them. (The API token is shown once, in the response that
 * creates it; the sign-in link's token is printed on purpose, but a set password prints none.)
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAI } from '../fakes/openai'
import type { FakeOpenAI } from '../fakes/openai'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { startServer } from '../helpers/server'
import type { RunningServer } from '../helpers/server'

const tag = randomBytes(6).toString('hex')
const secrets = {
  openaiKey: `sk-test-SECRET-${tag}`,
  adminPassword: `admin-SECRET-${tag}`,
  githubToken: `ghp_SECRET${tag}`,
  hfToken: `hf_SECRET${tag}`,
  urlPassword: `urlpass-SECRET-${tag}`,
}

let t: TestDatabase
let fake: FakeOpenAI
/** Every response seen: status, headers and body, as text. */
const responses: string[] = []
/** Every line any server printed. */
const printed: string[] = []
let apiToken = ''

function env(baseUrl: string): Record<string, string> {
  const clientDir = path.join(t.dir, 'client')
  mkdirSync(clientDir, { recursive: true })
  writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>Concord</title>')
  return {
    DATABASE_URL: `file:${t.file}`,
    CONCORD_SAMPLE: '1',
    CONCORD_AUTH: 'required',
    CONCORD_ADMIN_PASSWORD: secrets.adminPassword,
    CONCORD_CLIENT_DIR: clientDir,
    OPENAI_API_KEY: secrets.openaiKey,
    OPENAI_BASE_URL: baseUrl,
    CONCORD_LLM_MODEL: 'fake-1',
    CONCORD_LLM_MAX_RETRIES: '0',
    GITHUB_TOKEN: secrets.githubToken,
    HF_TOKEN: secrets.hfToken,
  }
}

/** A request to the running server, recorded; `auth` is a Bearer token or a cookie session. */
async function call(server: RunningServer, route: string, init: RequestInit & { json?: unknown; auth?: Record<string, string> } = {}) {
  const { json, auth, ...rest } = init
  const headers = new Headers(rest.headers)
  for (const [k, v] of Object.entries(auth ?? {})) headers.set(k, v)
  if (json !== undefined) headers.set('content-type', 'application/json')
  const res = await fetch(new URL(route, server.url), { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) })
  const text = await res.text()
  responses.push(`${res.status} ${route}\n${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${text}`)
  return { status: res.status, headers: res.headers, text, body: (() => { try { return JSON.parse(text) } catch { return null } })() }
}

async function signIn(server: RunningServer) {
  const res = await call(server, '/api/auth/signin', { method: 'POST', json: { name: 'admin', password: secrets.adminPassword } })
  expect(res.status).toBe(200)
  const session = /concord_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!
  return { cookie: `concord_session=${session}`, 'x-csrf-token': res.body.csrfToken as string }
}

/** Starts a labeling run and reads its progress stream to the end; returns the last event. */
async function labelingRun(server: RunningServer, limit: number) {
  const bearer = { authorization: `Bearer ${apiToken}` }
  const started = await call(server, '/api/projects/study/labeling/runs', { method: 'POST', json: { labeler: 'llm', limit }, auth: bearer })
  expect(started.status, started.text).toBe(202)
  const events = await call(server, `/api/projects/study/jobs/${started.body.job.id}/events`, { auth: bearer })
  const last = [...events.text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]!)).at(-1)
  const run = (await call(server, '/api/projects/study/labeling/runs', { auth: bearer })).body[0]
  await call(server, `/api/projects/study/labeling/runs/${run.id}/failures`, { auth: bearer })
  await call(server, '/api/projects/study/jobs', { auth: bearer })
  return last as { status: string; error: string | null; result: Record<string, unknown> | null }
}

async function stop(server: RunningServer) {
  await server.stop()
  printed.push(...server.output().split('\n'))
}

beforeAll(async () => {
  t = await freshDatabase()
  fake = await startFakeOpenAI()
})
afterAll(async () => {
  await fake.close()
  await t.dispose()
})

describe('secrets', () => {
  it('stay out of responses and output while signing in, making a token and labeling', { timeout: 180_000 }, async () => {
    const server = await startServer(env(fake.url))
    try {
      const wrong = await call(server, '/api/auth/signin', { method: 'POST', json: { name: 'admin', password: `${secrets.adminPassword}-wrong` } })
      expect(wrong.status).toBe(401)
      const session = await signIn(server)
      const created = await call(server, '/api/auth/tokens', { method: 'POST', json: { name: 'script' }, auth: session })
      expect(created.status).toBe(201)
      apiToken = created.body.token
      // The one response that carries the token: set aside, so the checks below hold for all others.
      responses.pop()
      const bearer = { authorization: `Bearer ${apiToken}` }
      for (const route of ['/api/auth/me', '/api/auth/tokens', '/api/projects', '/api/projects/study/labeling', '/', '/api/health']) {
        expect((await call(server, route, { auth: route === '/api/auth/me' ? session : bearer })).status, route).toBe(200)
      }
      // A wrong token, a wrong CSRF header, an unknown route.
      expect((await call(server, '/api/projects', { auth: { authorization: `Bearer ${apiToken}x` } })).status).toBe(401)
      expect((await call(server, '/api/auth/tokens', { method: 'POST', json: { name: 'x' }, auth: { ...session, 'x-csrf-token': 'forged' } })).status).toBe(403)
      expect((await call(server, '/api/nothing', { auth: bearer })).status).toBe(404)

      const done = await labelingRun(server, 3)
      expect(done.status).toBe('done')
      expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${secrets.openaiKey}`)

      // A provider that echoes the key in its error (some do, in "incorrect API key" messages).
      fake.script.push({ kind: 'status', status: 401, message: `Incorrect API key provided: ${secrets.openaiKey}. Authorization: Bearer ${secrets.openaiKey}` })
      const refused = await labelingRun(server, 2)
      expect(refused.status).toBe('failed')
      // The provider's message reached the server, with the key taken out.
      expect(refused.error).toMatch(/refused the request .*Incorrect API key provided: \[redacted\]/)
      expect(fake.requests.some((r) => r.behaviour === 'status')).toBe(true)
    } finally {
      await stop(server)
    }
  })

  it('stay out when the LLM base URL is unusable (credentials in it, nothing listening)', { timeout: 120_000 }, async () => {
    const server = await startServer(env(`http://concord:${secrets.urlPassword}@127.0.0.1:9/v1`))
    try {
      await signIn(server)
      const labeling = await call(server, '/api/projects/study/labeling', { auth: { authorization: `Bearer ${apiToken}` } })
      expect(labeling.body.labelers.llm.endpoint).toBe('http://127.0.0.1:9/v1')
      const failed = await labelingRun(server, 2)
      // Each unit fails on its own (a connection error is not the provider refusing): the run ends.
      expect(failed).toMatchObject({ status: 'done', result: { labeled: 0, failed: 2 } })
      expect(responses.filter((r) => r.includes('/failures\n')).at(-1)).toContain('"reason":"Connection error."')
    } finally {
      await stop(server)
    }
  })

  it('appear in no response and no printed line', () => {
    expect(responses.length).toBeGreaterThan(25)
    expect(printed.join('\n')).toContain('Concord is running at')
    const lines = printed.filter((line) => !/Concord is running at .*\?token=/.test(line))
    for (const [name, secret] of Object.entries({ ...secrets, apiToken })) {
      expect(secret.length, name).toBeGreaterThan(10)
      expect(responses.filter((r) => r.includes(secret)), `${name} in a response`).toEqual([])
      expect(lines.filter((l) => l.includes(secret)), `${name} in the output`).toEqual([])
    }
  })
})
