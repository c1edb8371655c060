// Preloaded into a benchmarked process: reports its peak resident set size on exit.
import { writeSync } from 'node:fs'

process.on('exit', () => {
  writeSync(2, `\nconcord-bench-max-rss-kb=${process.resourceUsage().maxRSS}\n`)
})
