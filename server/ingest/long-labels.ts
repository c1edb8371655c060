/**
 * @module Parses codes made elsewhere: a CSV `repo,sha,coder,code` (optional `platform`).
 */
import { platforms } from '../../schema/enums'
import type { Platform } from '../../schema/enums'
import { readCsv } from './csv'
import { IngestError } from './ingest-error'

export type LongLabelRow = {
  line: number
  platform: Platform | null
  repo: string
  sha: string
  coder: string
  codes: string[]
}

/** Multi-label codes are joined by `|`. */
export function splitCodes(cell: string): string[] {
  return [...new Set(cell.split('|').map((c) => c.trim()).filter((c) => c !== ''))]
}

export function parseLongLabels(text: string, file: string): LongLabelRow[] {
  return readCsv(text, file, { required: ['repo', 'sha', 'coder', 'code'] }).map(({ line, values }) => {
    const platform = (values.platform ?? '').trim()
    if (platform !== '' && !(platforms as readonly string[]).includes(platform)) {
      throw new IngestError(file, line, `platform: must be github or huggingface`)
    }
    const row = {
      line,
      platform: platform === '' ? null : (platform as Platform),
      repo: values.repo!.trim(),
      sha: values.sha!.trim(),
      coder: values.coder!.trim(),
      codes: splitCodes(values.code!),
    }
    for (const field of ['repo', 'sha', 'coder'] as const) {
      if (row[field] === '') throw new IngestError(file, line, `${field}: empty`)
    }
    if (row.codes.length === 0) throw new IngestError(file, line, 'code: empty')
    return row
  })
}
