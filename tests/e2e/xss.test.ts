import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInWithPrintedLink } from '../helpers/auth'
import { browserAvailable } from '../helpers/browser'
import { startBrowserSession } from '../helpers/browser-session'
import type { BrowserSession } from '../helpers/browser-session'
import { names, seedHostileProject, texts } from '../helpers/hostile-project'
import type { HostileProject } from '../helpers/hostile-project'
import { startFakeOpenAI } from '../fakes/openai'
import type { FakeOpenAI } from '../fakes/openai'

/** Everything that would show a payload ran or was parsed as markup, per page. */
type Alarms = { xss: string[]; dialogs: string[]; errors: string[]; csp: string[]; requests: string[] }

/** A request a payload would make: `src=x` (relative) or `/xss-probe/…`. */
const payloadRequest = (url: string) => {
  const { pathname } = new URL(url)
  return pathname.includes('/xss-probe/') || pathname.endsWith('/x')
}

/** Elements and attributes no rendering of text should ever make. */
function injectedMarkup(): string[] {
  const found: string[] = []
  const urlAttributes = new Set(['href', 'src', 'srcdoc', 'action', 'formaction', 'xlink:href', 'data'])
  for (const el of Array.from(document.querySelectorAll('*'))) {
    const tag = el.tagName.toLowerCase()
    if (tag === 'iframe' || tag === 'object' || tag === 'embed') found.push(tag)
    if (tag === 'script' && (el.textContent ?? '').includes('__xss')) found.push('inline script')
    for (const a of Array.from(el.attributes)) {
      if (/^on/i.test(a.name)) found.push(`${tag}[${a.name}]`)
      if (urlAttributes.has(a.name) && /^\s*(javascript|data|vbscript):/i.test(a.value)) found.push(`${tag}[${a.name}=${a.value}]`)
    }
    // Links built from data: only http(s), same-origin paths, fragments and blobs.
    const href = el instanceof HTMLAnchorElement ? el.getAttribute('href') : null
    if (href !== null && !href.startsWith('#') && !['http:', 'https:', 'blob:'].includes((el as HTMLAnchorElement).protocol)) {
      found.push(`a[href=${el.getAttribute('href')}]`)
    }
  }
  return found
}

