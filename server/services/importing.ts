/**
 * @module Imports: commit JSONL files, families.json, and coded labels (long CSV, the study's
 * files). Each file is atomic: it is stored whole or not at all.
 */
import path from 'node:path'
import { and, eq, inArray } from 'drizzle-orm'
import { commits, repositories } from '../../schema'
import type { Platform } from '../../schema'
import { parseFamiliesJson } from '../ingest/families'
import { IngestError } from '../ingest/ingest-error'
import { parseCommitJsonl } from '../ingest/jsonl'
import { parseLongLabels } from '../ingest/long-labels'
import { parseStudyCsv, studyRaters } from '../ingest/study-csv'
import type { StudyFormat } from '../ingest/study-csv'
import { readImportFile } from '../ingest/text'
import { audit } from './audit'
import { codeResolver, currentCodebook } from './codebook'
import { ensureFamilies, ensureRepositories, linkFamilyRepositories, storeCommits } from './commit-store'
import type { Ctx } from './context'
import { withDb } from './context'
import { InvalidInputError, ServiceError } from './errors'
import { addOpenCodes, upsertLabels } from './labels-store'
import type { LabelInput } from './labels-store'
import { ensureMember, ensureRater } from './users'

/** Thrown when a file is rejected; says which earlier files were stored. */
export class ImportError extends ServiceError {
  constructor(
    readonly failure: IngestError | Error,
    readonly storedFiles: string[],
  ) {
    const stored = storedFiles.length === 0 ? 'no file was stored' : `stored before it: ${storedFiles.join(', ')}`
    super('invalid', `${failure.message} (file not stored; ${stored})`)
  }
}

export type JsonlImportResult = { imported: number; skipped_duplicates: number; files: number }

/**
 * Imports commit JSONL files in order; stops at the first bad file (which stores nothing) and
 * throws an ImportError listing the files already stored.
 */
export async function importJsonlFiles(
  ctx: Ctx,
  input: { projectId: number; files: string[]; diffCap: number },
): Promise<JsonlImportResult> {
  const result: JsonlImportResult = { imported: 0, skipped_duplicates: 0, files: 0 }
  const stored: string[] = []
  const started = Date.now()
  for (const [index, file] of input.files.entries()) {
    try {
      const records = parseCommitJsonl(await readImportFile(file), file, input.diffCap)
      const { imported, skippedDuplicates } = await ctx.db.transaction(async (tx) => {
        const stats = await storeCommits(withDb(ctx, tx), input.projectId, records)
        await audit(withDb(ctx, tx), {
          projectId: input.projectId,
          action: 'import',
          entity: 'commits',
          details: { file: path.basename(file), imported: stats.imported, skipped: stats.skippedDuplicates },
        })
        return stats
      })
      result.imported += imported
      result.skipped_duplicates += skippedDuplicates
      result.files += 1
      stored.push(file)
      const rate = Math.round((result.imported + result.skipped_duplicates) / Math.max((Date.now() - started) / 1000, 0.001))
      ctx.progress?.(
        `[${index + 1}/${input.files.length}] ${file}: ${imported} imported, ${skippedDuplicates} duplicates (${rate} commits/s)`,
      )
    } catch (error) {
      if (error instanceof IngestError) throw new ImportError(error, stored)
      throw error
    }
  }
  return result
}

export type FamiliesImportResult = { families: number; repositories: number }

/** Imports a families.json: families, their GitHub repository and variants, linked. */
export async function importFamiliesFile(
  ctx: Ctx,
  input: { projectId: number; file: string },
): Promise<FamiliesImportResult> {
  const definitions = parseFamiliesJson(await readImportFile(input.file), input.file)
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    const repos = definitions.flatMap((d) => [
      { platform: 'github' as const, fullName: d.github },
      ...d.variants.map((v) => ({ platform: 'huggingface' as const, fullName: v })),
    ])
    const repoIds = await ensureRepositories(txCtx, input.projectId, repos)
    const familyIds = await ensureFamilies(txCtx, input.projectId, definitions.map((d) => d.name))
    const links = definitions.flatMap((d) =>
      [`github\u0000${d.github}`, ...d.variants.map((v) => `huggingface\u0000${v}`)].map((k) => ({
        familyId: familyIds.get(d.name)!,
        repositoryId: repoIds.get(k)!,
      })),
    )
    await linkFamilyRepositories(txCtx, links)
    await audit(txCtx, {
      projectId: input.projectId,
      action: 'import',
      entity: 'families',
      details: { file: path.basename(input.file), families: definitions.length },
    })
    return { families: new Set(definitions.map((d) => d.name)).size, repositories: repoIds.size }
  })
}

