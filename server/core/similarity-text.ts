/**
 * @module Text similarity of commits (pure): word tokens from messages and paths, TF-IDF vectors
 * and cosine similarity. Used to pick the few-shot examples most like a unit and as the
 * classifier's features.
 */

/** A sparse vector: token -> weight. */
export type SparseVector = ReadonlyMap<string, number>

const stopWords = new Set(
  'a an and are as at be by for from in into is it its of on or that the this to was were with'.split(
    ' ',
  ),
)

/**
 * Lower-cased word tokens: splits on anything not a letter or digit, on camelCase and on
 * letter/digit boundaries; drops stop words, single characters, numbers and hex ids.
 * @example textTokens('Update modeling_chatglm.py') // ['update', 'modeling', 'chatglm', 'py']
 */
export function textTokens(text: string): string[] {
  const out: string[] = []
  for (const word of text.split(/[^\p{L}\p{N}]+/u)) {
    if (word === '' || /^[0-9a-f]{7,}$/i.test(word)) continue
    const parts = word
      .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
      .replace(/(\p{L})(\p{N})|(\p{N})(\p{L})/gu, (_m, a, b, c, d) =>
        a ? `${a} ${b}` : `${c} ${d}`,
      )
      .toLowerCase()
      .split(' ')
    for (const part of parts) {
      if (part.length < 2 || /^\p{N}+$/u.test(part) || stopWords.has(part)) continue
      out.push(part)
    }
  }
  return out
}

/**
 * Inverse document frequencies, smoothed as scikit-learn's: ln((1 + n) / (1 + df)) + 1.
 * @example inverseDocumentFrequencies([['a', 'b'], ['a']]).get('b') // 1.405
 */
export function inverseDocumentFrequencies(
  documents: readonly (readonly string[])[],
): Map<string, number> {
  const df = new Map<string, number>()
  for (const doc of documents)
    for (const token of new Set(doc)) df.set(token, (df.get(token) ?? 0) + 1)
  const n = documents.length
  return new Map([...df].map(([token, count]) => [token, Math.log((1 + n) / (1 + count)) + 1]))
}

/**
 * The L2-normalised TF-IDF vector of a token list; tokens unknown to `idf` weigh as the rarest.
 * @example tfIdfVector(['a', 'a'], new Map([['a', 1]])) // Map { 'a' => 1 }
 */
export function tfIdfVector(
  tokens: readonly string[],
  idf: ReadonlyMap<string, number>,
): SparseVector {
  const unseen = Math.max(1, ...idf.values()) + 1
  const tf = new Map<string, number>()
  for (const token of tokens) tf.set(token, (tf.get(token) ?? 0) + 1)
  let norm = 0
  const vector = new Map<string, number>()
  for (const [token, count] of tf) {
    const weight = count * (idf.get(token) ?? unseen)
    vector.set(token, weight)
    norm += weight * weight
  }
  norm = Math.sqrt(norm)
  if (norm > 0) for (const [token, weight] of vector) vector.set(token, weight / norm)
  return vector
}

/**
 * Cosine similarity of two L2-normalised vectors (their dot product), 0 when either is empty.
 * @example cosineSimilarity(new Map([['a', 1]]), new Map([['a', 1]])) // 1
 */
export function cosineSimilarity(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a]
  let dot = 0
  for (const [token, weight] of small) dot += weight * (large.get(token) ?? 0)
  return dot
}

/**
 * Documents most similar to a query first (ties: in the given order); `exclude` leaves one
 * document out (the unit itself).
 * @example rankBySimilarity(q, docs, { exclude: 7 }).map((d) => d.id)
 */
export function rankBySimilarity<D extends { id: number; vector: SparseVector }>(
  query: SparseVector,
  documents: readonly D[],
  options: { exclude?: number } = {},
): (D & { similarity: number })[] {
  return documents
    .filter((d) => d.id !== options.exclude)
    .map((d, order) => ({ ...d, similarity: cosineSimilarity(query, d.vector), order }))
    .sort((x, y) => y.similarity - x.similarity || x.order - y.order)
    .map(({ order: _order, ...d }) => d as D & { similarity: number })
}
