/**
 * @module Contributors shared between a family's GitHub and Hugging Face sides: author entries
 * that share an e-mail hash or a name are one person. Pure: no I/O.
 *
 * @example
 * sharedContributors(
 *   [{ name: 'Ada L', emailHash: 'h1' }],
 *   [{ name: 'ada l', emailHash: null }, { name: 'Bob', emailHash: 'h2' }],
 * ) // { github: 1, huggingface: 2, shared: [{ name: 'Ada L', matchedBy: 'name', ... }] }
 */

export type Contributor = { name: string; emailHash: string | null }

export type SharedPerson = {
  /** The first name seen for the person (GitHub side first). */
  name: string
  /** Every spelling of the name on either side. */
  names: string[]
  /** `email` when one e-mail hash appears on both sides, else `name`. */
  matchedBy: 'email' | 'name'
}

export type SharedContributors = {
  /** People (after merging entries) with at least one GitHub commit. */
  github: number
  huggingface: number
  shared: SharedPerson[]
}

/** Case, surrounding and repeated spaces do not make a different name. */
export function normaliseName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase()
}

/**
 * Merges author entries of both sides into people (union of entries sharing an e-mail hash or
 * a normalised name) and lists the people found on both sides. Empty names never match.
 * @example sharedContributors([], []).shared // []
 */
export function sharedContributors(
  github: readonly Contributor[],
  huggingface: readonly Contributor[],
): SharedContributors {
  const entries = [
    ...github.map((c) => ({ ...c, side: 'github' as const })),
    ...huggingface.map((c) => ({ ...c, side: 'huggingface' as const })),
  ]
  const parent = entries.map((_, i) => i)
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!
    return i
  }
  const firstWithKey = new Map<string, number>()
  entries.forEach((e, i) => {
    const keys = [e.emailHash ? `e:${e.emailHash}` : null, normaliseName(e.name) ? `n:${normaliseName(e.name)}` : null]
    for (const key of keys) {
      if (key === null) continue
      const seen = firstWithKey.get(key)
      if (seen === undefined) firstWithKey.set(key, i)
      else parent[find(i)] = find(seen)
    }
  })

  const people = new Map<number, typeof entries>()
  entries.forEach((e, i) => {
    const root = find(i)
    people.set(root, [...(people.get(root) ?? []), e])
  })
  let githubPeople = 0
  let huggingfacePeople = 0
  const shared: SharedPerson[] = []
  for (const members of people.values()) {
    const gh = members.filter((m) => m.side === 'github')
    const hf = members.filter((m) => m.side === 'huggingface')
    if (gh.length > 0) githubPeople++
    if (hf.length > 0) huggingfacePeople++
    if (gh.length === 0 || hf.length === 0) continue
    const ghEmails = new Set(gh.map((m) => m.emailHash).filter(Boolean))
    const names = [...new Set([...gh, ...hf].map((m) => m.name.trim()).filter(Boolean))]
    shared.push({
      name: names[0] ?? '',
      names,
      matchedBy: hf.some((m) => m.emailHash && ghEmails.has(m.emailHash)) ? 'email' : 'name',
    })
  }
  shared.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return { github: githubPeople, huggingface: huggingfacePeople, shared }
}
