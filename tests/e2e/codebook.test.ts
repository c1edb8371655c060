import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable } from '../helpers/browser'
import { startBrowserSession } from '../helpers/browser-session'
import type { BrowserSession } from '../helpers/browser-session'

describe.skipIf(!browserAvailable())('the codebook and the card-sorting board in Chromium', () => {
  let session: BrowserSession
  let page: Page
  const errors: string[] = []

  beforeAll(async () => {
    session = await startBrowserSession({ env: { CONCORD_SAMPLE: '1' } })
    page = await session.signedInPage({ viewport: { width: 1440, height: 1000 } })
    page.on('pageerror', (e) => errors.push(e.message))
  })

  afterAll(() => session?.close())

  const api = async (path: string) => (await page.request.get(new URL(`api/projects/study/${path}`, session.server.url).toString())).json()
  const unsorted = (key: string) => page.locator(`.column.unsorted .sort-card[data-card="${key}"]`)
  const category = (name: string) => page.locator(`section.column.category[aria-label="Category ${name}"]`)

  it('sorts open codes into categories by dragging, by keyboard, and into a new category', async () => {
    await page.goto(`${session.server.url}p/study/card-sort`)
    await unsorted('readme update').waitFor()
    const before = await api('card-sort')
    expect(before.openCodes).toEqual({ total: 160, sorted: 0 })
    const count = (key: string) => before.cards.find((c: { key: string }) => c.key === key).count as number

    // HTML5 drag and drop.
    await unsorted('readme update').dragTo(category('external documentation'))
    await category('external documentation').locator('.sort-card[data-card="readme update"]').waitFor()
    await unsorted('config file update').dragTo(category('parameter tuning'))
    await category('parameter tuning').locator('.sort-card[data-card="config file update"]').waitFor()

    // The keyboard: a category's hotkey files the focused card; focus stays in the column.
    await unsorted('commit initiation').locator('.card-main').focus()
    await page.keyboard.press('8')
    await category('project metadata').locator('.sort-card[data-card="commit initiation"]').waitFor()
    expect(await page.evaluate(() => document.activeElement?.closest('[data-column]')?.getAttribute('data-column'))).toBe('unsorted')
    await unsorted('tokenizer addition').locator('.card-main').focus()
    await page.keyboard.press('5')
    await category('preprocessing').locator('.sort-card[data-card="tokenizer addition"]').waitFor()

    // A group selected with Space becomes a new category.
    for (const key of ['model weight update', 'model weight upload']) {
      await unsorted(key).locator('.card-main').focus()
      await page.keyboard.press('Space')
    }
    expect(await page.locator('.selection-count').innerText()).toBe('2 cards selected')
    await page.fill('.new-category input', 'weights')
    await page.click('.new-category button[type=submit]')
    await category('weights').locator('.sort-card[data-card="model weight upload"]').waitFor()

    const moved = ['readme update', 'config file update', 'commit initiation', 'tokenizer addition', 'model weight update', 'model weight upload']
    const sorted = moved.reduce((n, key) => n + count(key), 0)
    const after = await api('card-sort')
    expect(after.openCodes.sorted).toBe(sorted)
    expect(after.units.unsorted).toBe(160 - sorted)
    await page.getByText(`${160 - sorted} of 160 commits still unsorted`).waitFor()
    const codebook = await api('codebook')
    expect(codebook.codes.find((c: { name: string }) => c.name === 'weights').usage.openCodes).toBe(count('model weight update') + count('model weight upload'))
    await page.screenshot({ path: path.join(session.database.dir, 'card-sort.png') })
    expect(errors).toEqual([])
  })

  it('merges two codes from the codebook page after confirming what happens to the labels', async () => {
    const before = await api('codebook')
    const usage = (view: typeof before, name: string) => view.codes.find((c: { name: string }) => c.name === name).usage.labels as number
    await page.goto(`${session.server.url}p/study/codebook`)
    // Signed in, changes are recorded as the signed-in admin.
    await page.getByText('Changes recorded as admin').waitFor()
    const card = page.locator('article.code-card[data-code="output data"]')
    await card.getByRole('button', { name: 'Merge into…' }).click()
    await card.locator('select[aria-label="Merge into"]').selectOption('model structure')
    const consequence = await card.locator('.consequence').innerText()
    expect(consequence).toContain(`${usage(before, 'output data')} labels`)
    expect(consequence).toContain('will carry ‘model structure’')
    await card.getByRole('button', { name: 'Merge into ‘model structure’' }).click()
    await page.locator('.notice-ok').getByText("Merged 'output data' into 'model structure'").waitFor()
    await page.locator('.version-list li', { hasText: 'admin' }).first().waitFor()

    const after = await api('codebook')
    expect(after.version).toMatchObject({ author: 'admin' })
    expect(after.version.version).toBe(before.version.version + 1)
    expect(usage(after, 'model structure')).toBe(usage(before, 'model structure') + usage(before, 'output data'))
    expect(after.codes.find((c: { name: string }) => c.name === 'output data').status).toBe('retired')
    expect(await page.locator('.retired-codes summary').innerText()).toMatch(/^1 retired code/)
    await page.screenshot({ path: path.join(session.database.dir, 'codebook.png') })
    expect(errors).toEqual([])
  })
})
