import { describe, expect, it } from 'vitest'
import { IngestError } from '../../../server/ingest/ingest-error'
import { parseCommitJsonl } from '../../../server/ingest/jsonl'

const record = {
  platform: 'github',
  repo: 'owner/name',
  sha: 'a'.repeat(40),
  parents: ['b'.repeat(40)],
  is_merge: false,
  author: 'Ada',
  author_email_sha1: 'c'.repeat(40),
  authored_at: '2023-11-03T10:00:00+08:00',
  committed_at: '2023-11-03T11:00:00+08:00',
  message: 'Add tokenizer',
  files: [{ path: 'tok.py', status: 'R', additions: 3, deletions: null, old_path: 'tokenizer.py' }],
  diff: 'diff --git a/tok.py b/tok.py',
}
const line = (r: object) => JSON.stringify(r)

describe('parseCommitJsonl', () => {
  it('normalises a record: UTC instants, offsets, files', () => {
    const [c] = parseCommitJsonl(line(record) + '\n', 'f.jsonl', 20_000)
    expect(c).toMatchObject({
      repo: 'owner/name',
      authoredAt: '2023-11-03T02:00:00Z',
      committedOffset: 480,
      files: [{ path: 'tok.py', oldPath: 'tokenizer.py', status: 'R', additions: 3, deletions: null, blobAbsent: false }],
      diffTruncated: false,
    })
  })

  it('names the file and line of invalid JSON', () => {
    const text = [line(record), line({ ...record, sha: 'd'.repeat(40) }), '{"platform": "github",'].join('\n')
    expect(() => parseCommitJsonl(text, 'bad.jsonl', 20_000)).toThrow(/^bad\.jsonl:3: not valid JSON/)
  })

  it('names the field that fails validation', () => {
    const text = line({ ...record, platform: 'gitlab' })
    const error = (() => {
      try {
        parseCommitJsonl(text, 'x.jsonl', 20_000)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(IngestError)
    expect((error as IngestError).message).toMatch(/^x\.jsonl:1: platform:/)
  })

  it('refuses a timestamp that is not ISO-8601', () => {
    expect(() => parseCommitJsonl(line({ ...record, committed_at: 'last week' }), 'x.jsonl', 20_000)).toThrow(
      'x.jsonl:1: committed_at: not an ISO-8601 timestamp',
    )
  })

  it('skips blank lines but counts them for line numbers', () => {
    expect(() => parseCommitJsonl(`${line(record)}\n\n{oops`, 'x.jsonl', 20_000)).toThrow(/^x\.jsonl:3:/)
  })

  it('caps long diffs', () => {
    const [c] = parseCommitJsonl(line({ ...record, diff: 'z'.repeat(5000) }), 'x.jsonl', 1000)
    expect(c!.diffTruncated).toBe(true)
    expect(c!.diff.startsWith('z'.repeat(1000) + '\n[...')).toBe(true)
  })
})

describe('parseCommitJsonl on files without records', () => {
  it.each([
    ['', 'x.jsonl: no commit records: the file is empty'],
    ['\n \n\r\n', 'x.jsonl: no commit records: the file holds only blank lines'],
  ])('refuses %j', (text, message) => {
    expect(() => parseCommitJsonl(text, 'x.jsonl', 20_000)).toThrow(message)
  })

  it('names the line of a last record cut mid-object, after good ones', () => {
    expect(() => parseCommitJsonl(`${line(record)}\n${line(record).slice(0, 50)}`, 'x.jsonl', 20_000)).toThrow(/^x\.jsonl:2: not valid JSON/)
  })

  it('names a nested field of the wrong type', () => {
    const bad = { ...record, files: [{ ...record.files[0], additions: '3' }] }
    expect(() => parseCommitJsonl(line(bad), 'x.jsonl', 20_000)).toThrow(/^x\.jsonl:1: files\.0\.additions: /)
  })
})
