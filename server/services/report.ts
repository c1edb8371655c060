/**
 * @module The analysis report on disk (`concord report --out DIR`): CSV and JSON of every table,
 * the whole analysis as JSON, the offline HTML report, and the replication bundle (codebook
 * version, prompts, models, agreement, final codes) under a manifest of sha256 file hashes.
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { and, count, eq, ne } from 'drizzle-orm'
import { commits, labels, repositories, users } from '../../schema'
import { tableToCsv, tableToJson } from '../core/tables'
import type { Table } from '../core/tables'
import { renderReportHtml } from '../report/html'
import type { ReportFamily } from '../report/html'
import { projectAgreement } from './agreement'
import { computeProject, reportSwimlanes } from './analysis'
import type { AnalysisSettings, ProjectAnalysisView } from './analysis'
import { audit } from './audit'
import { currentCodebook } from './codebook'
import type { Ctx } from './context'
import { ServiceError } from './errors'
import { exportLabels } from './export'
import { listRounds } from './rounds'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
export const promptsDir = path.join(repoRoot, 'prompts')

/** The analysis and its per-family swimlanes, ready for the HTML report. */
export async function reportData(
  ctx: Ctx,
  input: { projectId: number; projectName: string; settings?: AnalysisSettings },
): Promise<{ view: ProjectAnalysisView; families: ReportFamily[] }> {
  const computed = await computeProject(ctx, { ...input, sensitivity: true })
  const byName = new Map(computed.analysis.families.map((f) => [f.family, f]))
  const families = reportSwimlanes(computed).map(({ family, lanes }) => {
    const sync = byName.get(family)!.sync
    return { family, lanes, code: sync.code, pattern: sync.pattern, lag: sync.lag, rules: sync.evidence?.rules ?? null }
  })
  return { view: computed.view, families }
}

/** The HTML report alone (the browser's download). */
export async function reportHtml(
  ctx: Ctx,
  input: { projectId: number; projectName: string; settings?: AnalysisSettings },
): Promise<string> {
  const { view, families } = await reportData(ctx, input)
  return renderReportHtml(view, families)
}

export type ManifestFile = { path: string; bytes: number; sha256: string }

