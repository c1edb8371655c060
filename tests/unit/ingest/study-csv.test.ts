import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { normaliseStudyCode, parseStudyCsv } from '../../../server/ingest/study-csv'
import { sharedPath } from '../../helpers/shared'

describe('parseStudyCsv', () => {
  it('reads the GitHub file: repository from the URL, a derived stable sha, three raters', () => {
    const file = sharedPath('data', 'paper', 'GH_160_with_labels.csv')
    const rows = parseStudyCsv(readFileSync(file, 'utf8'), file, 'study-gh')
    expect(rows).toHaveLength(160)
    expect(rows[0]!.commit).toMatchObject({ platform: 'github', repo: 'FlagOpen/FlagEmbedding', shaDerived: true })
    expect(rows[0]!.commit.sha).toMatch(/^[0-9a-f]{40}$/)
    expect(rows[0]!.codes).toEqual({ coder1: 'training infrastructure', coder2: 'validation infrastructure', llm: 'validation infrastructure' })
    expect(new Set(rows.map((r) => r.commit.sha)).size).toBe(160)
    const again = parseStudyCsv(readFileSync(file, 'utf8'), file, 'study-gh')
    expect(again.map((r) => r.commit.sha)).toEqual(rows.map((r) => r.commit.sha))
  })

  it('reads the Hugging Face file: sha, m/d/Y date, files list and the open code', () => {
    const file = sharedPath('data', 'paper', 'HF_160_with_labels.reduced.csv')
    const rows = parseStudyCsv(readFileSync(file, 'utf8'), file, 'study-hf')
    expect(rows).toHaveLength(160)
    expect(rows[0]!.commit).toMatchObject({
      platform: 'huggingface',
      repo: '01-ai/Yi-1.5-9B-Chat',
      sha: '40da52c7ef202bcef3ac4c922cf94a8c7a3375b1',
      committedAt: '2024-05-12T00:00:00Z',
    })
    expect(rows[0]!.openCode).toBe('large file upload')
    expect(rows.every((r) => r.openCode !== null)).toBe(true)
  })

  it('normalises codes as the study compared them', () => {
    expect(normaliseStudyCode('pipeline_performance')).toBe('pipeline performance')
  })

  it('names the line of a bad row', () => {
    const text = 'model_name;family;title;message;commit_id;date;author;files;labels;manual_classification;oussama_classification;automatic_classification\n' +
      'a/b;f;t;;' + 'e'.repeat(40) + ';13/45/2024;x;README.md;memo;sharing;sharing;sharing\n'
    expect(() => parseStudyCsv(text, 'hf.csv', 'study-hf')).toThrow('hf.csv:2: date: expected m/d/Y')
  })
})
