import { describe, expect, it } from 'vitest'
import { estimateTokens, parseDiff, unitText } from '../../../server/core/excerpt'

const hunk = (file: string, lines: number, marker = 'x') =>
  [
    `diff --git a/${file} b/${file}`,
    `--- a/${file}`,
    `+++ b/${file}`,
    `@@ -1,${lines} +1,${lines} @@ def ${marker}()`,
    ...Array.from({ length: lines }, (_, i) => `+${marker} line ${i} ${'y'.repeat(60)}`),
  ].join('\n')

describe('unitText', () => {
  it('puts message, files and the whole diff in when they fit', () => {
    const diff = hunk('model.py', 3)
    const unit = unitText(
      {
        message: 'Fix attention',
        isMerge: false,
        files: [{ path: 'model.py', status: 'M', additions: 3, deletions: 0 }],
        diff,
      },
      { budgetTokens: 1000 },
    )
    expect(unit.diff).toBe('full')
    expect(unit.text).toContain('Message:\nFix attention')
    expect(unit.text).toContain('M model.py (+3 -0)')
    expect(unit.text).toContain(diff)
    expect(unit.tokens).toBe(estimateTokens(unit.text))
  })

  it('labels merges and commits without files from the message alone', () => {
    const merge = unitText(
      { message: "Merge branch 'main'", isMerge: true, files: [], diff: '' },
      { budgetTokens: 500 },
    )
    expect(merge.text).toMatch(/^Merge commit: yes/)
    expect(merge.text).toContain(
      'Files changed: none recorded. Label this commit from its message alone.',
    )
    expect(merge.diff).toBe('none')
  })

  it('fits a huge diff to the budget with a per-file summary and hunks from every file', () => {
    const files = ['a/model.py', 'b/train.py', 'c/data.csv', 'd/README.md']
    const diff = files.map((f, i) => hunk(f, 400, `f${i}`)).join('\n')
    const unit = unitText(
      {
        message: 'Big change',
        isMerge: false,
        files: files.map((path) => ({ path, status: 'M', additions: 400, deletions: 0 })),
        diff,
      },
      { budgetTokens: 1500 },
    )
    expect(unit.diff).toBe('excerpt')
    expect(unit.tokens).toBeLessThanOrEqual(1500)
    for (const f of files) expect(unit.text).toContain(`== ${f}: 1 hunk, 400 changed lines`)
    // The code files' hunks come before the data file's, which scores lowest.
    expect(unit.text).toContain('@@ -1,400 +1,400 @@ def f0()')
    expect(unit.text).toContain('@@ -1,400 +1,400 @@ def f1()')
    expect(unit.text).toMatch(/more lines/)
  })

  it('keeps within budget for many files and long messages', () => {
    const files = Array.from({ length: 2000 }, (_, i) => ({
      path: `weights/shard-${i}.bin`,
      status: 'A',
      additions: null,
      deletions: null,
    }))
    const unit = unitText(
      { message: 'm'.repeat(50_000), isMerge: false, files, diff: '' },
      { budgetTokens: 800 },
    )
    expect(unit.tokens).toBeLessThanOrEqual(800)
    expect(unit.omittedFiles).toBeGreaterThan(1900)
    expect(unit.text).toContain(`... and ${unit.omittedFiles} more files`)
    expect(unit.text).toContain('[... message cut ...]')
    expect(unit.text).toContain('A weights/shard-0.bin (binary)')
  })

  it('describes Git LFS pointers instead of quoting them', () => {
    const lfs = [
      'diff --git a/model.bin b/model.bin',
      '@@ -1,3 +1,3 @@',
      ' version https://git-lfs.github.com/spec/v1',
      '-oid sha256:aaa',
      '+oid sha256:bbb',
      '-size 10',
      '+size 4200',
    ].join('\n')
    expect(parseDiff(lfs)[0]!.note).toBe('Git LFS pointer (new size 4200 bytes)')
    const big = `${lfs}\n${hunk('x.py', 500)}`
    const unit = unitText(
      {
        message: 'up',
        isMerge: false,
        files: [{ path: 'model.bin' }, { path: 'x.py' }],
        diff: big,
      },
      { budgetTokens: 600 },
    )
    expect(unit.text).toContain('== model.bin: Git LFS pointer (new size 4200 bytes)')
  })
})
