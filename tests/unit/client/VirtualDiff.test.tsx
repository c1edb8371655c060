// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest'
import { cleanup, render } from '@solidjs/testing-library'
import { afterEach, describe, expect, it } from 'vitest'
import { diffRows, visibleWindow, VirtualDiff } from '../../../client/src/components/VirtualDiff'

afterEach(cleanup)

const hostile = '<img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script>'

function bigDiff(lines: number): string {
  const body = Array.from({ length: lines }, (_, i) => `+    x_${i} = ${i}  # line ${i}`)
  return ['diff --git a/big.py b/big.py', '--- a/big.py', '+++ b/big.py', `@@ -0,0 +1,${lines} @@`, ...body].join('\n')
}

describe('diffRows', () => {
  it('numbers old and new lines from the hunk headers and knows each file’s language', () => {
    const rows = diffRows(['diff --git a/m.py b/m.py', '@@ -10,3 +20,3 @@', ' a', '-b', '+c', 'diff --git a/r.md b/r.md', '@@ -1 +1 @@', '+# T'].join('\n'))
    expect(rows.map((r) => [r.oldLine, r.newLine])).toEqual([[null, null], [null, null], [10, 20], [11, null], [null, 21], [null, null], [null, null], [null, 1]])
    expect(rows[2]!.language).toBe('python')
    expect(rows[7]!.language).toBe('markdown')
  })
})

describe('visibleWindow', () => {
  it('covers the viewport plus a margin, clamped to the diff', () => {
    expect(visibleWindow(0, 360, 20_000)).toEqual({ start: 0, end: 50 })
    const middle = visibleWindow(18 * 10_000, 360, 20_000)
    expect(middle.start).toBe(10_000 - 30)
    expect(middle.end).toBe(10_000 + 20 + 30)
    expect(visibleWindow(18 * 20_000, 360, 20_000).end).toBe(20_000)
  })
})

describe('VirtualDiff', () => {
  it('puts only a window of a 20,000-line diff in the DOM, with a spacer of the full height', () => {
    const { container } = render(() => <VirtualDiff diff={bigDiff(20_000)} />)
    const rows = container.querySelectorAll('.vdiff-row')
    expect(rows.length).toBeGreaterThan(10)
    expect(rows.length).toBeLessThan(200)
    const spacer = container.querySelector('.vdiff-spacer') as HTMLElement
    expect(spacer.style.height).toBe(`${20_004 * 18}px`)
    expect(container.querySelector('.tok-comment')?.textContent).toBe('# line 0')
  })

  it('renders hostile diff text as text', () => {
    const { container } = render(() => <VirtualDiff diff={`diff --git a/x.html b/x.html\n@@ -1 +1 @@\n+${hostile}\n+"${hostile}"`} />)
    expect(container.querySelector('img')).toBeNull()
    expect(container.querySelector('script')).toBeNull()
    expect(container.textContent).toContain(hostile)
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined()
  })
})
