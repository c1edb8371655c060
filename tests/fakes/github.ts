/**
 * A local stand-in for the GitHub REST API (api.github.com), answering like its documented
 * responses: `GET /repos/{owner}/{repo}`, `/commits` (page/per_page with a `Link` header),
 * `/commits/{sha}` (with `files`, paged beyond a limit), `/readme` (base64). It can refuse a
 * request with a rate limit (403 + X-RateLimit-Reset a second away, or 429 + Retry-After),
 * fail one with a 500, and tell the test about every request (to kill a client midway).
 */
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type FakeGithubFile = {
  filename: string
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged'
  additions: number
  deletions: number
  patch?: string
  previous_filename?: string
}

export type FakeGithubCommit = {
  sha: string
  parents: string[]
  author: { name: string; email: string; date: string }
  committer?: { name: string; email: string; date: string }
  message: string
  files: FakeGithubFile[]
}

export type FakeGithubRepo = { commits: FakeGithubCommit[]; readme?: string; defaultBranch?: string }

export type FakeGithubOptions = {
  repos: Record<string, FakeGithubRepo>
  /** Largest page the fake serves (GitHub: 100). */
  maxPerPage?: number
  /** Files per page of a single commit (GitHub: 300). */
  filesPerPage?: number
  /** Required `Authorization: Bearer …` when set. */
  token?: string
  /** 1-based request numbers answered 403 with X-RateLimit-Remaining 0 and a reset one second away. */
  rateLimitAt?: number[]
  /** 1-based request numbers answered 429 with Retry-After: 1. */
  retryAfterAt?: number[]
  /** 1-based request numbers answered 500. */
  failAt?: number[]
  /** Called with each request's number and path before it is answered. */
  onRequest?: (n: number, path: string) => void
}

export type FakeGithub = {
  url: string
  requests: { n: number; path: string; status: number }[]
  /** Requests for one commit's details (`/commits/{sha}`). */
  detailRequests: () => string[]
  close: () => Promise<void>
}

