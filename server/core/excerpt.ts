/**
 * @module A commit as the text a labeler reads (pure): its message, the changed files and a diff
 * excerpt fitted to a token budget. A diff that does not fit becomes a per-file summary plus the
 * most telling hunks; merges and commits without files are described from the message alone.
 */

export type ExcerptFile = {
  path: string
  oldPath?: string | null
  status?: string | null
  additions?: number | null
  deletions?: number | null
  blobAbsent?: boolean
}

export type ExcerptInput = {
  message: string
  isMerge: boolean
  files: readonly ExcerptFile[]
  diff: string
  diffTruncated?: boolean
}

export type UnitText = {
  text: string
  /** Estimated tokens of `text` (estimateTokens). */
  tokens: number
  /** How much of the diff went in. */
  diff: 'full' | 'excerpt' | 'none'
  /** Files left out of the file list for lack of room. */
  omittedFiles: number
}

/**
 * Tokens of a text, estimated as one per 4 characters (OpenAI's rule of thumb for English and
 * code); used for budgets and cost estimates only, never for billing.
 * @example estimateTokens('abcdefgh') // 2
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4)
}

const maxLineChars = 240
const maxHunkLines = 60

/** A hunk of a unified diff with the file it belongs to. */
type Hunk = {
  file: number
  order: number
  header: string
  lines: string[]
  changed: number
  score: number
}

/** One file's part of a unified diff. */
export type DiffSection = {
  path: string
  header: string[]
  hunks: { header: string; lines: string[] }[]
  note: string | null
}

/**
 * Splits a unified diff (`git diff-tree -p`) into per-file sections and hunks. Binary files and
 * Git LFS pointers get a note instead of hunks worth reading.
 * @example parseDiff('diff --git a/x b/x\n@@ -1 +1 @@\n-a\n+b')[0].hunks.length // 1
 */
export function parseDiff(diff: string): DiffSection[] {
  const sections: DiffSection[] = []
  let current: DiffSection | null = null
  let hunk: { header: string; lines: string[] } | null = null
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      const path = /^diff --git a\/.* b\/(.*)$/.exec(line)?.[1] ?? line.slice('diff --git '.length)
      current = { path, header: [line], hunks: [], note: null }
      hunk = null
      sections.push(current)
      continue
    }
    if (!current) continue
    if (line.startsWith('@@')) {
      hunk = { header: line, lines: [] }
      current.hunks.push(hunk)
    } else if (hunk) {
      hunk.lines.push(line)
    } else {
      current.header.push(line)
      if (line.startsWith('Binary files')) current.note = 'binary file'
    }
  }
  for (const section of sections) {
    const body = section.hunks.flatMap((h) => h.lines).join('\n')
    if (body.includes('version https://git-lfs.github.com/spec')) {
      const size = /^\+size (\d+)/m.exec(body)?.[1]
      section.note = `Git LFS pointer${size ? ` (new size ${size} bytes)` : ''}`
    }
  }
  return sections
}

// Paths whose hunks tell little about the change (generated, vendored, data or lock files).
const lowValuePath =
  /(^|\/)(package-lock\.json|yarn\.lock|poetry\.lock|pnpm-lock\.yaml|Cargo\.lock)$|\.(ipynb|min\.js|svg|csv|tsv|jsonl|txt|map)$/i
const codePath =
  /\.(py|pyx|js|ts|cc|cpp|cu|c|h|hpp|rs|go|java|sh|yaml|yml|toml|cfg|ini|json|md|rst)$/i

function hunkScore(path: string, changed: number, total: number): number {
  const density = total === 0 ? 0 : changed / total
  const weight = lowValuePath.test(path) ? 0.2 : codePath.test(path) ? 1 : 0.6
  // Favour hunks that change many lines densely; beyond 40 changed lines more is not more telling.
  return weight * Math.min(changed, 40) * (0.5 + density)
}

const cut = (line: string) =>
  line.length > maxLineChars ? `${line.slice(0, maxLineChars)}…` : line

function fileLine(f: ExcerptFile): string {
  const status = f.status ?? '?'
  const moved = f.oldPath && f.oldPath !== f.path ? `${f.oldPath} -> ` : ''
  const counts = f.blobAbsent
    ? ' (content not available)'
    : f.additions == null && f.deletions == null
      ? f.status
        ? ' (binary)'
        : ''
      : ` (+${f.additions ?? 0} -${f.deletions ?? 0})`
  return `${status} ${cut(moved + f.path)}${counts}`
}

/** Text cut to a number of tokens at a line boundary when possible, with a marker. */
function fitText(text: string, tokens: number, marker: string): string {
  const chars = tokens * 4
  if (text.length <= chars) return text
  const slice = text.slice(0, Math.max(chars - marker.length - 1, 0))
  const lastBreak = slice.lastIndexOf('\n')
  return `${lastBreak > chars / 2 ? slice.slice(0, lastBreak) : slice}\n${marker}`
}

