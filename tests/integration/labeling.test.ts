import { spawnSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { and, eq, isNotNull, notInArray } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  codes,
  commits,
  finalCodeCodes,
  finalCodes,
  jobs,
  labelCodes,
  labelingFailures,
  labelingRuns,
  labels,
  repositories,
  users,
} from '../../schema'
import { loadConfig } from '../../server/config'
import type { Ctx } from '../../server/services/context'
import { projectAgreement } from '../../server/services/agreement'
import { evaluate } from '../../server/services/evaluation'
import { importJsonlFiles, importStudyFile } from '../../server/services/importing'
import { JobCancelled, createJob, recoverInterruptedJobs, requestCancel } from '../../server/services/jobs'
import {
  labelCommits,
  launchLabeling,
  listRuns,
  planLabeling,
  resumeLabeling,
} from '../../server/services/labeling'
import { ensureProject } from '../../server/services/projects'
import { engines, freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { sharedPath } from '../helpers/shared'
import { startFakeOpenAI } from '../fakes/openai'
import type { FakeOpenAI } from '../fakes/openai'

const secret = 'sk-concord-test-5e3b9d1f'

function llmCtx(ctx: Ctx, fake: FakeOpenAI, env: Record<string, string> = {}): Ctx {
  const config = loadConfig({
    OPENAI_BASE_URL: fake.url,
    OPENAI_API_KEY: secret,
    CONCORD_LLM_MODEL: 'fake-1',
    CONCORD_LLM_TIMEOUT_MS: '5000',
    CONCORD_LLM_MAX_RETRIES: '1',
    ...env,
  })
  return { ...ctx, llm: config.llm }
}

/** Labels of one rater in a project: commit id -> code names. */
async function labelsOf(ctx: Ctx, projectId: number, rater: string) {
  const rows = await ctx.db
    .select({
      commitId: labels.commitId,
      code: codes.name,
      source: labels.source,
      context: labels.context,
      promptVersion: labels.promptVersion,
      model: labels.model,
    })
    .from(labels)
    .innerJoin(users, eq(users.id, labels.raterId))
    .innerJoin(labelCodes, eq(labelCodes.labelId, labels.id))
    .innerJoin(codes, eq(codes.id, labelCodes.codeId))
    .innerJoin(commits, eq(commits.id, labels.commitId))
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .where(and(eq(users.name, rater), eq(repositories.projectId, projectId)))
  return rows
}

async function commitCount(ctx: Ctx, projectId: number) {
  const rows = await ctx.db
    .select({ id: commits.id })
    .from(commits)
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .where(eq(repositories.projectId, projectId))
  return rows.length
}

/** Final codes copied from a coder's labels (what adjudication would produce). */
async function finalizeFrom(ctx: Ctx, projectId: number, coder: string) {
  for (const row of await labelsOf(ctx, projectId, coder)) {
    const [final] = await ctx.db
      .insert(finalCodes)
      .values({ commitId: row.commitId, method: 'import' })
      .returning()
    const [code] = await ctx.db.select().from(codes).where(eq(codes.name, row.code)).limit(1)
    await ctx.db.insert(finalCodeCodes).values({ finalCodeId: final!.id, codeId: code!.id })
  }
}

describe.each(engines())('machine labelers on a %s database', (engine) => {
  describe('the rules labeler', () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await freshDatabase(engine)
    })
    afterAll(() => t.dispose())

    it('labels every commit, merges and commits without files included, and a rerun labels none', async () => {
      const project = await ensureProject(t.ctx, 'rules')
      await importJsonlFiles(t.ctx, {
        projectId: project.id,
        files: [sharedPath('data/commits/huggingface/THUDM__chatglm3-6b.jsonl')],
        diffCap: 20_000,
      })
      await importStudyFile(t.ctx, {
        projectId: project.id,
        file: sharedPath('data/paper/GH_160_with_labels.csv'),
        format: 'study-gh',
      })
      const total = await commitCount(t.ctx, project.id)
      const result = await labelCommits({
        ctx: t.ctx,
        input: { projectId: project.id, labeler: 'rules' },
      })
      expect(result).toMatchObject({
        labeled: total,
        failed: 0,
        requests: 0,
        cached: 0,
        rater: 'rules',
        stopped: null,
      })
      const stored = await labelsOf(t.ctx, project.id, 'rules')
      expect(new Set(stored.map((l) => l.commitId)).size).toBe(total)
      expect(stored.every((l) => l.source === 'rules' && l.context.startsWith('rules-1|cbv:'))).toBe(
        true,
      )
      const merges = await t.ctx.db
        .select({ id: commits.id })
        .from(commits)
        .where(eq(commits.isMerge, true))
      expect(merges.length).toBeGreaterThan(0)
      for (const m of merges) expect(stored.find((l) => l.commitId === m.id)?.code).toBe('sharing')
      const again = await labelCommits({
        ctx: t.ctx,
        input: { projectId: project.id, labeler: 'rules' },
      })
      expect(again).toMatchObject({ labeled: 0, failed: 0, requests: 0 })
      const [run] = await listRuns(t.ctx, project.id)
      expect(run).toMatchObject({ id: again.run, status: 'done', total: 0 })
    })

    it("reaches Cohen's kappa of at least 0.5 against coder1 on the study's Hugging Face set", async () => {
      const project = await ensureProject(t.ctx, 'hf')
      await importStudyFile(t.ctx, {
        projectId: project.id,
        file: sharedPath('data/paper/HF_160_with_labels.reduced.csv'),
        format: 'study-hf',
      })
      await labelCommits({ ctx: t.ctx, input: { projectId: project.id, labeler: 'rules' } })
      const report = await evaluate({
        ctx: t.ctx,
        input: { projectId: project.id, labeler: 'rules', against: 'coder1' },
      })
      expect(report.n).toBe(160)
      console.log(
        `rules vs coder1 on HF_160: kappa ${report.cohen_kappa?.toFixed(3)}, accuracy ${report.accuracy?.toFixed(3)}, ` +
          `macro-F1 ${report.macro_f1?.toFixed(3)}\n` +
          report.per_code
            .map((c) => `  ${c.code}: F1 ${c.f1?.toFixed(3)} (support ${c.support})`)
            .join('\n'),
      )
      expect(report.cohen_kappa).toBeGreaterThanOrEqual(0.5)
      // The rules labeler is a rater like any other in the agreement report.
      const agreement = await projectAgreement(t.ctx, project.id, {
        coders: ['coder1', 'rules'],
        resamples: 0,
      })
      expect(agreement.pairwise[0]!.cohen_kappa).toBeCloseTo(report.cohen_kappa!, 10)
    })

    it('trains the classifier only once enough final codes exist, and evaluates it leave-one-out', async () => {
      const project = await ensureProject(t.ctx, 'hf')
      await expect(
        labelCommits({ ctx: t.ctx, input: { projectId: project.id, labeler: 'classifier' } }),
      ).rejects.toThrow(/the classifier needs at least 30 final codes .* this project has 0/)
      await finalizeFrom(t.ctx, project.id, 'coder1')
      const result = await labelCommits({
        ctx: t.ctx,
        input: { projectId: project.id, labeler: 'classifier' },
      })
      expect(result).toMatchObject({ labeled: 160, failed: 0, rater: 'classifier' })
      const stored = await labelsOf(t.ctx, project.id, 'classifier')
      expect(
        stored.every(
          (l) => l.source === 'classifier' && /^naive-bayes:[0-9a-f]{12}$/.test(l.model ?? ''),
        ),
      ).toBe(true)
      const report = await evaluate({
        ctx: t.ctx,
        input: { projectId: project.id, labeler: 'classifier', against: 'final' },
      })
      expect(report.n).toBe(160)
      // Leave-one-out: far from the perfect score a classifier gets on its own training data.
      expect(report.accuracy).toBeLessThan(0.95)
      expect(report.accuracy).toBeGreaterThan(0.4)
    })
  })

  describe('resuming interrupted runs at start', () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await freshDatabase(engine)
    })
    afterAll(() => t.dispose())

    /** A pid no process has: one that just exited. */
    const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!
    /** Makes a finished job look as a killed process left it: running, owned by `pid`. */
    const leaveRunning = (jobId: number, pid: number, params: Record<string, unknown>) =>
      t.db.update(jobs).set({ status: 'running', finishedAt: null, params: { ...params, pid } }).where(eq(jobs.id, jobId))
    const recover = () => recoverInterruptedJobs(t.ctx, { label: resumeLabeling })

    it('resumes a run whose process died, leaves one whose process lives, fails one whose configuration changed', async () => {
      const project = await ensureProject(t.ctx, 'resume')
      const { imported } = await importJsonlFiles(t.ctx, {
        projectId: project.id,
        files: [sharedPath('data/commits/huggingface/THUDM__chatglm3-6b.jsonl')],
        diffCap: 20_000,
      })
      const { job: jobId, run: runId } = await labelCommits({ ctx: t.ctx, input: { projectId: project.id, labeler: 'rules' } })
      const [job] = await t.db.select().from(jobs).where(eq(jobs.id, jobId))
      const runLabels = () => t.db.select({ id: labels.id }).from(labels).where(eq(labels.runId, runId))
      const jobStatus = async () => (await t.db.select().from(jobs).where(eq(jobs.id, jobId)))[0]!
      const ended = async () => {
        for (let i = 0; i < 200 && ['queued', 'running'].includes((await jobStatus()).status); i++) await new Promise((r) => setTimeout(r, 25))
        return jobStatus()
      }

      // Killed after storing some labels: the same job and run label the rest, once each.
      const kept = (await runLabels()).slice(0, 10).map((l) => l.id)
      await t.db.delete(labels).where(and(eq(labels.runId, runId), notInArray(labels.id, kept)))
      await leaveRunning(jobId, deadPid(), job!.params)
      const importJob = await createJob(t.ctx, { projectId: project.id, kind: 'import-github' })
      expect(await recover()).toEqual({ resumed: [jobId], failed: 1 })
      expect(await ended()).toMatchObject({ status: 'done', done: imported, total: imported })
      expect(await runLabels()).toHaveLength(imported)
      expect((await t.db.select().from(labelingRuns).where(eq(labelingRuns.id, runId)))[0]).toMatchObject({ status: 'done', labeled: imported })
      expect((await t.db.select().from(jobs).where(eq(jobs.id, importJob.id)))[0]!.status).toBe('failed')

      // Its process still runs (the parent of this one): left alone.
      await leaveRunning(jobId, process.ppid, job!.params)
      expect(await recover()).toEqual({ resumed: [], failed: 0 })
      expect((await jobStatus()).status).toBe('running')

      // The labeler changed since (here, its recorded configuration): failed with the reason.
      await t.db.update(labelingRuns).set({ context: 'rules-0|cbv:0' }).where(eq(labelingRuns.id, runId))
      await leaveRunning(jobId, deadPid(), job!.params)
      expect((await recover()).resumed).toEqual([jobId])
      expect(await ended()).toMatchObject({ status: 'failed', error: expect.stringContaining('configuration changed') })
    })
  })

  describe('the LLM labeler as a job', () => {
    let t: TestDatabase
    let fake: FakeOpenAI
    let projectId: number
    beforeAll(async () => {
      t = await freshDatabase(engine)
      fake = await startFakeOpenAI()
      projectId = (await ensureProject(t.ctx, 'hf')).id
      await importStudyFile(t.ctx, {
        projectId,
        file: sharedPath('data/paper/HF_160_with_labels.reduced.csv'),
        format: 'study-hf',
      })
    })
    afterAll(async () => {
      await fake.close()
      t.dispose()
    })
    afterEach(() => {
      fake.script.length = 0
      fake.options.delayMs = 0
    })

    it('estimates a dry run without sending anything', async () => {
      const ctx = llmCtx(t.ctx, fake, {
        CONCORD_LLM_INPUT_USD_PER_MTOK: '1',
        CONCORD_LLM_OUTPUT_USD_PER_MTOK: '2',
      })
      const plan = await planLabeling({ ctx, input: { projectId, labeler: 'llm' } })
      expect(plan).toMatchObject({
        dry_run: true,
        units: 160,
        cached: 0,
        to_send: 160,
        labeled: 0,
        requests: 0,
        rater: 'llm:fake-1',
      })
      expect(plan.prompt_version).toMatch(/^[0-9a-f]{12}$/)
      expect(plan.estimated_prompt_tokens).toBeGreaterThan(160 * 100)
      expect(plan.estimated_cost_usd).toBeCloseTo(
        (plan.estimated_prompt_tokens * 1 + plan.estimated_completion_tokens * 2) / 1e6,
        12,
      )
      expect(fake.completions()).toBe(0)
      expect(await t.ctx.db.select().from(labelingRuns)).toHaveLength(0)
    })

    it('stops at the budget, before the estimated cost passes it', async () => {
      const ctx = llmCtx(t.ctx, fake, {
        CONCORD_LLM_INPUT_USD_PER_MTOK: '1000',
        CONCORD_LLM_OUTPUT_USD_PER_MTOK: '1000',
      })
      const plan = await planLabeling({ ctx, input: { projectId, labeler: 'llm', limit: 10 } })
      const perUnit = plan.estimated_cost_usd! / 10
      const result = await labelCommits({
        ctx,
        input: { projectId, labeler: 'llm', concurrency: 1, budgetUsd: perUnit * 4.5 },
      })
      expect(result.stopped).toBe('budget')
      expect(result.labeled).toBeGreaterThanOrEqual(3)
      expect(result.labeled).toBeLessThanOrEqual(5)
      expect(result.cost_usd!).toBeLessThanOrEqual(perUnit * 4.5 * 1.2)
      const [run] = await t.ctx.db.select().from(labelingRuns).where(eq(labelingRuns.id, result.run))
      expect(run!.error).toMatch(/budget .* was reached/)
      expect(run!.costUsd).toBeCloseTo(result.cost_usd!, 12)
      await expect(
        labelCommits({
          ctx: llmCtx(t.ctx, fake),
          input: { projectId, labeler: 'llm', budgetUsd: 1 },
        }),
      ).rejects.toThrow(/a budget needs prices/)
    })

    it('labels the rest, records invalid answers as failures, then a rerun sends no request', async () => {
      const ctx = llmCtx(t.ctx, fake)
      const outside = JSON.stringify({ code: 'bug fix', confidence: 0.9, rationale: 'x' })
      fake.script.push({ kind: 'content', content: outside }, { kind: 'content', content: outside })
      const before = fake.completions()
      const already = (await labelsOf(t.ctx, projectId, 'llm:fake-1')).length
      // One request at a time, so the two scripted answers both reach the first unit.
      const result = await labelCommits({ ctx, input: { projectId, labeler: 'llm', concurrency: 1 } })
      expect(result.failed).toBe(1)
      expect(result.labeled + result.failed).toBe(160 - already)
      expect(result.requests).toBe(fake.completions() - before)
      expect(result.prompt_tokens).toBeGreaterThan(0)
      const [failure] = await t.ctx.db
        .select()
        .from(labelingFailures)
        .where(eq(labelingFailures.runId, result.run))
      expect(failure).toMatchObject({ attempts: 2 })
      expect(failure!.reason).toMatch(/code outside the codebook: "bug fix"/)
      const stored = await labelsOf(t.ctx, projectId, 'llm:fake-1')
      expect(stored.some((l) => l.commitId === failure!.commitId)).toBe(false)
      expect(
        stored.every(
          (l) =>
            l.source === 'llm' &&
            l.model === 'fake-1' &&
            /^prompt:[0-9a-f]{12}\|cbv:\d+$/.test(l.context),
        ),
      ).toBe(true)

      // The failed unit is still pending; everything else is labelled: one request, then none.
      const retry = await labelCommits({ ctx, input: { projectId, labeler: 'llm' } })
      expect(retry).toMatchObject({ labeled: 1, failed: 0, requests: 1 })
      const rerun = await labelCommits({ ctx, input: { projectId, labeler: 'llm' } })
      expect(rerun).toMatchObject({ labeled: 0, requests: 0, cached: 0 })
      // Relabelling answers every unit from the cache.
      const sent = fake.completions()
      const relabel = await labelCommits({ ctx, input: { projectId, labeler: 'llm', relabel: true } })
      expect(relabel).toMatchObject({ labeled: 160, requests: 0, cached: 160 })
      expect(fake.completions()).toBe(sent)
    })

    it('cancels a running job', async () => {
      fake.options.delayMs = 100
      const project = await ensureProject(t.ctx, 'cancel')
      await importStudyFile(t.ctx, {
        projectId: project.id,
        file: sharedPath('data/paper/GH_160_with_labels.csv'),
        format: 'study-gh',
      })
      const launch = await launchLabeling({
        ctx: llmCtx(t.ctx, fake),
        input: { projectId: project.id, labeler: 'llm', concurrency: 2 },
      })
      await new Promise((resolve) => setTimeout(resolve, 600))
      // A second run of the same configuration would send the same units: refused while this one runs.
      await expect(
        launchLabeling({ ctx: llmCtx(t.ctx, fake), input: { projectId: project.id, labeler: 'llm' } }),
      ).rejects.toThrow(/already running here \(job \d+\)/)
      await requestCancel(t.ctx, project.id, launch.job.id)
      await expect(launch.done).rejects.toBeInstanceOf(JobCancelled)
      const [job] = await t.ctx.db.select().from(jobs).where(eq(jobs.id, launch.job.id))
      expect(job!.status).toBe('cancelled')
      const [run] = await listRuns(t.ctx, project.id)
      expect(run!.status).toBe('cancelled')
      expect(run!.labeled).toBeGreaterThan(0)
      expect(run!.labeled).toBeLessThan(160)
    })

    it('never writes the API key to the database, even when the server echoes it', async () => {
      const project = await ensureProject(t.ctx, 'echo')
      await importStudyFile(t.ctx, {
        projectId: project.id,
        file: sharedPath('data/paper/GH_160_with_labels.csv'),
        format: 'study-gh',
      })
      fake.script.push({ kind: 'status', status: 400, message: `bad request for key ${secret}` })
      const result = await labelCommits({
        ctx: llmCtx(t.ctx, fake),
        input: { projectId: project.id, labeler: 'llm', limit: 2, concurrency: 1 },
      })
      expect(result.failed).toBe(1)
      const reasons = await t.ctx.db
        .select({ reason: labelingFailures.reason })
        .from(labelingFailures)
        .where(isNotNull(labelingFailures.reason))
      expect(reasons.some((r) => r.reason.includes('[redacted]'))).toBe(true)
      // Every request carried the key; no byte of the database does.
      expect(fake.requests.every((r) => r.headers.authorization === `Bearer ${secret}`)).toBe(true)
      t.client.close()
      // Every file of the database: the libSQL file and its WAL, or sqld's data folder.
      const files = readdirSync(t.dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
      expect(files.length).toBeGreaterThan(0)
      for (const entry of files) {
        const file = path.join(entry.parentPath, entry.name)
        expect(readFileSync(file).toString('latin1').includes(secret), file).toBe(false)
      }
    })
  })
})
