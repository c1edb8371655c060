/**
 * @module Counts in a project (`concord status`).
 */
import { sql } from 'drizzle-orm'
import { commits, families, finalCodes, labels, projectMembers, repositories, users } from '../../schema'
import type { Ctx } from './context'
import { blindUnits } from './visibility'

export type ProjectStatus = {
  families: number
  repositories: number
  commits: number
  labels: number
  final_codes: number
  /** Human coders: members of the project or authors of its labels. */
  coders: number
}

export async function projectStatus(ctx: Ctx, projectId: number): Promise<ProjectStatus> {
  const projectCommits = sql`select ${commits.id} from ${commits} join ${repositories} on ${repositories.id} = ${commits.repositoryId} where ${repositories.projectId} = ${projectId}`
  // A coder of an open round counts only their own labels on its units and no final codes there:
  // a count that moves when another coder saves would tell what they did.
  const blind = blindUnits(ctx, projectId)
  const visibleLabel = blind ? sql` and (${labels.commitId} not in (${blind}) or ${labels.raterId} = ${ctx.viewer?.id ?? null})` : sql``
  const visibleFinal = blind ? sql` and ${finalCodes.commitId} not in (${blind})` : sql``
  const [row] = await ctx.db
    .select({
      families: sql<number>`(select count(*) from ${families} where ${families.projectId} = ${projectId})`,
      repositories: sql<number>`(select count(*) from ${repositories} where ${repositories.projectId} = ${projectId})`,
      commits: sql<number>`(select count(*) from (${projectCommits}))`,
      labels: sql<number>`(select count(*) from ${labels} where ${labels.commitId} in (${projectCommits})${visibleLabel})`,
      finalCodes: sql<number>`(select count(*) from ${finalCodes} where ${finalCodes.commitId} in (${projectCommits})${visibleFinal})`,
      coders: sql<number>`(select count(*) from ${users} where ${users.kind} = 'human' and (
        ${users.id} in (select ${projectMembers.userId} from ${projectMembers} where ${projectMembers.projectId} = ${projectId})
        or ${users.id} in (select ${labels.raterId} from ${labels} where ${labels.commitId} in (${projectCommits}))))`,
    })
    .from(sql`(select 1)`)
  return {
    families: Number(row!.families),
    repositories: Number(row!.repositories),
    commits: Number(row!.commits),
    labels: Number(row!.labels),
    final_codes: Number(row!.finalCodes),
    coders: Number(row!.coders),
  }
}