/**
 * The commit as labeler input within `budgetTokens` (estimated). Layout: an optional merge note,
 * the message (at most 35% of the budget), the file list (at most 20%, or what the message left),
 * then the whole diff if it fits, else a per-file summary and the most telling hunks: the
 * best-scoring hunk of each file first (files in diff order), then the next best, until full.
 * @example unitText({ message: 'Fix', isMerge: false, files: [], diff: '' }, { budgetTokens: 500 }).diff // 'none'
 */
export function unitText(input: ExcerptInput, options: { budgetTokens: number }): UnitText {
  const budget = Math.max(options.budgetTokens, 100)
  const parts: string[] = []
  if (input.isMerge)
    parts.push('Merge commit: yes (its files and diff are against the first parent).')
  const message = input.message.trim() === '' ? '(empty message)' : input.message.trim()
  parts.push(`Message:\n${fitText(message, Math.floor(budget * 0.35), '[... message cut ...]')}`)

  let omittedFiles = 0
  if (input.files.length === 0) {
    parts.push('Files changed: none recorded. Label this commit from its message alone.')
  } else {
    const room = Math.max(
      Math.floor(budget * 0.2),
      budget - estimateTokens(parts.join('\n\n')) - 50,
    )
    const limit = Math.min(room, Math.floor(budget * 0.2)) * 4
    const lines: string[] = []
    let used = 0
    for (const file of input.files) {
      const line = fileLine(file)
      if (used + line.length + 1 > limit && lines.length > 0) break
      lines.push(line)
      used += line.length + 1
    }
    omittedFiles = input.files.length - lines.length
    if (omittedFiles > 0) lines.push(`... and ${omittedFiles} more files`)
    parts.push(`Files changed (${input.files.length}):\n${lines.join('\n')}`)
  }

  const head = parts.join('\n\n')
  const left = budget - estimateTokens(head) - 12
  const diff = input.diff.trim()
  if (diff === '' || left < 30) {
    const text = head
    return { text, tokens: estimateTokens(text), diff: 'none', omittedFiles }
  }
  const note = input.diffTruncated ? ' (the stored diff was already cut)' : ''
  const whole = diff.split('\n').map(cut).join('\n')
  if (estimateTokens(whole) <= left) {
    const text = `${head}\n\nDiff${note}:\n${whole}`
    return { text, tokens: estimateTokens(text), diff: 'full', omittedFiles }
  }
  const text = `${head}\n\nDiff excerpt${note} (per-file summary, then the most telling hunks):\n${diffExcerpt(diff, left - 10)}`
  return { text, tokens: estimateTokens(text), diff: 'excerpt', omittedFiles }
}

/** A per-file summary and the best hunks of a diff, within `tokens`. */
function diffExcerpt(diff: string, tokens: number): string {
  const sections = parseDiff(diff)
  const summary = sections.map((s) => {
    const changed = s.hunks.reduce((n, h) => n + h.lines.filter((l) => /^[+-]/.test(l)).length, 0)
    return `== ${cut(s.path)}: ${s.note ?? `${s.hunks.length} hunk${s.hunks.length === 1 ? '' : 's'}, ${changed} changed lines`}`
  })
  const summaryText = fitText(summary.join('\n'), Math.floor(tokens * 0.3), '[... more files ...]')
  let room = (tokens - estimateTokens(summaryText)) * 4
  const hunks: Hunk[] = []
  sections.forEach((s, file) => {
    if (s.note) return
    s.hunks.forEach((h, order) => {
      const changed = h.lines.filter((l) => /^[+-]/.test(l)).length
      hunks.push({
        file,
        order,
        header: h.header,
        lines: h.lines,
        changed,
        score: hunkScore(s.path, changed, h.lines.length),
      })
    })
  })
  // Round-robin over files: every file's best hunk before any file's second best.
  const byFile = new Map<number, Hunk[]>()
  for (const h of hunks) byFile.set(h.file, [...(byFile.get(h.file) ?? []), h])
  for (const list of byFile.values()) list.sort((a, b) => b.score - a.score || a.order - b.order)
  const rounds: Hunk[] = []
  for (let depth = 0; rounds.length < hunks.length; depth++) {
    const layer = [...byFile.values()].flatMap((list) => (list[depth] ? [list[depth]!] : []))
    rounds.push(...layer.sort((a, b) => b.score - a.score || a.file - b.file))
  }
  const chosen: { hunk: Hunk; text: string }[] = []
  for (const hunk of rounds) {
    if (hunk.score <= 0) continue
    const body = hunk.lines.slice(0, maxHunkLines).map(cut)
    if (hunk.lines.length > maxHunkLines)
      body.push(`[... ${hunk.lines.length - maxHunkLines} more lines ...]`)
    const text = `${sections[hunk.file]!.path}\n${cut(hunk.header)}\n${body.join('\n')}`
    if (text.length + 2 > room) {
      if (room > 400) {
        const partial = fitText(text, Math.floor(room / 4) - 2, '[... hunk cut ...]')
        chosen.push({ hunk, text: partial })
        room -= partial.length + 2
      }
      continue
    }
    chosen.push({ hunk, text })
    room -= text.length + 2
  }
  chosen.sort((a, b) => a.hunk.file - b.hunk.file || a.hunk.order - b.hunk.order)
  return [summaryText, ...chosen.map((c) => c.text)].join('\n\n')
}
