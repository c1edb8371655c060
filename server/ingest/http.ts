/**
 * @module HTTP for the remote importers (GitHub REST API, Hugging Face Hub API): JSON GETs with
 * a token, `Link` pagination, retries of 5xx and network failures, and waits on rate limits
 * (`Retry-After`, `X-RateLimit-Reset`, the Hub's `RateLimit: …;t=N`) reported each second.
 */

/** A wait before the next request: why, how long is left, and when it ends. */
export type Wait = { reason: string; secondsLeft: number; until: Date }

export type HttpClientOptions = {
  /** Names the service in messages: `GitHub`, `the Hugging Face Hub`. */
  service: string
  headers?: Record<string, string>
  token?: string | undefined
  /** Retries of a 5xx answer or a network failure, waiting retryBaseMs, then twice that, … */
  retries: number
  retryBaseMs: number
  /** Called once a second while waiting; may throw to stop (a cancelled job). */
  onWait?: (wait: Wait) => void | Promise<void>
  /** Called before every request (counting, tests). */
  onRequest?: (url: string) => void
  /** Longest rate-limit wait accepted before failing instead (default: one hour and a bit). */
  maxWaitMs?: number
  /** Time source, for tests. */
  now?: () => number
}

/** A request that failed for good; `status` is 0 for a network failure. */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly url: string,
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

export type JsonResponse<T> = { data: T; headers: Headers; status: number; url: string }

export class HttpClient {
  /** Requests sent, retries included. */
  requests = 0

  constructor(private readonly options: HttpClientOptions) {}

  /** GETs a JSON document; 404 resolves to null when `allowMissing`. */
  async getJson<T = unknown>(url: string, init: { allowMissing: true }): Promise<JsonResponse<T> | null>
  async getJson<T = unknown>(url: string, init?: { allowMissing?: false }): Promise<JsonResponse<T>>
  async getJson<T = unknown>(url: string, init: { allowMissing?: boolean } = {}): Promise<JsonResponse<T> | null> {
    const response = await this.get(url, { accept: 'application/json', allowMissing: init.allowMissing ?? false })
    if (!response) return null
    const text = await response.text()
    try {
      return { data: JSON.parse(text) as T, headers: response.headers, status: response.status, url: response.url || url }
    } catch {
      throw new HttpError(`${this.options.service} answered ${url} with something that is not JSON`, response.status, url)
    }
  }

  /** Every page of a paginated JSON list, following `Link: <…>; rel="next"`. */
  async *pages<T>(firstUrl: string): AsyncGenerator<JsonResponse<T[]>> {
    let url: string | null = firstUrl
    while (url) {
      const page: JsonResponse<T[]> = await this.getJson<T[]>(url)
      if (!Array.isArray(page.data)) throw new HttpError(`${this.options.service} answered ${url} with no list`, page.status, url)
      yield page
      url = nextLink(page.headers.get('link'), url)
    }
  }

  private async get(url: string, init: { accept: string; allowMissing: boolean }): Promise<Response | null> {
    const { retries, retryBaseMs } = this.options
    let failures = 0
    let limited = 0
    for (;;) {
      this.requests += 1
      this.options.onRequest?.(url)
      let response: Response
      try {
        response = await fetch(url, { headers: this.headers(init.accept), redirect: 'follow' })
      } catch (error) {
        if (failures >= retries) {
          throw new HttpError(`${this.options.service} is unreachable at ${url}: ${causeOf(error)}`, 0, url)
        }
        failures += 1
        await this.wait(retryBaseMs * 2 ** (failures - 1), `${causeOf(error)}; retry ${failures} of ${retries}`)
        continue
      }
      if (response.ok) return response
      const body = await response.text().catch(() => '')
      if (response.status === 404 && init.allowMissing) return null
      const limitWait = rateLimitWaitMs(response, this.now())
      if (limitWait !== null) {
        const max = this.options.maxWaitMs ?? 3_900_000
        limited += 1
        if (limitWait > max || limited > 50) {
          throw new HttpError(`${this.options.service} rate limit: the reset is ${Math.round(limitWait / 60_000)} min away`, response.status, url)
        }
        await this.wait(limitWait, `${this.options.service} rate limit (${response.status})`)
        continue
      }
      if (response.status >= 500 && failures < retries) {
        failures += 1
        await this.wait(retryBaseMs * 2 ** (failures - 1), `${this.options.service} answered ${response.status}; retry ${failures} of ${retries}`)
        continue
      }
      throw new HttpError(this.failureMessage(response.status, url, body), response.status, url)
    }
  }

