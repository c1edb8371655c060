/**
 * A local stand-in for the Hugging Face Hub, answering like its documented API and its git
 * service: `GET /api/models/{id}` (model info), `GET /api/models/{id}/commits/{rev}` (`limit`,
 * `p`, `Link` pagination; items `{id, title, message, authors, date}`), and the model's git
 * repository over smart HTTP at `/{id}` (served by git's own `git http-backend`). It can refuse
 * a request with a 429 (`RateLimit: "api";r=0;t=1`), fail one with a 500, and report requests.
 */
import { execFileSync, spawn } from 'node:child_process'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

export type FakeHubModel = {
  /** A git repository (working or bare) holding the model's history. */
  gitDir: string
  downloads?: number
  likes?: number
  pipelineTag?: string
  library?: string
  createdAt?: string
}

export type FakeHubOptions = {
  models: Record<string, FakeHubModel>
  /** Largest `limit` served by the commit listing. */
  maxLimit?: number
  token?: string
  /** 1-based request numbers (API requests only) answered 429 with the Hub's RateLimit headers. */
  rateLimitAt?: number[]
  /** 1-based request numbers (API requests only) answered 500. */
  failAt?: number[]
  onRequest?: (n: number, path: string) => void
}

export type FakeHubRequest = { n: number; path: string; status: number; kind: 'api' | 'git'; body?: string; authorization?: string }

export type FakeHub = {
  url: string
  requests: FakeHubRequest[]
  /** git upload-pack requests that asked for objects (`command=fetch`, or a v0 `want`). */
  packFetches: () => FakeHubRequest[]
  close: () => Promise<void>
}

