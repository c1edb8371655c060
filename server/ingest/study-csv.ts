/**
 * @module Parses the study's two coded files (`../shared/data/paper/GH_160_with_labels.csv`,
 * `HF_160_with_labels.reduced.csv`): commits, their three raters' codes and the open codes.
 */
import { derivedSha } from '../core/email-hash'
import { parseMonthDayYear, parseTimestamp } from '../core/timestamps'
import type { Instant } from '../core/timestamps'
import type { CommitRecord } from './commit-record'
import { readCsv } from './csv'
import type { CsvRow } from './csv'
import { IngestError } from './ingest-error'

export const studyFormats = ['study-gh', 'study-hf'] as const
export type StudyFormat = (typeof studyFormats)[number]

/** The study's rater columns become these rater names. */
export const studyRaters = ['coder1', 'coder2', 'llm'] as const
export type StudyRater = (typeof studyRaters)[number]

export type StudyRow = {
  line: number
  family: string
  commit: CommitRecord
  codes: Record<StudyRater, string>
  /** The open code the researchers wrote (HF file only). */
  openCode: string | null
}

const layouts = {
  'study-gh': {
    raterColumns: { coder1: 'manual_categories', coder2: 'oussama_categories', llm: 'automatic' },
    required: ['cleaned_github', 'author_name', 'commit_date', 'family', 'commit_message'],
  },
  'study-hf': {
    raterColumns: {
      coder1: 'manual_classification',
      coder2: 'oussama_classification',
      llm: 'automatic_classification',
    },
    required: ['model_name', 'family', 'title', 'message', 'commit_id', 'date', 'author', 'files', 'labels'],
  },
} as const

/** Study labels are compared after replacing `_` by a space (method.md §2). */
export function normaliseStudyCode(code: string): string {
  return code.trim().replace(/_/g, ' ').replace(/\s+/g, ' ').toLowerCase()
}

/** Parses one of the study's `;`-separated files; a bad row throws naming its line. */
export function parseStudyCsv(text: string, file: string, format: StudyFormat): StudyRow[] {
  const layout = layouts[format]
  const required = [...layout.required, ...Object.values(layout.raterColumns)]
  return readCsv(text, file, { delimiter: ';', required }).map((row) => {
    const codes = {} as Record<StudyRater, string>
    for (const rater of studyRaters) {
      const code = normaliseStudyCode(row.values[layout.raterColumns[rater]] ?? '')
      if (code === '') throw new IngestError(file, row.line, `${layout.raterColumns[rater]}: empty code`)
      codes[rater] = code
    }
    const family = (row.values.family ?? '').trim()
    if (family === '') throw new IngestError(file, row.line, 'family: empty')
    return format === 'study-gh'
      ? { line: row.line, family, codes, openCode: null, commit: githubCommit(row, file) }
      : { line: row.line, family, codes, ...huggingfaceCommit(row, file) }
  })
}

function githubCommit(row: CsvRow, file: string): CommitRecord {
  const v = row.values
  const repo = /^https?:\/\/github\.com\/([^/\s]+\/[^/\s]+?)(?:\.git)?\/?$/.exec(v.cleaned_github!.trim())?.[1]
  if (!repo) throw new IngestError(file, row.line, `cleaned_github: not a GitHub repository URL`)
  const at = parseTimestamp(v.commit_date!)
  if (!at) throw new IngestError(file, row.line, `commit_date: not a timestamp`)
  const message = v.commit_message!
  return commitRecord({
    platform: 'github',
    repo,
    // The GH file has no sha: derive a stable one from repository, date and message.
    sha: derivedSha(repo, at.utc, message),
    shaDerived: true,
    author: v.author_name!,
    at,
    message,
    files: [],
  })
}

function huggingfaceCommit(row: CsvRow, file: string): Pick<StudyRow, 'commit' | 'openCode'> {
  const v = row.values
  const repo = v.model_name!.trim()
  if (!/^[^/\s]+\/[^/\s]+$/.test(repo)) throw new IngestError(file, row.line, 'model_name: must be owner/name')
  const sha = v.commit_id!.trim()
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new IngestError(file, row.line, 'commit_id: must be 40 hex digits')
  const at = parseMonthDayYear(v.date!)
  if (!at) throw new IngestError(file, row.line, 'date: expected m/d/Y')
  const body = v.message!.trim()
  const message = body === '' ? v.title! : `${v.title}\n\n${body}`
  const files = v
    .files!.split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
  const openCode = v.labels!.trim()
  return {
    openCode: openCode === '' ? null : openCode,
    commit: commitRecord({ platform: 'huggingface', repo, sha, shaDerived: false, author: v.author!, at, message, files }),
  }
}

function commitRecord(c: {
  platform: CommitRecord['platform']
  repo: string
  sha: string
  shaDerived: boolean
  author: string
  at: Instant
  message: string
  files: string[]
}): CommitRecord {
  return {
    platform: c.platform,
    repo: c.repo,
    sha: c.sha,
    shaDerived: c.shaDerived,
    parents: [],
    isMerge: false,
    authorName: c.author,
    authorEmailHash: null,
    authoredAt: c.at.utc,
    authoredOffset: c.at.offsetMinutes,
    committedAt: c.at.utc,
    committedOffset: c.at.offsetMinutes,
    message: c.message,
    files: c.files.map((path) => ({ path, oldPath: null, status: null, additions: null, deletions: null, blobAbsent: false })),
    diff: '',
    diffTruncated: false,
  }
}
