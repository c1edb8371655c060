/**
 * @module Reading labels with their commit, rater and codes: one query shape for the commit
 * view, agreement and exports.
 */
import { eq } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import { codes, commits, labelCodes, labels, repositories, users } from '../../schema'
import type { Ctx } from './context'

/** One row per (label, code) of the labels matching `where` (conditions on any joined table). */
export function labelCodeRows(ctx: Ctx, where: SQL | undefined) {
  return ctx.db
    .select({
      labelId: labels.id,
      commitId: labels.commitId,
      raterId: labels.raterId,
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
      color: codes.color,
    })
    .from(labels)
    .innerJoin(commits, eq(commits.id, labels.commitId))
    .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
    .innerJoin(users, eq(users.id, labels.raterId))
    .innerJoin(labelCodes, eq(labelCodes.labelId, labels.id))
    .innerJoin(codes, eq(codes.id, labelCodes.codeId))
    .where(where)
}

export type LabelCodeRow = Awaited<ReturnType<typeof labelCodeRows>>[number]
export type GroupedLabel = Omit<LabelCodeRow, 'code' | 'color'> & { codes: { name: string; color: string }[] }

/** Folds (label, code) rows into labels carrying their codes, in first-seen order. */
export function groupByLabel(rows: readonly LabelCodeRow[]): GroupedLabel[] {
  const byId = new Map<number, GroupedLabel>()
  for (const { code, color, ...label } of rows) {
    const entry = byId.get(label.labelId) ?? { ...label, codes: [] }
    entry.codes.push({ name: code, color })
    byId.set(label.labelId, entry)
  }
  return [...byId.values()]
}