  private headers(accept: string): Record<string, string> {
    const headers: Record<string, string> = { accept, 'user-agent': 'concord-importer', ...this.options.headers }
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`
    return headers
  }

  private now(): number {
    return this.options.now?.() ?? Date.now()
  }

  /** Waits `ms`, telling onWait the seconds left once a second. */
  private async wait(ms: number, reason: string): Promise<void> {
    const until = new Date(this.now() + ms)
    for (;;) {
      const left = until.getTime() - this.now()
      if (left <= 0) return
      await this.options.onWait?.({ reason, secondsLeft: Math.ceil(left / 1000), until })
      await sleep(Math.min(left, 1000 - (left % 1000 || 0) || 1000))
    }
  }

  private failureMessage(status: number, url: string, body: string): string {
    const detail = messageOf(body)
    const what = `${this.options.service} answered ${status} for ${url}${detail ? ` (${detail})` : ''}`
    if (status === 401) return `${what}: the token was refused`
    if (status === 403) return `${what}: access denied (a private repository needs a token)`
    if (status === 404) return `${what}: not found (or private: a token is needed)`
    return what
  }
}

/**
 * How long to wait before retrying a rate-limited answer, or null when it is not one. GitHub:
 * 403/429 with `Retry-After` (seconds) or `X-RateLimit-Remaining: 0` + `X-RateLimit-Reset`
 * (epoch seconds); the Hub: 429 with `RateLimit: "api";r=0;t=SECONDS`. A 429 without any of
 * them waits a minute.
 */
export function rateLimitWaitMs(response: { status: number; headers: Headers }, now: number): number | null {
  if (response.status !== 403 && response.status !== 429) return null
  const h = response.headers
  const retryAfter = h.get('retry-after')
  if (retryAfter !== null) {
    const seconds = Number(retryAfter)
    if (Number.isFinite(seconds)) return Math.max(seconds * 1000, 0)
    const date = Date.parse(retryAfter)
    if (!Number.isNaN(date)) return Math.max(date - now, 0)
  }
  const reset = h.get('x-ratelimit-reset')
  if (reset !== null && (h.get('x-ratelimit-remaining') === '0' || response.status === 429)) {
    // Whole epoch seconds: wait until the second after, so the window has surely reset.
    return Math.max(Number(reset) * 1000 - now, 0) + 1000
  }
  const t = /;\s*t=(\d+)/.exec(h.get('ratelimit') ?? '')?.[1]
  if (t !== undefined) return Number(t) * 1000
  return response.status === 429 ? 60_000 : null
}

/** The `rel="next"` URL of a `Link` header, resolved against the request's URL. */
export function nextLink(link: string | null, base: string): string | null {
  if (!link) return null
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;(.*)$/.exec(part.trim())
    if (m && /\brel="?([^"]*\s)?next(\s[^"]*)?"?/.test(m[2]!)) return new URL(m[1]!, base).toString()
  }
  return null
}

function messageOf(body: string): string {
  try {
    const json = JSON.parse(body) as { message?: unknown; error?: unknown }
    const text = typeof json.message === 'string' ? json.message : typeof json.error === 'string' ? json.error : ''
    return text.slice(0, 200)
  } catch {
    return body.trim().slice(0, 120)
  }
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  return cause?.code ?? cause?.message ?? (error as Error).message
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
