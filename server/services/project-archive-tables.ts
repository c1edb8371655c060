/**
 * @module Which tables a project archive holds, how their rows belong to a project and which of
 * their columns point at other archived rows. Every table of schema/ is listed here or in
 * `excludedTables` (a test checks that no table is forgotten).
 */
import { getTableColumns, getTableName } from 'drizzle-orm'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'
import * as schema from '../../schema'
import { mapContext, mapSnapshot } from '../core/project-archive'
import type { IdMap } from '../core/project-archive'

type Row = Record<string, unknown>

export type ArchiveTable = {
  /** The SQL table name, which tags its records. */
  name: string
  table: SQLiteTable
  /**
   * How a row belongs to the project: its column equals the project id, its column points at an
   * archived row of `parent`, or (users) some archived row points at it.
   */
  scope: { column: string; parent?: string } | 'referenced'
  /** Columns holding ids of archived rows, and the table they point into. */
  refs: Record<string, string>
  /** The columns the archive carries (all but `omit`). */
  columns: string[]
  /** An integer `id` primary key, renumbered 1..n in the archive. */
  hasId: boolean
  /** Ids written inside values (label contexts, codebook snapshots). */
  mapValues?: (row: Row, map: IdMap) => Row
}

function spec(
  table: SQLiteTable,
  scope: ArchiveTable['scope'],
  refs: Record<string, string>,
  extra: { omit?: string[]; mapValues?: ArchiveTable['mapValues'] } = {},
): ArchiveTable {
  const all = Object.keys(getTableColumns(table))
  return {
    name: getTableName(table),
    table,
    scope,
    refs,
    columns: all.filter((c) => !extra.omit?.includes(c)),
    hasId: all.includes('id'),
    mapValues: extra.mapValues,
  }
}

const mapRowContext = (row: Row, map: IdMap): Row => ({ ...row, context: mapContext(row.context as string, map) })

/**
 * A job or run that was unfinished when the project was exported comes in failed: the process
 * that ran it is elsewhere, and a server starting on this database must not resume it (rerun it).
 */
const settleUnfinished = (row: Row): Row =>
  row.status === 'queued' || row.status === 'running'
    ? { ...row, status: 'failed', error: 'unfinished when the project was exported; rerun it', finishedAt: row.finishedAt ?? row.updatedAt ?? null }
    : row

/**
 * In the order records are written and imported: every table after the tables it points at (the
 * one cycle, codes.parent_id, is settled by deferring foreign-key checks to the commit).
 */
