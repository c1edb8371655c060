/**
 * @module Small, pure display helpers: UTC dates, short shas, counts, platform names.
 */
import type { Platform } from './api'

/** `YYYY-MM-DD` in UTC; the input is shown unchanged when it is not a date. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—'
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 10)
}

/** `YYYY-MM-DD HH:MM:SS UTC`; the input is shown unchanged when it is not a date. */
export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return '—'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** `2019-02-14 → 2023-05-01`, one date when both ends are the same day, `—` without commits. */
export function formatSpan(first: string | null, last: string | null): string {
  if (!first || !last) return '—'
  const a = formatDate(first)
  const b = formatDate(last)
  return a === b ? a : `${a} → ${b}`
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7)
}

const numberFormat = new Intl.NumberFormat('en-US')

export function formatCount(n: number): string {
  return numberFormat.format(n)
}

/** `1 commit`, `3 commits`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`
}

export const platformNames: Record<Platform, string> = {
  github: 'GitHub',
  huggingface: 'Hugging Face',
}

/** The first line of a commit message. */
export function subjectOf(message: string): string {
  const newline = message.indexOf('\n')
  return newline === -1 ? message : message.slice(0, newline)
}

export const derivedShaNote =
  "Derived sha: the study's GitHub rows had no commit sha, so one was derived from the repository, date and message."
