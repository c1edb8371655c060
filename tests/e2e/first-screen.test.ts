import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable } from '../helpers/browser'
import { startBrowserSession } from '../helpers/browser-session'
import type { BrowserSession } from '../helpers/browser-session'
import { runCli } from '../helpers/cli'

const hostile = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'

describe.skipIf(!browserAvailable())('the first screen in Chromium', () => {
  let session: BrowserSession
  let page: Page
  const dialogs: string[] = []

  beforeAll(async () => {
    session = await startBrowserSession({ env: { CONCORD_SAMPLE: '1' } })
    // An untrusted commit, imported by the CLI while the server runs.
    const record = {
      platform: 'github',
      repo: 'evil/repo',
      sha: 'f'.repeat(40),
      parents: [],
      is_merge: false,
      author: `Mallory ${hostile}`,
      author_email_sha1: 'a'.repeat(40),
      authored_at: '2024-01-01T00:00:00Z',
      committed_at: '2024-01-01T00:00:00Z',
      message: `xss probe ${hostile}`,
      files: [{ path: 'x.html', status: 'A', additions: 1, deletions: 0 }],
      diff: `diff --git a/x.html b/x.html\n+${hostile}`,
    }
    const file = path.join(session.database.dir, 'hostile.jsonl')
    writeFileSync(file, JSON.stringify(record))
    const imported = await runCli(['import', 'jsonl', file, '--json'], session.databaseEnv)
    expect(imported.code, imported.stderr).toBe(0)

    page = await session.signedInPage({ viewport: { width: 1440, height: 900 } })
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
  })

  afterAll(() => session?.close())

  it('shows the sample projects at the printed URL', async () => {
    await page.goto(session.server.url)
    const cards = page.locator('.project-cards')
    await cards.getByText('default', { exact: true }).waitFor()
    await cards.getByText('study', { exact: true }).waitFor()
    expect(await cards.locator('a').count()).toBe(2)
    await page.screenshot({ path: path.join(session.database.dir, 'projects.png') })
  })

  it('lists families with their repositories and the commits of the project', async () => {
    await page.goto(`${session.server.url}p/default`)
    const sidebar = page.locator('.sidebar')
    await sidebar.getByText('THUDM/CodeGeeX2').first().waitFor()
    await sidebar.locator('.family-name', { hasText: 'codegeex2' }).first().waitFor()
    expect(await sidebar.locator('.family-name').allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringContaining('baichuan2'), expect.stringContaining('gpt-j')]),
    )
    const rows = page.locator('table tbody tr')
    await rows.first().waitFor()
    expect(await rows.count()).toBe(50)
  })

  it('searches commits and opens one with its diff as text', async () => {
    await page.goto(`${session.server.url}p/default`)
    await page.locator('table tbody tr').first().waitFor()
    await page.keyboard.press('/')
    await page.keyboard.type('tokenizer')
    await page.waitForURL(/q=tokenizer/)
    const first = page.locator('table tbody tr').first()
    await first.waitFor()
    const subjects = await page.locator('table tbody tr').allInnerTexts()
    expect(subjects.length).toBeGreaterThan(0)
    await page.locator('table tbody tr a.subject-link').first().click()
    await page.locator('.diff-view').waitFor()
    expect(await page.locator('h2, h3').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(/Files/)]))
    await page.screenshot({ path: path.join(session.database.dir, 'commit.png'), fullPage: true })
  })

  it('renders a hostile commit message, author and diff as inert text', async () => {
    await page.goto(`${session.server.url}p/default?q=xss%20probe`)
    await page.locator('table tbody tr a.subject-link').first().click()
    await page.locator('.diff-view').waitFor()
    const body = await page.locator('body').innerText()
    expect(body).toContain('<script>window.__pwned = 1</script>')
    expect(body).toContain('onerror=')
    expect(await page.locator('img[src="x"]').count()).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
    expect(dialogs).toEqual([])
  })

  it('answers an unknown page with a not-found screen', async () => {
    await page.goto(`${session.server.url}p/default/nowhere/at/all`)
    await page.getByText(/not found/i).first().waitFor()
  })
})
