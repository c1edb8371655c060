import { mkdirSync } from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { agreementReport } from '../../server/core/agreement'
import { signInWithPrintedLink } from '../helpers/auth'
import { browserAvailable } from '../helpers/browser'
import { startBrowserSession } from '../helpers/browser-session'
import type { BrowserSession } from '../helpers/browser-session'
import { runCli } from '../helpers/cli'
import { repoRoot } from '../helpers/shared'

/** Screenshots of every screen, kept after the run (the folder is git-ignored). */
const shots = process.env.CONCORD_SCREENSHOTS ?? path.join(repoRoot, 'tmp/screenshots/coding-round')

// The hotkeys each coder presses on the ten units, in queue order (the default codebook's keys:
// 1 model structure, 2 external documentation, 5 preprocessing, 7 sharing, 8 project metadata,
// 0 parameter tuning, q input data). They disagree on units 3 and 5.
const annKeys = ['1', '2', '7', '1', '5', '2', '8', '0', '1', '2']
const benKeys = ['1', '2', '1', '1', 'q', '2', '8', '0', '1', '2']

describe.skipIf(!browserAvailable())('a coding round in Chromium, signed in, by keyboard', () => {
  let session: BrowserSession
  let admin: Page
  let inviteUrl: string
  const errors: string[] = []

  const newPage = async () => {
    const page = await (await session.browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage()
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('dialog', (d) => void d.accept())
    return page
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: false })

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true })
    session = await startBrowserSession({ env: { CONCORD_SAMPLE: '1', CONCORD_AUTH: 'required' } })
    admin = await newPage()
  })

  afterAll(() => session?.close())

  it('sends an anonymous visitor to sign in, and signs the admin in from the printed link', async () => {
    expect(session.server.signInUrl).toMatch(/\?token=[\w-]{20,}$/)
    const anonymous = await newPage()
    await anonymous.goto(`${session.server.url}p/default`)
    // The client redirects with history.pushState: no new document load to wait for.
    // The first requests after start can queue behind the sample's background pre-labeling.
    await anonymous.waitForURL(/\/signin\?next=/, { waitUntil: 'commit', timeout: 150_000 })
    await anonymous.getByRole('heading', { name: 'Sign in to Concord' }).waitFor()
    await shot(anonymous, '01-sign-in')
    await signInWithPrintedLink(admin, session.server)
    await admin.locator('.user-menu').getByText('admin').waitFor()
    expect(admin.url()).not.toContain('token=')
    await shot(admin, '02-projects-as-admin')
  }, 200_000)

  it('adds two coders: one with an initial password, one by invite link', async () => {
    await admin.goto(`${session.server.url}p/default/members`)
    await admin.getByPlaceholder('e.g. coder3').fill('ann')
    await admin.getByLabel('Initial password').fill('ann-password')
    await admin.getByRole('button', { name: 'Add', exact: true }).click()
    await admin.getByText('ann added.').waitFor()
    await admin.getByPlaceholder('e.g. coder3').fill('ben')
    await admin.getByRole('button', { name: 'Invite link' }).click()
    await admin.getByRole('button', { name: 'Add', exact: true }).click()
    const link = admin.locator('.invite-link code')
    await link.waitFor()
    inviteUrl = (await link.innerText()).trim()
    expect(inviteUrl).toMatch(/\/invite\?token=/)
    await admin.getByRole('cell', { name: 'invite pending' }).waitFor()
    await shot(admin, '03-members')
  })

  it('creates a round of ten sample commits for the two coders', async () => {
    await admin.goto(`${session.server.url}p/default/rounds`)
    await admin.getByRole('button', { name: 'New round' }).click()
    await admin.getByPlaceholder('e.g. pilot, round 1').fill('pilot')
    await admin.getByRole('checkbox', { name: /^ann/ }).check()
    await admin.getByRole('checkbox', { name: /^ben/ }).check()
    await admin.locator('.sample-hint strong').waitFor()
    await admin.getByLabel('Sample size').fill('10')
    await admin.getByRole('radio', { name: /shown after the coder saves/ }).check()
    await shot(admin, '04-new-round')
    await admin.getByRole('button', { name: 'Create round' }).click()
    await admin.waitForURL(/\/rounds\/\d+$/, { waitUntil: 'commit' })
    await admin.getByRole('heading', { name: 'pilot' }).waitFor()
    await admin.getByRole('progressbar', { name: "ann's progress" }).waitFor()
    await shot(admin, '05-dashboard-before-coding')
  })

  async function codeQueue(page: Page, keys: string[], who: string) {
    await page.goto(`${session.server.url}p/default/rounds`)
    await page.getByRole('link', { name: 'Start coding' }).click()
    for (const [i, key] of keys.entries()) {
      await page.locator('.unit-position', { hasText: `unit ${i + 1} of 10` }).waitFor()
      await page.locator('.coding[data-ready="true"]').waitFor()
      await page.keyboard.press(key)
      await page.locator('.code-option.chosen').waitFor()
      await page.locator('.save-state', { hasText: 'Saved' }).waitFor()
      if (i === 0) {
        await page.keyboard.press('/')
        await page.keyboard.type(`${who}: first impression`)
        await page.keyboard.press('Escape')
        await shot(page, `06-coding-${who}`)
        await page.keyboard.press('?')
        await page.getByRole('dialog', { name: 'Keys' }).waitFor()
        await shot(page, `07-coding-keys-${who}`)
        await page.keyboard.press('Escape')
      }
      await page.keyboard.press('Enter')
    }
    await page.locator('.progress-text', { hasText: '10 / 10' }).waitFor()
  }

  it('lets both coders code their ten units by keyboard alone', async () => {
    const ann = await newPage()
    await ann.goto(`${session.server.url}signin`)
    await ann.getByLabel('Name').fill('ann')
    await ann.keyboard.press('Tab')
    await ann.keyboard.type('ann-password')
    await ann.keyboard.press('Enter')
    await ann.locator('.user-menu').getByText('ann').waitFor()
    await codeQueue(ann, annKeys, 'ann')

    const ben = await newPage()
    await ben.goto(inviteUrl)
    await ben.getByLabel('Password', { exact: true }).fill('ben-password')
    await ben.getByLabel('Again').fill('ben-password')
    await ben.keyboard.press('Enter')
    await ben.locator('.user-menu').getByText('ben').waitFor()
    await codeQueue(ben, benKeys, 'ben')
    // Pre-labels 'after': shown to Ben only once he saved (the sample's rules pre-labels, if any).
    await shot(ben, '08-coding-done-ben')
  })

  it("shows the two coders' kappa on the dashboard", async () => {
    await admin.reload()
    const row = admin.locator('.pair-table tr[data-pair="ann-ben"]')
    await row.waitFor()
    const keyName: Record<string, string> = { '0': 'p', '1': 'm', '2': 'e', '5': 'r', '7': 's', '8': 'j', q: 'i' }
    const ratings = annKeys.flatMap((key, i) => [
      { unit: String(i), rater: 'ann', codes: [keyName[key]!] },
      { unit: String(i), rater: 'ben', codes: [keyName[benKeys[i]!]!] },
    ])
    const kappa = agreementReport(ratings, { bootstrapResamples: 0 }).pairwise[0]!.cohen_kappa!
    await admin.locator('.pair-table .kappa', { hasText: kappa.toFixed(3) }).waitFor()
    expect(await row.locator('.kappa').innerText()).toBe(kappa.toFixed(3))
    await admin.locator('.matrix').waitFor()
    await shot(admin, '09-dashboard')
    await admin.screenshot({ path: path.join(shots, '09-dashboard-full.png'), fullPage: true })
  })

  it('reveals the round and lets the admin adjudicate the disagreements', async () => {
    await admin.getByRole('button', { name: 'Reveal round' }).click()
    await admin.getByText('Revealed: labels are visible and locked.').waitFor()
    await admin.getByRole('link', { name: 'Adjudicate' }).click()
    const groups = admin.locator('.conflict-group')
    await groups.first().waitFor()
    expect(await groups.count()).toBe(2)
    expect(await admin.locator('.conflict-group h2').allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringContaining('model structure ↔ sharing'), expect.stringContaining('input data ↔ preprocessing')]),
    )
    const unit = admin.locator('.conflict-group', { hasText: 'model structure ↔ sharing' }).locator('.conflict-unit').first()
    await unit.locator('.pick', { hasText: 'sharing' }).click()
    await unit.getByLabel('Rationale').fill('The commit uploads converted weights to the Hub: sharing.')
    await unit.getByRole('button', { name: 'Set final code' }).click()
    // The page reloads the groups: the unit now shows its final code and who decided it.
    await admin.locator('.conflict-unit .final', { hasText: 'adjudication by admin' }).waitFor()
    await admin.locator('.adjudication-page .page-header', { hasText: '1 adjudicated' }).waitFor()
    await shot(admin, '10-adjudication')
  })

  it('feeds the final codes into export labels as source final', async () => {
    const exported = await runCli(['export', 'labels', '--json'], session.databaseEnv)
    expect(exported.code, exported.stderr).toBe(0)
    const rows = JSON.parse(exported.stdout) as { coder: string; source: string; codes: string[]; rationale: string | null }[]
    const finals = rows.filter((r) => r.source === 'final')
    // Eight unanimous units finalized automatically, plus the adjudicated one.
    expect(finals).toHaveLength(9)
    expect(finals.filter((r) => r.rationale?.startsWith('The commit uploads'))).toEqual([
      expect.objectContaining({ coder: 'final', codes: ['sharing'] }),
    ])
    expect(rows.filter((r) => r.coder === 'ann')).toHaveLength(10)
    expect(errors).toEqual([])
  })
})
