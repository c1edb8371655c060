import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sampleSize } from '../../server/core/sampling'
import { loadSample } from '../../server/services/sample'
import { runCli } from '../helpers/cli'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'

let t: TestDatabase
let env: Record<string, string>
beforeAll(async () => {
  t = await freshDatabase()
  await loadSample(t.ctx, { diffCap: 20_000 })
  env = { DATABASE_URL: `file:${t.file}` }
})
afterAll(() => t.dispose())

describe('concord round', () => {
  it('gives the sample size for a confidence level and margin', async () => {
    const r = await runCli(['round', 'sample-size', '--project', 'study', '--platform', 'huggingface', '--json'], env)
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ population: 160, n: sampleSize({ population: 160 }).n })
  })

  it('creates, lists and reveals a round, as one JSON document each', async () => {
    const created = await runCli(
      ['round', 'create', '--project', 'study', '--name', 'cli', '--coders', 'coder1,coder2', '--size', '12', '--k', '2', '--pre-labels', 'after', '--json'],
      env,
    )
    expect(created.code, created.stderr).toBe(0)
    const round = JSON.parse(created.stdout)
    expect(round).toMatchObject({ name: 'cli', units: 12, status: 'open', preLabels: 'after', coders: ['coder1', 'coder2'] })
    const listed = await runCli(['round', 'list', '--project', 'study', '--json'], env)
    expect(JSON.parse(listed.stdout).map((r: { id: number }) => r.id)).toEqual([round.id])
    const revealed = await runCli(['round', 'reveal', String(round.id), '--project', 'study', '--json'], env)
    expect(JSON.parse(revealed.stdout).status).toBe('revealed')
  })

  it('fails with one error line on bad input', async () => {
    const r = await runCli(['round', 'create', '--project', 'study', '--name', 'x', '--coders', 'nobody'], env)
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: coder 'nobody'/)])
    const usage = await runCli(['round', 'create', '--project', 'study', '--name', 'x', '--coders', 'coder1', '--pre-labels', 'sometimes'], env)
    expect(usage.code).toBe(2)
    expect(usage.stderr).toMatch(/--pre-labels takes shown, hidden, after/)
  })
})
