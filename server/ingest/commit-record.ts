/**
 * @module The normalised commit every importer produces and the store consumes.
 */
import type { FileStatus, Platform } from '../../schema/enums'

export type ChangedFile = {
  path: string
  oldPath: string | null
  status: FileStatus | null
  additions: number | null
  deletions: number | null
  blobAbsent: boolean
}

export type CommitRecord = {
  platform: Platform
  repo: string
  sha: string
  shaDerived: boolean
  parents: string[]
  isMerge: boolean
  authorName: string
  authorEmailHash: string | null
  authoredAt: string
  authoredOffset: number
  committedAt: string
  committedOffset: number
  message: string
  files: ChangedFile[]
  diff: string
  diffTruncated: boolean
}
