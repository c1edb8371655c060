/**
 * The researcher's journey (journey.spec.ts) under @playwright/test, on Debian's Chromium with
 * the flags of every browser test: no browser is ever downloaded. Run it alone with
 * `npx playwright test -c tests/journey`; `npm test` runs it after vitest.
 */
import { defineConfig } from '@playwright/test'
import { chromiumArgs, chromiumPath } from '../helpers/browser'

export default defineConfig({
  testDir: '.',
  testMatch: 'journey.spec.ts',
  // Traces and failure artefacts; the step screenshots go to tests/journey/screenshots.
  outputDir: '../../tmp/journey-results',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: 'list',
  // Generous: a loaded 2-core CI machine builds the client and starts the server in beforeAll.
  timeout: 5 * 60_000,
  expect: { timeout: 60_000 },
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
    viewport: { width: 1440, height: 900 },
    actionTimeout: 60_000,
    navigationTimeout: 120_000,
    acceptDownloads: true,
    trace: 'retain-on-failure',
  },
})
