import { describe, expect, it } from 'vitest'
import { parseMonthDayYear, parseTimestamp } from '../../../server/core/timestamps'

describe('parseTimestamp', () => {
  it('converts an offset timestamp to UTC and keeps the offset', () => {
    expect(parseTimestamp('2023-11-03T10:00:00+08:00')).toEqual({ utc: '2023-11-03T02:00:00Z', offsetMinutes: 480 })
    expect(parseTimestamp('2019-02-11T23:30:00-07:00')).toEqual({ utc: '2019-02-12T06:30:00Z', offsetMinutes: -420 })
  })

  it('reads the study form with a space and no T', () => {
    expect(parseTimestamp('2024-06-13 08:04:40+00:00')?.utc).toBe('2024-06-13T08:04:40Z')
  })

  it('treats a missing offset as UTC', () => {
    expect(parseTimestamp('2020-01-01T00:00:00')).toEqual({ utc: '2020-01-01T00:00:00Z', offsetMinutes: 0 })
  })

  it('refuses impossible dates and garbage', () => {
    expect(parseTimestamp('2023-02-31T00:00:00Z')).toBeNull()
    expect(parseTimestamp('2023-01-01T25:00:00Z')).toBeNull()
    expect(parseTimestamp('yesterday')).toBeNull()
  })
})

describe('parseMonthDayYear', () => {
  it('reads m/d/Y as midnight UTC', () => {
    expect(parseMonthDayYear('5/12/2024')?.utc).toBe('2024-05-12T00:00:00Z')
    expect(parseMonthDayYear('11/24/2023')?.utc).toBe('2023-11-24T00:00:00Z')
  })

  it('refuses day-first or impossible dates', () => {
    expect(parseMonthDayYear('24/11/2023')).toBeNull()
    expect(parseMonthDayYear('2023-11-24')).toBeNull()
  })
})
