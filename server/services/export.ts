/**
 * @module Exporting every label of a project with its source, final codes included.
 */
import { eq } from 'drizzle-orm'
import {
  codes,
  commits,
  finalCodeCodes,
  finalCodes,
  labelCodes,
  labels,
  repositories,
  users,
} from '../../schema'
import type { Platform } from '../../schema'
import type { Ctx } from './context'

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

/** Every label and final code of the project, ordered by commit, then source and coder. */
export async function exportLabels(ctx: Ctx, projectId: number): Promise<ExportedLabel[]> {
  const labelRows = await ctx.db
    .select({
      id: labels.id,
      platform: repositories.platform,
      repo: repositories.fullName,
      sha: commits.sha,
      rater: users.name,
      source: labels.source,
      model: labels.model,
      promptVersion: labels.promptVersion,
      codebookVersionId: labels.codebookVersionId,
      confidence: labels.confidence,
      rationale: labels.rationale,
      code: codes.name,
    })
    .from(labels)
    .innerJoin(commits, eq(commits.id, labels.commitId))
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .innerJoin(users, eq(users.id, labels.raterId))
    .innerJoin(labelCodes, eq(labelCodes.labelId, labels.id))
    .innerJoin(codes, eq(codes.id, labelCodes.codeId))
    .where(eq(repositories.projectId, projectId))
  const finalRows = await ctx.db
    .select({
      id: finalCodes.id,
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

  const byLabel = new Map<string, ExportedLabel>()
  const add = (key: string, entry: ExportedLabel, code: string) => {
    const existing = byLabel.get(key)
    if (existing) existing.codes.push(code)
    else byLabel.set(key, { ...entry, codes: [code] })
  }
  for (const r of labelRows) {
    const coder = r.source === 'llm' && r.model ? `llm:${r.model}` : r.rater
    add(`l${r.id}`, {
      platform: r.platform,
      repo: r.repo,
      sha: r.sha,
      coder,
      source: r.source,
      codes: [],
      model: r.model,
      prompt_version: r.promptVersion,
      codebook_version_id: r.codebookVersionId,
      confidence: r.confidence,
      rationale: r.rationale,
    }, r.code)
  }
  for (const r of finalRows) {
    add(`f${r.id}`, {
      platform: r.platform,
      repo: r.repo,
      sha: r.sha,
      coder: 'final',
      source: 'final',
      codes: [],
      model: null,
      prompt_version: null,
      codebook_version_id: r.codebookVersionId,
      confidence: null,
      rationale: r.note || null,
    }, r.code)
  }
  const order = (l: ExportedLabel) => [l.platform, l.repo, l.sha, l.source === 'final' ? '~' : l.source, l.coder].join('\u0000')
  return [...byLabel.values()]
    .map((l) => ({ ...l, codes: [...l.codes].sort() }))
    .sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))
}