export type Manifest = {
  format: 'concord-replication-bundle'
  format_version: 1
  project: string
  generated_at: string
  concord_version: string
  settings: ProjectAnalysisView['settings']
  codes: ProjectAnalysisView['codes']
  exclusions: ProjectAnalysisView['exclusions']
  codebook: { name: string; version: number; file: string } | null
  prompts: { file: string; sha256: string }[]
  models: { source: string; rater: string; model: string | null; prompt_version: string | null; labels: number }[]
  agreement: { file: string; available: boolean; note: string | null }
  rounds: { file: string; count: number }
  files: ManifestFile[]
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')

/**
 * Writes the report folder and returns its manifest. The folder is created when missing; files
 * of an earlier report in it are replaced. The manifest lists every other file with its hash.
 */
export async function writeReport(
  ctx: Ctx,
  input: { projectId: number; projectName: string; outDir: string; settings?: AnalysisSettings },
): Promise<{ out: string; manifest: Manifest }> {
  const out = path.resolve(input.outDir)
  const { view, families } = await reportData(ctx, input)
  const files: ManifestFile[] = []
  const put = async (relative: string, data: string | Buffer) => {
    const full = path.join(out, relative)
    await mkdir(path.dirname(full), { recursive: true })
    await writeFile(full, data)
    files.push({ path: relative.split(path.sep).join('/'), bytes: Buffer.byteLength(data), sha256: sha256(data) })
  }
  try {
    await mkdir(out, { recursive: true })
  } catch (error) {
    throw new ServiceError('invalid', `cannot create ${out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }

  ctx.progress?.(`writing ${view.tables.length} tables to ${out}/tables`)
  for (const table of view.tables) {
    await put(path.join('tables', `${table.name}.csv`), tableToCsv(table))
    await put(path.join('tables', `${table.name}.json`), json(tableToJson(table)))
  }
  await put('analysis.json', json(view))
  ctx.progress?.('rendering report.html')
  await put('report.html', renderReportHtml(view, families, { csvHref: (name) => `tables/${name}.csv` }))

  ctx.progress?.('writing the replication bundle')
  const codebook = await bundleCodebook(ctx, input.projectId)
  if (codebook) await put(path.join('bundle', 'codebook.json'), json(codebook.document))
  const prompts: Manifest['prompts'] = []
  for (const file of await listFiles(promptsDir)) {
    const data = await readFile(path.join(promptsDir, file))
    await put(path.join('bundle', 'prompts', file), data)
    prompts.push({ file: `bundle/prompts/${file.split(path.sep).join('/')}`, sha256: sha256(data) })
  }
  const models = await modelsSeen(ctx, input.projectId)
  await put(path.join('bundle', 'models.json'), json(models))
  const agreement = await bundleAgreement(ctx, input.projectId)
  await put(path.join('bundle', 'agreement.json'), json(agreement.document))
  await put(path.join('bundle', 'final_codes.csv'), await finalCodesCsv(ctx, input.projectId))
  const rounds = await listRounds(ctx, input.projectId)
  await put(path.join('bundle', 'rounds.json'), json(rounds))

  const manifest: Manifest = {
    format: 'concord-replication-bundle',
    format_version: 1,
    project: input.projectName,
    generated_at: view.generated_at,
    concord_version: await concordVersion(),
    settings: view.settings,
    codes: view.codes,
    exclusions: view.exclusions,
    codebook: codebook && { name: codebook.name, version: codebook.version, file: 'bundle/codebook.json' },
    prompts,
    models,
    agreement: { file: 'bundle/agreement.json', available: agreement.available, note: agreement.note },
    rounds: { file: 'bundle/rounds.json', count: rounds.length },
    files,
  }
  await writeFile(path.join(out, 'manifest.json'), json(manifest))
  await audit(ctx, {
    projectId: input.projectId,
    action: 'report',
    entity: 'analysis',
    details: { out, files: files.length, settings: view.settings, codes: view.codes.source },
  })
  return { out, manifest }
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch {
    return [] // no prompts folder: nothing to bundle
  }
  const out: string[] = []
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), path.join(prefix, e.name))))
    else if (e.isFile()) out.push(path.join(prefix, e.name))
  }
  return out
}

async function bundleCodebook(ctx: Ctx, projectId: number) {
  try {
    const { codebook, version, codes } = await currentCodebook(ctx, projectId)
    return {
      name: codebook.name,
      version: version.version,
      document: { codebook, version, codes },
    }
  } catch (error) {
    if (error instanceof ServiceError && error.code === 'not_found') return null
    throw error
  }
}

/** Every machine and human rater configuration seen on the project's labels, with counts. */
async function modelsSeen(ctx: Ctx, projectId: number): Promise<Manifest['models']> {
  const rows = await ctx.db
    .select({
      source: labels.source,
      rater: users.name,
      model: labels.model,
      promptVersion: labels.promptVersion,
      n: count(),
    })
    .from(labels)
    .innerJoin(users, eq(users.id, labels.raterId))
    .innerJoin(commits, eq(commits.id, labels.commitId))
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .where(and(eq(repositories.projectId, projectId), ne(labels.source, 'human')))
    .groupBy(labels.source, users.name, labels.model, labels.promptVersion)
    .orderBy(labels.source, users.name)
  return rows.map((r) => ({
    source: r.source,
    rater: r.rater,
    model: r.model,
    prompt_version: r.promptVersion,
    labels: Number(r.n),
  }))
}

async function bundleAgreement(ctx: Ctx, projectId: number) {
  try {
    const report = await projectAgreement(ctx, projectId, { resamples: 1000, seed: 1 })
    return { available: true, note: null, document: report }
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error
    return { available: false, note: error.message, document: { available: false, note: error.message } }
  }
}

async function finalCodesCsv(ctx: Ctx, projectId: number): Promise<string> {
  const finals = (await exportLabels(ctx, projectId)).filter((l) => l.source === 'final')
  const table: Table = {
    name: 'final_codes',
    title: 'Final codes',
    description: 'The adjudicated code(s) of each commit (multi-label codes joined by |).',
    columns: ['platform', 'repo', 'sha', 'codes', 'codebook_version_id', 'note'],
    rows: finals.map((f) => [f.platform, f.repo, f.sha, f.codes.join('|'), f.codebook_version_id, f.rationale]),
  }
  return tableToCsv(table)
}

async function concordVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version?: string }
  return pkg.version ?? 'unknown'
}
