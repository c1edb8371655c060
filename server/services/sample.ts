/**
 * @module The bundled sample (`samples/`), loaded by `npm start` into an empty database, or
 * from the empty projects page by an administrator (as a background job).
 */
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { commits } from '../../schema'
import type { Job } from '../../schema'
import { requireSiteAdmin } from './accounts'
import type { Ctx } from './context'
import { ConflictError } from './errors'
import { importFamiliesFile, importJsonlFiles, importStudyFile } from './importing'
import { createJob, runJob } from './jobs'
import { defaultProjectName, ensureProject } from './projects'

export const sampleDir = fileURLToPath(new URL('../../samples', import.meta.url))
export const studyProjectName = 'study'

/** True when no project holds a commit yet. */
export async function isDatabaseEmpty(ctx: Ctx): Promise<boolean> {
  const [row] = await ctx.db.select({ n: sql<number>`count(*)` }).from(commits).limit(1)
  return Number(row!.n) === 0
}

export type SampleResult = { families: number; commits: number; study_commits: number }

/**
 * Loads the sample families and commits into `default` and the study's coded commits into `study`.
 * `step` hears of each of the four steps before it starts (a job's progress).
 */
export async function loadSample(
  ctx: Ctx,
  options: { diffCap: number; dir?: string; step?: (done: number, total: number, what: string) => Promise<void> },
): Promise<SampleResult> {
  const dir = options.dir ?? sampleDir
  const step = options.step ?? (async () => {})
  const project = await ensureProject(ctx, defaultProjectName)
  await step(0, 4, 'Importing the families')
  const families = await importFamiliesFile(ctx, { projectId: project.id, file: path.join(dir, 'families.json') })
  await step(1, 4, 'Importing their commit histories')
  const files = (await readdir(path.join(dir, 'commits'))).filter((f) => f.endsWith('.jsonl')).sort()
  const histories = await importJsonlFiles(ctx, {
    projectId: project.id,
    files: files.map((f) => path.join(dir, 'commits', f)),
    diffCap: options.diffCap,
  })
  const study = await ensureProject(
    ctx,
    studyProjectName,
    'The 160 GitHub and 160 Hugging Face commits coded in arXiv 2508.10157 (two researchers and an LLM).',
  )
  await step(2, 4, "Importing the study's coded GitHub commits")
  const gh = await importStudyFile(ctx, { projectId: study.id, file: path.join(dir, 'study/GH_160_with_labels.csv'), format: 'study-gh' })
  await step(3, 4, "Importing the study's coded Hugging Face commits")
  const hf = await importStudyFile(ctx, {
    projectId: study.id,
    file: path.join(dir, 'study/HF_160_with_labels.reduced.csv'),
    format: 'study-hf',
  })
  await step(4, 4, 'Loaded')
  return { families: families.families, commits: histories.imported, study_commits: gh.commits + hf.commits }
}

/**
 * Starts loading the sample as a background job of the `default` project (created first, so the
 * page can follow the job there). Administrators only, and only into an empty Concord: loading
 * it twice would add the study's labels again.
 */
export async function startSampleLoad(ctx: Ctx, options: { diffCap: number }): Promise<Job> {
  requireSiteAdmin(ctx)
  if (!(await isDatabaseEmpty(ctx))) throw new ConflictError('the sample loads only into an empty Concord: this one holds commits')
  const project = await ensureProject(ctx, defaultProjectName)
  const job = await createJob(ctx, { projectId: project.id, kind: 'load-sample' })
  runJob(ctx, job, (tracker) => loadSample(ctx, { ...options, step: tracker.progress })).catch(() => {
    // The job row holds the failure; the page following it shows the message.
  })
  return job
}
