/**
 * @module CSV reading over csv-parse, with 1-based line numbers for error messages.
 */
import { parse } from 'csv-parse/sync'
import { IngestError } from './ingest-error'

export type CsvRow = { line: number; values: Record<string, string> }

/**
 * Parses CSV text with a header row into rows keyed by column name.
 * @throws IngestError naming the line for malformed CSV or missing required columns.
 */
export function readCsv(
  text: string,
  file: string,
  options: { delimiter?: string; required: readonly string[] },
): CsvRow[] {
  let records: { record: string[]; info: { lines: number } }[]
  try {
    records = parse(text, {
      delimiter: options.delimiter ?? ',',
      relax_column_count: false,
      skip_empty_lines: true,
      info: true,
      bom: true,
    }) as unknown as typeof records
  } catch (error) {
    const e = error as Error & { lines?: number }
    throw new IngestError(file, e.lines ?? null, e.message.replace(/^Invalid \w+ \w+: /, ''))
  }
  const [header, ...body] = records
  if (!header) throw new IngestError(file, null, 'empty file: expected a header row')
  const columns = header.record.map((c) => c.trim())
  const missing = options.required.filter((c) => !columns.includes(c))
  if (missing.length > 0) {
    throw new IngestError(file, 1, `header lacks column(s) ${missing.join(', ')}`)
  }
  return body.map(({ record, info }) => ({
    line: info.lines,
    values: Object.fromEntries(columns.map((c, i) => [c, record[i] ?? ''])),
  }))
}
