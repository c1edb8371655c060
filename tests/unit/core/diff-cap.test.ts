import { describe, expect, it } from 'vitest'
import { capDiff, truncationMarker } from '../../../server/core/diff-cap'

describe('capDiff', () => {
  it('keeps a diff within the cap as it is', () => {
    expect(capDiff('abc', 10)).toEqual({ diff: 'abc', truncated: false })
  })

  it('cuts a longer diff at the cap and appends the marker', () => {
    const { diff, truncated } = capDiff('x'.repeat(25), 10)
    expect(truncated).toBe(true)
    expect(diff).toBe('x'.repeat(10) + truncationMarker)
  })

  it('counts a diff cut upstream as truncated without cutting it again', () => {
    const upstream = 'y'.repeat(10) + truncationMarker
    expect(capDiff(upstream, 10)).toEqual({ diff: upstream, truncated: true })
  })

  it('cuts an upstream-cut diff again when the local cap is lower', () => {
    expect(capDiff('y'.repeat(10) + truncationMarker, 4).diff).toBe('yyyy' + truncationMarker)
  })
})
