/**
 * @module Progress of long jobs: rate, ETA and a one-line rendering, from plain numbers.
 */

export type ProgressFigures = {
  done: number
  total: number | null
  /** Units per second since the start. */
  rate: number
  /** Seconds left at the current rate; null when the total or the rate is unknown. */
  etaSeconds: number | null
  /** 0..1; null when the total is unknown. */
  fraction: number | null
}

/**
 * @example progressFigures({ done: 50, total: 200, elapsedMs: 10_000 }) // rate 5, etaSeconds 30
 */
export function progressFigures(p: { done: number; total: number | null; elapsedMs: number }): ProgressFigures {
  const rate = p.elapsedMs > 0 ? (p.done * 1000) / p.elapsedMs : 0
  const left = p.total === null ? null : Math.max(p.total - p.done, 0)
  return {
    done: p.done,
    total: p.total,
    rate,
    etaSeconds: left === null || rate === 0 ? null : left / rate,
    fraction: p.total === null || p.total === 0 ? null : Math.min(p.done / p.total, 1),
  }
}

/** `1:05`, `1:02:03`; `?` when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '?'
  const s = Math.round(seconds)
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60]
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m)
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`
}

/**
 * One line for a terminal or a log.
 * @example formatProgress('import', progressFigures({ done: 50, total: 200, elapsedMs: 10_000 }))
 * // 'import [#####...............] 50/200 25% 5.0/s ETA 0:30'
 */
export function formatProgress(label: string, f: ProgressFigures, width = 20): string {
  const rate = `${f.rate >= 10 ? Math.round(f.rate) : f.rate.toFixed(1)}/s`
  if (f.fraction === null) return `${label} ${f.done} ${rate}`
  const filled = Math.round(f.fraction * width)
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`
  return `${label} ${bar} ${f.done}/${f.total} ${Math.round(f.fraction * 100)}% ${rate} ETA ${formatDuration(f.etaSeconds)}`
}
