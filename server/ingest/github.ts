/**
 * @module The GitHub REST API as a commit source: the repository, the commit listing of its
 * default branch (`Link` pagination), each commit with its files and patches, and the README.
 * Answers are checked with zod and turned into commit records; the store is not touched here.
 */
import { z } from 'zod'
import { capDiff } from '../core/diff-cap'
import { hashEmail, hashEmailsInText } from '../core/email-hash'
import { parseTimestamp } from '../core/timestamps'
import type { ChangedFile, CommitRecord } from './commit-record'
import type { HttpClient } from './http'
import { nextLink } from './http'
import { IngestError } from './ingest-error'

export const githubApiHeaders = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' }

const GitUser = z.object({ name: z.string().nullish(), email: z.string().nullish(), date: z.string().nullish() }).nullish()

const ListedCommit = z.object({ sha: z.string().regex(/^[0-9a-f]{40}$/) })

const CommitFile = z.object({
  filename: z.string(),
  status: z.string(),
  additions: z.number().int().min(0).nullish(),
  deletions: z.number().int().min(0).nullish(),
  changes: z.number().int().min(0).nullish(),
  patch: z.string().nullish(),
  previous_filename: z.string().nullish(),
})

const CommitDetail = z.object({
  sha: z.string().regex(/^[0-9a-f]{40}$/),
  commit: z.object({ author: GitUser, committer: GitUser, message: z.string() }),
  parents: z.array(z.object({ sha: z.string() })),
  files: z.array(CommitFile).optional(),
})

const RepositoryInfo = z.object({
  full_name: z.string(),
  default_branch: z.string().nullish(),
  description: z.string().nullish(),
  stargazers_count: z.number().nullish(),
  forks_count: z.number().nullish(),
  created_at: z.string().nullish(),
  html_url: z.string().nullish(),
})

const Readme = z.object({ path: z.string(), content: z.string(), encoding: z.string() })

export type GithubRepositoryInfo = { fullName: string; metadata: Record<string, unknown> }

/** The repository (404 says so clearly); its metadata for `repositories.metadata`. */
export async function fetchGithubRepository(client: HttpClient, api: string, repo: string): Promise<GithubRepositoryInfo> {
  const url = `${api}/repos/${repo}`
  const response = await client.getJson(url, { allowMissing: true })
  if (!response) throw new IngestError(repo, null, 'no such GitHub repository (or it is private: set GITHUB_TOKEN)')
  const info = parse(RepositoryInfo, response.data, url)
  return {
    fullName: info.full_name,
    metadata: {
      defaultBranch: info.default_branch ?? null,
      description: info.description ?? null,
      stars: info.stargazers_count ?? null,
      forks: info.forks_count ?? null,
      createdAt: info.created_at ?? null,
      url: info.html_url ?? null,
    },
  }
}

/** The shas of the default branch's history, a page at a time, newest first. */
export async function* listGithubCommits(client: HttpClient, api: string, repo: string): AsyncGenerator<string[]> {
  for await (const page of client.pages<unknown>(`${api}/repos/${repo}/commits?per_page=100`)) {
    yield page.data.map((item, i) => parse(ListedCommit, item, `${page.url} [${i}]`).sha)
  }
}

/** One commit with every changed file (the API pages files beyond 300) as a record. */
export async function fetchGithubCommit(
  client: HttpClient,
  api: string,
  repo: string,
  sha: string,
  diffCap: number,
): Promise<CommitRecord> {
  const url = `${api}/repos/${repo}/commits/${sha}?per_page=100`
  let detail: z.infer<typeof CommitDetail> | null = null
  const files: z.infer<typeof CommitFile>[] = []
  for await (const page of pagesOfObject(client, url)) {
    const parsed = parse(CommitDetail, page, `${api}/repos/${repo}/commits/${sha}`)
    detail ??= parsed
    files.push(...(parsed.files ?? []))
  }
  return githubCommitRecord(repo, detail!, files, diffCap)
}

async function* pagesOfObject(client: HttpClient, first: string): AsyncGenerator<unknown> {
  let url: string | null = first
  while (url) {
    const response: { data: unknown; headers: Headers } = await client.getJson(url)
    yield response.data
    url = nextLink(response.headers.get('link'), url)
  }
}

