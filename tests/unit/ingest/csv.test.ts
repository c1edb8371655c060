import { describe, expect, it } from 'vitest'
import { readCsv } from '../../../server/ingest/csv'

const read = (text: string) => readCsv(text, 'f.csv', { required: ['unit', 'coder', 'code'] })

describe('readCsv', () => {
  it('reads rows by column with their line numbers; extra header columns are kept, empty lines skipped', () => {
    expect(read('\uFEFFunit,coder,code,note\nu1,a,x,\n\nu2,b,"y, z",n\n')).toEqual([
      { line: 2, values: { unit: 'u1', coder: 'a', code: 'x', note: '' } },
      { line: 4, values: { unit: 'u2', coder: 'b', code: 'y, z', note: 'n' } },
    ])
  })

  it.each([
    ['an empty file', '', 'f.csv: empty file: expected a header row'],
    ['a file of blank lines', '\n\n', 'f.csv: empty file: expected a header row'],
    ['a header only', 'unit,coder,code\n', 'f.csv: no rows: the file has a header only'],
    ['a missing column', 'unit,code\nu1,x\n', 'f.csv:1: header lacks column(s) coder'],
    ['a row cut short', 'unit,coder,code\nu1,a,x\nu2,b', 'f.csv:3: 2 fields where the header has 3 (is the row cut short?)'],
    ['a row with an extra field', 'unit,coder,code\nu1,a,x,y\n', 'f.csv:2: 4 fields where the header has 3 (is a separator inside an unquoted field?)'],
    ['a quote left open to the end', 'unit,coder,code\nu1,a,x\nu2,b,"y\nu3,c,z\n', 'f.csv:3: a quoted field opened in this row is never closed'],
    [
      'a quote closed in the wrong place',
      'unit,coder,code\nu1,a,"x\nu2,b,"y"\n',
      `f.csv:2: a quoted field opened in this row is not closed where it should be: the quote on line 3 is followed by 'y', not a separator (an unbalanced quote?)`,
    ],
  ])('names the file and line of %s', (_name, text, message) => {
    expect(() => read(text)).toThrow(message)
  })
})

describe('readCsv line numbers', () => {
  const text = 'unit,coder,code\nu1,a,"x\ny"\n\n\nu2,b,z\nu3,"c\n",w\n'
  it('name the line a row starts on, past quoted line breaks and skipped empty lines', () => {
    expect(read(text).map((r) => r.line)).toEqual([2, 6, 7])
  })

  it('name where a bad row starts when it spans lines', () => {
    expect(() => read(`${text}u4,"d\ne",v,extra\n`)).toThrow(/^f\.csv:9: 4 fields where the header has 3/)
  })
})
