import { describe, expect, it } from 'vitest'
import { predictNaiveBayes, trainNaiveBayes } from '../../../server/labelers/classifier'

const docs = [
  { id: 1, code: 'docs', tokens: ['update', 'readme'] },
  { id: 2, code: 'docs', tokens: ['readme', 'typo'] },
  { id: 3, code: 'docs', tokens: ['readme', 'links'] },
  { id: 4, code: 'weights', tokens: ['upload', 'model', 'bin'] },
  { id: 5, code: 'weights', tokens: ['model', 'safetensors'] },
  { id: 6, code: 'weights', tokens: ['readme', 'model', 'bin'] },
]

describe('the naive Bayes classifier', () => {
  const model = trainNaiveBayes(docs)

  it('predicts the code whose words the text shares, with a posterior confidence', () => {
    const docsGuess = predictNaiveBayes(model, ['readme', 'typo'])
    expect(docsGuess.code).toBe('docs')
    expect(docsGuess.confidence).toBeGreaterThan(0.5)
    expect(docsGuess.ranking.reduce((s, r) => s + r.probability, 0)).toBeCloseTo(1, 10)
    expect(predictNaiveBayes(model, ['model', 'bin']).code).toBe('weights')
  })

  it('predicts a training document leave-one-out, without its own counts', () => {
    // Document 6 says "readme" once: with its own counts it leans to weights; without them readme's
    // evidence for docs weighs more.
    const inSample = predictNaiveBayes(model, docs[5]!.tokens)
    const leaveOneOut = predictNaiveBayes(model, docs[5]!.tokens, 6)
    expect(leaveOneOut.ranking.find((r) => r.code === 'weights')!.probability).toBeLessThan(
      inSample.ranking.find((r) => r.code === 'weights')!.probability,
    )
  })

  it('fingerprints its training data', () => {
    expect(trainNaiveBayes([...docs].reverse()).fingerprint).toBe(model.fingerprint)
    expect(trainNaiveBayes(docs.slice(1)).fingerprint).not.toBe(model.fingerprint)
  })
})
