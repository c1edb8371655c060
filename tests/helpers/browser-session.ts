import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import { signInWithPrintedLink } from './auth'
import { launchChromium } from './browser'
import { buildClientOnce } from './build'
import { freshDatabase } from './db'
import type { TestDatabase } from './db'
import { startServer } from './server'
import type { RunningServer } from './server'

export type BrowserSessionOptions = {
  /** The server's environment beyond DATABASE_URL (e.g. CONCORD_SAMPLE, CONCORD_AUTH, OPENAI_*). */
  env?: Record<string, string>
  /**
   * Runs before the server starts, with the database still open in this process (seed it
   * through `database.ctx`, or run the CLI on `database.file`).
   */
  beforeStart?: (database: TestDatabase) => Promise<void>
}

/** A fresh database served by the real server, and Chromium to browse it. */
export type BrowserSession = {
  /** Closed once the server started: the server (and the CLI) open the file themselves. */
  database: TestDatabase
  server: RunningServer
  browser: Browser
  /** DATABASE_URL for a CLI run on the same database. */
  databaseEnv: { DATABASE_URL: string }
  /** A page in a new context, signed in as the administrator from the printed link. */
  signedInPage: (options?: BrowserContextOptions) => Promise<Page>
  /** Closes the browser, stops the server and deletes the database. */
  close: () => Promise<void>
}

/**
 * The set-up of every browser test: the client built (once per run), a fresh database, the real
 * server on it and Chromium. Start it in `beforeAll`, close it in `afterAll`; on a failure it
 * closes what it started itself.
 * @example session = await startBrowserSession({ env: { CONCORD_SAMPLE: '1' } }); page = await session.signedInPage()
 */
export async function startBrowserSession(options: BrowserSessionOptions = {}): Promise<BrowserSession> {
  buildClientOnce()
  const database = await freshDatabase()
  const databaseEnv = { DATABASE_URL: `file:${database.file}` }
  let server: RunningServer | undefined
  let browser: Browser | undefined
  const close = async () => {
    await browser?.close()
    await server?.stop()
    await database.dispose()
  }
  try {
    await options.beforeStart?.(database)
    database.close()
    server = await startServer({ ...databaseEnv, ...options.env })
    browser = await launchChromium()
  } catch (error) {
    await close()
    throw error
  }
  const running = { server, browser }
  return {
    database,
    ...running,
    databaseEnv,
    signedInPage: async (contextOptions = {}) => {
      const page = await running.browser.newPage(contextOptions)
      await signInWithPrintedLink(page, running.server)
      return page
    },
    close,
  }
}
