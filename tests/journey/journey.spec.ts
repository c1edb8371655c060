/**
 * The researcher's whole journey in Chromium, by the UI alone: from an empty Concord (sample
 * off) the admin signs in with the printed link, loads the sample, pre-labels it offline, adds
 * two coders and gives them a round; each coder codes ten commits by keyboard; the admin reads
 * the agreement, adjudicates, merges two codes, reads a family's timeline and pattern, and
 * downloads the report. A screenshot per step goes to tests/journey/screenshots/.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import type { Browser, Locator, Page } from '@playwright/test'
import { agreementReport } from '../../server/core/agreement'
import { browserAvailable } from '../helpers/browser'
import { buildClientOnce } from '../helpers/build'
import { startServer } from '../helpers/server'
import type { RunningServer } from '../helpers/server'
import { repoRoot } from '../helpers/shared'

const shots = path.join(repoRoot, 'tests/journey/screenshots')

// The default codebook's hotkeys of the codes the coders choose.
const codeOfKey: Record<string, string> = {
  '0': 'parameter tuning',
  '1': 'model structure',
  '2': 'external documentation',
  '5': 'preprocessing',
  '7': 'sharing',
  '8': 'project metadata',
  q: 'input data',
}
// The keys each coder presses on their ten units, in queue order. Both queues hold the same
// units in the same order; the coders disagree on the third (model structure ↔ sharing) and
// the fifth (input data ↔ preprocessing).
const annKeys = ['1', '2', '7', '1', '5', '2', '8', '0', '1', '2']
const benKeys = ['1', '2', '1', '1', 'q', '2', '8', '0', '1', '2']

test.describe.configure({ mode: 'serial' })

test.describe('a researcher’s journey from an empty Concord to the report', () => {
  // Without Chromium: a loud notice and a skip; with CONCORD_E2E=required this throws instead.
  test.skip(!browserAvailable(), 'Debian’s Chromium is not installed')

  let dataDir: string
  let server: RunningServer
  let browser: Browser
  let admin: Page
  let inviteUrl: string
  const errors: string[] = []

  const newPage = async () => {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true })).newPage()
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`))
    page.on('dialog', (d) => void d.accept())
    return page
  }
  let step = 0
  /** The window (scrolled to `at`, if given) or, with `full`, the whole page as NN-name.png. */
  const shot = async (page: Page, name: string, options: { at?: Locator; full?: boolean } = {}) => {
    step += 1
    await options.at?.scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(shots, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: options.full ?? false })
  }

  test.beforeAll(async ({ browser: launched }) => {
    test.setTimeout(10 * 60_000)
    rmSync(shots, { recursive: true, force: true })
    mkdirSync(shots, { recursive: true })
    buildClientOnce()
    dataDir = mkdtempSync(path.join(tmpdir(), 'concord-journey-'))
    // A copy of the build: another test run rebuilding dist/client meanwhile cannot pull the
    // assets from under this long journey.
    cpSync(path.join(repoRoot, 'dist/client'), path.join(dataDir, 'client'), { recursive: true })
    server = await startServer({
      CONCORD_CLIENT_DIR: path.join(dataDir, 'client'),
      DATABASE_URL: `file:${path.join(dataDir, 'concord.db')}`,
      CONCORD_SAMPLE: '0',
      CONCORD_AUTH: 'required',
    })
    browser = launched
    admin = await newPage()
  })

  test.afterAll(async () => {
    await server?.stop()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  test.afterEach(() => {
    expect(errors, 'script errors in the pages').toEqual([])
  })

  test('the admin signs in with the printed link and finds no projects', async () => {
    expect(server.signInUrl).toMatch(/\?token=[\w-]{20,}$/)
    await admin.goto(server.signInUrl)
    await expect(admin.locator('.user-menu')).toContainText('admin')
    await expect(admin.getByRole('heading', { name: 'No projects yet' })).toBeVisible()
    expect(admin.url()).not.toContain('token=')
    await shot(admin, 'empty-projects')
  })

  test('the admin loads the bundled sample from the empty page', async () => {
    await admin.getByRole('button', { name: 'Load the sample data' }).click()
    const job = admin.locator('.job-card')
    await expect(job).toHaveAttribute('data-status', 'done', { timeout: 180_000 })
    await expect(job.locator('.job-figures')).toContainText('4 of 4 steps')
    await expect(admin.locator('.project-card h2')).toHaveText(['default', 'study'])
    await expect(admin.locator('.project-card', { hasText: 'default' }).locator('dd').first()).toHaveText('4')
    await shot(admin, 'sample-loaded')
  })

  test('the admin pre-labels the sample with the offline rules labeler', async () => {
    await admin.locator('.project-card', { hasText: 'default' }).getByRole('link').click()
    await admin.locator('nav.sections').getByRole('link', { name: 'Labeling' }).click()
    await expect(admin).toHaveURL(/\/p\/default\/labeling$/)
    // One section lit: the project's home (Commits) is not lit on every page of the project.
    await expect(admin.locator('nav.sections a.active')).toHaveText(['Labeling'])
    const rules = admin.getByRole('group', { name: 'Labeler' }).getByRole('button', { name: /rules/i })
    await expect(rules).toHaveAttribute('aria-pressed', 'true')
    await admin.getByRole('button', { name: 'Start run' }).click()
    await expect(admin.locator('.job-card')).toHaveAttribute('data-status', 'done', { timeout: 180_000 })
    const run = admin.locator('.runs-table tbody tr').first()
    await expect(run.locator('td').nth(1)).toHaveText('rules')
    await expect(run.locator('td').nth(3)).toHaveText('done')
    expect(Number(await run.locator('td').nth(4).innerText())).toBeGreaterThan(0)
    await shot(admin, 'prelabeled')
  })

  test('the admin adds two coders: one with a password, one by invite link', async () => {
    await admin.locator('nav.sections').getByRole('link', { name: 'Members' }).click()
    await admin.getByPlaceholder('e.g. coder3').fill('ann')
    await admin.getByLabel('Initial password').fill('ann-password')
    await admin.getByRole('button', { name: 'Add', exact: true }).click()
    await expect(admin.getByText('ann added.')).toBeVisible()
    await admin.getByPlaceholder('e.g. coder3').fill('ben')
    await admin.getByRole('button', { name: 'Invite link' }).click()
    await admin.getByRole('button', { name: 'Add', exact: true }).click()
    const link = admin.locator('.invite-link code')
    await expect(link).toContainText('/invite?token=')
    inviteUrl = (await link.innerText()).trim()
    await expect(admin.getByRole('cell', { name: 'invite pending' })).toBeVisible()
    await shot(admin, 'members')
  })

  test('the admin creates a round of ten commits for the two coders', async () => {
    await admin.locator('nav.sections').getByRole('link', { name: 'Rounds' }).click()
    await admin.getByRole('button', { name: 'New round' }).click()
    await admin.getByPlaceholder('e.g. pilot, round 1').fill('pilot')
    await admin.getByRole('checkbox', { name: /^ann/ }).check()
    await admin.getByRole('checkbox', { name: /^ben/ }).check()
    await expect(admin.locator('.sample-hint strong')).toBeVisible()
    await admin.getByLabel('Sample size').fill('10')
    await admin.getByRole('radio', { name: /shown after the coder saves/ }).check()
    await shot(admin, 'new-round')
    await admin.getByRole('button', { name: 'Create round' }).click()
    await expect(admin).toHaveURL(/\/rounds\/\d+$/)
    await expect(admin.getByRole('heading', { name: 'pilot' })).toBeVisible()
    await expect(admin.getByRole('progressbar', { name: "ann's progress" })).toBeVisible()
    await expect(admin.getByRole('progressbar', { name: "ben's progress" })).toBeVisible()
    await shot(admin, 'round-created')
  })

  /** Codes the coder's ten units with the keyboard alone: a code key saves, Enter goes on. */
  async function codeTenByKeyboard(page: Page, keys: string[], who: string) {
    await page.locator('.project-card', { hasText: 'default' }).getByRole('link').click()
    await page.locator('nav.sections').getByRole('link', { name: 'Rounds' }).click()
    await page.getByRole('link', { name: 'Start coding' }).click()
    for (const [i, key] of keys.entries()) {
      await expect(page.locator('.unit-position')).toContainText(`unit ${i + 1} of 10`)
      await expect(page.locator('.coding')).toHaveAttribute('data-ready', 'true')
      await page.keyboard.press(key)
      await expect(page.locator('.code-option.chosen')).toHaveCount(1)
      await expect(page.locator('.save-state')).toContainText('Saved')
      if (i === 0) {
        await page.keyboard.press('/')
        await page.keyboard.type(`${who}: first look, to discuss`)
        await page.keyboard.press('Escape')
        await page.keyboard.press('?')
        await expect(page.getByRole('dialog', { name: 'Keys' })).toBeVisible()
        await shot(page, `coding-${who}-keys`)
        await page.keyboard.press('Escape')
      }
      await page.keyboard.press('Enter')
    }
    await expect(page.locator('.progress-text')).toContainText('10 / 10')
    await shot(page, `coding-${who}-done`)
  }

  test('ann signs in with her password and codes ten commits by keyboard', async () => {
    const ann = await newPage()
    await ann.goto(`${server.url}signin`)
    await ann.getByLabel('Name').fill('ann')
    await ann.getByLabel('Password').fill('ann-password')
    await ann.keyboard.press('Enter')
    await expect(ann.locator('.user-menu')).toContainText('ann')
    await codeTenByKeyboard(ann, annKeys, 'ann')
    await ann.context().close()
  })

  test('ben accepts his invite, sets a password and codes ten commits by keyboard', async () => {
    const ben = await newPage()
    await ben.goto(inviteUrl)
    await ben.getByLabel('Password', { exact: true }).fill('ben-password')
    await ben.getByLabel('Again').fill('ben-password')
    await ben.keyboard.press('Enter')
    await expect(ben.locator('.user-menu')).toContainText('ben')
    await codeTenByKeyboard(ben, benKeys, 'ben')
    await ben.context().close()
  })

  test("the dashboard shows the two coders' agreement", async () => {
    await admin.reload()
    const ratings = annKeys.flatMap((key, i) => [
      { unit: String(i), rater: 'ann', codes: [codeOfKey[key]!] },
      { unit: String(i), rater: 'ben', codes: [codeOfKey[benKeys[i]!]!] },
    ])
    const kappa = agreementReport(ratings, { bootstrapResamples: 0 }).pairwise[0]!.cohen_kappa!
    const pair = admin.locator('.pair-table tr[data-pair="ann-ben"]')
    await expect(pair.locator('.kappa')).toHaveText(kappa.toFixed(3))
    await expect(admin.getByRole('progressbar', { name: "ann's progress" })).toHaveAttribute('aria-valuenow', '10')
    await expect(admin.locator('.matrix')).toBeVisible()
    await shot(admin, 'dashboard-agreement', { full: true })
  })

  test('the admin reveals the round and adjudicates both disagreements', async () => {
    await admin.getByRole('button', { name: 'Reveal round' }).click()
    await expect(admin.getByText('Revealed: labels are visible and locked.')).toBeVisible()
    await admin.getByRole('link', { name: 'Adjudicate' }).click()
    const groups = admin.locator('.conflict-group')
    await expect(groups).toHaveCount(2)
    const decide = async (conflict: string, final: string, rationale: string) => {
      const unit = admin.locator('.conflict-group', { hasText: conflict }).locator('.conflict-unit').first()
      await unit.locator('.pick', { hasText: final }).click()
      await unit.getByLabel('Rationale').fill(rationale)
      await unit.getByRole('button', { name: 'Set final code' }).click()
      await expect(unit.locator('.final')).toContainText('adjudication by admin')
    }
    await decide('model structure ↔ sharing', 'sharing', 'Agreed in the team meeting: sharing.')
    await decide('input data ↔ preprocessing', 'preprocessing', 'Agreed in the team meeting: preprocessing.')
    await expect(admin.locator('.adjudication-page .page-header')).toContainText('2 adjudicated')
    await expect(admin.locator('.adjudication-page .page-header')).toContainText('10 with a final code')
    await shot(admin, 'adjudicated')
  })

  test("the admin merges 'input data' into 'preprocessing' on the codebook", async () => {
    await admin.locator('nav.sections').getByRole('link', { name: 'Codebook' }).click()
    await expect(admin.getByText('Changes recorded as admin')).toBeVisible()
    const card = admin.locator('article.code-card[data-code="input data"]')
    await card.getByRole('button', { name: 'Merge into…' }).click()
    await card.locator('select[aria-label="Merge into"]').selectOption('preprocessing')
    await expect(card.locator('.consequence')).toContainText('will carry ‘preprocessing’')
    await shot(admin, 'codebook-merge', { at: card.locator('.consequence') })
    await card.getByRole('button', { name: 'Merge into ‘preprocessing’' }).click()
    await expect(admin.locator('.notice-ok')).toContainText("Merged 'input data' into 'preprocessing'")
    // Gone from the board's active codes: its only card is the one under "retired".
    await expect(admin.locator('.retired-codes summary')).toHaveText(/^1 retired code/)
    await expect(admin.locator('.retired-codes article.code-card[data-code="input data"]')).toHaveCount(1)
    await expect(admin.locator('article.code-card[data-code="input data"]')).toHaveCount(1)
    await shot(admin, 'codebook-merged', { at: admin.locator('.notice-ok') })
  })

  test("the admin reads a family's timeline and synchronization pattern", async () => {
    await admin.locator('nav.sections').getByRole('link', { name: 'Analysis' }).click()
    await expect(admin.getByRole('heading', { name: 'Synchronization analysis' })).toBeVisible()
    await expect(admin.locator('.chart svg').first()).toBeVisible()
    await shot(admin, 'analysis')
    await admin.locator('.families-table').getByRole('link', { name: 'codegeex2' }).click()
    await expect(admin).toHaveURL(/\/analysis\/families\/codegeex2$/)
    await expect(admin.locator('.verdict')).toHaveText(/Rare\s+CSR/)
    await expect(admin.locator('.chart-section .chart svg')).toBeVisible()
    await expect(admin.locator('table.lanes tbody tr').first()).toContainText('THUDM/CodeGeeX2')
    await shot(admin, 'family-timeline', { full: true })
  })

  test('the admin downloads the report with the family and its pattern', async () => {
    await admin.locator('nav.sections').getByRole('link', { name: 'Analysis' }).click()
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('link', { name: /Download the report/ }).click()])
    expect(download.suggestedFilename()).toBe('concord-default-analysis.html')
    const file = path.join(shots, download.suggestedFilename())
    await download.saveAs(file)
    const html = readFileSync(file, 'utf8')
    expect(html).toContain('Synchronization report: default')
    // The family's heading names its pattern, as the family page did.
    expect(html).toContain('<h3>codegeex2: Rare (CSR, no-lag)</h3>')
    await admin.goto(`file://${file}`)
    await expect(admin.locator('#family-codegeex2 svg').first()).toBeVisible()
    await shot(admin, 'report', { at: admin.locator('#family-codegeex2') })
  })
})
