/**
 * @module `npm start`: configure, migrate, seed the sample on an empty database, resume or fail
 * the jobs a previous process left unfinished, serve; on SIGTERM / SIGINT, stop gracefully.
 */
import { serve } from '@hono/node-server'
import type { Server, ServerResponse } from 'node:http'
import { fileURLToPath } from 'node:url'
import { createApp } from './app'
import { loadConfig } from './config'
import { openDatabase } from './db'
import { newSecret } from './auth/tokens'
import { ensureSiteAdmin } from './services/accounts'
import type { Ctx } from './services/context'
import { interruptJobs, recoverInterruptedJobs } from './services/jobs'
import { prelabelSample, resumeLabeling } from './services/labeling'
import { isDatabaseEmpty, loadSample } from './services/sample'

const builtClient = fileURLToPath(new URL('../dist/client', import.meta.url))

/** How long a shutdown waits for requests in flight and for jobs to reach a checkpoint. */
const shutdownGraceMs = 10_000

async function start(): Promise<void> {
  const config = loadConfig()
  const database = await openDatabase({
    url: config.databaseUrl,
    authToken: config.databaseAuthToken,
    busyTimeoutMs: config.busyTimeoutMs,
    busyRetry: { onRetry: (attempt, error) => console.error(`database busy (${(error as Error).message}): retry ${attempt}`) },
  })
  const ctx: Ctx = { db: database.db, actor: 'system', progress: (m) => console.error(m) }
  const sampleLoaded = config.loadSample && (await isDatabaseEmpty(ctx))
  if (sampleLoaded) {
    console.error('Empty database: loading the bundled sample (CONCORD_SAMPLE=0 skips this)')
    await loadSample(ctx, { diffCap: config.diffCap })
  }
  // Labeling jobs a killed or stopped server left unfinished continue; other jobs are failed.
  const recovered = await recoverInterruptedJobs({ ...ctx, llm: config.llm }, { label: resumeLabeling })
  if (recovered.failed > 0) console.error(`${recovered.failed} job(s) interrupted by the last shutdown are marked failed; rerun them`)
  if (recovered.resumed.length > 0) console.error(`Resuming interrupted job(s) ${recovered.resumed.join(', ')}`)
  // The sample's families get offline pre-labels (the rules labeler) as a background job.
  if (sampleLoaded) await prelabelSample(ctx)
  // The first start creates the administrator; a sign-in link valid until restart (as Jupyter's)
  // lets them in, unless CONCORD_ADMIN_PASSWORD gives them a password. Never a default password.
  const { admin, created } = await ensureSiteAdmin(ctx, { name: config.auth.adminName, password: config.auth.adminPassword })
  if (created) console.error(`Created the administrator '${admin.name}'`)
  const signInLink = config.auth.adminPassword === undefined ? { secret: newSecret(), userId: admin.id } : undefined
  const clientDir = config.clientDir ?? builtClient
  const app = createApp({ db: database.db, clientDir, llm: config.llm, imports: { ...config.sources, diffCap: config.diffCap }, auth: { required: config.auth.required, signInLink } })
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    const host = info.address.includes(':') ? `[${info.address}]` : info.address
    const url = `http://${host}:${info.port}/`
    const link = signInLink ? `${url}?token=${signInLink.secret}` : null
    if (config.auth.required) console.log(`Concord is running at ${link ?? url}`)
    else {
      // Sign-in is not enforced: the line stays as it was; coding still needs an account.
      console.log(`Concord is running at ${url}`)
      if (link) console.error(`Sign in as ${admin.name} (coding rounds need an account): ${link}`)
    }
    if (!link) console.error(`Sign in as ${admin.name} with CONCORD_ADMIN_PASSWORD`)
  })
  const requests = trackRequests(server as Server)
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    console.error(`${signal}: stopping; requests in flight finish and running jobs stop at a checkpoint`)
    // Stop accepting; requests in flight (and their writes) finish; jobs store what they have.
    server.close()
    requests.closing = true
    const exit = (message?: string) => {
      if (message) console.error(message)
      ;(server as Server).closeAllConnections()
      database.close()
      process.exit(0)
    }
    // After the grace period the state is as after a kill: consistent, and jobs resume at start.
    const timer = setTimeout(
      () => exit(`stopped after ${shutdownGraceMs} ms with ${requests.pending()} request(s) unfinished; unfinished jobs resume at the next start`),
      shutdownGraceMs,
    )
    void Promise.all([interruptJobs(), requests.drained()]).then(() => {
      clearTimeout(timer)
      exit()
    })
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

/**
 * The server's requests in flight, for a shutdown to wait on. Event streams (a page following a
 * job) never end by themselves: they are not waited for, the shutdown closes them.
 */
function trackRequests(server: Server) {
  const inFlight = new Set<ServerResponse>()
  const state = {
    closing: false,
    pending: () => inFlight.size,
    drained: async () => {
      while (inFlight.size > 0) await new Promise((resolve) => setTimeout(resolve, 20))
    },
  }
  server.on('request', (req, res: ServerResponse) => {
    // Keep-alive connections end after their response once the server is closing.
    if (state.closing) res.setHeader('connection', 'close')
    if (req.headers.accept?.includes('text/event-stream')) return
    inFlight.add(res)
    res.once('close', () => inFlight.delete(res))
  })
  return state
}

start().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
