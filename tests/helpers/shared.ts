import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

/** The repository root, whatever the test's working directory. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/**
 * The team's read-only data folder: `../shared` beside the repository (as CI lays it),
 * or CONCORD_SHARED_DIR.
 */
export const sharedDir = process.env.CONCORD_SHARED_DIR ?? path.resolve(repoRoot, '../shared')

/** A path inside shared/; fails loudly when shared/ is missing, since the tests need it. */
export function sharedPath(...parts: string[]): string {
  const full = path.join(sharedDir, ...parts)
  if (!existsSync(full)) {
    throw new Error(`${full} is missing: tests read ../shared (set CONCORD_SHARED_DIR to move it)`)
  }
  return full
}
