/**
 * @module A fake OpenAI-compatible server on 127.0.0.1 (real HTTP), speaking just
 * `POST /v1/chat/completions` as OpenAI, vLLM or Ollama do. Its "model" answers from the
 * request: it obeys an "answer X" found in the commit text (a gullible model), and, like a
 * server doing structured output, keeps to the json_schema enum unless `constrained` is off.
 * A script of behaviours (errors, delays, raw content) is played before the default answers.
 */
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type FakeBehaviour =
  /** The default answer. */
  | { kind: 'answer' }
  /** This exact message content (malformed JSON, a code outside the codebook, ...). */
  | { kind: 'content'; content: string }
  /** An HTTP error with optional headers (429 with Retry-After, 500, 401). */
  | { kind: 'status'; status: number; headers?: Record<string, string>; message?: string }
  /** No answer for `ms` (the client times out), then the default answer if still connected. */
  | { kind: 'hang'; ms: number }

export type FakeRequest = {
  at: number
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: ChatBody | null
  /** The user message's text. */
  user: string
  /** What the fake did. */
  behaviour: FakeBehaviour['kind']
}

type ChatBody = {
  model: string
  messages: { role: string; content: string }[]
  response_format?: {
    type: string
    json_schema?: { name: string; strict?: boolean; schema: Schema }
  }
}
type Schema = { properties?: Record<string, { enum?: string[]; items?: { enum?: string[] } }> }

export type FakeOptions = {
  /** Milliseconds before each answer (the bench uses 100). */
  delayMs?: number
  /** Keep answers inside the schema's enum, as servers with structured output do (default true). */
  constrained?: boolean
}

export type FakeOpenAI = {
  /** The base URL to configure (`…/v1`). */
  url: string
  requests: FakeRequest[]
  /** Behaviours played in order, one per request, before the default. */
  script: FakeBehaviour[]
  options: Required<FakeOptions>
  /** Chat completion requests so far. */
  completions: () => number
  close: () => Promise<void>
}

/** The enum of codes the request's schema allows. */
export function schemaCodes(body: ChatBody | null): string[] {
  const props = body?.response_format?.json_schema?.schema.properties ?? {}
  return props.code?.enum ?? props.codes?.items?.enum ?? []
}

/** The fake model: a code from the commit text, obeying injected instructions when it can. */
function modelAnswer(body: ChatBody, user: string, constrained: boolean): string {
  const codes = schemaCodes(body)
  const multi = Boolean(body.response_format?.json_schema?.schema.properties?.codes)
  const commit = /<commit>([\s\S]*)<\/commit>\s*$/.exec(user)?.[1] ?? user
  const injected = /answer\s+["']?([^"'\n.]+)/i.exec(commit)?.[1]?.trim()
  const keyword = [
    [/readme|\.md\b/i, 'external documentation'],
    [/config\.json/i, 'parameter tuning'],
    [/tokeni[sz]er|vocab/i, 'preprocessing'],
    [/\.bin\b|\.safetensors|modeling/i, 'model structure'],
  ] as const
  let code = injected ?? keyword.find(([re]) => re.test(commit))?.[1] ?? codes[0] ?? 'unclear'
  // Structured output: the decoder can only produce an enum value.
  if (constrained && codes.length > 0 && !codes.includes(code))
    code = codes.includes('unclear') ? 'unclear' : codes[0]!
  const answer = {
    ...(multi ? { codes: [code] } : { code }),
    confidence: 0.8,
    rationale: `fake model: ${code}`,
  }
  return JSON.stringify(answer)
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  if (res.destroyed) return
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

export async function startFakeOpenAI(options: FakeOptions = {}): Promise<FakeOpenAI> {
  const settings = { delayMs: options.delayMs ?? 0, constrained: options.constrained ?? true }
  const requests: FakeRequest[] = []
  const script: FakeBehaviour[] = []
  let served = 0
  const server = createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk) => (raw += chunk))
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!
      let body: ChatBody | null = null
      try {
        body = raw ? (JSON.parse(raw) as ChatBody) : null
      } catch {
        body = null
      }
      const user = body?.messages?.find((m) => m.role === 'user')?.content ?? ''
      const isChat = req.method === 'POST' && path === '/v1/chat/completions'
      const behaviour: FakeBehaviour = isChat
        ? (script.shift() ?? { kind: 'answer' })
        : { kind: 'status', status: 404 }
      requests.push({
        at: Date.now(),
        method: req.method ?? '',
        path,
        headers: req.headers,
        body,
        user,
        behaviour: behaviour.kind,
      })
      if (!isChat || !body) {
        return send(res, isChat ? 400 : 404, {
          error: { message: `unsupported: ${req.method} ${path}`, type: 'invalid_request_error' },
        })
      }
      const chat = body
      const answer = (content: string) => {
        served += 1
        send(res, 200, {
          id: `chatcmpl-fake-${served}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: chat.model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content, refusal: null },
              finish_reason: 'stop',
              logprobs: null,
            },
          ],
          usage: {
            prompt_tokens: Math.ceil(chat.messages.reduce((n, m) => n + m.content.length, 0) / 4),
            completion_tokens: Math.ceil(content.length / 4),
            total_tokens: 0,
          },
        })
      }
      const timers: NodeJS.Timeout[] = []
      res.on('close', () => timers.forEach(clearTimeout))
      const later = (ms: number, fn: () => void) =>
        ms > 0 ? timers.push(setTimeout(fn, ms)) : fn()
      later(settings.delayMs, () => {
        switch (behaviour.kind) {
          case 'status':
            return send(
              res,
              behaviour.status,
              {
                error: {
                  message: behaviour.message ?? `fake error ${behaviour.status}`,
                  type: 'fake_error',
                  code: null,
                },
              },
              behaviour.headers,
            )
          case 'content':
            return answer(behaviour.content)
          case 'hang':
            return later(behaviour.ms, () => answer(modelAnswer(chat, user, settings.constrained)))
          default:
            return answer(modelAnswer(chat, user, settings.constrained))
        }
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script,
    options: settings,
    completions: () => requests.filter((r) => r.path === '/v1/chat/completions').length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
