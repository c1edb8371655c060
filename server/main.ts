/**
 * @module `npm start`: configure, migrate, seed the sample on an empty database, serve.
 */
import { serve } from '@hono/node-server'
import { fileURLToPath } from 'node:url'
import { createApp } from './app'
import { loadConfig } from './config'
import { openDatabase } from './db'
import type { Ctx } from './services/context'
import { failInterruptedJobs } from './services/jobs'
import { isDatabaseEmpty, loadSample } from './services/sample'

const clientDir = fileURLToPath(new URL('../dist/client', import.meta.url))

async function start(): Promise<void> {
  const config = loadConfig()
  const database = await openDatabase({
    url: config.databaseUrl,
    authToken: config.databaseAuthToken,
    busyTimeoutMs: config.busyTimeoutMs,
  })
  const ctx: Ctx = { db: database.db, actor: 'system', progress: (m) => console.error(m) }
  if (config.loadSample && (await isDatabaseEmpty(ctx))) {
    console.error('Empty database: loading the bundled sample (CONCORD_SAMPLE=0 skips this)')
    await loadSample(ctx, { diffCap: config.diffCap })
  }
  const interrupted = await failInterruptedJobs(ctx)
  if (interrupted > 0) console.error(`${interrupted} job(s) interrupted by the last shutdown are marked failed; rerun them`)
  const app = createApp({ db: database.db, clientDir })
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    const host = info.address.includes(':') ? `[${info.address}]` : info.address
    console.log(`Concord is running at http://${host}:${info.port}/`)
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
