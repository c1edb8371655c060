/**
 * Every API route, called by every kind of caller: anonymous, a coder of another project, a coder
 * of the project (coding in its open round), the project's admin and a site administrator. The
 * routes come from the app itself, so a new route without a row here fails the first test.
 * A denied caller hears 401 (anonymous) or 403; an allowed one a success or a validation 400
 * (bodies that would start background work are left invalid on purpose: the guards run first).
 */
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { familyRepositories, jobs, roundAssignments, users } from '../../schema'
import { csrfCookie, sessionCookie } from '../../server/auth/middleware'
import { csrfTokenFor } from '../../server/auth/tokens'
import { createSession } from '../../server/services/accounts'
import { listRepositories } from '../../server/services/browse'
import { currentCodebook } from '../../server/services/codebook'
import type { Ctx } from '../../server/services/context'
import { createFamily } from '../../server/services/families'
import { createJob } from '../../server/services/jobs'
import { findProject } from '../../server/services/projects'
import { createRound } from '../../server/services/rounds'
import { loadSample, studyProjectName } from '../../server/services/sample'
import { ensureMember, ensureRater } from '../../server/services/users'
import { enforcedApp, requesterFor } from '../helpers/auth'
import type { App } from '../helpers/auth'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'

/** Who may call a route. */
type Access =
  /** Anyone, signed in or not. */
  | 'public'
  /** Any signed-in person (their own account, the projects they see). */
  | 'signed-in'
  /** Members of the project: coders and admins (site administrators count as admins). */
  | 'member'
  /** The project's admins only; coders of an open round see no whole-round view either. */
  | 'project-admin'
  /** The coders of the round, on their own queue. */
  | 'round-coder'
  /** Administrators of the Concord instance. */
  | 'site-admin'

type Role = 'anonymous' | 'outsider' | 'coder' | 'projectAdmin' | 'siteAdmin'
const roles: Role[] = ['anonymous', 'outsider', 'coder', 'projectAdmin', 'siteAdmin']

/** The ids a row's path and body are made of; `new…` makes a fresh object for one call. */
type Fixture = {
  commit: number
  round: number
  unit: (n: number) => number
  job: number
  family: string
  spareUser: () => Promise<number>
  spareMember: () => Promise<number>
  spareFamily: () => Promise<number>
  linkedFamily: () => Promise<{ id: number; repositoryId: number }>
  openRound: () => Promise<number>
  code: number
}

type Row = {
  access: Access
  path: (f: Fixture) => string | Promise<string>
  json?: (f: Fixture) => unknown
  /** Statuses an allowed caller may get besides 2xx and 400, with the reason. */
  also?: number[]
  /** A server-sent events stream: read the status, then hang up. */
  stream?: boolean
}

const P = '/api/projects/default'
const empty = () => ({})

