/**
 * @module Exporting every label of a project with its source, final codes included.
 */
import { stringify } from 'csv-stringify/sync'
import { eq } from 'drizzle-orm'
import { codes, commits, finalCodeCodes, finalCodes, repositories } from '../../schema'
import type { Platform } from '../../schema'
import type { Ctx } from './context'
import { groupByLabel, labelCodeRows } from './label-rows'
import { labelVisibility, visibleLabels } from './visibility'

export type ExportedLabel = {
  platform: Platform
  repo: string
  sha: string
  /** The coder's name, the labeler (`rules`, `classifier`, `llm:MODEL`) or `final`. */
  coder: string
  source: 'human' | 'llm' | 'rules' | 'classifier' | 'final'
  codes: string[]
  model: string | null
  prompt_version: string | null
  codebook_version_id: number | null
  confidence: number | null
  rationale: string | null
}

/**
 * Every label and final code of the project the viewer may see (a coder of an open round does
 * not get the others' labels on its units), ordered by commit, then source and coder.
 */
export async function exportLabels(ctx: Ctx, projectId: number): Promise<ExportedLabel[]> {
  const visibility = await labelVisibility(ctx, projectId)
  const labelRows = visibleLabels(visibility, groupByLabel(await labelCodeRows(ctx, eq(repositories.projectId, projectId))))
  const allFinalRows = await ctx.db
    .select({
      id: finalCodes.id,
      commitId: finalCodes.commitId,
      platform: repositories.platform,
      repo: repositories.fullName,
      sha: commits.sha,
      codebookVersionId: finalCodes.codebookVersionId,
      note: finalCodes.note,
      code: codes.name,
    })
    .from(finalCodes)
    .innerJoin(commits, eq(commits.id, finalCodes.commitId))
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .innerJoin(finalCodeCodes, eq(finalCodeCodes.finalCodeId, finalCodes.id))
    .innerJoin(codes, eq(codes.id, finalCodeCodes.codeId))
    .where(eq(repositories.projectId, projectId))
  const finalRows = visibility.all ? allFinalRows : allFinalRows.filter((r) => visibility.canSee({ commitId: r.commitId, kind: 'final' }))

  const exported: ExportedLabel[] = labelRows.map((r) => ({
    platform: r.platform,
    repo: r.repo,
    sha: r.sha,
    coder: r.source === 'llm' && r.model ? `llm:${r.model}` : r.rater,
    source: r.source,
    codes: r.codes.map((c) => c.name),
    model: r.model,
    prompt_version: r.promptVersion,
    codebook_version_id: r.codebookVersionId,
    confidence: r.confidence,
    rationale: r.rationale,
  }))
  const finals = new Map<number, ExportedLabel>()
  for (const r of finalRows) {
    const entry = finals.get(r.id) ?? {
      platform: r.platform,
      repo: r.repo,
      sha: r.sha,
      coder: 'final',
      source: 'final' as const,
      codes: [],
      model: null,
      prompt_version: null,
      codebook_version_id: r.codebookVersionId,
      confidence: null,
      rationale: r.note || null,
    }
    entry.codes.push(r.code)
    finals.set(r.id, entry)
  }
  const order = (l: ExportedLabel) => [l.platform, l.repo, l.sha, l.source === 'final' ? '~' : l.source, l.coder].join('\u0000')
  return [...exported, ...finals.values()]
    .map((l) => ({ ...l, codes: [...l.codes].sort() }))
    .sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))
}

/** The CSV of `export labels`: platform,repo,sha,coder,source,code (multi-label codes joined by |). */
export function labelsCsv(rows: readonly ExportedLabel[]): string {
  return stringify(
    rows.map((r) => [r.platform, r.repo, r.sha, r.coder, r.source, r.codes.join('|')]),
    { header: true, columns: ['platform', 'repo', 'sha', 'coder', 'source', 'code'] },
  )
}
