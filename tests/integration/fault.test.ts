/**
 * Killing things mid-work: the server during an LLM labeling job (SIGKILL: it resumes at the
 * next start; SIGTERM: in-flight saves and the job's current batch finish, exit 0), the server
 * during a GitHub import job (whole batches kept, a rerun fetches the rest) and the CLI during an
 * import (the file is stored whole or not at all). Real processes on one database: a
 * file, and sqld for the kill during a job.
 */
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { and, count, countDistinct, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { commits, repositories } from '../../schema'
import { importJsonlFiles } from '../../server/services/importing'
import { ensureProject } from '../../server/services/projects'
import { startFakeGithub, syntheticGithubHistory } from '../fakes/github'
import { startFakeOpenAI } from '../fakes/openai'
import type { FakeOpenAI } from '../fakes/openai'
import { signedInApp } from '../helpers/auth'
import type { Requester } from '../helpers/auth'
import { runCli } from '../helpers/cli'
import { engines, freshDatabase } from '../helpers/db'
import type { Engine, TestDatabase } from '../helpers/db'
import { remoteRequester, spawnTsx, startServer, waitForOutput } from '../helpers/server'
import type { RunningServer } from '../helpers/server'
import { addCoders, bigJsonl, huggingfaceFiles, jobRow, roundFor, roundLabels, runLabels, serverEnv, until } from '../helpers/team'

let fake: FakeOpenAI
beforeAll(async () => {
  fake = await startFakeOpenAI()
})
afterAll(() => fake.close())

/** A database with the Hugging Face histories in `default`, and an administrator. */
async function teamDatabase(engine: Engine = 'file') {
  const t = await freshDatabase(engine)
  const projectId = (await ensureProject(t.ctx, 'default')).id
  const { imported } = await importJsonlFiles(t.ctx, { projectId, files: huggingfaceFiles, diffCap: 20_000 })
  const { user: admin } = await signedInApp(t.db, { role: 'admin' })
  return { t, projectId, commits: imported, admin }
}

async function startLlmJob(admin: Requester) {
  const started = await admin.json('/api/projects/default/labeling/runs', { method: 'POST', json: { labeler: 'llm', concurrency: 2 } })
  expect(started.status, JSON.stringify(started.body)).toBe(202)
  return { jobId: started.body.job.id as number, runId: started.body.run.id as number }
}

describe.each(engines())('a server on a %s database killed during an LLM labeling job', (engine) => {
  it('resumes the job at the next start: every commit labelled once, no labelled commit asked again', async () => {
    const { t, commits: total, admin } = await teamDatabase(engine)
    let server: RunningServer | undefined
    try {
      fake.options.delayMs = 40
      const env = serverEnv(t.url, fake)
      server = await startServer(env)
      const { jobId, runId } = await startLlmJob(await remoteRequester(server, t.db, admin))
      await until(async () => (await runLabels(t.ctx, runId)).rows >= 20, 'the job to store 20 labels')
      server.process.kill('SIGKILL')
      await server.exited
      const atKill = (await runLabels(t.ctx, runId)).rows
      expect(atKill).toBeLessThan(total)
      expect((await jobRow(t.ctx, jobId)).status).toBe('running')
      const sentBefore = fake.completions()

      server = await startServer(env)
      expect(server.output()).toContain(`Resuming interrupted job(s) ${jobId}`)
      await until(async () => (await jobRow(t.ctx, jobId)).status !== 'queued' && (await jobRow(t.ctx, jobId)).status !== 'running', 'the resumed job to end')
      expect(await jobRow(t.ctx, jobId)).toMatchObject({ status: 'done', done: total, total })
      expect(await runLabels(t.ctx, runId)).toEqual({ rows: total, commits: total })
      // Only the commits without a label at the kill were asked (those in flight included).
      expect(fake.completions() - sentBefore).toBe(total - atKill)
    } finally {
      await server?.stop()
      await t.dispose()
    }
  })
})

describe('a server stopped (SIGTERM) while coders save and a job runs', () => {
  it('stores every label it answered 2xx for, queues the job at a checkpoint, exits 0, and the job resumes', async () => {
    const { t, projectId, commits: total, admin } = await teamDatabase()
    let server: RunningServer | undefined
    try {
      const coders = await addCoders(t.ctx, projectId, 5)
      const round = await roundFor(t.ctx, projectId, coders, 100)
      fake.options.delayMs = 40
      const env = serverEnv(`file:${t.file}`, fake)
      server = await startServer(env)
      const running = server
      const { jobId, runId } = await startLlmJob(await remoteRequester(running, t.db, admin))
      await until(async () => (await runLabels(t.ctx, runId)).rows >= 10, 'the job to store 10 labels')

      // Each coder saves their units one after another; SIGTERM goes out after 20 saves.
      const answered = new Map<string, number[]>()
      let saves = 0
      const coding = coders.map(async (coder, i) => {
        const as = await remoteRequester(running, t.db, coder)
        for (const commitId of round.queues.get(coder.id)!) {
          const codeIds = [round.codeIds[(commitId + i) % round.codeIds.length]!]
          const res = await as
            .request(`/api/projects/default/coding/${round.id}/units/${commitId}/label`, { method: 'PUT', json: { codeIds } })
            .catch(() => null)
          if (!res) return // the server closed: no answer, nothing promised
          if (res.ok) answered.set(`${coder.id}:${commitId}`, codeIds)
          if (++saves === 20) running.process.kill('SIGTERM')
        }
      })
      await Promise.all(coding)
      expect(await running.exited).toBe(0)
      expect(running.output()).toContain('SIGTERM: stopping')
      // It drained, rather than giving up after its grace period.
      expect(running.output()).not.toMatch(/request\(s\) unfinished/)

      expect(answered.size).toBeGreaterThanOrEqual(20)
      const stored = await roundLabels(t.ctx, round.id)
      for (const [key, codeIds] of answered) expect(stored.get(key), key).toEqual(codeIds)
      // The job stored its batch and is queued to resume; what it stored is whole.
      const interrupted = await jobRow(t.ctx, jobId)
      expect(interrupted).toMatchObject({ status: 'queued', finishedAt: null })
      const atStop = await runLabels(t.ctx, runId)
      expect(atStop.rows).toBe(atStop.commits)
      expect(atStop.rows).toBeLessThan(total)
      const sentBefore = fake.completions()

      server = await startServer(env)
      await until(async () => (await jobRow(t.ctx, jobId)).status === 'done', 'the resumed job to finish')
      expect(await runLabels(t.ctx, runId)).toEqual({ rows: total, commits: total })
      expect(fake.completions() - sentBefore).toBe(total - atStop.rows)
    } finally {
      await server?.stop()
      await t.dispose()
    }
  })
})

describe('a server killed (SIGKILL) during a GitHub import job', () => {
  it('keeps whole batches, marks the job failed at the next start, and a rerun fetches and stores only the rest', async () => {
    const t = await freshDatabase()
    await ensureProject(t.ctx, 'default')
    const { user } = await signedInApp(t.db, { role: 'admin' })
    let server: RunningServer | undefined
    const github = await startFakeGithub({
      repos: { 'acme/model': { commits: syntheticGithubHistory(130) } },
      onRequest: (n) => {
        if (n === 70) server?.process.kill('SIGKILL')
      },
    })
    try {
      const env = { ...serverEnv(`file:${t.file}`, fake), GITHUB_API_URL: github.url }
      server = await startServer(env)
      const admin = await remoteRequester(server, t.db, user)
      const started = await admin.json('/api/projects/default/imports', { method: 'POST', json: { source: 'github', repo: 'acme/model' } })
      expect(started.status, JSON.stringify(started.body)).toBe(202)
      const jobId = started.body.id as number
      await server.exited
      expect((await jobRow(t.ctx, jobId)).status).toBe('running')
      const kept = await t.db.select({ sha: commits.sha }).from(commits)
      expect(kept.length).toBeGreaterThan(0)
      expect(kept.length).toBeLessThan(130)
      expect(kept.length % 20, 'the API import stores batches of 20, each whole').toBe(0)
      const firstRun = github.requests.length

      server = await startServer(env)
      expect(await jobRow(t.ctx, jobId)).toMatchObject({ status: 'failed', error: expect.stringMatching(/interrupted/) })
      const again = await (await remoteRequester(server, t.db, user)).json('/api/projects/default/imports', {
        method: 'POST',
        json: { source: 'github', repo: 'acme/model' },
      })
      expect(again.status).toBe(202)
      await until(async () => !['queued', 'running'].includes((await jobRow(t.ctx, again.body.id)).status), 'the rerun to end')
      expect((await jobRow(t.ctx, again.body.id)).status).toBe('done')
      const [stored] = await t.db.select({ rows: count(), shas: countDistinct(commits.sha) }).from(commits)
      expect(stored).toEqual({ rows: 130, shas: 130 })
      // Only the commits missing at the kill had their details fetched again.
      const keptShas = new Set(kept.map((c) => c.sha))
      const fetched = github.requests.slice(firstRun).filter((r) => /\/commits\/[0-9a-f]{40}/.test(r.path)).map((r) => r.path.split('/').pop()!.split('?')[0]!)
      expect(fetched).toHaveLength(130 - kept.length)
      expect(fetched.filter((sha) => keptShas.has(sha))).toEqual([])
    } finally {
      await server?.stop()
      await github.close()
      await t.dispose()
    }
  })
})

describe('a CLI import killed mid-file', () => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await freshDatabase()
    await ensureProject(t.ctx, 'default')
  })
  afterAll(() => t.dispose())

  const commitsOf = async (file: string) => {
    const name = path.basename(file, '.jsonl').replace('__', '/')
    const [row] = await t.db
      .select({ rows: count(), shas: countDistinct(commits.sha) })
      .from(commits)
      .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
      .where(and(eq(repositories.fullName, name)))
    return row!
  }
  const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').length

  it('leaves each file whole or absent, a sound database, and a rerun completes it without duplicates', async () => {
    const small = huggingfaceFiles[0]!
    const env = { DATABASE_URL: `file:${t.file}` }
    const args = ['import', 'jsonl', '--project', 'default', small, bigJsonl]
    const cli = spawnTsx('server/cli/index.ts', args, env)
    await waitForOutput(cli, /\[1\/2\]/)
    // Killed once the big file's transaction is writing (its pages spill into the WAL).
    const wal = `${t.file}-wal`
    const walAtFirst = statSync(wal).size
    let done = false
    void cli.exited.then(() => (done = true))
    await until(async () => done || statSync(wal).size > walAtFirst + 2_000_000, 'the big file to be written')
    expect(done, 'the import ended before it could be killed').toBe(false)
    cli.process.kill('SIGKILL')
    expect(await cli.exited).toBeNull()

    expect(await commitsOf(small)).toEqual({ rows: lines(small), shas: lines(small) })
    expect([0, lines(bigJsonl)]).toContain((await commitsOf(bigJsonl)).rows)
    const [check] = (await t.client.execute('PRAGMA integrity_check')).rows
    expect(Object.values(check!)[0]).toBe('ok')

    const rerun = await runCli([...args, '--json'], env)
    expect(rerun.code, rerun.stderr).toBe(0)
    expect(await commitsOf(bigJsonl)).toEqual({ rows: lines(bigJsonl), shas: lines(bigJsonl) })
    expect(await commitsOf(small)).toEqual({ rows: lines(small), shas: lines(small) })
  })
})