/** Every route of the app: `METHOD path` as Hono lists it. */
const table: Record<string, Row> = {
  'GET /api/health': { access: 'public', path: () => '/api/health' },
  'POST /api/auth/signin': { access: 'public', path: () => '/api/auth/signin', json: empty },
  'POST /api/auth/invite': { access: 'public', path: () => '/api/auth/invite', json: empty },
  'GET /api/auth/me': { access: 'signed-in', path: () => '/api/auth/me' },
  'POST /api/auth/signout': { access: 'signed-in', path: () => '/api/auth/signout' },
  'POST /api/auth/password': { access: 'signed-in', path: () => '/api/auth/password', json: empty },
  'GET /api/auth/tokens': { access: 'signed-in', path: () => '/api/auth/tokens' },
  'POST /api/auth/tokens': { access: 'signed-in', path: () => '/api/auth/tokens', json: empty },
  'DELETE /api/auth/tokens/:id': { access: 'signed-in', path: () => '/api/auth/tokens/0' },
  'GET /api/users': { access: 'site-admin', path: () => '/api/users' },
  'PATCH /api/users/:id': { access: 'site-admin', path: async (f) => `/api/users/${await f.spareUser()}`, json: () => ({ disabled: false }) },
  'GET /api/projects': { access: 'signed-in', path: () => '/api/projects' },
  'POST /api/projects': { access: 'site-admin', path: () => '/api/projects', json: empty },
  // The sample loads only into an empty Concord: this one holds it already.
  'POST /api/projects/sample': { access: 'site-admin', path: () => '/api/projects/sample', also: [409] },
  'GET /api/projects/:project': { access: 'member', path: () => P },
  // The whole project, every coder's labels included: admins only, like the evaluation.
  'GET /api/projects/:project/archive': { access: 'project-admin', path: () => `${P}/archive`, stream: true },
  'GET /api/projects/:project/families': { access: 'member', path: () => `${P}/families` },
  'GET /api/projects/:project/repositories': { access: 'member', path: () => `${P}/repositories` },
  'GET /api/projects/:project/commits': { access: 'member', path: () => `${P}/commits?limit=5` },
  'GET /api/projects/:project/commits/:id': { access: 'member', path: (f) => `${P}/commits/${f.commit}` },
  'GET /api/projects/:project/agreement': { access: 'member', path: () => `${P}/agreement?resamples=0` },
  'GET /api/projects/:project/agreement/confusion': { access: 'member', path: () => `${P}/agreement/confusion?coders=a,b` },
  'GET /api/projects/:project/agreement/disagreements': { access: 'member', path: () => `${P}/agreement/disagreements` },
  'GET /api/projects/:project/members': { access: 'member', path: () => `${P}/members` },
  'POST /api/projects/:project/members': { access: 'project-admin', path: () => `${P}/members`, json: empty },
  'PATCH /api/projects/:project/members/:id': { access: 'project-admin', path: async (f) => `${P}/members/${await f.spareMember()}`, json: () => ({ role: 'coder' }) },
  'DELETE /api/projects/:project/members/:id': { access: 'project-admin', path: async (f) => `${P}/members/${await f.spareMember()}` },
  'POST /api/projects/:project/members/:id/invite': { access: 'project-admin', path: async (f) => `${P}/members/${await f.spareMember()}/invite` },
  'GET /api/projects/:project/rounds': { access: 'member', path: () => `${P}/rounds` },
  'POST /api/projects/:project/rounds': { access: 'project-admin', path: () => `${P}/rounds`, json: empty },
  'GET /api/projects/:project/rounds/options': { access: 'project-admin', path: () => `${P}/rounds/options` },
  'GET /api/projects/:project/rounds/sample-size': { access: 'member', path: () => `${P}/rounds/sample-size` },
  'GET /api/projects/:project/rounds/:id': { access: 'member', path: (f) => `${P}/rounds/${f.round}` },
  'POST /api/projects/:project/rounds/:id/reveal': { access: 'project-admin', path: async (f) => `${P}/rounds/${await f.openRound()}/reveal` },
  'GET /api/projects/:project/rounds/:id/dashboard': { access: 'project-admin', path: (f) => `${P}/rounds/${f.round}/dashboard` },
  'GET /api/projects/:project/rounds/:id/events': { access: 'project-admin', path: (f) => `${P}/rounds/${f.round}/events`, stream: true },
  'GET /api/projects/:project/rounds/:id/adjudication': { access: 'project-admin', path: (f) => `${P}/rounds/${f.round}/adjudication` },
  'POST /api/projects/:project/rounds/:id/adjudication': { access: 'project-admin', path: (f) => `${P}/rounds/${f.round}/adjudication`, json: empty },
  'GET /api/projects/:project/coding/:round/queue': { access: 'round-coder', path: (f) => `${P}/coding/${f.round}/queue` },
  'GET /api/projects/:project/coding/:round/units/:commit': { access: 'round-coder', path: (f) => `${P}/coding/${f.round}/units/${f.unit(0)}` },
  'PUT /api/projects/:project/coding/:round/units/:commit/label': {
    access: 'round-coder',
    path: (f) => `${P}/coding/${f.round}/units/${f.unit(0)}/label`,
    json: (f) => ({ codeIds: [f.code] }),
  },
  'PUT /api/projects/:project/coding/:round/units/:commit/memo': {
    access: 'round-coder',
    path: (f) => `${P}/coding/${f.round}/units/${f.unit(1)}/memo`,
    json: () => ({ memo: 'a memo' }),
  },
  'POST /api/projects/:project/coding/:round/units/:commit/skip': { access: 'round-coder', path: (f) => `${P}/coding/${f.round}/units/${f.unit(2)}/skip` },
  'GET /api/projects/:project/export/labels': { access: 'member', path: () => `${P}/export/labels` },
  'GET /api/projects/:project/jobs': { access: 'member', path: () => `${P}/jobs` },
  'GET /api/projects/:project/jobs/:id': { access: 'member', path: (f) => `${P}/jobs/${f.job}` },
  'POST /api/projects/:project/jobs/:id/cancel': { access: 'project-admin', path: (f) => `${P}/jobs/${f.job}/cancel` },
  'GET /api/projects/:project/jobs/:id/events': { access: 'member', path: (f) => `${P}/jobs/${f.job}/events`, stream: true },
  'POST /api/projects/:project/families': { access: 'project-admin', path: () => `${P}/families`, json: empty },
  'PATCH /api/projects/:project/families/:id': { access: 'project-admin', path: async (f) => `${P}/families/${await f.spareFamily()}`, json: empty },
  'DELETE /api/projects/:project/families/:id': { access: 'project-admin', path: async (f) => `${P}/families/${await f.spareFamily()}` },
  'POST /api/projects/:project/families/:id/repositories': { access: 'project-admin', path: async (f) => `${P}/families/${await f.spareFamily()}/repositories`, json: empty },
  'DELETE /api/projects/:project/families/:id/repositories/:repositoryId': {
    access: 'project-admin',
    path: async (f) => {
      const { id, repositoryId } = await f.linkedFamily()
      return `${P}/families/${id}/repositories/${repositoryId}`
    },
  },
  'GET /api/projects/:project/discovery': { access: 'member', path: () => `${P}/discovery` },
  'POST /api/projects/:project/discovery/scan': { access: 'project-admin', path: () => `${P}/discovery/scan` },
  'POST /api/projects/:project/discovery/proposals/:id/accept': { access: 'project-admin', path: () => `${P}/discovery/proposals/0/accept`, json: empty },
  'POST /api/projects/:project/discovery/proposals/:id/reject': { access: 'project-admin', path: () => `${P}/discovery/proposals/0/reject` },
  'POST /api/projects/:project/imports': { access: 'project-admin', path: () => `${P}/imports`, json: empty },
  'GET /api/projects/:project/codebook': { access: 'member', path: () => `${P}/codebook` },
  'GET /api/projects/:project/codebook/versions/:version': { access: 'member', path: () => `${P}/codebook/versions/1` },
  'GET /api/projects/:project/codebook/export': { access: 'member', path: () => `${P}/codebook/export` },
  'POST /api/projects/:project/codebook/import': { access: 'project-admin', path: () => `${P}/codebook/import`, json: empty },
  'POST /api/projects/:project/codebook/codes': { access: 'project-admin', path: () => `${P}/codebook/codes`, json: empty },
  'POST /api/projects/:project/codebook/rename': { access: 'project-admin', path: () => `${P}/codebook/rename`, json: empty },
  'POST /api/projects/:project/codebook/edit': { access: 'project-admin', path: () => `${P}/codebook/edit`, json: empty },
  'POST /api/projects/:project/codebook/merge': { access: 'project-admin', path: () => `${P}/codebook/merge`, json: empty },
  'POST /api/projects/:project/codebook/split': { access: 'project-admin', path: () => `${P}/codebook/split`, json: empty },
  'POST /api/projects/:project/codebook/retire': { access: 'project-admin', path: () => `${P}/codebook/retire`, json: empty },
  'POST /api/projects/:project/codebook/mode': { access: 'project-admin', path: () => `${P}/codebook/mode`, json: empty },
  'GET /api/projects/:project/codebook/recode': { access: 'member', path: () => `${P}/codebook/recode` },
  'POST /api/projects/:project/codebook/recode/:id/done': { access: 'project-admin', path: () => `${P}/codebook/recode/0/done` },
  'GET /api/projects/:project/card-sort': { access: 'member', path: () => `${P}/card-sort` },
  'POST /api/projects/:project/card-sort/move': { access: 'project-admin', path: () => `${P}/card-sort/move`, json: empty },
  'POST /api/projects/:project/card-sort/categories': { access: 'project-admin', path: () => `${P}/card-sort/categories`, json: empty },
  'GET /api/projects/:project/labeling': { access: 'member', path: () => `${P}/labeling` },
  'POST /api/projects/:project/labeling/estimate': { access: 'project-admin', path: () => `${P}/labeling/estimate`, json: empty },
  'POST /api/projects/:project/labeling/runs': { access: 'project-admin', path: () => `${P}/labeling/runs`, json: empty },
  'GET /api/projects/:project/labeling/runs': { access: 'member', path: () => `${P}/labeling/runs` },
  'GET /api/projects/:project/labeling/runs/:id/failures': { access: 'member', path: () => `${P}/labeling/runs/0/failures` },
  'GET /api/projects/:project/labeling/evaluation': { access: 'project-admin', path: () => `${P}/labeling/evaluation?labeler=rules&against=nobody` },
  'GET /api/projects/:project/analysis': { access: 'member', path: () => `${P}/analysis` },
  'GET /api/projects/:project/analysis/sensitivity': { access: 'member', path: () => `${P}/analysis/sensitivity?periods=7` },
  'GET /api/projects/:project/analysis/exclusions': { access: 'member', path: () => `${P}/analysis/exclusions` },
  'GET /api/projects/:project/analysis/families/:family': { access: 'member', path: (f) => `${P}/analysis/families/${f.family}` },
  'GET /api/projects/:project/analysis/families/:family/tables/:file': { access: 'member', path: (f) => `${P}/analysis/families/${f.family}/tables/lanes.csv` },
  'GET /api/projects/:project/analysis/tables/:file': { access: 'member', path: () => `${P}/analysis/tables/pattern_distribution.csv` },
  'GET /api/projects/:project/analysis/report.html': { access: 'member', path: () => `${P}/analysis/report.html` },
}

