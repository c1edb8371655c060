/**
 * @module Family maturity (method.md §6): a variant's age is its last HF commit day minus its
 * first; a family's is the mean over its variants; groups are tertiles. Pure: no I/O.
 *
 * @example variantAge(['2023-01-01T10:00:00Z', '2023-03-02T08:00:00Z']) // 60
 * @example
 * maturityGroups([{ family: 'a', age: 5 }, { family: 'b', age: 40 }, { family: 'c', age: 300 }])
 * // { cutPoints: [...], groups: [{ family: 'a', age: 5, group: 'Recent' }, ...], counts: {...} }
 */
import { dayNumber, minMax, utcDay } from './sync'
import type { VariantTimeline } from './sync'
import { MATURITY_LABELS, tertiles } from './similarity'

/**
 * Days between a variant's first and last HF commit (UTC days); null without commits.
 * @example variantAge(['2023-01-01T23:30:00-05:00', '2023-01-02T01:00:00Z']) // 0 (same UTC day)
 */
export function variantAge(timestamps: readonly string[]): number | null {
  if (timestamps.length === 0) return null
  const { min, max } = minMax(timestamps.map((t) => dayNumber(utcDay(t))))
  return max - min
}

export type FamilyAge = {
  /** Mean variant age in days; null when no variant has a commit. */
  age: number | null
  perVariant: { name: string; age: number }[]
  /** Variants without commits: they have no age and do not enter the mean. */
  ignoredVariants: string[]
}

/**
 * A family's age: the mean age of its variants that have commits.
 * @example
 * familyAge([
 *   { name: 'x', timestamps: ['2023-01-01', '2023-01-11'] },
 *   { name: 'y', timestamps: ['2023-05-01'] },
 * ]).age // 5 (ages 10 and 0)
 */
export function familyAge(variants: readonly VariantTimeline[]): FamilyAge {
  const perVariant: { name: string; age: number }[] = []
  const ignoredVariants: string[] = []
  for (const v of variants) {
    const age = variantAge(v.timestamps)
    if (age === null) ignoredVariants.push(v.name)
    else perVariant.push({ name: v.name, age })
  }
  const age =
    perVariant.length === 0 ? null : perVariant.reduce((s, v) => s + v.age, 0) / perVariant.length
  return { age, perVariant, ignoredVariants }
}

export type MaturityLabel = (typeof MATURITY_LABELS)[number]

/**
 * Tertile groups of family ages (cut points = type-7 1/3 and 2/3 quantiles, bins closed on the
 * right, lowest included). Labels default to Recent / Intermediate / Matured.
 * @example
 * maturityGroups([{ family: 'a', age: 5 }, { family: 'b', age: 40 }, { family: 'c', age: 300 }])
 *   .counts // { Recent: 1, Intermediate: 1, Matured: 1 }
 */
export function maturityGroups<T extends { age: number }, L extends string = MaturityLabel>(
  families: readonly T[],
  labels: readonly [L, L, L] = MATURITY_LABELS as unknown as readonly [L, L, L],
): { cutPoints: [number, number] | null; groups: (T & { group: L })[]; counts: Record<L, number> } {
  const t = tertiles(
    families.map((f) => f.age),
    labels,
  )
  return {
    cutPoints: t.cutPoints,
    groups: families.map((f, i) => ({ ...f, group: t.groups[i]! })),
    counts: t.counts,
  }
}
