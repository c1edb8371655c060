import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { finalCodeCodes, finalCodes } from '../../schema'
import { currentCodebook } from '../../server/services/codebook'
import { importStudyFile } from '../../server/services/importing'
import { ensureProject } from '../../server/services/projects'
import { runCli } from '../helpers/cli'
import { engines, freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { sharedPath } from '../helpers/shared'

describe.each(engines())('exports on a %s database', (engine) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await freshDatabase(engine)
    const project = await ensureProject(t.ctx, 'default')
    await importStudyFile(t.ctx, { projectId: project.id, file: sharedPath('data', 'paper', 'HF_160_with_labels.reduced.csv'), format: 'study-hf' })
    // One final code, as adjudication would set it.
    const { version, codes: list } = await currentCodebook(t.ctx, project.id)
    const sharing = list.find((c) => c.name === 'sharing')!
    const commitId = (await t.client.execute('select id from commits order by id limit 1')).rows[0]!.id as number
    const [final] = await t.db.insert(finalCodes).values({ commitId, method: 'adjudication', codebookVersionId: version.id, note: 'agreed' }).returning()
    await t.db.insert(finalCodeCodes).values({ finalCodeId: final!.id, codeId: sharing.id })
  })
  afterAll(() => t.dispose())

  describe('export labels', () => {
    it('writes CSV with the contract header, every label with its source, and the final codes', async () => {
      const r = await runCli(['export', 'labels', '--format', 'csv'], { DATABASE_URL: t.url })
      expect(r.code).toBe(0)
      const [header, ...rows] = parse(r.stdout) as string[][]
      expect(header).toEqual(['platform', 'repo', 'sha', 'coder', 'source', 'code'])
      expect(rows).toHaveLength(480 + 1)
      const bySource = (s: string) => rows.filter((row) => row[4] === s)
      expect(bySource('human')).toHaveLength(320)
      expect(new Set(bySource('llm').map((row) => row[3]))).toEqual(new Set(['llm:gemini']))
      expect(bySource('final')).toEqual([[expect.any(String), expect.any(String), expect.stringMatching(/^[0-9a-f]{40}$/), 'final', 'final', 'sharing']])
      expect(rows.every((row) => row[0] === 'huggingface')).toBe(true)
    })

    it('writes JSON with versions, confidence and rationale', async () => {
      const r = await runCli(['export', 'labels', '--json'], { DATABASE_URL: t.url })
      const rows = JSON.parse(r.stdout)
      expect(rows).toHaveLength(481)
      expect(rows.find((l: { source: string }) => l.source === 'final')).toMatchObject({ coder: 'final', codes: ['sharing'], rationale: 'agreed' })
      expect(rows[0]).toHaveProperty('codebook_version_id')
    })

    it('refuses an unknown format', async () => {
      const r = await runCli(['export', 'labels', '--format', 'xml'], { DATABASE_URL: t.url })
      expect(r.code).toBe(2)
    })
  })
})
