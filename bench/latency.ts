/**
 * Latency figures for the benchmarks: percentiles, and a per-endpoint table of requests.
 */

/** The p-th percentile (nearest rank) of ascending `sorted`. */
export const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!

export const median = (xs: readonly number[]) => percentile([...xs].sort((a, b) => a - b), 50)

/** Latencies (ms) and failures per endpoint, in the order endpoints were first seen. */
export class LatencyTable {
  private readonly rows = new Map<string, { ms: number[]; errors: number }>()

  record(endpoint: string, ms: number, ok: boolean): void {
    const row = this.rows.get(endpoint) ?? { ms: [], errors: 0 }
    row.ms.push(ms)
    if (!ok) row.errors++
    this.rows.set(endpoint, row)
  }

  /** The sorted latencies of one endpoint (empty when it was never called). */
  sorted(endpoint: string): number[] {
    return [...(this.rows.get(endpoint)?.ms ?? [])].sort((a, b) => a - b)
  }

  /** A fixed-width table: endpoint, requests, req/s over `seconds`, p50/p95/p99/max, errors. */
  format(seconds: number): string {
    const head = ['endpoint', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors']
    const lines = [...this.rows].map(([endpoint, row]) => {
      const sorted = [...row.ms].sort((a, b) => a - b)
      const at = (p: number) => percentile(sorted, p).toFixed(1)
      return [endpoint, String(sorted.length), (sorted.length / seconds).toFixed(1), at(50), at(95), at(99), sorted.at(-1)!.toFixed(1), String(row.errors)]
    })
    const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)))
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
    return [line(head), ...lines.map(line)].map((l) => `    ${l}`).join('\n')
  }
}