export async function startFakeHub(options: FakeHubOptions): Promise<FakeHub> {
  const requests: FakeHubRequest[] = []
  let apiCount = 0
  let count = 0
  const server: Server = createServer((req, res) => {
    count += 1
    const path = req.url ?? '/'
    options.onRequest?.(count, path)
    const isApi = path.startsWith('/api/')
    const n = isApi ? ++apiCount : count
    const record = (status: number, extra: Partial<FakeHubRequest> = {}) =>
      requests.push({ n, path, status, kind: isApi ? 'api' : 'git', authorization: req.headers.authorization, ...extra })
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record(status)
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
      res.end(JSON.stringify(body))
    }
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      if (isApi) return json(401, { error: 'Invalid credentials in Authorization header' })
      record(401)
      res.writeHead(401, { 'www-authenticate': 'Basic realm="Authentication required", charset="UTF-8"' })
      return res.end('Invalid credentials')
    }
    if (isApi) return api(req, n, json)
    return gitService(req, res, record).catch((error: unknown) => {
      record(500)
      res.writeHead(500)
      res.end(String(error))
    })
  })

  const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  function api(req: IncomingMessage, n: number, json: (status: number, body: unknown, headers?: Record<string, string>) => void) {
    if (options.rateLimitAt?.includes(n)) {
      return json(
        429,
        { error: 'You have been rate-limited; you can retry this action in about 1 second.' },
        { ratelimit: '"api";r=0;t=1', 'ratelimit-policy': '"fixed window";"api";q=500;w=300' },
      )
    }
    if (options.failAt?.includes(n)) return json(500, { error: 'Internal Error - We\'re working hard to fix this as soon as possible!' })
    const url = new URL(req.url ?? '/', base())
    const m = /^\/api\/models\/([^/]+\/[^/]+?)(?:\/commits\/([^/]+))?$/.exec(url.pathname)
    const id = m?.[1]
    const model = id ? options.models[id] : undefined
    if (!m || !model || !id) return json(404, { error: 'Repository not found' })
    const head = gitOut(model.gitDir, ['rev-parse', 'HEAD']).trim()
    if (!m[2]) {
      const files = gitOut(model.gitDir, ['ls-tree', '-r', '--name-only', 'HEAD']).split('\n').filter(Boolean)
      const created = model.createdAt ?? '2022-03-02T23:29:04.000Z'
      return json(200, {
        _id: '621ffdc036468d709f174338',
        id,
        modelId: id,
        author: id.split('/')[0],
        sha: head,
        lastModified: new Date(Number(gitOut(model.gitDir, ['log', '-1', '--format=%ct'])) * 1000).toISOString(),
        private: false,
        disabled: false,
        gated: false,
        pipeline_tag: model.pipelineTag ?? 'text-generation',
        tags: ['transformers', 'pytorch', model.pipelineTag ?? 'text-generation'],
        downloads: model.downloads ?? 0,
        likes: model.likes ?? 0,
        library_name: model.library ?? 'transformers',
        createdAt: created,
        siblings: files.map((rfilename) => ({ rfilename })),
        spaces: [],
        cardData: { license: 'apache-2.0' },
      })
    }
    const rev = decodeURIComponent(m[2])
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 50), options.maxLimit ?? 1000)
    const page = Number(url.searchParams.get('p') ?? 0)
    let log: string
    try {
      log = gitOut(model.gitDir, ['log', '--format=%H%x00%s%x00%b%x00%aI%x00%an%x01', rev, '--'])
    } catch {
      return json(404, { error: `Invalid rev id: ${rev}` })
    }
    const all = log.split('\x01').map((s) => s.replace(/^\n/, '')).filter(Boolean).map((entry) => {
      const [sha, title, body, date, author] = entry.split('\0')
      return {
        id: sha,
        title,
        message: body,
        authors: [{ user: author!.toLowerCase().replace(/\W+/g, ''), avatar: 'https://cdn-avatars.huggingface.co/v1/production/uploads/x.png' }],
        date: new Date(date!).toISOString(),
      }
    })
    const items = all.slice(page * limit, (page + 1) * limit)
    const headers: Record<string, string> = {}
    if ((page + 1) * limit < all.length) {
      const next = new URL(url)
      next.searchParams.set('p', String(page + 1))
      headers.link = `<${next.toString()}>; rel="next"`
    }
    return json(200, items, headers)
  }

  /** git's smart HTTP protocol, through `git http-backend` as a CGI program. */
  async function gitService(req: IncomingMessage, res: ServerResponse, record: (status: number, extra?: Partial<FakeHubRequest>) => void) {
    const url = new URL(req.url ?? '/', base())
    const m = /^\/([^/]+\/[^/]+?)(?:\.git)?(\/info\/refs|\/git-upload-pack|\/HEAD)$/.exec(url.pathname)
    const model = m ? options.models[m[1]!] : undefined
    if (!m || !model) {
      record(404)
      res.writeHead(404)
      return res.end('Repository not found')
    }
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const plain = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body
    const child = spawn('git', ['http-backend'], {
      env: {
        ...process.env,
        GIT_PROJECT_ROOT: '/',
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: `${model.gitDir}${m[2]}`,
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        CONTENT_LENGTH: String(body.length),
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        HTTP_GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    child.stdin.on('error', () => undefined) // the backend may answer before reading it all
    child.stdin.end(body)
    const out: Buffer[] = []
    for await (const chunk of child.stdout) out.push(chunk as Buffer)
    const output = Buffer.concat(out)
    const split = output.indexOf('\r\n\r\n')
    const headerEnd = split === -1 ? output.indexOf('\n\n') : split
    const gap = split === -1 ? 2 : 4
    const headers: Record<string, string> = {}
    let status = 200
    for (const line of output.subarray(0, headerEnd).toString('latin1').split(/\r?\n/)) {
      const colon = line.indexOf(':')
      if (colon === -1) continue
      const name = line.slice(0, colon).trim()
      const value = line.slice(colon + 1).trim()
      if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0])
      else headers[name] = value
    }
    record(status, { body: plain.toString('latin1').slice(0, 4000) })
    res.writeHead(status, headers)
    res.end(output.subarray(headerEnd + gap))
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: base(),
    requests,
    packFetches: () =>
      requests.filter((r) => r.kind === 'git' && r.path.endsWith('git-upload-pack') && /command=fetch|want [0-9a-f]{40}/.test(r.body ?? '')),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function gitOut(dir: string, args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
}
