import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli'
import { freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { sharedPath } from '../helpers/shared'

let t: TestDatabase
let env: Record<string, string>
beforeEach(async () => {
  t = await freshDatabase()
  env = { DATABASE_URL: `file:${t.file}` }
})
afterEach(() => t.dispose())

const hf = (name: string) => sharedPath('data', 'commits', 'huggingface', name)

describe('concord CLI', () => {
  it('status --json prints the contract keys, all zero on an empty project', async () => {
    const r = await runCli(['status', '--json'], env)
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ families: 0, repositories: 0, commits: 0, labels: 0, final_codes: 0, coders: 0 })
  })

  it('import jsonl --json prints one document on stdout and progress on stderr', async () => {
    const files = [hf('THUDM__codegeex2-6b.jsonl'), hf('baichuan-inc__Baichuan2-13B-Chat.jsonl')]
    const r = await runCli(['import', 'jsonl', ...files, '--json'], env)
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ imported: 17 + 11, skipped_duplicates: 0, files: 2 })
    expect(r.stderr).toContain('[2/2]')
    const again = await runCli(['import', 'jsonl', ...files, '--json'], env)
    expect(JSON.parse(again.stdout)).toEqual({ imported: 0, skipped_duplicates: 28, files: 2 })
  })

  it('acts on the project named by --project', async () => {
    await runCli(['import', 'jsonl', hf('THUDM__codegeex2-6b.jsonl'), '--project', 'other'], env)
    const other = await runCli(['status', '--json', '--project', 'other'], env)
    const main = await runCli(['status', '--json'], env)
    expect(JSON.parse(other.stdout).commits).toBe(17)
    expect(JSON.parse(main.stdout).commits).toBe(0)
  })

  it('fails on a bad file with one error line naming file and line, and stores none of it', async () => {
    const bad = path.join(t.dir, 'bad.jsonl')
    const lines = readFileSync(hf('THUDM__codegeex2-6b.jsonl'), 'utf8').split('\n').filter(Boolean)
    lines[1] = lines[1]!.replace('"platform": "huggingface"', '"platform": "gitlab"').replace('"platform":"huggingface"', '"platform":"gitlab"')
    writeFileSync(bad, lines.join('\n'))
    const r = await runCli(['import', 'jsonl', hf('baichuan-inc__Baichuan2-13B-Chat.jsonl'), bad, '--json'], env)
    expect(r.code).not.toBe(0)
    expect(r.stdout).toBe('')
    const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('error: '))
    expect(errorLines).toHaveLength(1)
    expect(errorLines[0]).toContain(`${bad}:2: platform:`)
    expect(errorLines[0]).toContain('stored before it:')
    const status = await runCli(['status', '--json'], env)
    expect(JSON.parse(status.stdout).commits).toBe(11)
  })

  it('import labels --format study-gh reports commits and raters', async () => {
    const r = await runCli(['import', 'labels', sharedPath('data', 'paper', 'GH_160_with_labels.csv'), '--format', 'study-gh', '--json'], env)
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ imported: 480, commits: 160, raters: ['coder1', 'coder2', 'llm'] })
  })

  it('import families --json counts families and repositories', async () => {
    const r = await runCli(['import', 'families', sharedPath('data', 'commits', 'families.json'), '--json'], env)
    expect(r.code).toBe(0)
    const result = JSON.parse(r.stdout)
    expect(result.families).toBe(23)
    expect(result.repositories).toBeGreaterThan(23)
  })

  it('explains usage errors with exit code 2', async () => {
    const r = await runCli(['import', 'labels', 'x.csv'], env)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^error: import labels needs --format long\|study-gh\|study-hf/m)
    const unknown = await runCli(['frobnicate'], env)
    expect(unknown.code).toBe(2)
  })

  it('prints help for every command', async () => {
    const r = await runCli(['import', '--help'], env)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Usage: concord import')
  })
})
