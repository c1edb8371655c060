/**
 * @module Parses the commit record format (`../shared/data/commits/README.md`) line by line.
 */
import { z } from 'zod'
import { fileStatuses, platforms } from '../../schema/enums'
import { capDiff } from '../core/diff-cap'
import { parseTimestamp } from '../core/timestamps'
import type { CommitRecord } from './commit-record'
import { IngestError } from './ingest-error'

const sha = z.string().regex(/^[0-9a-f]{7,64}$/, 'must be a hex commit id')
const count = z.number().int().min(0).nullable().optional()

const JsonlFile = z.object({
  path: z.string().min(1),
  status: z.enum(fileStatuses),
  additions: count,
  deletions: count,
  old_path: z.string().optional(),
  blob_absent: z.boolean().optional(),
})

const JsonlRecord = z.object({
  platform: z.enum(platforms),
  repo: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'must be owner/name'),
  sha,
  parents: z.array(sha),
  is_merge: z.boolean(),
  author: z.string(),
  author_email_sha1: z
    .string()
    .regex(/^([0-9a-f]{40})?$/, 'must be a sha1 hex digest')
    .nullable()
    .optional(),
  authored_at: z.string(),
  committed_at: z.string(),
  message: z.string(),
  files: z.array(JsonlFile),
  diff: z.string(),
})

/**
 * Parses a whole JSONL file; any bad line throws an IngestError naming it, so the caller
 * stores nothing of the file.
 */
export function parseCommitJsonl(text: string, file: string, diffCap: number): CommitRecord[] {
  const records: CommitRecord[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '') continue
    records.push(parseLine(line, file, i + 1, diffCap))
  }
  // An empty file is more likely a failed export than a repository without commits.
  if (records.length === 0) {
    throw new IngestError(file, null, `no commit records: the file ${text === '' ? 'is empty' : 'holds only blank lines'}`)
  }
  return records
}

function parseLine(line: string, file: string, lineNo: number, diffCap: number): CommitRecord {
  let json: unknown
  try {
    json = JSON.parse(line)
  } catch (error) {
    throw new IngestError(file, lineNo, `not valid JSON (${(error as Error).message})`)
  }
  const parsed = JsonlRecord.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new IngestError(file, lineNo, `${issue.path.join('.') || 'record'}: ${issue.message}`)
  }
  const r = parsed.data
  const authored = parseTimestamp(r.authored_at)
  const committed = parseTimestamp(r.committed_at)
  if (!authored) throw new IngestError(file, lineNo, `authored_at: not an ISO-8601 timestamp`)
  if (!committed) throw new IngestError(file, lineNo, `committed_at: not an ISO-8601 timestamp`)
  const { diff, truncated } = capDiff(r.diff, diffCap)
  return {
    platform: r.platform,
    repo: r.repo,
    sha: r.sha,
    shaDerived: false,
    parents: r.parents,
    isMerge: r.is_merge,
    authorName: r.author,
    authorEmailHash: r.author_email_sha1 || null,
    authoredAt: authored.utc,
    authoredOffset: authored.offsetMinutes,
    committedAt: committed.utc,
    committedOffset: committed.offsetMinutes,
    message: r.message,
    files: r.files.map((f) => ({
      path: f.path,
      oldPath: f.old_path ?? null,
      status: f.status,
      additions: f.additions ?? null,
      deletions: f.deletions ?? null,
      blobAbsent: f.blob_absent ?? false,
    })),
    diff,
    diffTruncated: truncated,
  }
}