describe.skipIf(!browserAvailable())('hostile text in Chromium', () => {
  let fake: FakeOpenAI
  let session: BrowserSession
  let seeded: HostileProject
  let admin: Page
  let mallory: Page
  const alarms: Alarms = { xss: [], dialogs: [], errors: [], csp: [], requests: [] }

  const watch = async (context: BrowserContext) => {
    await context.exposeFunction('__xss', (tag: unknown) => alarms.xss.push(String(tag)))
    await context.exposeFunction('__cspViolation', (what: unknown) => alarms.csp.push(String(what)))
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        void (window as unknown as { __cspViolation: (w: string) => void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`)
      })
    })
    context.on('request', (r) => payloadRequest(r.url()) && alarms.requests.push(r.url()))
    const page = await context.newPage()
    page.on('dialog', (d) => {
      alarms.dialogs.push(d.message())
      void d.dismiss()
    })
    page.on('pageerror', (e) => alarms.errors.push(e.message))
    return page
  }

  /** Nothing ran, nothing was parsed as markup, and each text shows literally. */
  async function expectInert(page: Page, shown: string[]) {
    const body = await page.locator('body').innerText()
    for (const text of shown) expect(body, `literal text on ${page.url()}`).toContain(text)
    expect(await page.evaluate(injectedMarkup), page.url()).toEqual([])
    const raised = structuredClone(alarms)
    for (const list of Object.values(alarms)) list.length = 0
    expect(raised, page.url()).toEqual({ xss: [], dialogs: [], errors: [], csp: [], requests: [] })
  }

  const project = `p/${encodeURIComponent(names.project)}`
  const subject = (i: number) => `${texts.message} #${i < 4 ? 0 : 1}${i % 4}`

  beforeAll(async () => {
    fake = await startFakeOpenAI()
    session = await startBrowserSession({
      env: { CONCORD_SAMPLE: '0' },
      beforeStart: async (database) => {
        seeded = await seedHostileProject(database, fake)
      },
    })
    admin = await watch(await session.browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true }))
    await signInWithPrintedLink(admin, session.server)
    const coderContext = await session.browser.newContext({ viewport: { width: 1440, height: 1000 } })
    await coderContext.addCookies(seeded.malloryCookies(session.server.url))
    mallory = await watch(coderContext)
  }, 180_000)

  afterAll(async () => {
    await session?.close()
    await fake?.close()
  })

  it('has detectors that catch a payload parsed as HTML, with and without the CSP', async () => {
    const probe = await watch(await session.browser.newContext())
    await probe.setContent(`<p>${texts.message}</p>`, { waitUntil: 'load' })
    expect(await probe.evaluate(injectedMarkup)).toEqual(expect.arrayContaining(['iframe', 'inline script', 'img[onerror]', 'svg[onload]']))
    await expect.poll(() => alarms.xss).toEqual(expect.arrayContaining(['message']))
    // Served by the app, the CSP blocks it: the violations show instead.
    await probe.goto(`${session.server.url}signin`)
    await probe.evaluate((html) => document.body.insertAdjacentHTML('beforeend', html), `<img src=/xss-probe/csp onerror="__xss('csp')">`)
    await expect.poll(() => alarms.csp.length).toBeGreaterThan(0)
    expect(alarms.requests).toEqual([expect.stringContaining('/xss-probe/csp')])
    expect(alarms.xss).not.toContain('csp')
    await probe.context().close()
    for (const list of Object.values(alarms)) list.length = 0
  })

  it('lists the project and its commits, repositories and family as text', async () => {
    await admin.goto(session.server.url)
    await admin.locator('.project-cards a').first().waitFor()
    await expectInert(admin, [names.project])
    await admin.goto(`${session.server.url}${project}`)
    await admin.locator('table tbody tr').first().waitFor()
    // The list shows a subject's first 200 characters.
    await expectInert(admin, [subject(0).slice(0, 200), names.author, names.githubRepo, names.huggingfaceRepo, names.family])
  })

  it('shows a commit: message, author, paths, diff, LLM rationale, open code and adjudication note', async () => {
    await admin.goto(`${session.server.url}${project}/commits/${seeded.commitIds[0]}`)
    await admin.locator('.diff-view').waitFor()
    await admin.getByText(texts.rationale).first().waitFor()
    await expectInert(admin, [subject(0), names.author, names.path, ...texts.diffLines, texts.rationale, texts.openCode, texts.adjudication, names.code])
  })

  it('shows the families page', async () => {
    await admin.goto(`${session.server.url}${project}/families`)
    await admin.getByText(names.family).first().waitFor()
    await expectInert(admin, [names.family, names.githubRepo, names.huggingfaceRepo])
  })

  it('shows the codebook: code, definition, notes, example and changelog', async () => {
    await admin.goto(`${session.server.url}${project}/codebook`)
    await admin.locator(`article.code-card`).first().waitFor()
    // The changelog holds the notes given with the changes, the card-sorting board's included.
    await expectInert(admin, [names.code, texts.definition, texts.includeNotes, texts.exampleNote, texts.changelog, texts.cardNote, names.category])
  })

  it('exports the codebook as well-formed REFI-QDA XML with the names as text', async () => {
    const res = await admin.request.get(`${session.server.url}api/projects/${encodeURIComponent(names.project)}/codebook/export?format=qdc`)
    expect(res.status()).toBe(200)
    const parsed = await admin.evaluate((xml) => {
      const doc = new DOMParser().parseFromString(xml, 'application/xml')
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        names: Array.from(doc.getElementsByTagName('Code')).map((c) => c.getAttribute('name')),
        elements: Array.from(doc.getElementsByTagName('*')).map((e) => e.localName).filter((n) => ['script', 'img', 'svg', 'iframe'].includes(n)),
      }
    }, await res.text())
    expect(parsed).toEqual({ error: null, names: expect.arrayContaining([names.code, names.category]), elements: [] })
  })

  it('shows the card-sorting board: category, open code and note', async () => {
    await admin.goto(`${session.server.url}${project}/card-sort`)
    await admin.locator('section.column.category', { hasText: names.category }).waitFor()
    await expectInert(admin, [names.category, texts.openCode])
  })

  it("shows the labeling page and the LLM's evaluation per code", async () => {
    await admin.goto(`${session.server.url}${project}/labeling`)
    await admin.locator('.runs-table tbody tr').first().waitFor()
    await admin.locator('table.per-code tbody tr').first().waitFor()
    await expectInert(admin, [names.code])
  })

  it('shows the rounds, the dashboard, the adjudication page and the members', async () => {
    await admin.goto(`${session.server.url}${project}/rounds`)
    await admin.getByText(names.round).first().waitFor()
    await expectInert(admin, [names.round])
    await admin.goto(`${session.server.url}${project}/rounds/${seeded.round}`)
    await admin.locator('.pair-table').waitFor()
    await expectInert(admin, [names.round])
    await admin.goto(`${session.server.url}${project}/rounds/${seeded.round}/adjudicate`)
    await admin.locator('.conflict-group').first().waitFor()
    await expectInert(admin, [names.code, subject(0), subject(1), names.githubRepo])
    expect(await admin.locator('.conflict-unit', { hasText: subject(0) }).locator('textarea').inputValue()).toBe(texts.adjudication)
    await admin.goto(`${session.server.url}${project}/members`)
    await admin.getByText('eve', { exact: true }).first().waitFor()
    await expectInert(admin, [names.displayName])
  })

  it('shows the coding screen to the coder, with the pre-label rationale and her open code', async () => {
    await mallory.goto(`${session.server.url}${project}/rounds/${seeded.round}/code?unit=${seeded.commitIds[0]}`)
    await mallory.locator('.coding[data-ready="true"]').waitFor()
    await expectInert(mallory, [subject(0), names.code, texts.rationale, ...texts.diffLines])
    expect(await mallory.locator('textarea#memo').inputValue()).toBe(texts.openCode)
    await mallory.goto(`${session.server.url}account`)
    await mallory.getByRole('heading', { name: names.displayName }).waitFor()
    await expectInert(mallory, [names.displayName])
  })

  it('shows the analysis and the family page, charts and tooltips included', async () => {
    await admin.goto(`${session.server.url}${project}/analysis?codes=prelabels`)
    const changeTypes = admin.locator('section', { has: admin.getByRole('heading', { name: 'Change types per platform' }) }).locator('.chart')
    await changeTypes.locator('svg path[fill="#3b4451"]').first().hover()
    // The axis tooltip's header is the category: the code's name, as text.
    await changeTypes.getByText(names.code, { exact: true }).and(changeTypes.locator('div')).waitFor()
    await expectInert(admin, [names.family, names.code])
    await admin.goto(`${session.server.url}${project}/analysis/families/${encodeURIComponent(names.family)}`)
    const bar = admin.locator('.chart-section .chart svg path[fill="#3b4451"]').first()
    await bar.waitFor()
    await bar.hover()
    // ECharts writes its tooltip with innerHTML: the lane's repository name must come out as text.
    await admin.locator('.chart-section .chart').getByText(`${names.githubRepo}, period`).waitFor()
    await expectInert(admin, [names.family, names.githubRepo])
  })

  it('downloads a report whose every piece of data is escaped', async () => {
    await admin.goto(`${session.server.url}${project}/analysis`)
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('link', { name: /Download the report/ }).click()])
    const file = path.join(session.database.dir, 'report.html')
    await download.saveAs(file)
    const html = readFileSync(file, 'utf8')
    // No element from data in the raw file either (the charts' SVG is rendered on the server);
    // attributes are checked below, on the parsed document.
    expect(html).not.toMatch(/<(script|iframe|img)\b/i)
    // Parsed by the browser with scripts enabled and no CSP (about:blank): nothing may run.
    const report = await watch(await session.browser.newContext())
    await report.setContent(html, { waitUntil: 'load' })
    await expectInert(report, [names.family, names.githubRepo, names.code])
    await report.context().close()
    // Served inline (`?inline=1`) from the app's origin, where a script would reach the API.
    await admin.goto(`${session.server.url}api/projects/${encodeURIComponent(names.project)}/analysis/report.html?inline=1`)
    await expectInert(admin, [names.project, names.family])
  })
})
