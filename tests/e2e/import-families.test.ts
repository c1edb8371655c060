import { rmSync } from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable } from '../helpers/browser'
import { startBrowserSession } from '../helpers/browser-session'
import type { BrowserSession } from '../helpers/browser-session'
import { runCli } from '../helpers/cli'
import { GitRepo } from '../helpers/git-repo'

// The README's link sits next to markup that must stay text.
const readmeLine = '| Demo-7B | [<img src=x onerror="window.__pwned=1"> weights](https://huggingface.co/demo-org/demo-7b) |'

describe.skipIf(!browserAvailable())('importing a clone and linking it through a discovered link, in Chromium', () => {
  let session: BrowserSession
  let page: Page
  let upstream: GitRepo
  let model: GitRepo

  beforeAll(async () => {
    upstream = new GitRepo()
    upstream.write('README.md', `# Demo LM\n\n| Model | Download |\n|---|---|\n${readmeLine}\n`)
    upstream.commit('Add README')
    upstream.write('train.py', 'print("train")\n')
    upstream.commit('Add training script')
    model = new GitRepo()
    model.write('.gitattributes', '*.safetensors filter=lfs diff=lfs merge=lfs -text\n')
    model.commit('initial commit')
    model.write('README.md', '---\nlicense: apache-2.0\n---\n# demo-7b\n\nTrained with https://github.com/demo-org/Demo-LM\n')
    model.write('model.safetensors', 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 1\n')
    model.commit('Upload model with huggingface_hub')

    session = await startBrowserSession({
      env: { CONCORD_SAMPLE: '0', CONCORD_AUTH: 'required' },
      beforeStart: async (database) => {
        const env = { DATABASE_URL: `file:${database.file}` }
        const cli = await runCli(['import', 'git', upstream.dir, '--platform', 'github', '--repo', 'demo-org/Demo-LM', '--family', 'demo-lm'], env)
        expect(cli.code, cli.stderr).toBe(0)
      },
    })
    page = await session.signedInPage({ viewport: { width: 1440, height: 1000 } })
  })

  afterAll(async () => {
    await session?.close()
    for (const repo of [upstream, model]) if (repo) rmSync(repo.dir, { recursive: true, force: true })
  })

  it('imports a local clone from the Import page and follows the job to its end', async () => {
    await page.goto(`${session.server.url}p/default/import`)
    await page.getByRole('button', { name: 'Local clone' }).click()
    await page.locator('input[name=path]').fill(model.dir)
    await page.getByRole('group', { name: 'Platform' }).getByRole('button', { name: 'Hugging Face' }).click()
    await page.locator('input[name=repo]').fill('demo-org/demo-7b')
    await page.getByRole('button', { name: 'Start import' }).click()
    const job = page.locator('.job-card[data-status=done]')
    await job.waitFor()
    expect(await job.locator('.job-figures').innerText()).toContain('2 of 2 commits (100%)')
    await page.getByText('2 family links discovered: review').waitFor()
    expect(await page.locator('.import-jobs tbody tr').count()).toBe(2) // the CLI's import is listed too
  })

  it('shows the discovered links with their passages as text and accepts one', async () => {
    await page.getByText('2 family links discovered: review').click()
    const cards = page.locator('.proposal')
    await cards.first().waitFor()
    expect(await cards.count()).toBe(2)
    const evidence = await page.locator('.proposal .evidence').allInnerTexts()
    expect(evidence).toEqual(expect.arrayContaining([readmeLine, 'Trained with https://github.com/demo-org/Demo-LM']))
    expect(await page.locator('.proposal img').count()).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
    const readmeCard = cards.filter({ hasText: 'Found in the README of demo-org/Demo-LM' })
    expect(await readmeCard.locator('input').inputValue()).toBe('demo-lm')
    await readmeCard.getByRole('button', { name: 'Accept' }).click()
    await page.getByText('demo-org/demo-7b joined demo-lm with demo-org/Demo-LM.').waitFor()
    // Both proposals were about the same pair: none is left to decide.
    await page.getByText('No links waiting for a decision.').waitFor()
    const family = page.locator('.family-card', { hasText: 'demo-lm' })
    expect(await family.locator('.members .repo-name').allInnerTexts()).toEqual(['demo-org/Demo-LM', 'demo-org/demo-7b'])
  })

  it('lists the family’s commits from both platforms', async () => {
    await page.getByText('See the family’s commits').click()
    await page.waitForURL(/\?family=\d+/)
    const rows = page.locator('table tbody tr')
    await rows.first().waitFor()
    expect(await rows.count()).toBe(4)
    const text = await page.locator('table tbody').innerText()
    expect(text).toContain('Upload model with huggingface_hub')
    expect(text).toContain('Add training script')
    await page.locator('table tbody tr a.subject-link', { hasText: 'Upload model with huggingface_hub' }).click()
    await page.locator('.diff-view').waitFor()
    expect(await page.locator('.diff-view').innerText()).toContain('version https://git-lfs.github.com/spec/v1')
  })
})
