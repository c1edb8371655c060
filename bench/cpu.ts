/**
 * CPU time from /proc (Linux): a figure the machine's other load does not inflate.
 */
import { readFileSync } from 'node:fs'

/**
 * CPU seconds used so far by a process and the children it has reaped, from
 * /proc/<pid>/stat; null where there is no /proc.
 */
export function cpuSeconds(pid: number | 'self' = 'self'): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // utime, stime, cutime, cstime are fields 14-17 (1-based) of the whole line.
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0)
    return ticks / 100
  } catch {
    return null
  }
}
