import { describe, expect, it } from 'vitest'
import {
  cosineSimilarity,
  inverseDocumentFrequencies,
  rankBySimilarity,
  textTokens,
  tfIdfVector,
} from '../../../server/core/similarity-text'

describe('text similarity', () => {
  it('tokenizes messages and paths into words', () => {
    expect(textTokens('Update modeling_chatglm.py')).toEqual([
      'update',
      'modeling',
      'chatglm',
      'py',
    ])
    expect(textTokens('addTokenizerConfig for v2 and 3f2a9c1d')).toEqual([
      'add',
      'tokenizer',
      'config',
    ])
  })

  it('scores identical documents 1 and disjoint ones 0', () => {
    const docs = [
      textTokens('update readme'),
      textTokens('add weights'),
      textTokens('update readme links'),
    ]
    const idf = inverseDocumentFrequencies(docs)
    const v = docs.map((d) => tfIdfVector(d, idf))
    expect(cosineSimilarity(v[0]!, v[0]!)).toBeCloseTo(1, 10)
    expect(cosineSimilarity(v[0]!, v[1]!)).toBe(0)
    expect(cosineSimilarity(v[0]!, v[2]!)).toBeGreaterThan(0.5)
  })

  it('ranks the most similar first and leaves the excluded document out', () => {
    const texts = ['update readme', 'fix tokenizer vocab', 'update readme badges']
    const tokens = texts.map(textTokens)
    const idf = inverseDocumentFrequencies(tokens)
    const docs = tokens.map((t, i) => ({ id: i + 1, vector: tfIdfVector(t, idf) }))
    const ranked = rankBySimilarity(tfIdfVector(textTokens('readme update'), idf), docs, {
      exclude: 1,
    })
    expect(ranked.map((d) => d.id)).toEqual([3, 2])
  })
})
