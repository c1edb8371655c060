import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { sharedPath } from '../helpers/shared'
import { validateQdc } from '../helpers/xsd'

let t: TestDatabase
let env: Record<string, string>
const cli = async (...args: string[]) => {
  const r = await runCli([...args, '--project', 'study'], env)
  return { ...r, json: () => JSON.parse(r.stdout) }
}

beforeAll(async () => {
  t = await freshDatabase()
  t.close()
  env = { DATABASE_URL: `file:${t.file}`, CONCORD_USER: 'cli-tester' }
  const r = await cli('import', 'labels', sharedPath('data', 'paper', 'HF_160_with_labels.reduced.csv'), '--format', 'study-hf', '--json')
  expect(r.code, r.stderr).toBe(0)
})
afterAll(() => t.dispose())

// Each CLI run starts a process (a second or more on a busy machine): generous time per test.
describe('concord codebook', { timeout: 240_000 }, () => {
  it('lists the codes with usage, one JSON document on stdout', async () => {
    const r = await cli('codebook', 'list', '--json')
    expect(r.code, r.stderr).toBe(0)
    const doc = r.json()
    expect(doc).toMatchObject({ codebook: 'PTLM change types', version: 1, multiLabel: false })
    expect(doc.codes).toHaveLength(16)
    const sharing = doc.codes.find((c: { name: string }) => c.name === 'sharing')
    expect(sharing.usage.labels).toBeGreaterThan(30)
    expect(sharing.examples.length).toBe(2)
  })

  it('renames, merges, splits and retires, each a new version with author and changelog', async () => {
    const rename = await cli('codebook', 'rename', 'input data', 'training data', '--json')
    expect(rename.json()).toEqual({ version: 2, changelog: "Renamed 'input data' to 'training data'." })
    const merge = await cli('codebook', 'merge', 'output data', 'model structure', '--json', '--note', 'Weights are the model.')
    expect(merge.json()).toMatchObject({ version: 3, from: 'output data', into: 'model structure', labels: 3, raters: 1 })
    const split = await cli('codebook', 'split', 'external documentation', '--into', 'readme, model card', '--json')
    expect(split.json()).toMatchObject({ version: 4, created: ['readme', 'model card'] })
    expect(split.json().queued).toBeGreaterThan(50)
    const retire = await cli('codebook', 'retire', 'remove dependency', '--json')
    expect(retire.json()).toMatchObject({ version: 5 })

    const history = (await cli('codebook', 'history', '--json')).json()
    expect(history.versions.map((v: { version: number; author: string | null }) => [v.version, v.author])).toEqual([
      [5, 'cli-tester'], [4, 'cli-tester'], [3, 'cli-tester'], [2, 'cli-tester'], [1, null],
    ])
    expect(history.versions[2].changelog).toBe("Merged 'output data' into 'model structure': 3 labels by 1 rater and 0 final codes now carry 'model structure'. Weights are the model.")
    expect(history.versions[2].changes).toEqual([{ operation: 'merge', from: 'output data', to: 'model structure', labels: 3, finalCodes: 0 }])

    const queue = (await cli('codebook', 'recode', '--json')).json()
    expect(queue.items).toHaveLength(split.json().queued)
    expect(queue.items[0].labels.map((l: { codes: string[] }) => l.codes)).toContainEqual(['external documentation'])

    // Agreement per version: every stored label was made under version 1.
    const agreement = await cli('agreement', '--codebook-version', '1', '--resamples', '0', '--json')
    expect(agreement.json().units).toBe(160)
    const missing = await cli('agreement', '--codebook-version', '9', '--json')
    expect(missing.stderr).toMatch(/^error: codebook 'PTLM change types' has no version 9/m)
  })

  it('exports a .qdc the XSD accepts, and imports it into a new project', async () => {
    const out = path.join(t.dir, 'study.qdc')
    const r = await cli('codebook', 'export', '--format', 'qdc', '--out', out, '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json()).toMatchObject({ file: out, format: 'qdc' })
    expect((await validateQdc(readFileSync(out, 'utf8'))).errors).toEqual([])

    const init = await runCli(['codebook', 'init', '--from', out, '--project', 'copy', '--json'], env)
    expect(init.code, init.stderr).toBe(0)
    expect(JSON.parse(init.stdout)).toEqual({ project: 'copy', codebook: 'PTLM change types', version: 1, codes: r.json().codes })
    const again = await runCli(['codebook', 'init', '--project', 'copy'], env)
    expect(again.code).toBe(1)
    expect(again.stderr).toBe("error: a project named 'copy' exists already\n")

    const json = await cli('codebook', 'export')
    expect(JSON.parse(json.stdout)).toMatchObject({ format: 'concord-codebook', formatVersion: 1 })
  })

  it('rejects a bad file naming the element and stores nothing', async () => {
    const before = (await cli('codebook', 'history', '--json')).json().versions.length
    const r = await cli('codebook', 'import', sharedPath('data', 'refi-qda', 'example-invalid.qdc'), '--json')
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^error: .*example-invalid\.qdc:6: element Code 'external documentation' \(CodeBook\/Codes\[1\]\/Code\[1\]\/Code\[1\]\): the attribute 'isCodable' is required but missing\n$/)
    expect((await cli('codebook', 'history', '--json')).json().versions).toHaveLength(before)

    const ok = await cli('codebook', 'import', sharedPath('data', 'refi-qda', 'example-valid.qdc'), '--json')
    expect(ok.json()).toMatchObject({ added: ['documentation'], updated: ['external documentation'] })
  })

  it('explains usage mistakes with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['codebook'], /codebook needs an action/],
      [['codebook', 'merge', 'sharing'], /codebook merge needs 2 arguments/],
      [['codebook', 'export', '--format', 'qdc', '--json'], /give --out FILE/],
    ]
    for (const [args, message] of cases) {
      const r = await cli(...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(message)
    }
    const bad = path.join(t.dir, 'bad.json')
    writeFileSync(bad, '{"format":"concord-codebook","formatVersion":1,"name":"x","codes":[{"guid":"nope","name":"a"}]}')
    const r = await cli('codebook', 'import', bad)
    expect(r.stderr).toMatch(/bad\.json:codes\[0\]\.guid: expected a GUID/)
  })
})
