/**
 * @module Projects: created on first use with the default codebook.
 */
import { count, eq } from 'drizzle-orm'
import { commits, families, projects, repositories } from '../../schema'
import type { Project } from '../../schema'
import type { CodebookDocument } from '../core/codebook-document'
import { defaultCodebookDocument } from '../core/default-codebook'
import { audit } from './audit'
import { createCodebook, resolveAuthor } from './codebook'
import type { Ctx } from './context'
import { withDb } from './context'
import { ConflictError, InvalidInputError, NotFoundError } from './errors'

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
  await createCodebook(ctx, projectId, defaultCodebookDocument(), {
    changelog: 'Default codebook: the 15 change types of the study plus the fallback "unclear".',
    authorId: null,
  })
}

/** How a new project's codebook starts: the default, empty, or a document (an imported file). */
export type InitialCodebook =
  | { kind: 'default' }
  | { kind: 'empty' }
  | { kind: 'document'; document: CodebookDocument; source: string }

/** A new project's name, trimmed: 1 to 100 characters, no slashes or control characters (it goes in URLs). */
export function checkProjectName(raw: string): string {
  const name = raw.trim()
  if (name === '' || name.length > 100 || /[/\\\u0000-\u001f]/.test(name)) {
    throw new InvalidInputError(`project name '${raw}': 1 to 100 characters, no slashes or control characters`)
  }
  return name
}

/**
 * Creates a project with the codebook asked for; fails when the name is taken. (`ensureProject`
 * stays the way projects are made on first use, always with the default codebook.)
 */
export async function createProject(
  ctx: Ctx,
  input: { name: string; description?: string; codebook: InitialCodebook; author?: string | undefined },
): Promise<Project> {
  const name = checkProjectName(input.name)
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    const [project] = await tx.insert(projects).values({ name, description: input.description ?? '' }).onConflictDoNothing().returning()
    if (!project) throw new ConflictError(`a project named '${name}' exists already`)
    const authorId = await resolveAuthor(txCtx, input.author)
    const start = input.codebook
    if (start.kind === 'default') await seedDefaultCodebook(txCtx, project.id)
    else if (start.kind === 'empty') {
      await createCodebook(txCtx, project.id, { name: 'Codebook', multiLabel: false, codes: [] }, { changelog: 'Empty codebook.', authorId })
    } else {
      await createCodebook(txCtx, project.id, start.document, { changelog: `Imported from ${start.source}.`, authorId })
    }
    await audit(txCtx, {
      projectId: project.id,
      action: 'create',
      entity: 'project',
      entityId: project.id,
      details: { name, codebook: start.kind === 'document' ? start.source : start.kind },
    })
    return project
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
