/**
 * @module A project whose every piece of user-supplied or machine-made text is an HTML/script
 * payload (tests/e2e/xss.test.ts): commits, authors, paths, diffs, repositories, a family, a
 * code and its notes, open codes, a card-sort category and note, an LLM rationale, a round, an
 * adjudication note and a coder's display name. Each payload, if it ever ran, would call
 * `__xss(tag)`, `alert(tag)`, or fetch a `/xss-probe/…` URL.
 */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { eq, inArray } from 'drizzle-orm'
import { familyRepositories, repositories, users } from '../../schema'
import { createSession } from '../../server/services/accounts'
import { createFamily } from '../../server/services/families'
import { importJsonlFiles } from '../../server/services/importing'
import { ensureProject } from '../../server/services/projects'
import { csrfCookie, sessionCookie } from '../../server/auth/middleware'
import { csrfTokenFor } from '../../server/auth/tokens'
import type { FakeOpenAI } from '../fakes/openai'
import { requesterFor, signedInApp } from './auth'
import type { Requester } from './auth'
import { runCli } from './cli'
import type { TestDatabase } from './db'

/** Every vector at once, tagged so a hit names where it came from. */
export function payload(tag: string): string {
  return [
    `<script>__xss('${tag}')</script>`,
    `<img src=/xss-probe/${tag} onerror="__xss('${tag}')">`,
    `<svg onload="__xss('${tag}')">`,
    `"><iframe srcdoc="<script>parent.__xss('${tag}')</script>">`,
    `<a href="javascript:__xss('${tag}')">link</a>`,
    `{{constructor.constructor('__xss("${tag}")')()}}`,
    `[md](javascript:__xss('${tag}')) ![md](/xss-probe/md-${tag})`,
  ].join(' ')
}

/** Names limited in length or in characters get one short vector each. */
export const names = {
  // No slash: the project and the family are path segments of the client's URLs.
  project: `<img src=x onerror=__xss('project')>`,
  family: `"><img src=x onerror=alert('family')>`,
  // A repository is `owner/name` without spaces: the one slash closes the script element.
  githubRepo: `<script>__xss('repo')</script>`,
  huggingfaceRepo: `javascript:__xss('hf')/model`,
  code: `<img src=/xss-probe/code onerror=__xss('code')>`,
  category: `<svg onload=__xss('category')>`,
  round: `<svg onload=alert('round')>`,
  displayName: `Mallory <img src=x onerror=alert('display')>`,
  author: `Mallory <script>__xss('author')</script>`,
  path: `<img src=/xss-probe/path onerror=__xss('path')>.py`,
}

export const texts = {
  message: `fix: ${payload('message')}`,
  diffLines: ['+<script>__xss(\'diff\')</script>', `+<img src=/xss-probe/diff onerror="__xss('diff')">`, `+${payload('diff')}`],
  definition: payload('definition'),
  includeNotes: payload('include'),
  exampleNote: payload('example'),
  changelog: payload('changelog'),
  rationale: payload('rationale'),
  openCode: payload('opencode'),
  cardNote: payload('cardnote'),
  adjudication: payload('adjudication'),
}

export type HostileProject = {
  /** Commit ids in import order: GitHub ones first. */
  commitIds: number[]
  round: number
  /** Cookies of Mallory's session, for a browser context that codes as her. */
  malloryCookies: (url: string) => { name: string; value: string; url: string }[]
}

const day = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString()

function commitRecords() {
  const repos = [
    ['github', names.githubRepo],
    ['huggingface', names.huggingfaceRepo],
  ] as const
  return repos.flatMap(([platform, repo], r) =>
    Array.from({ length: 4 }, (_, i) => ({
      platform,
      repo,
      sha: `${r + 1}${i + 1}`.padEnd(40, 'a'),
      parents: [],
      is_merge: false,
      author: names.author,
      author_email_sha1: 'b'.repeat(40),
      authored_at: day(i * 40 + r * 5),
      committed_at: day(i * 40 + r * 5),
      message: `${texts.message} #${r}${i}`,
      files: [{ path: names.path, status: 'M' as const, additions: 3, deletions: 0 }],
      diff: [`diff --git a/${names.path} b/${names.path}`, '@@ -1 +1,3 @@', ...texts.diffLines].join('\n'),
    })),
  )
}

/**
 * Fills `t` (before the server opens it): commits, family, codebook, an LLM pre-label run
 * against `fake`, a round coded by Mallory and Eve, revealed, one unit adjudicated, and an
 * open code filed on the card-sorting board.
 */
