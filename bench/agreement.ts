/**
 * Agreement statistics at scale: 200,000 units x 3 raters x 15 codes, all statistics without
 * the bootstrap, then the 1,000-resample bootstrap of alpha. Figures only.
 */
import { agreementReport, bootstrapAlpha, buildRatingTable, mulberry32, unitCounts } from '../server/core/agreement'
import type { Rating } from '../server/core/agreement'

const units = Number(process.env.BENCH_UNITS ?? 200_000)
const raters = ['coder1', 'coder2', 'llm']
const codes = Array.from({ length: 15 }, (_, i) => `code ${i + 1}`)

// Raters agree about 80% of the time, so the statistics have real work to do.
const random = mulberry32(7)
const ratings: Rating[] = []
for (let u = 0; u < units; u++) {
  const truth = codes[Math.floor(random() * codes.length)]!
  for (const rater of raters) {
    const code = random() < 0.8 ? truth : codes[Math.floor(random() * codes.length)]!
    ratings.push({ unit: `u${u}`, rater, codes: [code] })
  }
}

const time = <T>(fn: () => T): [T, number] => {
  const started = performance.now()
  const value = fn()
  return [value, (performance.now() - started) / 1000]
}

console.log(`agreement bench: ${units.toLocaleString('en')} units x ${raters.length} raters x ${codes.length} codes`)
const [report, statsSeconds] = time(() => agreementReport(ratings, { bootstrapResamples: 0 }))
console.log(
  `  all statistics, no bootstrap: ${statsSeconds.toFixed(2)} s (target under 1 s); ` +
    `alpha ${report.krippendorff_alpha?.toFixed(4)}, Fleiss ${report.fleiss_kappa?.toFixed(4)}`,
)
const counts = unitCounts(buildRatingTable(ratings))
const [boot, bootSeconds] = time(() => bootstrapAlpha(counts, { resamples: 1000, seed: 1 }))
console.log(
  `  bootstrap of alpha, 1,000 resamples: ${bootSeconds.toFixed(2)} s (target under 5 s); ` +
    `95% CI ${boot.ci95?.map((v) => v.toFixed(4)).join(' to ')}`,
)
