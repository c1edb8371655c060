import { describe, expect, it } from 'vitest'
import { formatDuration, formatProgress, progressFigures } from '../../../server/core/progress'

describe('progressFigures', () => {
  it('derives rate, ETA and fraction', () => {
    expect(progressFigures({ done: 50, total: 200, elapsedMs: 10_000 })).toEqual({
      done: 50,
      total: 200,
      rate: 5,
      etaSeconds: 30,
      fraction: 0.25,
    })
  })

  it('leaves ETA and fraction unknown without a total or before any progress', () => {
    expect(progressFigures({ done: 10, total: null, elapsedMs: 1000 })).toMatchObject({ etaSeconds: null, fraction: null })
    expect(progressFigures({ done: 0, total: 10, elapsedMs: 0 })).toMatchObject({ rate: 0, etaSeconds: null, fraction: 0 })
  })
})

describe('formatProgress', () => {
  it('draws a bar with counts, rate and ETA', () => {
    expect(formatProgress('import', progressFigures({ done: 50, total: 200, elapsedMs: 10_000 }))).toBe(
      'import [#####...............] 50/200 25% 5.0/s ETA 0:30',
    )
  })

  it('formats long durations with hours', () => {
    expect(formatDuration(3723)).toBe('1:02:03')
    expect(formatDuration(null)).toBe('?')
  })
})
