import { describe, expect, it } from 'vitest'
import { parseFamiliesJson } from '../../../server/ingest/families'

describe('parseFamiliesJson', () => {
  it('takes the union of huggingface and mirrored_hf as variants and ignores unknown fields', () => {
    const text = JSON.stringify([
      { family: 'bert', github: 'google-research/bert', huggingface: ['a/x', 'a/y'], mirrored_hf: ['a/y', 'a/z'], extra: 1 },
      { family: 'gpt-2', github: 'openai/gpt-2' },
    ])
    expect(parseFamiliesJson(text, 'f.json')).toEqual([
      { name: 'bert', github: 'google-research/bert', variants: ['a/x', 'a/y', 'a/z'] },
      { name: 'gpt-2', github: 'openai/gpt-2', variants: [] },
    ])
  })

  it('names the entry and field that is missing', () => {
    const text = JSON.stringify([{ family: 'ok', github: 'a/b' }, { family: 'no-github' }])
    expect(() => parseFamiliesJson(text, 'f.json')).toThrow(/^f\.json:\[1\]\.github: /)
  })

  it('refuses a file that is not an array', () => {
    expect(() => parseFamiliesJson('{}', 'f.json')).toThrow('f.json: expected a JSON array of families')
  })
})
