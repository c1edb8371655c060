/**
 * @module The `llm` labeler: one commit -> one answer from any OpenAI-compatible server, through
 * the `openai` SDK and only `POST /v1/chat/completions`. Structured output (`response_format`
 * json_schema) restricts the code to the codebook's enum; the answer is validated again here, so
 * nothing outside the codebook is ever returned as a code. Invalid answers are retried once;
 * 429, 5xx, timeouts and connection errors are retried with backoff honouring `Retry-After`.
 */
import OpenAI, { APIConnectionError, APIError, APIUserAbortError } from 'openai'
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
} from 'openai/resources/chat/completions'

export type LlmSettings = {
  baseUrl: string
  /** Never logged or stored; servers that need none (Ollama, llama.cpp) get a placeholder. */
  apiKey: string | undefined
  model: string
  timeoutMs: number
  /** Retries of one request after 429 / 5xx / timeouts (the invalid-answer retry is separate). */
  maxRetries: number
  /** First backoff step without Retry-After (doubles each retry, capped at 20 s). */
  retryBaseMs?: number
  /** Longest Retry-After honoured (default 60 s). */
  maxRetryAfterMs?: number
}

export type LlmAnswer = { codes: string[]; confidence: number; rationale: string }
export type Usage = { promptTokens: number; completionTokens: number }

export type LlmOutcome =
  | { ok: true; answer: LlmAnswer; usage: Usage; requests: number }
  | { ok: false; reason: string; usage: Usage; requests: number }

/** The server refuses every request (bad key, unknown model, forbidden): the run stops. */
export class LlmFatalError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'LlmFatalError'
  }
}

/** Longest rationale kept, in characters. */
const maxRationale = 500

/**
 * The JSON schema of an answer: the code (or codes, multi-label) from the codebook's enum, a
 * confidence in 0..1 and a short rationale; nothing else.
 * @example answerSchema(['docs', 'model'], false).properties.code.enum // ['docs', 'model']
 */
export function answerSchema(codes: readonly string[], multiLabel: boolean) {
  const code = { type: 'string', enum: [...codes] } as const
  return {
    type: 'object',
    properties: {
      ...(multiLabel ? { codes: { type: 'array', items: code, minItems: 1 } } : { code }),
      confidence: { type: 'number', minimum: 0, maximum: 1 },
      rationale: { type: 'string' },
    },
    required: [multiLabel ? 'codes' : 'code', 'confidence', 'rationale'],
    additionalProperties: false,
  }
}

/**
 * Checks an answer's text against the schema and the codebook.
 * @example validateAnswer('{"code":"docs","confidence":0.9,"rationale":"README"}', ['docs'], false).ok // true
 */
export function validateAnswer(
  content: string | null | undefined,
  codes: readonly string[],
  multiLabel: boolean,
): { ok: true; answer: LlmAnswer } | { ok: false; reason: string } {
  if (content == null || content.trim() === '') return { ok: false, reason: 'empty answer' }
  let value: unknown
  try {
    value = JSON.parse(content)
  } catch {
    return { ok: false, reason: `not JSON: ${JSON.stringify(content.slice(0, 80))}` }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'not a JSON object' }
  const record = value as Record<string, unknown>
  const key = multiLabel ? 'codes' : 'code'
  const extra = Object.keys(record).filter((k) => ![key, 'confidence', 'rationale'].includes(k))
  if (extra.length > 0) return { ok: false, reason: `unexpected field '${extra[0]}'` }
  const raw = multiLabel ? record.codes : [record.code]
  if (!Array.isArray(raw) || raw.length === 0) return { ok: false, reason: `'${key}' missing` }
  const outside = raw.find((c) => typeof c !== 'string' || !codes.includes(c))
  if (outside !== undefined)
    return {
      ok: false,
      reason: `code outside the codebook: ${JSON.stringify(outside).slice(0, 80)}`,
    }
  const confidence = record.confidence
  if (
    typeof confidence !== 'number' ||
    !Number.isFinite(confidence) ||
    confidence < 0 ||
    confidence > 1
  ) {
    return { ok: false, reason: 'confidence is not a number in 0..1' }
  }
  if (typeof record.rationale !== 'string')
    return { ok: false, reason: 'rationale is not a string' }
  return {
    ok: true,
    answer: {
      codes: [...new Set(raw as string[])],
      confidence,
      rationale: record.rationale.trim().slice(0, maxRationale),
    },
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new APIUserAbortError())
    const timer = setTimeout(done, ms)
    function done() {
      signal?.removeEventListener('abort', abort)
      resolve()
    }
    function abort() {
      clearTimeout(timer)
      reject(new APIUserAbortError())
    }
    signal?.addEventListener('abort', abort, { once: true })
  })

