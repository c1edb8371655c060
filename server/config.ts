/**
 * @module Environment -> typed configuration, parsed once by zod.
 */
import { tmpdir } from 'node:os'
import path from 'node:path'
import { z } from 'zod'

const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes')

/** An optional variable; set but empty counts as unset. */
const unsetIfEmpty = <T extends z.ZodType>(type: T) => z.preprocess((v) => (v === '' ? undefined : v), type.optional())

const Env = z.object({
  DATABASE_URL: z.string().min(1).default('file:./concord.db'),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  /** Milliseconds a file database waits on a lock held by another process. */
  CONCORD_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /** Diffs longer than this many characters are cut, with a marker. */
  CONCORD_DIFF_CAP: z.coerce.number().int().min(1_000).default(20_000),
  /** Load the bundled sample into an empty database on `npm start`. */
  CONCORD_SAMPLE: flag.default(true),
  /** An OpenAI-compatible server for `label --labeler llm` (OpenAI, vLLM, Ollama, llama.cpp, LM Studio). */
  OPENAI_BASE_URL: unsetIfEmpty(z.url()),
  OPENAI_API_KEY: unsetIfEmpty(z.string()),
  CONCORD_LLM_MODEL: unsetIfEmpty(z.string().min(1)),
  CONCORD_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  CONCORD_LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(20).default(5),
  CONCORD_LLM_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
  /** Token budget of one commit's text in the prompt (message, files, diff excerpt). */
  CONCORD_LLM_UNIT_TOKENS: z.coerce.number().int().min(200).default(1_500),
  /** Few-shot examples per code, taken from final codes. */
  CONCORD_LLM_FEW_SHOT: z.coerce.number().int().min(0).max(20).default(1),
  /** USD per million prompt / completion tokens, for estimates and the budget cap. */
  CONCORD_LLM_INPUT_USD_PER_MTOK: unsetIfEmpty(z.coerce.number().min(0)),
  CONCORD_LLM_OUTPUT_USD_PER_MTOK: unsetIfEmpty(z.coerce.number().min(0)),
  CONCORD_LLM_BUDGET_USD: unsetIfEmpty(z.coerce.number().positive()),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** `required` (the default): anonymous requests get 401; `off` opens the API to anyone who can reach it. */
  CONCORD_AUTH: z.enum(['required', 'off']).default('required'),
  /** Sets the administrator's password at start instead of printing a sign-in link. */
  CONCORD_ADMIN_PASSWORD: unsetIfEmpty(z.string().min(8, 'at least 8 characters')),
  /** The name of the administrator the first start creates. */
  CONCORD_ADMIN_NAME: z.string().min(1).default('admin'),
  /** Where the built client is (default dist/client); tests build their own copy elsewhere. */
  CONCORD_CLIENT_DIR: unsetIfEmpty(z.string().min(1)),
  /** Remote sources for `import github` / `import hf` (tests point them at local fakes). */
  GITHUB_API_URL: unsetIfEmpty(z.url()),
  GITHUB_TOKEN: unsetIfEmpty(z.string()),
  HF_ENDPOINT: unsetIfEmpty(z.url()),
  HF_TOKEN: unsetIfEmpty(z.string()),
  /** Where `import hf` keeps its bare clones between runs (a rerun fetches only new objects). */
  CONCORD_CLONE_DIR: unsetIfEmpty(z.string().min(1)),
  /** First wait before retrying a failed request (doubles each time). */
  CONCORD_HTTP_RETRY_MS: z.coerce.number().int().min(0).default(1_000),
  CONCORD_HTTP_RETRIES: z.coerce.number().int().min(0).max(20).default(5),
  /** Commits stored per transaction by `import git` / `import hf` (a killed import keeps whole batches). */
  CONCORD_IMPORT_BATCH: z.coerce.number().int().min(1).max(100_000).default(500),
})

export type Config = {
  databaseUrl: string
  databaseAuthToken: string | undefined
  busyTimeoutMs: number
  diffCap: number
  loadSample: boolean
  port: number
  host: string
  auth: { required: boolean; adminName: string; adminPassword: string | undefined }
  clientDir: string | undefined
  llm: LlmConfig
  sources: SourcesConfig
}

/** Where imports read from; tokens must never be logged, stored or sent to the browser. */
export type SourcesConfig = {
  githubApiUrl: string
  githubToken: string | undefined
  hfEndpoint: string
  hfToken: string | undefined
  cloneDir: string
  retryBaseMs: number
  retries: number
  gitBatch: number
}

/** The LLM labeler's settings; `apiKey` must never be logged, stored or sent to the browser. */
export type LlmConfig = {
  baseUrl: string | undefined
  apiKey: string | undefined
  model: string | undefined
  timeoutMs: number
  maxRetries: number
  concurrency: number
  unitTokens: number
  fewShotPerCode: number
  inputUsdPerMTok: number | undefined
  outputUsdPerMTok: number | undefined
  budgetUsd: number | undefined
}

/**
 * Reads the configuration from an environment (the process's by default).
 * @throws Error naming the offending variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(`invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`)
  }
  const e = parsed.data
  return {
    databaseUrl: e.DATABASE_URL,
    databaseAuthToken: e.DATABASE_AUTH_TOKEN,
    busyTimeoutMs: e.CONCORD_BUSY_TIMEOUT_MS,
    diffCap: e.CONCORD_DIFF_CAP,
    loadSample: e.CONCORD_SAMPLE,
    port: e.PORT,
    host: e.HOST,
    auth: { required: e.CONCORD_AUTH === 'required', adminName: e.CONCORD_ADMIN_NAME, adminPassword: e.CONCORD_ADMIN_PASSWORD },
    clientDir: e.CONCORD_CLIENT_DIR,
    llm: {
      baseUrl: e.OPENAI_BASE_URL,
      apiKey: e.OPENAI_API_KEY,
      model: e.CONCORD_LLM_MODEL,
      timeoutMs: e.CONCORD_LLM_TIMEOUT_MS,
      maxRetries: e.CONCORD_LLM_MAX_RETRIES,
      concurrency: e.CONCORD_LLM_CONCURRENCY,
      unitTokens: e.CONCORD_LLM_UNIT_TOKENS,
      fewShotPerCode: e.CONCORD_LLM_FEW_SHOT,
      inputUsdPerMTok: e.CONCORD_LLM_INPUT_USD_PER_MTOK,
      outputUsdPerMTok: e.CONCORD_LLM_OUTPUT_USD_PER_MTOK,
      budgetUsd: e.CONCORD_LLM_BUDGET_USD,
    },
    sources: {
      githubApiUrl: (e.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
      githubToken: e.GITHUB_TOKEN,
      hfEndpoint: (e.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, ''),
      hfToken: e.HF_TOKEN,
      cloneDir: e.CONCORD_CLONE_DIR ?? path.join(tmpdir(), 'concord-clones'),
      retryBaseMs: e.CONCORD_HTTP_RETRY_MS,
      retries: e.CONCORD_HTTP_RETRIES,
      gitBatch: e.CONCORD_IMPORT_BATCH,
    },
  }
}
