/**
 * @module The `classifier` labeler (pure, offline): a multinomial naive Bayes text classifier
 * trained on a project's final codes, over word tokens of the message and file paths
 * (similarity-text's tokens). A commit that is itself in the training set is predicted
 * leave-one-out (its own counts removed), so evaluating against final codes stays honest.
 */
import { createHash } from 'node:crypto'

export type TrainingDocument = { id: number; code: string; tokens: readonly string[] }

export type NaiveBayesModel = {
  codes: string[]
  /** Documents per code. */
  docCounts: Map<string, number>
  /** Token counts per code. */
  tokenCounts: Map<string, Map<string, number>>
  /** Total tokens per code. */
  totals: Map<string, number>
  vocabulary: Set<string>
  documents: number
  /** Training documents by id, for leave-one-out. */
  byId: Map<number, TrainingDocument>
  /** A short hash of the training data: the labeler configuration's identity. */
  fingerprint: string
}

export type Prediction = {
  code: string
  confidence: number
  ranking: { code: string; probability: number }[]
}

/** What the classifier needs before it is used: enough final codes, over at least two codes. */
export const classifierMinimum = { documents: 30, codes: 2 }

/**
 * Trains the model (Laplace smoothing, alpha = 1).
 * @example trainNaiveBayes([{ id: 1, code: 'docs', tokens: ['readme'] }]).codes // ['docs']
 */
export function trainNaiveBayes(documents: readonly TrainingDocument[]): NaiveBayesModel {
  const docCounts = new Map<string, number>()
  const tokenCounts = new Map<string, Map<string, number>>()
  const totals = new Map<string, number>()
  const vocabulary = new Set<string>()
  for (const doc of documents) {
    docCounts.set(doc.code, (docCounts.get(doc.code) ?? 0) + 1)
    const counts = tokenCounts.get(doc.code) ?? tokenCounts.set(doc.code, new Map()).get(doc.code)!
    for (const token of doc.tokens) {
      counts.set(token, (counts.get(token) ?? 0) + 1)
      vocabulary.add(token)
    }
    totals.set(doc.code, (totals.get(doc.code) ?? 0) + doc.tokens.length)
  }
  const hash = createHash('sha256')
  for (const doc of [...documents].sort((a, b) => a.id - b.id))
    hash.update(`${doc.id}\u0000${doc.code}\u0000${doc.tokens.join(' ')}\n`)
  return {
    codes: [...docCounts.keys()].sort(),
    docCounts,
    tokenCounts,
    totals,
    vocabulary,
    documents: documents.length,
    byId: new Map(documents.map((d) => [d.id, d])),
    fingerprint: hash.digest('hex').slice(0, 12),
  }
}

/**
 * The most probable code for a token list; `id` of a training document removes that document's
 * own counts first (leave-one-out). Confidence is the winner's posterior probability.
 * @example predictNaiveBayes(model, ['readme']).code // 'docs'
 */
export function predictNaiveBayes(
  model: NaiveBayesModel,
  tokens: readonly string[],
  id?: number,
): Prediction {
  const own = id === undefined ? undefined : model.byId.get(id)
  const ownCounts = new Map<string, number>()
  if (own) for (const t of own.tokens) ownCounts.set(t, (ownCounts.get(t) ?? 0) + 1)
  const documents = model.documents - (own ? 1 : 0)
  const v = model.vocabulary.size
  const scores = model.codes.flatMap((code) => {
    const mine = own?.code === code
    const docs = (model.docCounts.get(code) ?? 0) - (mine ? 1 : 0)
    if (docs <= 0) return []
    const counts = model.tokenCounts.get(code)!
    const total = (model.totals.get(code) ?? 0) - (mine ? own!.tokens.length : 0)
    let score = Math.log(docs / documents)
    for (const token of tokens) {
      if (!model.vocabulary.has(token)) continue
      const count = (counts.get(token) ?? 0) - (mine ? (ownCounts.get(token) ?? 0) : 0)
      score += Math.log((count + 1) / (total + v))
    }
    return [{ code, score }]
  })
  const best = Math.max(...scores.map((s) => s.score))
  const weights = scores.map((s) => ({ code: s.code, w: Math.exp(s.score - best) }))
  const sum = weights.reduce((n, s) => n + s.w, 0)
  const ranking = weights
    .map((s) => ({ code: s.code, probability: s.w / sum }))
    .sort((a, b) => b.probability - a.probability || a.code.localeCompare(b.code))
  return { code: ranking[0]!.code, confidence: ranking[0]!.probability, ranking }
}