export const archiveTables: ArchiveTable[] = [
  spec(schema.projects, { column: 'id' }, {}),
  // Names only: passwords, the site-admin flag and the disabled flag belong to the instance.
  spec(schema.users, 'referenced', {}, { omit: ['passwordHash', 'disabled', 'siteAdmin', 'createdAt'] }),
  spec(schema.projectMembers, { column: 'projectId' }, { projectId: 'projects', userId: 'users' }),
  spec(schema.families, { column: 'projectId' }, { projectId: 'projects' }),
  spec(schema.repositories, { column: 'projectId' }, { projectId: 'projects' }),
  spec(schema.familyRepositories, { column: 'familyId', parent: 'families' }, { familyId: 'families', repositoryId: 'repositories' }),
  spec(schema.commits, { column: 'repositoryId', parent: 'repositories' }, { repositoryId: 'repositories' }),
  spec(schema.commitFiles, { column: 'commitId', parent: 'commits' }, { commitId: 'commits' }),
  spec(
    schema.familyLinkProposals,
    { column: 'projectId' },
    { projectId: 'projects', githubRepositoryId: 'repositories', huggingfaceRepositoryId: 'repositories', familyId: 'families' },
  ),
  spec(schema.codebooks, { column: 'projectId' }, { projectId: 'projects' }),
  spec(schema.codebookVersions, { column: 'codebookId', parent: 'codebooks' }, { codebookId: 'codebooks', authorId: 'users' }, {
    mapValues: (row, map) => ({ ...row, snapshot: mapSnapshot(row.snapshot, map) }),
  }),
  spec(schema.codes, { column: 'codebookId', parent: 'codebooks' }, { codebookId: 'codebooks', parentId: 'codes' }),
  spec(schema.codeExamples, { column: 'codeId', parent: 'codes' }, { codeId: 'codes', commitId: 'commits' }),
  spec(schema.jobs, { column: 'projectId' }, { projectId: 'projects' }, { mapValues: settleUnfinished }),
  spec(
    schema.labelingRuns,
    { column: 'projectId' },
    { projectId: 'projects', codebookVersionId: 'codebook_versions', jobId: 'jobs' },
    { mapValues: (row, map) => settleUnfinished(mapRowContext(row, map)) },
  ),
  spec(schema.labelingFailures, { column: 'runId', parent: 'labeling_runs' }, { runId: 'labeling_runs', commitId: 'commits' }),
  spec(schema.rounds, { column: 'projectId' }, { projectId: 'projects', codebookVersionId: 'codebook_versions', createdById: 'users' }),
  spec(schema.roundCoders, { column: 'roundId', parent: 'rounds' }, { roundId: 'rounds', userId: 'users' }),
  spec(schema.roundUnits, { column: 'roundId', parent: 'rounds' }, { roundId: 'rounds', commitId: 'commits' }),
  spec(schema.roundAssignments, { column: 'roundId', parent: 'rounds' }, { roundId: 'rounds', commitId: 'commits', coderId: 'users' }),
  spec(
    schema.labels,
    { column: 'commitId', parent: 'commits' },
    { commitId: 'commits', raterId: 'users', codebookVersionId: 'codebook_versions', runId: 'labeling_runs' },
    { mapValues: mapRowContext },
  ),
  spec(schema.labelCodes, { column: 'labelId', parent: 'labels' }, { labelId: 'labels', codeId: 'codes' }),
  spec(schema.openCodes, { column: 'commitId', parent: 'commits' }, { commitId: 'commits', coderId: 'users', categoryCodeId: 'codes' }),
  spec(
    schema.finalCodes,
    { column: 'commitId', parent: 'commits' },
    { commitId: 'commits', codebookVersionId: 'codebook_versions', decidedById: 'users', roundId: 'rounds' },
  ),
  spec(schema.finalCodeCodes, { column: 'finalCodeId', parent: 'final_codes' }, { finalCodeId: 'final_codes', codeId: 'codes' }),
  spec(
    schema.labelCodeChanges,
    { column: 'codebookVersionId', parent: 'codebook_versions' },
    {
      codebookVersionId: 'codebook_versions',
      labelId: 'labels',
      finalCodeId: 'final_codes',
      commitId: 'commits',
      raterId: 'users',
      fromCodeId: 'codes',
      toCodeId: 'codes',
    },
  ),
  spec(
    schema.recodeQueue,
    { column: 'codebookId', parent: 'codebooks' },
    { codebookId: 'codebooks', commitId: 'commits', codebookVersionId: 'codebook_versions' },
  ),
  // Kept as written: entity ids and details name rows of the database the entry was made in
  // (some of them deleted since), and the log is a record of what happened there.
  spec(schema.auditLog, { column: 'projectId' }, { projectId: 'projects' }),
]

/** Tables no project archive holds, and why. */
export const excludedTables: Record<string, string> = {
  sessions: 'sign-in secrets of the instance (hashed cookies), never moved',
  api_tokens: 'sign-in secrets of the instance (hashed tokens), never moved',
  invites: 'one-time sign-in links of the instance (hashed), never moved',
  llm_cache:
    'shared by every project and keyed by row ids of this database; the archived labels already carry the answers, and a rerun skips labelled commits',
  __drizzle_migrations: 'migration bookkeeping of the database',
}

export const archiveTable = new Map(archiveTables.map((t) => [t.name, t]))