/** Imports codes made elsewhere (CSV `repo,sha,coder,code`); unknown commits or codes name the line. */
export async function importLongLabels(ctx: Ctx, input: { projectId: number; file: string }): Promise<{ imported: number }> {
  const rows = parseLongLabels(await readImportFile(input.file), input.file)
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    const { version, codes } = await currentCodebook(txCtx, input.projectId)
    const resolve = codeResolver(codes)
    const findCommit = await commitFinder(txCtx, input.projectId, rows.map((r) => r.repo))
    const raters = new Map<string, Awaited<ReturnType<typeof ensureRater>>>()
    for (const coder of new Set(rows.map((r) => r.coder))) {
      const rater = await ensureRater(txCtx, coder)
      if (rater.source === 'human') await ensureMember(txCtx, input.projectId, rater.id, 'coder')
      raters.set(coder, rater)
    }
    const labels = rows.map((row): LabelInput => {
      const commitId = findCommit(row.platform, row.repo, row.sha, `${input.file}:${row.line}`)
      const codeIds = row.codes.map((name) => {
        const code = resolve(name)
        if (!code) throw new InvalidInputError(`${input.file}:${row.line}: unknown code '${name}'`)
        return code.id
      })
      const rater = raters.get(row.coder)!
      return { commitId, raterId: rater.id, source: rater.source, codeIds, codebookVersionId: version.id }
    })
    await upsertLabels(txCtx, labels)
    await audit(txCtx, {
      projectId: input.projectId,
      action: 'import',
      entity: 'labels',
      details: { file: path.basename(input.file), rows: rows.length },
    })
    return { imported: rows.length }
  })
}

/** Looks commits up by repository (and platform, when a name exists on both) and sha, from one query. */
async function commitFinder(ctx: Ctx, projectId: number, repoNames: readonly string[]) {
  const rows = await ctx.db
    .select({ id: commits.id, sha: commits.sha, platform: repositories.platform, repo: repositories.fullName })
    .from(commits)
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .where(and(eq(repositories.projectId, projectId), inArray(repositories.fullName, [...new Set(repoNames)])))
  const byKey = new Map<string, number[]>()
  for (const r of rows) {
    for (const key of [`${r.repo}\u0000${r.sha}`, `${r.platform}\u0000${r.repo}\u0000${r.sha}`]) {
      byKey.set(key, [...(byKey.get(key) ?? []), r.id])
    }
  }
  return (platform: Platform | null, repo: string, sha: string, where: string): number => {
    const ids = byKey.get(platform ? `${platform}\u0000${repo}\u0000${sha}` : `${repo}\u0000${sha}`) ?? []
    if (ids.length === 0) throw new InvalidInputError(`${where}: no commit ${sha} in repository ${repo}`)
    if (ids.length > 1) throw new InvalidInputError(`${where}: ${repo} exists on both platforms: add a platform column`)
    return ids[0]!
  }
}

export type StudyImportResult = { imported: number; commits: number; raters: string[] }

/**
 * Imports one of the study's coded files: commits under repositories and families named as in
 * the file, labels of coder1, coder2 (human) and llm (machine), and the HF file's open codes
 * (attributed to coder1, who did the open coding).
 */
export async function importStudyFile(
  ctx: Ctx,
  input: { projectId: number; file: string; format: StudyFormat },
): Promise<StudyImportResult> {
  const rows = parseStudyCsv(await readImportFile(input.file), input.file, input.format)
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    const { version, codes } = await currentCodebook(txCtx, input.projectId)
    const resolve = codeResolver(codes)
    const stored = await storeCommits(txCtx, input.projectId, rows.map((r) => r.commit))
    const repoIds = await ensureRepositories(
      txCtx,
      input.projectId,
      rows.map((r) => ({ platform: r.commit.platform, fullName: r.commit.repo })),
    )
    const raters = Object.fromEntries(
      await Promise.all(studyRaters.map(async (name) => [name, await ensureRater(txCtx, name)] as const)),
    )
    for (const name of studyRaters) {
      if (raters[name]!.source === 'human') await ensureMember(txCtx, input.projectId, raters[name]!.id, 'coder')
    }
    const familyIds = await ensureFamilies(txCtx, input.projectId, rows.map((r) => r.family))
    await linkFamilyRepositories(
      txCtx,
      rows.map((row) => ({
        familyId: familyIds.get(row.family)!,
        repositoryId: repoIds.get(`${row.commit.platform}\u0000${row.commit.repo}`)!,
      })),
    )
    const labels = rows.flatMap((row, i) =>
      studyRaters.map((name): LabelInput => {
        const code = resolve(row.codes[name])
        if (!code) throw new InvalidInputError(`${input.file}:${row.line}: unknown code '${row.codes[name]}' (${name})`)
        const rater = raters[name]!
        return {
          commitId: stored.commitIds[i]!,
          raterId: rater.id,
          source: rater.source,
          codeIds: [code.id],
          codebookVersionId: version.id,
          // The study's pre-labels came from Google Gemini; the exact model is not recorded.
          model: rater.source === 'llm' ? 'gemini' : null,
        }
      }),
    )
    await upsertLabels(txCtx, labels)
    await addOpenCodes(
      txCtx,
      rows.flatMap((row, i) => (row.openCode ? [{ commitId: stored.commitIds[i]!, coderId: raters.coder1!.id, text: row.openCode }] : [])),
    )
    await audit(txCtx, {
      projectId: input.projectId,
      action: 'import',
      entity: 'labels',
      details: { file: path.basename(input.file), format: input.format, rows: rows.length },
    })
    return { imported: labels.length, commits: new Set(stored.commitIds).size, raters: [...studyRaters] }
  })
}
