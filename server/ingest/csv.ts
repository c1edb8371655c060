/**
 * @module CSV reading over csv-parse, with 1-based line numbers for error messages.
 */
import { parse } from 'csv-parse/sync'
import { IngestError } from './ingest-error'

/** A row by column name; `line` is where the row starts (a quoted field may span lines). */
export type CsvRow = { line: number; values: Record<string, string> }

type CsvParseError = Error & { code?: string; lines?: number; empty_lines?: number; record?: string[] }

/**
 * Parses CSV text with a header row into rows keyed by column name; columns beyond the required
 * ones are kept (and ignored by the callers).
 * @throws IngestError naming the line for malformed CSV, a row whose field count differs from
 * the header's, missing required columns, or a file without rows.
 */
export function readCsv(
  text: string,
  file: string,
  options: { delimiter?: string; required: readonly string[] },
): CsvRow[] {
  // csv-parse reports the line a record ends on; a record starts after the previous one and
  // the empty lines skipped since.
  const seen = { end: 0, emptyLines: 0 }
  const startOf = (counts: { lines?: number; empty_lines?: number }) => seen.end + 1 + (counts.empty_lines ?? 0) - seen.emptyLines
  const starts: number[] = []
  let parsed: string[][]
  try {
    parsed = parse(text, {
      delimiter: options.delimiter ?? ',',
      relax_column_count: false,
      skip_empty_lines: true,
      bom: true,
      on_record: (record: string[], context) => {
        starts.push(startOf(context))
        seen.end = context.lines
        seen.emptyLines = context.empty_lines
        return record
      },
    })
  } catch (error) {
    const e = error as CsvParseError
    throw csvError(e, file, startOf(e))
  }
  const records = parsed.map((record, i) => ({ record, line: starts[i]! }))
  const [header, ...body] = records
  if (!header) throw new IngestError(file, null, 'empty file: expected a header row')
  const columns = header.record.map((c) => c.trim())
  const missing = options.required.filter((c) => !columns.includes(c))
  if (missing.length > 0) {
    throw new IngestError(file, header.line, `header lacks column(s) ${missing.join(', ')}`)
  }
  if (body.length === 0) throw new IngestError(file, null, 'no rows: the file has a header only')
  return body.map(({ record, line }) => ({
    line,
    values: Object.fromEntries(columns.map((c, i) => [c, record[i] ?? ''])),
  }))
}

/** csv-parse's error in words, naming the line where the bad row starts. */
function csvError(e: CsvParseError, file: string, line: number): IngestError {
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
    return new IngestError(file, line, 'a quoted field opened in this row is never closed')
  }
  if (e.code === 'CSV_INVALID_CLOSING_QUOTE') {
    const found = /got "(.)"/.exec(e.message)?.[1]
    return new IngestError(
      file,
      line,
      `a quoted field opened in this row is not closed where it should be: the quote on line ${e.lines} is followed by '${found}', not a separator (an unbalanced quote?)`,
    )
  }
  if (e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' && e.record) {
    const expected = Number(/expect (\d+)/.exec(e.message)?.[1])
    const hint = e.record.length < expected ? 'is the row cut short?' : 'is a separator inside an unquoted field?'
    return new IngestError(file, line, `${e.record.length} fields where the header has ${expected} (${hint})`)
  }
  return new IngestError(file, e.lines ?? null, e.message.replace(/^[\w ]+: /, ''))
}
