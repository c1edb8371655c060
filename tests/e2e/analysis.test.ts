import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable } from '../helpers/browser'
import { startBrowserSession } from '../helpers/browser-session'
import type { BrowserSession } from '../helpers/browser-session'

describe.skipIf(!browserAvailable())('the analysis pages in Chromium', () => {
  let session: BrowserSession
  let page: Page
  const problems: string[] = []

  beforeAll(async () => {
    session = await startBrowserSession({ env: { CONCORD_SAMPLE: '1' } })
    page = await session.signedInPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true })
    // A CSP violation or a script error shows up here.
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()))
    page.on('pageerror', (e) => problems.push(String(e)))
  })

  afterAll(() => session?.close())

  it("opens the sample's analysis page with its charts and their numbers", async () => {
    await page.goto(`${session.server.url}p/default`)
    await page.locator('nav.sections').getByText('Analysis').click()
    await page.waitForURL(/\/p\/default\/analysis$/)
    await page.getByRole('heading', { name: 'Synchronization analysis' }).waitFor()
    const patterns = page.locator('section', { has: page.getByRole('heading', { name: 'Synchronization patterns' }) })
    await patterns.locator('.chart svg').first().waitFor()
    // The chart's numbers as a table: the four sample families are two Disperse and two Rare.
    const rows = await patterns.locator('[data-table="pattern_distribution"] tbody tr').allInnerTexts()
    expect(rows.find((r) => r.startsWith('Disperse'))).toMatch(/PSS\s+2\s+0\.5/)
    expect(rows.find((r) => r.startsWith('Rare\t'))).toMatch(/CSR\s+2\s+0\.5/)
    expect(await patterns.locator('a', { hasText: 'pattern_distribution.csv' }).getAttribute('href')).toBe(
      '/api/projects/default/analysis/tables/pattern_distribution.csv',
    )
    expect(await page.locator('.chart svg').count()).toBeGreaterThanOrEqual(3)
    // No final codes in the sample: the change-type sections say so instead of drawing nothing.
    await page.getByText('No coded commits yet').first().waitFor()
    const families = await page.locator('.families-table tbody tr').allInnerTexts()
    expect(families.map((r) => r.split('\t')[0])).toEqual(['baichuan2', 'bert', 'codegeex2', 'gpt-j'])
    await page.screenshot({ path: path.join(session.database.dir, 'analysis.png'), fullPage: true })
  })

  it('draws the change types from machine pre-labels only when asked, labelled as such', async () => {
    await page.getByRole('button', { name: '+ machine pre-labels' }).click()
    await page.waitForURL(/codes=prelabels/)
    await page.locator('.codes-source', { hasText: 'NOT adjudicated' }).waitFor()
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Change types per platform' }) })
    await section.locator('.chart svg').waitFor()
    expect(await section.locator('[data-table="change_types_by_platform"] tbody tr').count()).toBeGreaterThan(1)
    await page.getByRole('button', { name: 'Final codes' }).click()
    await page.waitForURL((url) => !url.search.includes('codes='))
  })

  it("reads a family's timeline, pattern and the rules behind it", async () => {
    await page.locator('.families-table').getByRole('link', { name: 'codegeex2' }).click()
    await page.waitForURL(/\/analysis\/families\/codegeex2$/)
    await page.getByRole('heading', { name: 'codegeex2' }).waitFor()
    expect(await page.locator('.verdict').innerText()).toMatch(/Rare\s+CSR\s+lag: no-lag\s+type: CS\s+intensity: R/)
    const why = await page.locator('.why').innerText()
    expect(why).toContain("Every variant's active periods lie inside GitHub's")
    expect(why).toContain('at most 3 periods')
    await page.locator('.chart-section .chart svg').waitFor()
    const lanes = await page.locator('table.lanes tbody tr').allInnerTexts()
    expect(lanes[0]).toMatch(/GitHub\s+THUDM\/CodeGeeX2\s+57/)
    expect(lanes[1]).toMatch(/Hugging Face\s+THUDM\/codegeex2-6b\s+17/)
    expect(lanes.at(-1)).toContain('no commits: ignored')
    expect(await page.locator('table.lanes .co').count()).toBeGreaterThan(0)
    await page.screenshot({ path: path.join(session.database.dir, 'family.png'), fullPage: true })
  })

  it('downloads the report as one HTML file with the charts', async () => {
    await page.goto(`${session.server.url}p/default/analysis`)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download the report/ }).click()])
    expect(download.suggestedFilename()).toBe('concord-default-analysis.html')
    const file = path.join(session.database.dir, 'report.html')
    await download.saveAs(file)
    const html = readFileSync(file, 'utf8')
    expect(html).toContain('Synchronization report: default')
    expect(html).toContain('<svg')
    expect(html).not.toContain('<script')
    // Opened from disk, offline, it shows the families and their swimlanes.
    await page.goto(`file://${file}`)
    await page.locator('#family-codegeex2 svg').waitFor()
    expect(problems).toEqual([])
  })
})
