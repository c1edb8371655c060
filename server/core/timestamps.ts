/**
 * @module Timestamps: ISO-8601 with offsets -> UTC instants, and the study's date forms.
 */

const isoWithOffset =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/

export type Instant = { utc: string; offsetMinutes: number }

/**
 * Parses an ISO-8601 timestamp; a missing offset means UTC.
 * @returns the instant in UTC (`YYYY-MM-DDTHH:MM:SSZ`) and the original offset, or null.
 * @example parseTimestamp('2023-11-03T10:00:00+08:00') // { utc: '2023-11-03T02:00:00Z', offsetMinutes: 480 }
 */
export function parseTimestamp(text: string): Instant | null {
  const m = isoWithOffset.exec(text.trim())
  if (!m) return null
  const [, y, mo, d, h, mi, s, , zone] = m
  const offsetMinutes = parseOffset(zone ?? 'Z')
  const local = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!)
  const date = new Date(local - offsetMinutes * 60_000)
  // Date.UTC rolls impossible dates (2023-02-31) over; refuse them instead.
  if (Number.isNaN(date.getTime()) || !isRealDate(+y!, +mo!, +d!) || +h! > 23 || +mi! > 59 || +s! > 60) return null
  return { utc: date.toISOString().replace(/\.\d{3}Z$/, 'Z'), offsetMinutes }
}

function parseOffset(zone: string): number {
  if (zone === 'Z') return 0
  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)))
}

function isRealDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day))
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day
}

/**
 * Parses the study's Hugging Face dates (`m/d/Y`, no time) as midnight UTC.
 * @example parseMonthDayYear('5/12/2024') // { utc: '2024-05-12T00:00:00Z', offsetMinutes: 0 }
 */
export function parseMonthDayYear(text: string): Instant | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim())
  if (!m) return null
  const [, mo, d, y] = m
  if (!isRealDate(+y!, +mo!, +d!)) return null
  return { utc: `${y}-${mo!.padStart(2, '0')}-${d!.padStart(2, '0')}T00:00:00Z`, offsetMinutes: 0 }
}
