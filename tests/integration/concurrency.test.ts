/**
 * A team at once on one database, a libSQL file or sqld: a real server where 20 signed-in coders
 * save labels concurrently over HTTP while an LLM labeling job runs against the fake OpenAI
 * server, and a CLI import writes the biggest history from another process.
 */
import { readFileSync } from 'node:fs'
import { count, countDistinct, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { commits, repositories } from '../../schema'
import { importJsonlFiles } from '../../server/services/importing'
import { ensureProject } from '../../server/services/projects'
import { startFakeOpenAI } from '../fakes/openai'
import type { FakeOpenAI } from '../fakes/openai'
import { signedInApp } from '../helpers/auth'
import { engines, freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { remoteRequester, spawnTsx, startServer } from '../helpers/server'
import type { RunningServer } from '../helpers/server'
import { addCoders, bigJsonl, huggingfaceFiles, jobRow, roundFor, roundLabels, runLabels, serverEnv, until } from '../helpers/team'

const coderCount = 20
const unitsPerCoder = 8

let fake: FakeOpenAI
beforeAll(async () => {
  fake = await startFakeOpenAI({ delayMs: 10 })
})
afterAll(() => fake.close())

describe.each(engines())('a team working at once on a %s database', (engine) => {
  let t: TestDatabase
  let server: RunningServer | undefined
  beforeAll(async () => {
    t = await freshDatabase(engine)
  })
  afterAll(async () => {
    await server?.stop()
    await t.dispose()
  })

  it('keeps every 2xx label once, completes the LLM job and the CLI import', async () => {
    const projectId = (await ensureProject(t.ctx, 'default')).id
    const { imported: total } = await importJsonlFiles(t.ctx, { projectId, files: huggingfaceFiles, diffCap: 20_000 })
    const coders = await addCoders(t.ctx, projectId, coderCount)
    const round = await roundFor(t.ctx, projectId, coders, coderCount * unitsPerCoder)
    const { user: admin } = await signedInApp(t.db, { role: 'admin' })
    const databaseUrl = engine === 'file' ? `file:${t.file}` : t.url
    server = await startServer(serverEnv(databaseUrl, fake))
    const running = server

    const started = await (await remoteRequester(running, t.db, admin)).json('/api/projects/default/labeling/runs', {
      method: 'POST',
      json: { labeler: 'llm', concurrency: 4 },
    })
    expect(started.status, JSON.stringify(started.body)).toBe(202)
    // Another process imports into another project meanwhile: one long write transaction.
    const cli = spawnTsx('server/cli/index.ts', ['import', 'jsonl', '--project', 'imports', '--json', bigJsonl], { DATABASE_URL: databaseUrl })

    // Each coder saves their units in turn, over and over while the import runs (at least once);
    // the codes change every pass, so the last 2xx of a unit is what must be stored.
    let importing = true
    void cli.exited.then(() => (importing = false))
    const answered = new Map<string, number[]>()
    const failures: string[] = []
    let savedWhileImporting = 0
    await Promise.all(
      coders.map(async (coder, i) => {
        const as = await remoteRequester(running, t.db, coder)
        for (let pass = 0; pass === 0 || importing; pass++) {
          for (const commitId of round.queues.get(coder.id)!) {
            const codeIds = [round.codeIds[(commitId * 7 + i + pass) % round.codeIds.length]!]
            const res = await as.json(`/api/projects/default/coding/${round.id}/units/${commitId}/label`, { method: 'PUT', json: { codeIds } })
            if (res.status >= 200 && res.status < 300) answered.set(`${coder.id}:${commitId}`, codeIds)
            else failures.push(`${coder.name} ${commitId}: ${res.status} ${JSON.stringify(res.body)}`)
            if (importing) savedWhileImporting++
          }
        }
      }),
    )
    expect(await cli.exited, cli.output()).toBe(0)
    await until(async () => (await jobRow(t.ctx, started.body.job.id)).status !== 'running', 'the LLM job to end')

    // The busy timeout and retries carry every save through the import's lock: all answered 2xx,
    // each stored once with the codes of its last save.
    expect(failures).toEqual([])
    // Saves went on for as long as the import process lived (its write transaction included);
    // on a file, they found its lock taken and were retried.
    expect(savedWhileImporting).toBeGreaterThan(0)
    if (engine === 'file') expect(running.output()).toMatch(/database busy .*: retry 1/)
    expect(answered.size).toBe(coderCount * unitsPerCoder)
    const stored = await roundLabels(t.ctx, round.id)
    expect(stored.size).toBe(answered.size)
    for (const [key, codeIds] of answered) expect(stored.get(key), key).toEqual(codeIds)

    expect(await jobRow(t.ctx, started.body.job.id)).toMatchObject({ status: 'done', done: total, total })
    expect(await runLabels(t.ctx, started.body.run.id)).toEqual({ rows: total, commits: total })

    const lines = readFileSync(bigJsonl, 'utf8').split('\n').filter((l) => l.trim() !== '').length
    expect(JSON.parse(cli.output().trim().split('\n').at(-1)!)).toMatchObject({ imported: lines, files: 1 })
    const [imported] = await t.db
      .select({ rows: count(), shas: countDistinct(commits.sha) })
      .from(commits)
      .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
      .where(eq(repositories.fullName, 'facebookresearch/fairseq'))
    expect(imported).toEqual({ rows: lines, shas: lines })
    // It lasts as long as the import: 5 to 7 s on an idle machine, 30 to 50 s with the rest of the
    // suite (or other work) on both cores, over sqld most of all.
  }, 240_000)
})
