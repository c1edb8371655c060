/**
 * @module The Hugging Face Hub API as a source: a model's metadata (downloads, likes, pipeline
 * tag, library, creation date, …) and its commit listing (`/api/models/{id}/commits/{rev}`,
 * `Link` pagination). Files and diffs come from the model's git repository (see git.ts).
 */
import { z } from 'zod'
import type { HttpClient } from './http'
import { IngestError } from './ingest-error'

const ModelInfo = z.object({
  id: z.string(),
  sha: z.string().nullish(),
  downloads: z.number().nullish(),
  likes: z.number().nullish(),
  pipeline_tag: z.string().nullish(),
  library_name: z.string().nullish(),
  createdAt: z.string().nullish(),
  lastModified: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  gated: z.union([z.boolean(), z.string()]).nullish(),
  private: z.boolean().nullish(),
})

const HubCommit = z.object({ id: z.string().regex(/^[0-9a-f]{40}$/), title: z.string().nullish(), date: z.string().nullish() })

export type HubModel = { id: string; sha: string | null; metadata: Record<string, unknown> }

/** The model's metadata as stored on its repository (names as in the study's tables). */
export async function fetchHubModel(client: HttpClient, endpoint: string, id: string): Promise<HubModel> {
  const url = `${endpoint}/api/models/${id}`
  const response = await client.getJson(url, { allowMissing: true })
  if (!response) throw new IngestError(id, null, 'no such model on the Hugging Face Hub (or it is private or gated: set HF_TOKEN)')
  const parsed = ModelInfo.safeParse(response.data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new IngestError(url, issue.path.join('.') || null, `unexpected answer: ${issue.message}`)
  }
  const m = parsed.data
  return {
    id: m.id,
    sha: m.sha ?? null,
    metadata: {
      downloads: m.downloads ?? null,
      likes: m.likes ?? null,
      pipelineTag: m.pipeline_tag ?? null,
      library: m.library_name ?? null,
      createdAt: m.createdAt ?? null,
      lastModified: m.lastModified ?? null,
      tags: m.tags ?? [],
      gated: m.gated ?? false,
      private: m.private ?? false,
      headSha: m.sha ?? null,
      fetchedAt: new Date().toISOString(),
    },
  }
}

/** The commit ids of a revision's history, a page at a time, newest first. */
export async function* listHubCommits(client: HttpClient, endpoint: string, id: string, revision: string): AsyncGenerator<string[]> {
  const first = `${endpoint}/api/models/${id}/commits/${encodeURIComponent(revision)}?limit=100`
  for await (const page of client.pages<unknown>(first)) {
    yield page.data.map((item, i) => {
      const parsed = HubCommit.safeParse(item)
      if (!parsed.success) throw new IngestError(`${page.url} [${i}]`, 'id', 'unexpected answer: not a commit id')
      return parsed.data.id
    })
  }
}

/** The model's git repository (the Hub serves every model repo over git). */
export function hubGitUrl(endpoint: string, id: string): string {
  return `${endpoint}/${id}`
}