export async function seedHostileProject(t: TestDatabase, fake: FakeOpenAI): Promise<HostileProject> {
  const project = await ensureProject(t.ctx, names.project)
  const file = path.join(t.dir, 'hostile.jsonl')
  const records = commitRecords()
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n'))
  await importJsonlFiles(t.ctx, { projectId: project.id, files: [file], diffCap: 20_000 })
  // Linking by name checks the owner/name form more strictly than the JSONL importer does:
  // link the imported repositories by id, as if their names had come in another way.
  const family = await createFamily(t.ctx, { projectId: project.id, name: names.family })
  const repos = await t.db.select({ id: repositories.id }).from(repositories).where(eq(repositories.projectId, project.id))
  await t.db.insert(familyRepositories).values(repos.map((r) => ({ familyId: family.id, repositoryId: r.id })))

  const admin = await signedInApp(t.db, { role: 'admin', name: 'admin' })
  const api = `/api/projects/${encodeURIComponent(names.project)}`
  const ok = async (who: Requester, url: string, init: RequestInit & { json?: unknown }) => {
    const res = await who.json(`${api}${url}`, init)
    if (res.status >= 300) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  const example = records[0]!
  await ok(admin, '/codebook/codes', {
    method: 'POST',
    json: {
      name: names.code,
      definition: texts.definition,
      includeNotes: texts.includeNotes,
      examples: [{ platform: example.platform, repository: example.repo, sha: example.sha, message: example.message, note: texts.exampleNote }],
      note: texts.changelog,
    },
  })

  // The LLM labels every commit with the hostile code and a hostile rationale.
  const answer = JSON.stringify({ code: names.code, confidence: 0.9, rationale: texts.rationale })
  fake.script.push(...records.map(() => ({ kind: 'content' as const, content: answer })))
  const labeled = await runCli(['label', '--labeler', 'llm', '--project', names.project, '--json'], {
    DATABASE_URL: `file:${t.file}`,
    OPENAI_BASE_URL: fake.url,
    OPENAI_API_KEY: 'sk-xss-test',
    CONCORD_LLM_MODEL: 'fake-1',
  })
  if (labeled.code !== 0) throw new Error(`concord label: ${labeled.stderr}`)

  for (const name of ['mallory', 'eve']) {
    await ok(admin, '/members', {
      method: 'POST',
      json: { name, role: 'coder', password: `${name}-password`, ...(name === 'mallory' ? { displayName: names.displayName } : {}) },
    })
  }
  const round = (await ok(admin, '/rounds', {
    method: 'POST',
    json: { name: names.round, coders: ['mallory', 'eve'], selection: 'all', overlap: { mode: 'k', k: 2 }, preLabels: 'shown' },
  })) as { id: number }
  const coders = await t.db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.name, ['mallory', 'eve']))
  const coder = (name: string) => requesterFor(admin.app, t.db, coders.find((u) => u.name === name)!)
  const mallory = await coder('mallory')
  const eve = await coder('eve')
  const codebook = (await ok(admin, '/codebook', {})) as { codes: { id: number; name: string }[] }
  const codeId = (name: string) => codebook.codes.find((c) => c.name === name)!.id
  const commitIds = ((await ok(admin, '/commits?limit=50', {})) as { items: { id: number }[] }).items.map((c) => c.id).sort((a, b) => a - b)
  // Two disagreements (the first gets adjudicated) and one agreement (finalized by itself).
  const coding = [
    [commitIds[0]!, names.code, 'sharing'],
    [commitIds[1]!, names.code, 'sharing'],
    [commitIds[4]!, names.code, names.code],
  ] as const
  for (const [commit, malloryCode, eveCode] of coding) {
    await ok(mallory, `/coding/${round.id}/units/${commit}/label`, { method: 'PUT', json: { codeIds: [codeId(malloryCode)] } })
    await ok(eve, `/coding/${round.id}/units/${commit}/label`, { method: 'PUT', json: { codeIds: [codeId(eveCode)] } })
  }
  await ok(mallory, `/coding/${round.id}/units/${commitIds[0]}/memo`, { method: 'PUT', json: { memo: texts.openCode } })
  await ok(admin, `/rounds/${round.id}/reveal`, { method: 'POST' })
  await ok(admin, `/rounds/${round.id}/adjudication`, {
    method: 'POST',
    json: { commitId: commitIds[0], codeIds: [codeId(names.code)], note: texts.adjudication },
  })
  await ok(admin, '/card-sort/categories', {
    method: 'POST',
    json: { name: names.category, note: texts.cardNote, cards: [{ text: texts.openCode, categoryId: null }] },
  })

  const { secret } = await createSession(t.ctx, mallory.user.id)
  return {
    commitIds,
    round: round.id,
    malloryCookies: (url) => [
      { name: sessionCookie, value: secret, url },
      { name: csrfCookie, value: csrfTokenFor(secret), url },
    ],
  }
}