/** Who is let through: everyone else hears 401 (anonymous) or 403. */
const allowedFor: Record<Access, Role[]> = {
  public: roles,
  'signed-in': ['outsider', 'coder', 'projectAdmin', 'siteAdmin'],
  member: ['coder', 'projectAdmin', 'siteAdmin'],
  'project-admin': ['projectAdmin', 'siteAdmin'],
  'round-coder': ['coder'],
  'site-admin': ['siteAdmin'],
}

let t: TestDatabase
let app: App
let fixture: Fixture
const people = {} as Record<Exclude<Role, 'anonymous'>, { id: number; name: string }>

beforeAll(async () => {
  t = await freshDatabase()
  await loadSample(t.ctx, { diffCap: 20_000 })
  app = enforcedApp(t.db)
  const ctx: Ctx = t.ctx
  const project = (await findProject(ctx, 'default'))!
  const study = (await findProject(ctx, studyProjectName))!
  const person = async (name: string) => ({ id: (await ensureRater(ctx, name)).id, name })
  people.outsider = await person('olga')
  people.coder = await person('ann')
  people.projectAdmin = await person('paula')
  people.siteAdmin = await person('sam')
  const spareCoder = await person('ben')
  await ensureMember(ctx, study.id, people.outsider.id, 'coder')
  await ensureMember(ctx, project.id, people.coder.id, 'coder')
  await ensureMember(ctx, project.id, spareCoder.id, 'coder')
  await ensureMember(ctx, project.id, people.projectAdmin.id, 'admin')
  await t.db.update(users).set({ siteAdmin: true }).where(eq(users.id, people.siteAdmin.id))

  const round = await createRound(ctx, project.id, { name: 'blind', coders: ['ann'], selection: 'random', size: 5, seed: 3 })
  const queue = await t.db
    .select({ commitId: roundAssignments.commitId })
    .from(roundAssignments)
    .where(eq(roundAssignments.roundId, round.id))
    .orderBy(roundAssignments.position)
  const job = await createJob(ctx, { projectId: project.id, kind: 'test' })
  await t.db.update(jobs).set({ status: 'done', finishedAt: new Date().toISOString() }).where(eq(jobs.id, job.id))
  const [repository] = await listRepositories(ctx, project.id)

  let counter = 0
  const next = () => ++counter
  fixture = {
    commit: queue[0]!.commitId,
    round: round.id,
    unit: (n) => queue[n]!.commitId,
    job: job.id,
    family: 'bert',
    code: (await currentCodebook(ctx, project.id)).codes[0]!.id,
    spareUser: async () => (await person(`spare-user-${next()}`)).id,
    spareMember: async () => {
      const { id } = await person(`spare-member-${next()}`)
      await ensureMember(ctx, project.id, id, 'coder')
      return id
    },
    spareFamily: async () => (await createFamily(ctx, { projectId: project.id, name: `spare-family-${next()}` })).id,
    linkedFamily: async () => {
      const family = await createFamily(ctx, { projectId: project.id, name: `linked-family-${next()}`, repositories: [{ fullName: repository!.fullName, platform: repository!.platform }] })
      const [link] = await t.db.select().from(familyRepositories).where(eq(familyRepositories.familyId, family.id))
      return { id: family.id, repositoryId: link!.repositoryId }
    },
    openRound: async () => (await createRound(ctx, project.id, { name: `spare-round-${next()}`, coders: ['ben'], selection: 'random', size: 2, seed: next() })).id,
  }
})
afterAll(() => t.dispose())

