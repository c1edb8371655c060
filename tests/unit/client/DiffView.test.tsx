// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest'
import { cleanup, render, screen } from '@solidjs/testing-library'
import { afterEach, describe, expect, it } from 'vitest'
import { DiffView, diffLineKind, splitDiff } from '../../../client/src/components/DiffView'

afterEach(cleanup)

const sample = [
  'diff --git a/model.py b/model.py',
  'index 29ed984..b5c4253 100644',
  '--- a/model.py',
  '+++ b/model.py',
  '@@ -1,3 +1,3 @@ def main():',
  ' import torch',
  '-x = 1',
  '+x = 2',
  ' print(x)',
].join('\n')

describe('diffLineKind', () => {
  it('tells file headers, meta lines, hunks, additions, deletions and context apart', () => {
    expect(diffLineKind('diff --git a/x b/x')).toBe('file')
    expect(diffLineKind('--- a/x')).toBe('meta')
    expect(diffLineKind('+++ b/x')).toBe('meta')
    expect(diffLineKind('index 1..2 100644')).toBe('meta')
    expect(diffLineKind('@@ -1 +1 @@')).toBe('hunk')
    expect(diffLineKind('+added')).toBe('add')
    expect(diffLineKind('-removed')).toBe('del')
    expect(diffLineKind(' same')).toBe('context')
    expect(diffLineKind('')).toBe('context')
  })

  it('drops only the final empty line of a diff ending in a newline', () => {
    expect(splitDiff('+a\n\n-b\n').map((l) => l.text)).toEqual(['+a', '', '-b'])
    expect(splitDiff('')).toEqual([])
  })
})

describe('DiffView', () => {
  it('renders one element per line with a class per kind', () => {
    const { container } = render(() => <DiffView diff={sample} />)
    const lines = [...container.querySelectorAll('.diff-line')]
    expect(lines).toHaveLength(9)
    expect(lines.map((l) => l.className.replace('diff-line ', ''))).toEqual([
      'diff-file',
      'diff-meta',
      'diff-meta',
      'diff-meta',
      'diff-hunk',
      'diff-context',
      'diff-del',
      'diff-add',
      'diff-context',
    ])
    expect(lines[7]).toHaveTextContent('+x = 2')
    expect(container.querySelector('pre.diff')?.textContent).toBe(`${sample}\n`)
  })

  it('shows markup in a diff as literal text and creates no element from it', () => {
    const hostile = [
      'diff --git a/index.html b/index.html',
      '@@ -0,0 +1,3 @@',
      '+<script>alert(1)</script>',
      '+<img src=x onerror="alert(2)">',
      '-<b onclick="alert(3)">bold</b>',
    ].join('\n')
    const { container } = render(() => <DiffView diff={hostile} />)
    const pre = container.querySelector('pre.diff')!
    expect(pre).toHaveTextContent('+<script>alert(1)</script>')
    expect(pre).toHaveTextContent('+<img src=x onerror="alert(2)">')
    expect(container.querySelector('script')).toBeNull()
    expect(container.querySelector('img')).toBeNull()
    expect(container.querySelector('b')).toBeNull()
    expect(container.querySelector('[onerror]')).toBeNull()
    expect(container.querySelector('[onclick]')).toBeNull()
    // Every line element holds text nodes only.
    for (const line of container.querySelectorAll('.diff-line')) {
      expect(line.children).toHaveLength(0)
    }
  })

  it('shows a notice when the diff was truncated, and none otherwise', () => {
    const truncated = render(() => <DiffView diff={sample} truncated />)
    expect(truncated.getByRole('note')).toHaveTextContent(/truncated/i)
    cleanup()
    render(() => <DiffView diff={sample} truncated={false} />)
    expect(screen.queryByRole('note')).toBeNull()
  })

  it('says so when there is no diff', () => {
    const { container } = render(() => <DiffView diff="" />)
    expect(container).toHaveTextContent('No diff stored for this commit.')
    expect(container.querySelector('pre.diff')).toBeNull()
  })

  it('renders a 20,000-character diff line by line', () => {
    const body = Array.from({ length: 800 }, (_, i) => `${i % 2 ? '+' : '-'}line ${i} ${'x'.repeat(16)}`).join('\n')
    expect(body.length).toBeGreaterThan(20_000)
    const started = performance.now()
    const { container } = render(() => <DiffView diff={body} truncated />)
    expect(container.querySelectorAll('.diff-line')).toHaveLength(800)
    expect(container.querySelectorAll('.diff-add')).toHaveLength(400)
    expect(performance.now() - started).toBeLessThan(2_000)
  })
})
