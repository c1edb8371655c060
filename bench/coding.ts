/**
 * The coding screen's render time for a 20,000-line diff in Debian's Chromium (the
 * `concord:diff-render` measure: from the diff's data to the first painted frame), against the
 * real server (sign-in enforced) in a fresh file database. Figures only. Label saves under many
 * coders at once are `bench/load.ts`.
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
import { importJsonlFiles } from '../server/services/importing'
import { ensureProject } from '../server/services/projects'
import { createRound } from '../server/services/rounds'
import { startServer } from '../tests/helpers/server'
import { median } from './latency'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const diffLines = Number(process.env.BENCH_DIFF_LINES ?? 20_000)
const renders = Number(process.env.BENCH_RENDERS ?? 5)
const chromiumPath = process.env.CONCORD_CHROMIUM ?? '/usr/bin/chromium'

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
  // The data: one commit with the huge diff.
  const jsonl = path.join(dir, 'bench.jsonl')
  writeFileSync(jsonl, JSON.stringify(commit(0, hugeDiff(diffLines), 40, 'huggingface')))
  const database = await openDatabase({ url: `file:${file}` })
  const ctx: Ctx = { db: database.db, actor: 'bench' }
  const project = await ensureProject(ctx, 'bench')
  await importJsonlFiles(ctx, { projectId: project.id, files: [jsonl], diffCap: 50_000_000 })
  await ensureSiteAdmin(ctx, { name: 'admin', password: 'admin-password' })
  await addMember(ctx, 'bench', { name: 'viewer', password: 'viewer-password' })
  const big = await createRound(ctx, project.id, { name: 'render', coders: ['viewer'], selection: 'all', platform: 'huggingface', overlap: { mode: 'k', k: 1 } })
  const hugeId = Number((await database.client.execute(`select commit_id from round_units where round_id = ${big.id}`)).rows[0]!.commit_id)
  database.close()

  const server = await startServer({ DATABASE_URL: `file:${file}`, CONCORD_SAMPLE: '0', CONCORD_AUTH: 'required', CONCORD_CLIENT_DIR: clientDir })
  try {
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
  } finally {
    await server.stop()
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