export async function startFakeGithub(options: FakeGithubOptions): Promise<FakeGithub> {
  const requests: FakeGithub['requests'] = []
  let count = 0
  const server: Server = createServer((req, res) => {
    count += 1
    const n = count
    const path = req.url ?? '/'
    options.onRequest?.(n, path)
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      requests.push({ n, path, status })
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...rateHeaders(), ...headers })
      res.end(JSON.stringify(body))
    }
    handle(req, res, n, send).catch((error: unknown) => send(500, { message: String(error) }))
  })

  const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  async function handle(
    req: IncomingMessage,
    _res: ServerResponse,
    n: number,
    send: (status: number, body: unknown, headers?: Record<string, string>) => void,
  ): Promise<void> {
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' })
    }
    if (options.rateLimitAt?.includes(n)) {
      const reset = Math.ceil(Date.now() / 1000) + 1
      return send(
        403,
        { message: 'API rate limit exceeded for 127.0.0.1.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset), 'x-ratelimit-used': '60' },
      )
    }
    if (options.retryAfterAt?.includes(n)) {
      return send(429, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '1' })
    }
    if (options.failAt?.includes(n)) return send(500, { message: 'Server Error' })
    const url = new URL(req.url ?? '/', base())
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(url.pathname)
    const repo = m ? options.repos[`${m[1]}/${m[2]}`] : undefined
    if (!m || !repo) return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' })
    const full = `${m[1]}/${m[2]}`
    const rest = m[3] ?? ''
    if (rest === '') return send(200, repositoryJson(full, repo))
    if (rest === '/readme') {
      if (repo.readme === undefined) return send(404, { message: 'Not Found' })
      return send(200, {
        type: 'file',
        encoding: 'base64',
        size: Buffer.byteLength(repo.readme),
        name: 'README.md',
        path: 'README.md',
        content: Buffer.from(repo.readme).toString('base64').replace(/(.{60})/g, '$1\n'),
        sha: 'f'.repeat(40),
      })
    }
    if (rest === '/commits') {
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), options.maxPerPage ?? 100)
      const page = Number(url.searchParams.get('page') ?? 1)
      const items = repo.commits.slice((page - 1) * perPage, page * perPage)
      const last = Math.max(1, Math.ceil(repo.commits.length / perPage))
      return send(200, items.map((c) => commitJson(full, c)), { link: linkHeader(url, page, last) })
    }
    const detail = /^\/commits\/([0-9a-f]{40})$/.exec(rest)
    const commit = detail ? repo.commits.find((c) => c.sha === detail[1]) : undefined
    if (!commit) return send(404, { message: 'No commit found for SHA' })
    const perPage = options.filesPerPage ?? 300
    const page = Number(url.searchParams.get('page') ?? 1)
    const files = commit.files.slice((page - 1) * perPage, page * perPage)
    const last = Math.max(1, Math.ceil(commit.files.length / perPage))
    const additions = commit.files.reduce((s, f) => s + f.additions, 0)
    const deletions = commit.files.reduce((s, f) => s + f.deletions, 0)
    const body = {
      ...commitJson(full, commit),
      stats: { total: additions + deletions, additions, deletions },
      files: files.map((f) => ({
        sha: 'e'.repeat(40),
        filename: f.filename,
        status: f.status,
        additions: f.additions,
        deletions: f.deletions,
        changes: f.additions + f.deletions,
        blob_url: `https://github.com/${full}/blob/${commit.sha}/${f.filename}`,
        raw_url: `https://github.com/${full}/raw/${commit.sha}/${f.filename}`,
        contents_url: `${base()}/repos/${full}/contents/${f.filename}?ref=${commit.sha}`,
        ...(f.patch === undefined ? {} : { patch: f.patch }),
        ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}),
      })),
    }
    return send(200, body, last > 1 ? { link: linkHeader(url, page, last) } : {})
  }

  function repositoryJson(full: string, repo: FakeGithubRepo) {
    return {
      id: 123456,
      node_id: 'R_kgDOfake',
      name: full.split('/')[1],
      full_name: full,
      private: false,
      owner: { login: full.split('/')[0], id: 1, type: 'Organization' },
      html_url: `https://github.com/${full}`,
      description: `The ${full} repository`,
      fork: false,
      url: `${base()}/repos/${full}`,
      created_at: '2023-01-01T00:00:00Z',
      updated_at: '2024-01-01T00:00:00Z',
      pushed_at: '2024-01-01T00:00:00Z',
      stargazers_count: 4200,
      watchers_count: 4200,
      forks_count: 321,
      default_branch: repo.defaultBranch ?? 'main',
    }
  }

  function commitJson(full: string, c: FakeGithubCommit) {
    return {
      sha: c.sha,
      node_id: `C_${c.sha.slice(0, 10)}`,
      commit: {
        author: c.author,
        committer: c.committer ?? c.author,
        message: c.message,
        tree: { sha: 'd'.repeat(40), url: `${base()}/repos/${full}/git/trees/${'d'.repeat(40)}` },
        url: `${base()}/repos/${full}/git/commits/${c.sha}`,
        comment_count: 0,
        verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
      },
      url: `${base()}/repos/${full}/commits/${c.sha}`,
      html_url: `https://github.com/${full}/commit/${c.sha}`,
      comments_url: `${base()}/repos/${full}/commits/${c.sha}/comments`,
      author: { login: c.author.name.toLowerCase().replace(/\W+/g, ''), id: 7, type: 'User' },
      committer: { login: 'web-flow', id: 19864447, type: 'User' },
      parents: c.parents.map((sha) => ({ sha, url: `${base()}/repos/${full}/commits/${sha}`, html_url: `https://github.com/${full}/commit/${sha}` })),
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: base(),
    requests,
    detailRequests: () => requests.filter((r) => /\/commits\/[0-9a-f]{40}/.test(r.path) && r.status === 200).map((r) => r.path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function rateHeaders(): Record<string, string> {
  return {
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3600),
    'x-ratelimit-resource': 'core',
    'x-github-api-version-selected': '2022-11-28',
  }
}

/** GitHub's Link header: next/last (and prev/first after the first page), absolute URLs. */
function linkHeader(url: URL, page: number, last: number): string {
  const at = (p: number) => {
    const u = new URL(url)
    u.searchParams.set('page', String(p))
    return `<${u.toString()}>`
  }
  const parts: string[] = []
  if (page > 1) parts.push(`${at(page - 1)}; rel="prev"`)
  if (page < last) parts.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`)
  if (page > 1) parts.push(`${at(1)}; rel="first"`)
  return parts.join(', ')
}

/** A deterministic history for tests: `n` commits, newest first, with varied files. */
export function syntheticGithubHistory(n: number): FakeGithubCommit[] {
  const hex = (i: number) => i.toString(16).padStart(40, '0')
  const out: FakeGithubCommit[] = []
  for (let i = 1; i <= n; i++) {
    const date = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString().replace('.000Z', 'Z')
    const files: FakeGithubFile[] =
      i === 1
        ? [{ filename: 'README.md', status: 'added', additions: 1, deletions: 0, patch: '@@ -0,0 +1 @@\n+# Demo' }]
        : i % 10 === 0
          ? [{ filename: `weights-${i}.bin`, status: 'added', additions: 0, deletions: 0 }]
          : i % 10 === 5
            ? [{ filename: `src/m${i}.py`, status: 'renamed', additions: 0, deletions: 0, previous_filename: `src/m${i - 1}.py` }]
            : [{ filename: `src/m${i % 7}.py`, status: 'modified', additions: 1, deletions: 1, patch: `@@ -1 +1 @@\n-x = ${i - 1}\n+x = ${i}` }]
    out.push({
      sha: hex(i),
      parents: i === 1 ? [] : i % 25 === 0 ? [hex(i - 1), hex(i - 2)] : [hex(i - 1)],
      author: { name: `Dev ${i % 3}`, email: `Dev${i % 3}@Example.com`, date },
      message: i % 4 === 0 ? `Change ${i}\n\nCo-authored-by: Eve <eve@example.net>` : `Change ${i}`,
      files,
    })
  }
  return out.reverse()
}
