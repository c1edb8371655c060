/**
 * A team at work, for the tests that run real server and CLI processes on one database: the
 * server's environment with the fake LLM, coders in a coding round, and polling the database.
 */
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { count, countDistinct, eq } from 'drizzle-orm'
import { jobs, labelCodes, labels, roundAssignments } from '../../schema'
import { currentCodebook } from '../../server/services/codebook'
import type { Ctx } from '../../server/services/context'
import { createRound } from '../../server/services/rounds'
import { ensureMember, ensureRater } from '../../server/services/users'
import type { FakeOpenAI } from '../fakes/openai'
import { sharedPath } from './shared'

/** Every Hugging Face history of the team's data (198 commits): what the LLM job labels. */
export const huggingfaceFiles = (() => {
  const dir = sharedPath('data', 'commits', 'huggingface')
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => path.join(dir, f))
})()

/** The biggest history (2,330 commits, 15 MB): an import long enough to be killed midway. */
export const bigJsonl = sharedPath('data', 'commits', 'github', 'facebookresearch__fairseq.jsonl')

/** The server's environment: this database, sign-in enforced, the LLM labeler on the fake. */
export function serverEnv(databaseUrl: string, fake: FakeOpenAI): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    CONCORD_SAMPLE: '0',
    CONCORD_AUTH: 'required',
    CONCORD_ADMIN_PASSWORD: 'a-long-secret',
    OPENAI_BASE_URL: fake.url,
    OPENAI_API_KEY: 'sk-concord-test-team',
    CONCORD_LLM_MODEL: 'fake-1',
    CONCORD_LLM_FEW_SHOT: '0',
    CONCORD_LLM_MAX_RETRIES: '1',
  }
}

/** `n` coders (members of the project), named `<prefix>1`…`<prefix>n`. */
export async function addCoders(ctx: Ctx, projectId: number, n: number, prefix = 'coder') {
  const coders: { id: number; name: string }[] = []
  for (let i = 1; i <= n; i++) {
    const name = `${prefix}${i}`
    const { id } = await ensureRater(ctx, name)
    await ensureMember(ctx, projectId, id, 'coder')
    coders.push({ id, name })
  }
  return coders
}

/** A round where every coder codes `size` commits (one coder per unit), and each coder's queue. */
export async function roundFor(ctx: Ctx, projectId: number, coders: readonly { id: number; name: string }[], size: number) {
  const round = await createRound(ctx, projectId, {
    name: `round of ${coders.length}`,
    coders: coders.map((c) => c.name),
    selection: 'random',
    size,
    overlap: { mode: 'k', k: 1 },
  })
  const rows = await ctx.db.select().from(roundAssignments).where(eq(roundAssignments.roundId, round.id))
  const queues = new Map(coders.map((c) => [c.id, rows.filter((r) => r.coderId === c.id).map((r) => r.commitId)]))
  const codeIds = (await currentCodebook(ctx, projectId)).codes.filter((c) => c.status === 'active').map((c) => c.id)
  return { id: round.id, queues, codeIds }
}

/** Polls `test` until it holds; fails after `timeoutMs`. */
export async function until(test: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export async function jobRow(ctx: Ctx, id: number) {
  const [job] = await ctx.db.select().from(jobs).where(eq(jobs.id, id))
  return job!
}

/** A labeling run's labels: rows, and distinct commits (equal when none is duplicated). */
export async function runLabels(ctx: Ctx, runId: number) {
  const [row] = await ctx.db
    .select({ rows: count(), commits: countDistinct(labels.commitId) })
    .from(labels)
    .where(eq(labels.runId, runId))
  return row!
}

/** Every label of a round: `coderId:commitId` -> its code ids, sorted (a key twice would be a duplicate). */
export async function roundLabels(ctx: Ctx, roundId: number): Promise<Map<string, number[]>> {
  const rows = await ctx.db
    .select({ id: labels.id, raterId: labels.raterId, commitId: labels.commitId, codeId: labelCodes.codeId })
    .from(labels)
    .leftJoin(labelCodes, eq(labelCodes.labelId, labels.id))
    .where(eq(labels.context, `round:${roundId}`))
  const byLabel = new Map<number, { key: string; codes: number[] }>()
  for (const r of rows) {
    const entry = byLabel.get(r.id) ?? { key: `${r.raterId}:${r.commitId}`, codes: [] }
    if (r.codeId !== null) entry.codes.push(r.codeId)
    byLabel.set(r.id, entry)
  }
  const result = new Map<string, number[]>()
  for (const { key, codes } of byLabel.values()) {
    if (result.has(key)) throw new Error(`two labels for ${key} in round ${roundId}`)
    result.set(key, codes.sort((x, y) => x - y))
  }
  return result
}
