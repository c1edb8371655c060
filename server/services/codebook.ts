/**
 * @module Reading a project's codebook: its current version and codes.
 */
import { desc, eq } from 'drizzle-orm'
import { codebookVersions, codebooks, codes } from '../../schema'
import type { Code, Codebook, CodebookVersion } from '../../schema'
import type { Ctx } from './context'
import { NotFoundError } from './errors'

export type CurrentCodebook = { codebook: Codebook; version: CodebookVersion; codes: Code[] }

/** The project's codebook at its latest version. */
export async function currentCodebook(ctx: Ctx, projectId: number): Promise<CurrentCodebook> {
  const [codebook] = await ctx.db.select().from(codebooks).where(eq(codebooks.projectId, projectId)).orderBy(codebooks.id).limit(1)
  if (!codebook) throw new NotFoundError('the project has no codebook')
  const [version] = await ctx.db
    .select()
    .from(codebookVersions)
    .where(eq(codebookVersions.codebookId, codebook.id))
    .orderBy(desc(codebookVersions.version))
    .limit(1)
  if (!version) throw new NotFoundError(`codebook '${codebook.name}' has no version`)
  const list = await ctx.db.select().from(codes).where(eq(codes.codebookId, codebook.id)).orderBy(codes.position, codes.id)
  return { codebook, version, codes: list }
}

/** Code lookup by name as people write it: case-insensitive, `_` as a space. */
export function codeResolver(list: readonly Code[]): (name: string) => Code | undefined {
  const byName = new Map(list.filter((c) => c.status === 'active').map((c) => [normaliseCodeName(c.name), c]))
  return (name) => byName.get(normaliseCodeName(name))
}

export function normaliseCodeName(name: string): string {
  return name.trim().replace(/_/g, ' ').replace(/\s+/g, ' ').toLowerCase()
}