/** The README at the default branch's head, or null when there is none. */
export async function fetchGithubReadme(
  client: HttpClient,
  api: string,
  repo: string,
): Promise<{ path: string; text: string } | null> {
  const url = `${api}/repos/${repo}/readme`
  const response = await client.getJson(url, { allowMissing: true })
  if (!response) return null
  const readme = parse(Readme, response.data, url)
  const text = readme.encoding === 'base64' ? Buffer.from(readme.content, 'base64').toString('utf8') : readme.content
  return { path: readme.path, text: text.slice(0, 1_000_000) }
}

/** A GitHub commit as a record. Dates come in UTC (the API drops the offset). */
export function githubCommitRecord(
  repo: string,
  detail: z.infer<typeof CommitDetail>,
  files: z.infer<typeof CommitFile>[],
  diffCap: number,
): CommitRecord {
  const where = `${repo}@${detail.sha}`
  const { author, committer } = detail.commit
  const authored = parseTimestamp(author?.date ?? committer?.date ?? '')
  const committed = parseTimestamp(committer?.date ?? author?.date ?? '')
  if (!authored || !committed) throw new IngestError(where, 'commit.author.date', 'not an ISO-8601 timestamp')
  const parents = detail.parents.map((p) => p.sha)
  const email = author?.email?.trim()
  const changed = files.map(changedFile)
  const { diff, truncated } = capDiff(hashEmailsInText(files.map(filePatch).join('')), diffCap)
  return {
    platform: 'github',
    repo,
    sha: detail.sha,
    shaDerived: false,
    parents,
    isMerge: parents.length > 1,
    authorName: author?.name ?? '',
    authorEmailHash: email ? hashEmail(email) : null,
    authoredAt: authored.utc,
    authoredOffset: authored.offsetMinutes,
    committedAt: committed.utc,
    committedOffset: committed.offsetMinutes,
    message: hashEmailsInText(detail.commit.message).replace(/\n+$/, ''),
    files: changed,
    diff,
    diffTruncated: truncated,
  }
}

const statusLetters: Record<string, ChangedFile['status']> = {
  added: 'A',
  copied: 'A',
  removed: 'D',
  renamed: 'R',
  modified: 'M',
  changed: 'M',
  unchanged: 'M',
}

/**
 * A file without a patch and without line counts is binary (or too large for the API to
 * diff): its counts are unknown, so null, as git's `-` in numstat.
 */
function unknownCounts(f: z.infer<typeof CommitFile>): boolean {
  return (f.patch === undefined || f.patch === null) && !f.additions && !f.deletions && f.status !== 'renamed'
}

function changedFile(f: z.infer<typeof CommitFile>): ChangedFile {
  const unknown = unknownCounts(f)
  return {
    path: f.filename,
    oldPath: f.status === 'renamed' ? (f.previous_filename ?? null) : null,
    status: statusLetters[f.status] ?? 'M',
    additions: unknown ? null : (f.additions ?? 0),
    deletions: unknown ? null : (f.deletions ?? 0),
    blobAbsent: false,
  }
}

/** The file's part of a unified diff, rebuilt around the API's hunk text. */
function filePatch(f: z.infer<typeof CommitFile>): string {
  const from = f.status === 'renamed' && f.previous_filename ? f.previous_filename : f.filename
  const head = [`diff --git a/${from} b/${f.filename}`]
  if (f.status === 'renamed') head.push(`rename from ${from}`, `rename to ${f.filename}`)
  const oldName = f.status === 'added' ? '/dev/null' : `a/${from}`
  const newName = f.status === 'removed' ? '/dev/null' : `b/${f.filename}`
  if (f.patch) return `${head.join('\n')}\n--- ${oldName}\n+++ ${newName}\n${f.patch}${f.patch.endsWith('\n') ? '' : '\n'}`
  if (unknownCounts(f)) return `${head.join('\n')}\nBinary files ${oldName} and ${newName} differ\n`
  if (f.status === 'renamed' && !f.additions && !f.deletions) return `${head.join('\n')}\n`
  return `${head.join('\n')}\n[patch not provided by the GitHub API]\n`
}

function parse<T extends z.ZodType>(schema: T, data: unknown, where: string): z.infer<T> {
  const parsed = schema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new IngestError(where, issue.path.join('.') || null, `unexpected answer: ${issue.message}`)
  }
  return parsed.data
}
