import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { truncationMarker } from '../../../server/core/diff-cap'
import { gitLogArgs } from '../../../server/ingest/git'
import { GitLogFormatError, GitLogParser } from '../../../server/ingest/git-log'
import type { GitLogItem } from '../../../server/ingest/git-log'
import { GitRepo } from '../../helpers/git-repo'

const options = { platform: 'github' as const, repo: 'a/b', diffCap: 1_000 }

function parseAll(bytes: Buffer, chunk: number, skip?: (sha: string) => boolean): GitLogItem[] {
  const parser = new GitLogParser({ ...options, skip })
  const out: GitLogItem[] = []
  for (let i = 0; i < bytes.length; i += chunk) out.push(...parser.push(bytes.subarray(i, i + chunk)))
  out.push(...parser.end())
  return out
}

describe('GitLogParser', () => {
  let repo: GitRepo
  let output: Buffer
  beforeAll(() => {
    repo = new GitRepo()
    repo.write('a.txt', 'a\n')
    repo.commit('one')
    repo.commit('empty', { allowEmpty: true })
    repo.write('b.bin', Buffer.from([0, 1, 2, 0x01, 0x0a, 0x01]))
    repo.write('c.txt', 'line with \x01 control byte\n\x01starts with it\n')
    repo.commit('binary and control bytes\n\nCo-authored-by: X <x@y.org>')
    repo.git('mv', 'a.txt', 'renamed.txt')
    repo.commit('rename')
    repo.write('long.txt', `${'z'.repeat(5_000)}\n`)
    repo.commit('long')
    output = execFileSync('git', gitLogArgs(repo.dir), { maxBuffer: 1 << 26 })
  })
  afterAll(() => rmSync(repo.dir, { recursive: true, force: true }))

  it('gives the same commits whatever the chunk boundaries', () => {
    const whole = parseAll(output, output.length)
    expect(whole).toHaveLength(5)
    for (const size of [1, 2, 3, 7, 64, 1000]) expect(parseAll(output, size)).toEqual(whole)
  })

  it('reads files, control bytes in text, empty commits and the cap', () => {
    const records = parseAll(output, 13).map((i) => (i.kind === 'commit' ? i.record : null))
    const [long, rename, control, empty, first] = records
    expect(first!.files).toEqual([{ path: 'a.txt', oldPath: null, status: 'A', additions: 1, deletions: 0, blobAbsent: false }])
    expect(empty!.files).toEqual([])
    expect(empty!.diff).toBe('')
    expect(control!.files.map((f) => [f.path, f.additions])).toEqual([['b.bin', null], ['c.txt', 2]])
    expect(control!.diff).toContain('+\x01starts with it\n')
    expect(control!.message).toMatch(/^binary and control bytes\n\nCo-authored-by: X <email-sha1:[0-9a-f]{40}>$/)
    expect(rename!.files).toMatchObject([{ path: 'renamed.txt', oldPath: 'a.txt', status: 'R' }])
    expect(long!.diffTruncated).toBe(true)
    expect(long!.diff).toHaveLength(1_000 + truncationMarker.length)
  })

  it('passes over skipped commits without decoding them', () => {
    const items = parseAll(output, 50, (sha) => sha === repo.head())
    expect(items[0]).toEqual({ kind: 'skipped', sha: repo.head() })
    expect(items.slice(1).every((i) => i.kind === 'commit')).toBe(true)
  })

  it('refuses output that is not in its format', () => {
    expect(() => parseAll(Buffer.from('commit 123\n'), 100)).toThrow(GitLogFormatError)
    expect(() => parseAll(output.subarray(0, 30), 100)).toThrow(/ended inside a commit/)
  })
})
