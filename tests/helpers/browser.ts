import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'
import type { Browser } from 'playwright-core'

/** Debian's Chromium; browser tests never download a browser. */
export const chromiumPath = process.env.CONCORD_CHROMIUM ?? '/usr/bin/chromium'

/**
 * Whether browser tests can run here. Without Chromium they skip with a loud notice, unless
 * CONCORD_E2E=required (set by .ci/run), where a skip would hide a failure: then they fail.
 */
export function browserAvailable(): boolean {
  if (existsSync(chromiumPath)) return true
  if (process.env.CONCORD_E2E === 'required') {
    throw new Error(`CONCORD_E2E=required but ${chromiumPath} is missing: apt-get install -y chromium`)
  }
  console.warn(
    `\n${'!'.repeat(78)}\n!! BROWSER TESTS SKIPPED: ${chromiumPath} not found.\n` +
      `!! Install Debian's Chromium (apt-get install -y chromium) to run them.\n${'!'.repeat(78)}\n`,
  )
  return false
}

/** Chromium's flags for every browser test (vitest's and the Playwright journey's). */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
}
