/**
 * @module Result tables of the analyses: one shape for the JSON, the CSV files, the HTML report
 * and the client's tables, plus cross-tabulation. Pure: no I/O.
 *
 * @example
 * tableToCsv({ name: 't', title: 'T', description: '', columns: ['a', 'b'], rows: [[1, 'x,y']] })
 * // 'a,b\n1,"x,y"\n'
 */

export type Cell = string | number | boolean | null

export type Table = {
  /** File-safe name (`pattern_distribution`): the CSV is `<name>.csv`. */
  name: string
  title: string
  /** What the rows are and what was left out, in a sentence or two. */
  description: string
  columns: string[]
  rows: Cell[][]
}

/**
 * RFC 4180 CSV with a header line; a cell holding a comma, quote or line break is quoted. Numbers
 * keep full precision; null is an empty cell.
 * @example tableToCsv(t).split('\n')[0] // 'a,b'
 */
export function tableToCsv(table: Table): string {
  const line = (cells: readonly Cell[]) => cells.map(csvCell).join(',')
  return [line(table.columns), ...table.rows.map(line)].join('\n') + '\n'
}

function csvCell(value: Cell): string {
  if (value === null) return ''
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * The table as JSON: its rows as objects keyed by column.
 * @example tableToJson(t).rows[0] // { a: 1, b: 'x,y' }
 */
export function tableToJson(table: Table): {
  name: string
  title: string
  description: string
  columns: string[]
  rows: Record<string, Cell>[]
} {
  return {
    name: table.name,
    title: table.title,
    description: table.description,
    columns: table.columns,
    rows: table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i] ?? null]))),
  }
}

export type CrossTab = { rows: string[]; columns: string[]; counts: number[][] }

/**
 * Counts of (row, column) pairs. Known labels keep the given order (so empty ones still show);
 * labels not listed are appended in order of first appearance.
 * @example crossTab([{ row: 'a', column: 'x' }], ['a', 'b'], ['x']).counts // [[1], [0]]
 */
export function crossTab(
  pairs: readonly { row: string; column: string }[],
  rowOrder: readonly string[] = [],
  columnOrder: readonly string[] = [],
): CrossTab {
  const rows = [...rowOrder]
  const columns = [...columnOrder]
  for (const p of pairs) {
    if (!rows.includes(p.row)) rows.push(p.row)
    if (!columns.includes(p.column)) columns.push(p.column)
  }
  const counts = rows.map(() => columns.map(() => 0))
  for (const p of pairs) counts[rows.indexOf(p.row)]![columns.indexOf(p.column)]!++
  return { rows, columns, counts }
}

/**
 * A cross-tabulation as a table: one line per row label, a column per column label, a total.
 * @example crossTabTable(tab, { name: 'x', title: 'X', description: '', rowHeader: 'pattern' })
 */
export function crossTabTable(
  tab: CrossTab,
  meta: { name: string; title: string; description: string; rowHeader: string },
): Table {
  return {
    name: meta.name,
    title: meta.title,
    description: meta.description,
    columns: [meta.rowHeader, ...tab.columns, 'total'],
    rows: tab.rows.map((r, i) => [r, ...tab.counts[i]!, sum(tab.counts[i]!)]),
  }
}

/**
 * A cell as people read it: integers as they are, other numbers to 4 significant digits, tiny
 * ones (p-values) in e-notation, null as empty.
 * @example formatCell(0.123456) // '0.1235'
 */
export function formatCell(value: Cell): string {
  if (value === null) return ''
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value)
    if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(2)
    return String(Number(value.toPrecision(4)))
  }
  return String(value)
}

/** Share of a count in a total, null when the total is 0 (rather than NaN in a CSV). */
export function share(count: number, total: number): number | null {
  return total === 0 ? null : count / total
}

export function sum(values: readonly number[]): number {
  let total = 0
  for (const v of values) total += v
  return total
}