/** A request as `role`, each with a session of its own (sign-out ends only that one). */
async function call(role: Role, method: string, row: Row): Promise<number> {
  const path = await row.path(fixture)
  const json = row.json?.(fixture)
  const init = { method, ...(json === undefined ? {} : { json }) }
  const res =
    role === 'anonymous'
      ? await app.request(path, { method, ...(json === undefined ? {} : { body: JSON.stringify(json), headers: { 'content-type': 'application/json' } }) })
      : await (await requesterFor(app, t.db, people[role])).request(path, init)
  if (row.stream) await res.body?.cancel()
  else await res.arrayBuffer()
  return res.status
}

const routesOfApp = () => [...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))]

describe('the permission table', () => {
  it('has a row for every route of the app, and no row for a route that is gone', () => {
    const routes = routesOfApp()
    expect(routes.length).toBeGreaterThan(80)
    expect(routes.filter((r) => !(r in table)), 'routes without a permission row').toEqual([])
    expect(Object.keys(table).filter((r) => !routes.includes(r)), 'rows without a route').toEqual([])
  })

  it('lets each caller do exactly what their role allows', { timeout: 120_000 }, async () => {
    const wrong: string[] = []
    for (const [route, row] of Object.entries(table)) {
      const method = route.split(' ')[0]!
      for (const role of roles) {
        const status = await call(role, method, row)
        const allowed = allowedFor[row.access].includes(role)
        const ok = allowed
          ? (status >= 200 && status < 300) || status === 400 || (row.also ?? []).includes(status)
          : status === (role === 'anonymous' ? 401 : 403)
        if (!ok) wrong.push(`${route} as ${role}: ${status} (${allowed ? 'allowed' : 'denied'})`)
      }
    }
    expect(wrong).toEqual([])
  })
})

describe('CSRF', () => {
  it('refuses every cookie-authenticated mutation without the CSRF header', async () => {
    const { secret } = await createSession({ db: t.db, actor: 'test' }, people.siteAdmin.id)
    const cookie = `${sessionCookie}=${secret}; ${csrfCookie}=${csrfTokenFor(secret)}`
    const mutations = Object.entries(table).filter(([route]) => !route.startsWith('GET '))
    expect(mutations.length).toBeGreaterThan(40)
    for (const [route, row] of mutations) {
      const method = route.split(' ')[0]!
      const res = await app.request(await row.path(fixture), { method, headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(row.json?.(fixture) ?? {}) })
      const body = (await res.json()) as { error: string; code: string }
      expect(res.status, route).toBe(403)
      expect(body.error, route).toMatch(/x-csrf-token/)
    }
  })
})
