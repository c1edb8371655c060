import { describe, expect, it } from 'vitest'
import { mapContext, mapSnapshot, parseHeader, parseRecord } from '../../../server/core/project-archive'

const shifted = (table: string, id: number) => (table === 'rounds' ? id + 100 : table === 'codebook_versions' ? id + 200 : id + 300)

describe('ids written inside values', () => {
  it('maps the round and codebook-version ids of label contexts, and nothing else', () => {
    expect(mapContext('round:3', shifted)).toBe('round:103')
    expect(mapContext('prompt:v7|cbv:2', shifted)).toBe('prompt:v7|cbv:202')
    expect(mapContext('nb:ab12|cbv:1', shifted)).toBe('nb:ab12|cbv:201')
    expect(mapContext('', shifted)).toBe('')
    expect(mapContext('rules:round:3|cbv:x', shifted)).toBe('rules:round:3|cbv:x')
  })

  it('maps the code ids and parent ids of a codebook snapshot', () => {
    const snapshot = [
      { id: 1, name: 'a', status: 'active', parentId: null },
      { id: 2, name: 'b', status: 'active', parentId: 1, guid: 'g' },
    ]
    expect(mapSnapshot(snapshot, shifted)).toEqual([
      { id: 301, name: 'a', status: 'active', parentId: null },
      { id: 302, name: 'b', status: 'active', parentId: 301, guid: 'g' },
    ])
  })
})

describe('reading an archive', () => {
  const header = { format: 'concord-project', version: 1, exportedAt: '2026-01-01T00:00:00Z', project: 'p', tables: { projects: 1 } }

  it('takes a header of this version with known tables', () => {
    expect(parseHeader(JSON.stringify(header), ['projects'])).toEqual(header)
    expect(() => parseHeader(JSON.stringify({ ...header, version: 2 }), ['projects'])).toThrow('line 1: archive version 2: this Concord reads version 1')
    expect(() => parseHeader(JSON.stringify({ ...header, format: 'zip' }), ['projects'])).toThrow('line 1: not a Concord project archive')
    expect(() => parseHeader(JSON.stringify({ ...header, tables: { secrets: 1 } }), ['projects'])).toThrow("line 1: unknown table 'secrets'")
    expect(() => parseHeader('{"format":', ['projects'])).toThrow(/^line 1: not valid JSON/)
  })

  it('names the line of a record that is not {table, row}', () => {
    expect(parseRecord('{"table":"projects","row":{"id":1}}', 2)).toEqual({ table: 'projects', row: { id: 1 } })
    expect(() => parseRecord('{"table":"projects"}', 7)).toThrow('line 7: a record must be')
    expect(() => parseRecord('[1,2', 9)).toThrow(/^line 9: not valid JSON/)
  })
})
