/**
 * @module Parses a `families.json` (`../shared/data/commits/families.json`).
 */
import { z } from 'zod'
import { IngestError } from './ingest-error'

const repoId = z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'must be owner/name')

const FamilyEntry = z.object({
  family: z.string().trim().min(1, 'required'),
  github: repoId,
  huggingface: z.array(repoId).optional(),
  mirrored_hf: z.array(repoId).optional(),
})

export type FamilyDefinition = { name: string; github: string; variants: string[] }

/**
 * Parses the whole file; a bad entry throws an IngestError naming its index and field.
 * Unknown fields are ignored; the variants are the union of `huggingface` and `mirrored_hf`.
 */
export function parseFamiliesJson(text: string, file: string): FamilyDefinition[] {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new IngestError(file, null, `not valid JSON (${(error as Error).message})`)
  }
  if (!Array.isArray(json)) throw new IngestError(file, null, 'expected a JSON array of families')
  return json.map((entry, i) => {
    const parsed = FamilyEntry.safeParse(entry)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      const field = issue.path.join('.') || 'entry'
      throw new IngestError(file, `[${i}].${field}`, issue.message)
    }
    const f = parsed.data
    const variants = [...new Set([...(f.huggingface ?? []), ...(f.mirrored_hf ?? [])])]
    return { name: f.family, github: f.github, variants }
  })
}
