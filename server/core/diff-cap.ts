/**
 * @module Cutting long diffs at a cap, with a marker, as the import format does.
 */

export const truncationMarker = '\n[... diff truncated ...]'

/**
 * Cuts a diff at `cap` characters and appends the marker; a diff that already carries the
 * marker (cut upstream) counts as truncated.
 * @example capDiff('x'.repeat(10), 4) // { diff: 'xxxx\n[... diff truncated ...]', truncated: true }
 */
export function capDiff(diff: string, cap: number): { diff: string; truncated: boolean } {
  const alreadyCut = diff.endsWith(truncationMarker)
  const body = alreadyCut ? diff.slice(0, -truncationMarker.length) : diff
  if (body.length > cap) return { diff: body.slice(0, cap) + truncationMarker, truncated: true }
  return { diff, truncated: alreadyCut }
}
