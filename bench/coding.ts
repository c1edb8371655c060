/**
 * Coding benchmarks, against the real server (sign-in enforced) in a fresh file database:
 * 1. the coding screen's render time for a 20,000-line diff in Debian's Chromium (the
 *    `concord:diff-render` measure: from the diff's data to the first painted frame);
 * 2. label-save latency (p50/p99) with 20 coders saving at once, each through their own session.
 * Figures only.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { openDatabase } from '../server/db'
import { addMember, ensureSiteAdmin } from '../server/services/accounts'
import type { Ctx } from '../server/services/context'
import { currentCodebook } from '../server/services/codebook'
import { importJsonlFiles } from '../server/services/importing'
import { ensureProject } from '../server/services/projects'
import { createRound } from '../server/services/rounds'
import { startServer } from '../tests/helpers/server'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const diffLines = Number(process.env.BENCH_DIFF_LINES ?? 20_000)
const coders = Number(process.env.BENCH_CODERS ?? 20)
const savesPerCoder = Number(process.env.BENCH_SAVES ?? 40)
const renders = Number(process.env.BENCH_RENDERS ?? 5)
const chromiumPath = process.env.CONCORD_CHROMIUM ?? '/usr/bin/chromium'

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50)

function commit(i: number, diff: string, files: number, platform = 'github') {
  return {
    platform,
    repo: platform === 'github' ? 'bench/model' : 'bench/model-hf',
    sha: i.toString(16).padStart(40, '0'),
    parents: [],
    is_merge: false,
    author: 'Bench',
    author_email_sha1: 'a'.repeat(40),
    authored_at: '2024-01-01T00:00:00Z',
    committed_at: `2024-01-01T00:${String(i % 60).padStart(2, '0')}:00Z`,
    message: `commit ${i}: update the model`,
    files: Array.from({ length: files }, (_, f) => ({ path: `src/module_${f}.py`, status: 'M', additions: 1, deletions: 1 })),
    diff,
  }
}

/** A realistic Python diff of `lines` lines over a few files and hunks. */
function hugeDiff(lines: number): string {
  const out: string[] = []
  let written = 0
  for (let file = 0; written < lines; file++) {
    out.push(`diff --git a/src/module_${file}.py b/src/module_${file}.py`, 'index 1111111..2222222 100644', `--- a/src/module_${file}.py`, `+++ b/src/module_${file}.py`)
    for (let hunk = 0; hunk < 20 && written < lines; hunk++) {
      out.push(`@@ -${hunk * 60 + 1},50 +${hunk * 60 + 1},50 @@ class Layer${hunk}(nn.Module):`)
      for (let i = 0; i < 50 && written < lines; i++, written++) {
        const sign = i % 7 === 0 ? '-' : i % 5 === 0 ? '+' : ' '
        out.push(`${sign}        self.proj_${i} = nn.Linear(${i * 64}, ${i * 32}, bias=False)  # "weights" ${written}`)
      }
    }
  }
  return out.join('\n')
}

