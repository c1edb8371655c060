/**
 * @module Family discovery: Hugging Face model links in a GitHub README and GitHub repository
 * links in a model card (as the study found its variants), each with the passage it came from.
 */

export type FoundLink = {
  /** `owner/name`: the HF model id or the GitHub repository. */
  target: string
  /** The line around the link, as written (cut to about 300 characters around it). */
  evidence: string
}

// First path segments of huggingface.co that are not model owners.
const hfReserved = new Set(
  [
    'api', 'autotrain', 'blog', 'changelog', 'chat', 'collections', 'competitions', 'course', 'datasets', 'docs',
    'enterprise', 'hub', 'inference-api', 'inference-endpoints', 'join', 'languages', 'learn', 'login', 'metrics',
    'models', 'new', 'new-dataset', 'new-space', 'notebooks', 'oauth', 'organizations', 'papers', 'posts', 'pricing',
    'privacy', 'search', 'settings', 'spaces', 'support', 'tasks', 'terms-of-service', 'transformers', 'welcome',
  ].map((s) => s.toLowerCase()),
)

// First path segments of github.com that are not repository owners.
const githubReserved = new Set([
  'about', 'apps', 'collections', 'contact', 'customer-stories', 'enterprise', 'explore', 'features', 'issues',
  'login', 'marketplace', 'notifications', 'orgs', 'pricing', 'pulls', 'readme', 'search', 'security', 'settings',
  'site', 'sponsors', 'team', 'topics', 'trending', 'user-attachments', 'users',
])

const hfUrl = /https?:\/\/(?:www\.)?(?:huggingface\.co|hf\.co)\/([A-Za-z0-9][\w.-]*)\/([A-Za-z0-9][\w.-]*)/g
const githubUrl = /https?:\/\/(?:www\.)?github\.com\/([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9_.-]+)/g

/**
 * Hugging Face model ids linked from a text (a GitHub README), first mention's passage each.
 * @example findHuggingfaceModelLinks('See https://huggingface.co/THUDM/chatglm3-6b.')[0].target // 'THUDM/chatglm3-6b'
 */
export function findHuggingfaceModelLinks(text: string): FoundLink[] {
  return findLinks(text, hfUrl, hfReserved)
}

/**
 * GitHub repositories linked from a text (a model card).
 * @example findGithubRepositoryLinks('[code](https://github.com/THUDM/ChatGLM3)')[0].target // 'THUDM/ChatGLM3'
 */
export function findGithubRepositoryLinks(text: string): FoundLink[] {
  return findLinks(text, githubUrl, githubReserved)
}

function findLinks(text: string, pattern: RegExp, reserved: Set<string>): FoundLink[] {
  const found = new Map<string, FoundLink>()
  for (const match of text.matchAll(pattern)) {
    const owner = match[1]!
    const name = match[2]!.replace(/\.git$/i, '').replace(/[.]+$/, '')
    if (!name || reserved.has(owner.toLowerCase())) continue
    const target = `${owner}/${name}`
    const key = target.toLowerCase()
    if (!found.has(key)) found.set(key, { target, evidence: passage(text, match.index, match[0].length) })
  }
  return [...found.values()]
}

/** The line holding [start, start+length), trimmed, cut to ~300 characters around the match. */
export function passage(text: string, start: number, length: number, width = 300): string {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1
  const newline = text.indexOf('\n', start + length)
  const lineEnd = newline === -1 ? text.length : newline
  let from = lineStart
  let to = lineEnd
  if (to - from > width) {
    const room = Math.max(0, Math.floor((width - length) / 2))
    from = Math.max(lineStart, start - room)
    to = Math.min(lineEnd, start + length + room)
  }
  const body = text.slice(from, to).trim()
  return `${from > lineStart ? '…' : ''}${body}${to < lineEnd ? '…' : ''}`
}
