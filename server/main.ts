/**
 * @module `npm start`: configure, migrate, seed the sample on an empty database, serve.
 */
import { serve } from '@hono/node-server'
import { fileURLToPath } from 'node:url'
import { createApp } from './app'
import { loadConfig } from './config'
import { openDatabase } from './db'
import { newSecret } from './auth/tokens'
import { ensureSiteAdmin } from './services/accounts'
import type { Ctx } from './services/context'
import { failInterruptedJobs } from './services/jobs'
import { prelabelSample } from './services/labeling'
import { isDatabaseEmpty, loadSample } from './services/sample'

const builtClient = fileURLToPath(new URL('../dist/client', import.meta.url))

async function start(): Promise<void> {
  const config = loadConfig()
  const database = await openDatabase({
    url: config.databaseUrl,
    authToken: config.databaseAuthToken,
    busyTimeoutMs: config.busyTimeoutMs,
  })
  const ctx: Ctx = { db: database.db, actor: 'system', progress: (m) => console.error(m) }
  const sampleLoaded = config.loadSample && (await isDatabaseEmpty(ctx))
  if (sampleLoaded) {
    console.error('Empty database: loading the bundled sample (CONCORD_SAMPLE=0 skips this)')
    await loadSample(ctx, { diffCap: config.diffCap })
  }
  const interrupted = await failInterruptedJobs(ctx)
  if (interrupted > 0) console.error(`${interrupted} job(s) interrupted by the last shutdown are marked failed; rerun them`)
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
  const stop = () => {
    // Stop accepting, let in-flight requests finish, then close the database.
    server.close(() => {
      database.close()
      process.exit(0)
    })
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

start().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