/** Milliseconds to wait before retrying, from `retry-after-ms` / `Retry-After` (seconds or a date). */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '')
  if (Number.isFinite(ms) && ms >= 0) return ms
  const value = headers?.get('retry-after')
  if (!value) return null
  const seconds = Number.parseFloat(value)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.max(date - now, 0)
}

function retryable(error: unknown): boolean {
  if (error instanceof APIUserAbortError) return false
  if (error instanceof APIConnectionError) return true // includes timeouts
  if (error instanceof APIError)
    return (
      error.status === 408 ||
      error.status === 409 ||
      error.status === 429 ||
      (error.status ?? 0) >= 500
    )
  return false
}

function describe(error: unknown): string {
  if (error instanceof APIError && error.status)
    return `HTTP ${error.status}: ${error.message}`.slice(0, 300)
  return (error instanceof Error ? error.message : String(error)).slice(0, 300)
}

export type LlmLabeler = {
  model: string
  /** Asks for one unit's code(s); resolves to an answer or a failure, throws LlmFatalError or on abort. */
  label: (
    messages: { system: string; user: string },
    codes: readonly string[],
    multiLabel: boolean,
    signal?: AbortSignal,
  ) => Promise<LlmOutcome>
}

export function createLlmLabeler(settings: LlmSettings): LlmLabeler {
  const client = new OpenAI({
    baseURL: settings.baseUrl,
    apiKey: settings.apiKey || 'not-set',
    organization: null,
    project: null,
    timeout: settings.timeoutMs,
    maxRetries: 0,
    logLevel: 'off',
  })
  const base = settings.retryBaseMs ?? 500
  const maxWait = settings.maxRetryAfterMs ?? 60_000

  /** One completion with transport retries; counts every request sent. */
  async function complete(
    body: ChatCompletionCreateParamsNonStreaming,
    signal: AbortSignal | undefined,
    tally: { requests: number },
  ) {
    for (let attempt = 0; ; attempt++) {
      tally.requests += 1
      try {
        return {
          completion: (await client.chat.completions.create(body, { signal })) as ChatCompletion,
        }
      } catch (error) {
        if (signal?.aborted || error instanceof APIUserAbortError) throw error
        if (error instanceof APIError && [401, 403, 404].includes(error.status ?? 0)) {
          throw new LlmFatalError(`the LLM server refused the request (${describe(error)})`)
        }
        if (!retryable(error) || attempt >= settings.maxRetries) {
          return {
            error: `${describe(error)}${attempt > 0 ? ` (after ${attempt + 1} requests)` : ''}`,
          }
        }
        const hinted = error instanceof APIError ? retryAfterMs(error.headers) : null
        const backoff = Math.min(base * 2 ** attempt, 20_000) * (0.8 + 0.4 * Math.random())
        await sleep(hinted === null ? backoff : Math.min(hinted, maxWait), signal)
      }
    }
  }

  return {
    model: settings.model,
    async label(messages, codes, multiLabel, signal) {
      const body: ChatCompletionCreateParamsNonStreaming = {
        model: settings.model,
        messages: [
          { role: 'system', content: messages.system },
          { role: 'user', content: messages.user },
        ],
        temperature: 0,
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'change_type',
            strict: true,
            schema: answerSchema(codes, multiLabel),
          },
        },
      }
      const tally = { requests: 0 }
      const usage: Usage = { promptTokens: 0, completionTokens: 0 }
      let reason = ''
      // An answer outside the schema or the codebook gets one more try, then is a failure.
      for (let attempt = 0; attempt < 2; attempt++) {
        const result = await complete(body, signal, tally)
        if ('error' in result)
          return {
            ok: false,
            reason: result.error ?? 'request failed',
            usage,
            requests: tally.requests,
          }
        const { completion } = result
        usage.promptTokens += completion.usage?.prompt_tokens ?? 0
        usage.completionTokens += completion.usage?.completion_tokens ?? 0
        const message = completion.choices?.[0]?.message
        const checked = message?.refusal
          ? { ok: false as const, reason: `refused: ${message.refusal.slice(0, 120)}` }
          : validateAnswer(message?.content, codes, multiLabel)
        if (checked.ok) return { ok: true, answer: checked.answer, usage, requests: tally.requests }
        reason = `invalid answer: ${checked.reason}`
      }
      return { ok: false, reason: `${reason} (after a retry)`, usage, requests: tally.requests }
    },
  }
}
