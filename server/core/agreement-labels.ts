/**
 * @module Label order and category labels: the one deterministic, locale-free order for units,
 * coders, codes and categories, and the label a code set stands for.
 */

/** Joins the codes of a multi-label set into one category label. */
export const SET_SEPARATOR = ' + '

const numeric = /^-?\d+(\.\d+)?$/

/** The label order, given whether each label reads as a number, and if so its value. */
function compareRead(
  a: string,
  aIsNumber: boolean,
  aValue: number,
  b: string,
  bIsNumber: boolean,
  bValue: number,
): number {
  if (aIsNumber && bIsNumber && aValue !== bValue) return aValue - bValue
  if (aIsNumber !== bIsNumber) return aIsNumber ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Deterministic, locale-free label order: numbers by value, then everything else by code unit.
 * @example ['10', '2', 'b', 'a'].sort(compareLabels) // ['2', '10', 'a', 'b']
 */
export function compareLabels(a: string, b: string): number {
  return compareRead(a, numeric.test(a), Number(a), b, numeric.test(b), Number(b))
}

/**
 * Ranks labels in label order, equal labels sharing a rank: the distinct labels sorted, and each
 * input label's position among them. Numeric readings are worked out once per label, not per
 * comparison.
 * @example rankLabels(['b', '10', 'b']) // { sorted: ['10', 'b'], ranks: Int32Array [1, 0, 1] }
 */
export function rankLabels(labels: readonly string[]): { sorted: string[]; ranks: Int32Array } {
  const isNumber = labels.map((label) => numeric.test(label))
  const value = labels.map((label, i) => (isNumber[i] ? Number(label) : 0))
  // Without numbers the order is plain code-unit order: a cheaper comparison for the same result.
  const compare = isNumber.includes(true)
    ? (i: number, j: number) =>
        compareRead(labels[i]!, isNumber[i]!, value[i]!, labels[j]!, isNumber[j]!, value[j]!)
    : (i: number, j: number) => (labels[i]! < labels[j]! ? -1 : labels[i]! > labels[j]! ? 1 : 0)
  const order = labels.map((_, i) => i).sort(compare)
  const sorted: string[] = []
  const ranks = new Int32Array(labels.length)
  order.forEach((i, k) => {
    if (k === 0 || compare(order[k - 1]!, i) !== 0) sorted.push(labels[i]!)
    ranks[i] = sorted.length - 1
  })
  return { sorted, ranks }
}

/** Distinct labels in label order. */
export function sortLabels(labels: Iterable<string>): string[] {
  return rankLabels([...labels]).sorted
}

/**
 * The single category a code set stands for when a statistic needs one value per rating
 * (Cohen, Fleiss, Gwet, nominal alpha, confusion matrices): the sorted codes, joined.
 * @example categoryOf(['b', 'a']) // 'a + b'
 */
export function categoryOf(codes: readonly string[]): string {
  // Most ratings carry one code, which is its own label: no set, sort or join needed.
  return codes.length === 1 ? codes[0]! : sortLabels(codes).join(SET_SEPARATOR)
}

/** True when both code sets hold the same codes. */
export function sameCodes(a: readonly string[], b: readonly string[]): boolean {
  return categoryOf(a) === categoryOf(b)
}
