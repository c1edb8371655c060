import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable } from '../helpers/browser'
import { startBrowserSession } from '../helpers/browser-session'
import type { BrowserSession } from '../helpers/browser-session'
import { startFakeOpenAI } from '../fakes/openai'
import type { FakeOpenAI } from '../fakes/openai'

const secret = 'sk-e2e-test-b41f0a9c'

describe.skipIf(!browserAvailable())('the labeling page in Chromium', () => {
  let fake: FakeOpenAI
  let session: BrowserSession
  let page: Page

  beforeAll(async () => {
    fake = await startFakeOpenAI({ delayMs: 150 })
    session = await startBrowserSession({
      env: {
        CONCORD_SAMPLE: '1',
        OPENAI_BASE_URL: fake.url,
        OPENAI_API_KEY: secret,
        CONCORD_LLM_MODEL: 'fake-1',
        CONCORD_LLM_CONCURRENCY: '2',
        CONCORD_LLM_INPUT_USD_PER_MTOK: '0.15',
        CONCORD_LLM_OUTPUT_USD_PER_MTOK: '0.6',
      },
    })
    page = await session.signedInPage({ viewport: { width: 1400, height: 1000 } })
  })

  afterAll(async () => {
    await session?.close()
    await fake?.close()
  })

  it('shows the rules pre-labels made on first start, with their source', async () => {
    await page.goto(`${session.server.url}p/default/labeling`)
    const firstRun = page.locator('.runs-table tbody tr').last()
    await firstRun.getByText('done').waitFor()
    expect(await firstRun.locator('td').nth(1).innerText()).toBe('rules')
    expect(await firstRun.locator('td').nth(4).innerText()).toBe('419')
    await page.goto(`${session.server.url}p/default/commits/1`)
    const row = page.locator('.label-table tbody tr', { hasText: 'rules' })
    await row.waitFor()
    expect(await row.locator('td.source').innerText()).toMatch(/^rules/)
  })

  it('estimates an LLM run, follows it live and cancels it', async () => {
    await page.goto(`${session.server.url}p/default/labeling`)
    await page.getByRole('button', { name: 'LLM · fake-1' }).click()
    await page.getByRole('button', { name: 'Estimate' }).click()
    const plan = page.getByLabel('Dry-run estimate')
    await plan.waitFor()
    expect(await plan.innerText()).toMatch(/COMMITS TO LABEL\s+419/i)
    expect(fake.completions()).toBe(0)
    await page.getByRole('button', { name: 'Start run' }).click()
    const progress = page.locator('.job-card')
    await page.locator('.job-card[data-status=running]').waitFor()
    await page.waitForFunction(
      () =>
        Number(document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow')) >= 4,
    )
    await page.screenshot({ path: path.join(session.database.dir, 'labeling-running.png'), fullPage: true })
    await progress.getByRole('button', { name: 'Cancel' }).click()
    await page.locator('.job-card[data-status=cancelled]').waitFor({ timeout: 10_000 })
    const llmRun = page.locator('.runs-table tbody tr').first()
    await llmRun.getByText('cancelled').waitFor()
    expect(await llmRun.locator('td').nth(2).innerText()).toMatch(/^fake-1 · [0-9a-f]{12}$/)
    expect(Number(await llmRun.locator('td').nth(6).innerText())).toBeGreaterThan(0)
    expect(await page.content()).not.toContain(secret)
  })

  it('runs the rules labeler on the study and shows its agreement with coder1', async () => {
    await page.goto(`${session.server.url}p/study/labeling`)
    await page.getByRole('button', { name: 'Start run' }).click()
    await page.locator('.job-card[data-status=done]').waitFor()
    await page.getByLabel('Labeler to evaluate').selectOption('rules')
    await page.getByLabel('Platform').selectOption('huggingface')
    const scores = page.getByLabel('Scores')
    await page.waitForFunction(() =>
      /COMMITS\s+160/i.test(
        (document.querySelector('[aria-label=Scores]') as HTMLElement | null)?.innerText ?? '',
      ),
    )
    const kappa = Number(/kappa\s*([\d.]+)/i.exec(await scores.innerText())?.[1])
    expect(kappa).toBeGreaterThanOrEqual(0.5)
    expect(await page.locator('table.per-code tbody tr').count()).toBeGreaterThan(5)
    expect(await page.locator('table.matrix td.diagonal').count()).toBeGreaterThan(5)
    await page.screenshot({ path: path.join(session.database.dir, 'labeling-evaluation.png'), fullPage: true })
  })
})
