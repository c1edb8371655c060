/**
 * @module The bundled sample (`samples/`), loaded by `npm start` into an empty database.
 */
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { commits } from '../../schema'
import type { Ctx } from './context'
import { importFamiliesFile, importJsonlFiles, importStudyFile } from './importing'
import { defaultProjectName, ensureProject } from './projects'

export const sampleDir = fileURLToPath(new URL('../../samples', import.meta.url))
export const studyProjectName = 'study'

/** True when no project holds a commit yet. */
export async function isDatabaseEmpty(ctx: Ctx): Promise<boolean> {
  const [row] = await ctx.db.select({ n: sql<number>`count(*)` }).from(commits).limit(1)
  return Number(row!.n) === 0
}

/** Loads the sample families and commits into `default` and the study's coded commits into `study`. */
export async function loadSample(ctx: Ctx, options: { diffCap: number; dir?: string }): Promise<void> {
  const dir = options.dir ?? sampleDir
  const project = await ensureProject(ctx, defaultProjectName)
  await importFamiliesFile(ctx, { projectId: project.id, file: path.join(dir, 'families.json') })
  const files = (await readdir(path.join(dir, 'commits'))).filter((f) => f.endsWith('.jsonl')).sort()
  await importJsonlFiles(ctx, {
    projectId: project.id,
    files: files.map((f) => path.join(dir, 'commits', f)),
    diffCap: options.diffCap,
  })
  const study = await ensureProject(
    ctx,
    studyProjectName,
    'The 160 GitHub and 160 Hugging Face commits coded in arXiv 2508.10157 (two researchers and an LLM).',
  )
  await importStudyFile(ctx, { projectId: study.id, file: path.join(dir, 'study/GH_160_with_labels.csv'), format: 'study-gh' })
  await importStudyFile(ctx, {
    projectId: study.id,
    file: path.join(dir, 'study/HF_160_with_labels.reduced.csv'),
    format: 'study-hf',
  })
}
