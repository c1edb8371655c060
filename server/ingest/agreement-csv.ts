/**
 * @module Ratings from a long CSV `unit,coder,code` (`concord agreement --input`): codes are free
 * strings, multi-label codes joined by `|`, an empty code is a missing rating.
 */
import type { Rating } from '../core/agreement'
import { readCsv } from './csv'
import { IngestError } from './ingest-error'
import { splitCodes } from './long-labels'

export function parseRatingsCsv(text: string, file: string): Rating[] {
  return readCsv(text, file, { required: ['unit', 'coder', 'code'] }).map(({ line, values }) => {
    const unit = values.unit!.trim()
    const rater = values.coder!.trim()
    if (unit === '') throw new IngestError(file, line, 'unit: empty')
    if (rater === '') throw new IngestError(file, line, 'coder: empty')
    return { unit, rater, codes: splitCodes(values.code!) }
  })
}