const dir = mkdtempSync(path.join(tmpdir(), 'concord-bench-coding-'))
const file = path.join(dir, 'bench.db')
try {
  // A private build of the client, so nothing rebuilding dist/ meanwhile disturbs the page.
  const clientDir = path.join(dir, 'client')
  execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error', '--outDir', clientDir], { cwd: root, stdio: 'inherit' })
  // The data: one commit with the huge diff, and enough small ones for every coder's queue.
  const units = Math.max(10, Math.ceil((coders * savesPerCoder) / 2))
  const jsonl = path.join(dir, 'bench.jsonl')
  const small = (i: number) => `diff --git a/src/a.py b/src/a.py\n@@ -1,2 +1,2 @@\n-x = ${i}\n+x = ${i + 1}\n y = 0`
  writeFileSync(jsonl, [commit(0, hugeDiff(diffLines), 40, 'huggingface'), ...Array.from({ length: units }, (_, i) => commit(i + 1, small(i), 1))].map((c) => JSON.stringify(c)).join('\n'))
  const database = await openDatabase({ url: `file:${file}` })
  const ctx: Ctx = { db: database.db, actor: 'bench' }
  const project = await ensureProject(ctx, 'bench')
  await importJsonlFiles(ctx, { projectId: project.id, files: [jsonl], diffCap: 50_000_000 })
  await ensureSiteAdmin(ctx, { name: 'admin', password: 'admin-password' })
  const names = Array.from({ length: coders }, (_, i) => `coder${String(i + 1).padStart(2, '0')}`)
  for (const name of ['viewer', ...names]) await addMember(ctx, 'bench', { name, password: `${name}-password` })
  // The viewer's round holds only the huge commit (the Hugging Face one); the coders share the
  // small ones, two coders per unit.
  const big = await createRound(ctx, project.id, { name: 'render', coders: ['viewer'], selection: 'all', platform: 'huggingface', overlap: { mode: 'k', k: 1 } })
  const hugeId = Number((await database.client.execute(`select commit_id from round_units where round_id = ${big.id}`)).rows[0]!.commit_id)
  const saves = await createRound(ctx, project.id, { name: 'saves', coders: names, selection: 'all', platform: 'github', overlap: { mode: 'k', k: Math.min(2, coders) } })
  const codeIds = (await currentCodebook(ctx, project.id)).codes.map((c) => c.id)
  database.close()

  const server = await startServer({ DATABASE_URL: `file:${file}`, CONCORD_SAMPLE: '0', CONCORD_AUTH: 'required', CONCORD_CLIENT_DIR: clientDir })
  try {
    // ---- 1. render time in Chromium -----------------------------------------------------------
    if (existsSync(chromiumPath)) {
      const browser = await chromium.launch({
        executablePath: chromiumPath,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      })
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
      await page.goto(`${server.url}signin`)
      await page.getByLabel('Name').fill('viewer')
      await page.getByLabel('Password').fill('viewer-password')
      await page.keyboard.press('Enter')
      await page.locator('.user-menu').getByText('viewer').waitFor()
      const codeUrl = `${server.url}p/bench/rounds/${big.id}/code?unit=${hugeId}`
      const renderMs: number[] = []
      const shownMs: number[] = []
      for (let i = 0; i < renders; i++) {
        const started = Date.now()
        await page.goto(codeUrl)
        await page.locator('.vdiff-row').first().waitFor()
        shownMs.push(Date.now() - started)
        const measure = await page.waitForFunction(() => performance.getEntriesByName('concord:diff-render').at(-1)?.duration ?? null)
        renderMs.push(Number(await measure.jsonValue()))
      }
      const rows = await page.locator('.vdiff-row').count()
      // Scrolling to the end renders the last lines too (the window follows).
      await page.locator('.vdiff-viewport').evaluate((el) => (el.scrollTop = el.scrollHeight))
      await page.locator('.vdiff-row', { hasText: `"weights" ${diffLines - 1}` }).waitFor()
      await browser.close()
      console.log(`coding screen bench: a ${diffLines.toLocaleString('en')}-line diff in Chromium, ${renders} loads`)
      console.log(
        `  diff render (data to first frame): median ${median(renderMs).toFixed(0)} ms, max ${Math.max(...renderMs).toFixed(0)} ms ` +
          `(target under 200 ms); ${rows} rows in the DOM`,
      )
      console.log(`  page load to diff on screen (incl. fetching the ${(diffLines * 80 / 1e6).toFixed(1)} MB unit): median ${median(shownMs)} ms`)
    } else {
      console.log(`coding screen bench: skipped, ${chromiumPath} not found`)
    }

    // ---- 2. label saves under concurrent coders -----------------------------------------------
    const api = async (session: { cookie: string; csrf: string } | null, route: string, method = 'GET', body?: unknown) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (session) Object.assign(headers, { cookie: session.cookie, 'x-csrf-token': session.csrf })
      const res = await fetch(`${server.url}${route.slice(1)}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
      if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`)
      return res
    }
    const sessions = await Promise.all(
      names.map(async (name) => {
        const res = await api(null, '/api/auth/signin', 'POST', { name, password: `${name}-password` })
        const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!)
        const csrf = cookies.find((c) => c.startsWith('concord_csrf='))!.split('=')[1]!
        return { name, cookie: cookies.join('; '), csrf }
      }),
    )
    // Each coder saves through their queue: back to back (the server saturated), then at a
    // human-like pace (a save every 0 to 2 s, about one a second).
    const run = async (label: string, pauseMs: () => number, offset: number) => {
      const latencies: number[] = []
      const started = performance.now()
      await Promise.all(
        sessions.map(async (session, s) => {
          const queue = (await (await api(session, `/api/projects/bench/coding/${saves.id}/queue`)).json()) as { items: { commitId: number }[] }
          for (const [i, item] of queue.items.slice(0, savesPerCoder).entries()) {
            await new Promise((resolve) => setTimeout(resolve, pauseMs()))
            const t0 = performance.now()
            await api(session, `/api/projects/bench/coding/${saves.id}/units/${item.commitId}/label`, 'PUT', { codeIds: [codeIds[(s + i + offset) % 5]!] })
            latencies.push(performance.now() - t0)
          }
        }),
      )
      const seconds = (performance.now() - started) / 1000
      const sorted = [...latencies].sort((a, b) => a - b)
      console.log(
        `  ${label}: p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms ` +
          `(${latencies.length} saves, ${Math.round(latencies.length / seconds)} saves/s)`,
      )
    }
    console.log(`label-save bench: ${coders} coders at once, each saving ${savesPerCoder} units of their queue (with the unanimity check)`)
    await run('back to back (saturated)', () => 0, 0)
    let seed = 7
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    await run('a save every ~1 s per coder', () => random() * 2000, 1)
  } finally {
    await server.stop()
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
