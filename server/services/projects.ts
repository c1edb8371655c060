/**
 * @module Projects: created on first use with the default codebook.
 */
import { count, eq } from 'drizzle-orm'
import { codebookVersions, codebooks, codes, commits, families, projects, repositories } from '../../schema'
import type { Project } from '../../schema'
import { defaultCodebookName, defaultCodes } from '../core/default-codebook'
import { audit } from './audit'
import type { Ctx } from './context'
import { withDb } from './context'
import { NotFoundError } from './errors'

export const defaultProjectName = 'default'

export async function findProject(ctx: Ctx, name: string): Promise<Project | null> {
  const [row] = await ctx.db.select().from(projects).where(eq(projects.name, name))
  return row ?? null
}

export async function getProject(ctx: Ctx, name: string): Promise<Project> {
  const project = await findProject(ctx, name)
  if (!project) throw new NotFoundError(`no project named '${name}'`)
  return project
}

/** Returns the project, creating it (seeded with the default codebook) when it does not exist. */
export async function ensureProject(ctx: Ctx, name: string, description = ''): Promise<Project> {
  const existing = await findProject(ctx, name)
  if (existing) return existing
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    const [project] = await tx.insert(projects).values({ name, description }).onConflictDoNothing().returning()
    if (!project) return getProject(txCtx, name) // created concurrently
    await seedDefaultCodebook(txCtx, project.id)
    await audit(txCtx, { projectId: project.id, action: 'create', entity: 'project', entityId: project.id, details: { name } })
    return project
  })
}

async function seedDefaultCodebook(ctx: Ctx, projectId: number): Promise<void> {
  const [codebook] = await ctx.db
    .insert(codebooks)
    .values({ projectId, name: defaultCodebookName, multiLabel: false })
    .returning()
  const inserted = await ctx.db
    .insert(codes)
    .values(
      defaultCodes.map((c, position) => ({
        codebookId: codebook!.id,
        name: c.name,
        definition: c.definition,
        color: c.color,
        hotkey: c.hotkey,
        isFallback: c.isFallback ?? false,
        position,
      })),
    )
    .returning()
  await ctx.db.insert(codebookVersions).values({
    codebookId: codebook!.id,
    version: 1,
    changelog: 'Default codebook: the 15 change types of the study plus the fallback "unclear".',
    snapshot: inserted.map((c) => ({ id: c.id, name: c.name, status: c.status, parentId: c.parentId })),
  })
}

export type ProjectSummary = Project & { families: number; repositories: number; commits: number }

/** Every project with how many families, repositories and commits it holds. */
export async function listProjects(ctx: Ctx): Promise<ProjectSummary[]> {
  const [rows, familyCounts, repositoryCounts, commitCounts] = await Promise.all([
    ctx.db.select().from(projects).orderBy(projects.name),
    ctx.db.select({ projectId: families.projectId, n: count() }).from(families).groupBy(families.projectId),
    ctx.db.select({ projectId: repositories.projectId, n: count() }).from(repositories).groupBy(repositories.projectId),
    ctx.db
      .select({ projectId: repositories.projectId, n: count() })
      .from(commits)
      .innerJoin(repositories, eq(repositories.id, commits.repositoryId))
      .groupBy(repositories.projectId),
  ])
  const lookup = (counts: { projectId: number; n: number }[]) => (id: number) =>
    counts.find((c) => c.projectId === id)?.n ?? 0
  const [familiesOf, repositoriesOf, commitsOf] = [familyCounts, repositoryCounts, commitCounts].map(lookup)
  return rows.map((p) => ({ ...p, families: familiesOf!(p.id), repositories: repositoriesOf!(p.id), commits: commitsOf!(p.id) }))
}
