/**
 * @module A codebook as a document for exchange: the tree every format maps to, and the writers
 * for Concord's JSON and the REFI-QDA Codebook (`.qdc`, namespace `urn:QDA-XML:codebook:1.0`).
 * Pure: no I/O. Reading the formats back lives in `ingest/codebook-file.ts`.
 */
import { XMLBuilder } from 'fast-xml-parser'
import type { CodeExampleRef } from '../../schema/codebooks'

export const codebookFormats = ['json', 'qdc'] as const
export type CodebookFormat = (typeof codebookFormats)[number]

export const qdcNamespace = 'urn:QDA-XML:codebook:1.0'
/** The `format` field of Concord's JSON codebook. */
export const jsonFormatName = 'concord-codebook'

export type DocumentCode = {
  guid: string
  name: string
  definition: string
  includeNotes: string
  excludeNotes: string
  /** `#rrggbb`; null when the source had none (a colour is then assigned). */
  color: string | null
  /** Absent in formats without hotkeys (REFI-QDA). */
  hotkey?: string | null
  status: 'active' | 'retired'
  /** Absent in formats without the notion: a code named `unclear` is then the fallback. */
  isFallback?: boolean
  examples: CodeExampleRef[]
  children: DocumentCode[]
}

export type CodebookDocument = {
  name: string
  /** Absent in REFI-QDA, which has no such setting. */
  multiLabel?: boolean
  codes: DocumentCode[]
}

/** The codes of a tree in depth-first order, each with its parent's guid. */
export function flattenCodes(codes: readonly DocumentCode[], parent: string | null = null): { code: DocumentCode; parent: string | null }[] {
  return codes.flatMap((code) => [{ code, parent }, ...flattenCodes(code.children, code.guid)])
}

/**
 * Builds the tree from flat rows with parent links; rows keep their order among siblings.
 * A parent missing from the rows makes its child a root.
 */
export function treeOf<T extends { id: number; parentId: number | null }>(rows: readonly T[], toCode: (row: T) => Omit<DocumentCode, 'children'>): DocumentCode[] {
  const ids = new Set(rows.map((r) => r.id))
  const build = (parentId: number | null): DocumentCode[] =>
    rows
      .filter((r) => (parentId === null ? r.parentId === null || !ids.has(r.parentId) : r.parentId === parentId))
      .map((r) => ({ ...toCode(r), children: build(r.id) }))
  return build(null)
}

/** A guid as Concord stores it: lower case, without braces. */
export function normaliseGuid(guid: string): string {
  return guid.trim().replace(/^\{|\}$/g, '').toLowerCase()
}

/**
 * A colour as Concord stores it: `#rrggbb` in lower case.
 * @example normaliseColor('#ABC') === '#aabbcc'
 */
export function normaliseColor(color: string): string {
  const hex = color.trim().slice(1).toLowerCase()
  return `#${hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex}`
}

/** Colours for new codes (a qualitative palette distinct from the default codes' colours). */
export const codePalette = [
  '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd', '#e6550d', '#31a354',
  '#756bb1', '#636363', '#6baed6', '#fd8d3c', '#74c476', '#9e9ac8', '#969696', '#9c9ede',
] as const

/**
 * The first palette colour no code uses yet (cycling when all are taken).
 * @example pickColor(['#393b79']) === '#637939'
 */
export function pickColor(used: Iterable<string>): string {
  const taken = new Set([...used].map((c) => c.toLowerCase()))
  const free = codePalette.find((c) => !taken.has(c))
  return free ?? codePalette[taken.size % codePalette.length]!
}

// ---- Description: REFI-QDA has one text per code; notes and examples go in labelled sections ----

const includeHeading = 'When to use: '
const excludeHeading = 'When not to use: '
const examplesHeading = 'Examples:'

/** The code's definition, notes and examples as one REFI-QDA description. */
export function packDescription(code: Pick<DocumentCode, 'definition' | 'includeNotes' | 'excludeNotes' | 'examples'>): string {
  const parts = [code.definition.trim()]
  if (code.includeNotes.trim()) parts.push(includeHeading + code.includeNotes.trim())
  if (code.excludeNotes.trim()) parts.push(excludeHeading + code.excludeNotes.trim())
  if (code.examples.length > 0) {
    const lines = code.examples.flatMap((e) => [
      `- ${e.platform} ${e.repository}@${e.sha}${e.shaDerived ? ' (derived sha)' : ''}`,
      `  ${JSON.stringify(firstLine(e.message))}`,
      ...(e.note.trim() ? [`  Why: ${e.note.trim()}`] : []),
    ])
    parts.push([examplesHeading, ...lines].join('\n'))
  }
  return parts.filter((p) => p !== '').join('\n\n')
}

/**
 * Splits a description written by `packDescription` back into its parts; any other text (a
 * description from another tool) is all definition.
 */
export function unpackDescription(text: string): Pick<DocumentCode, 'definition' | 'includeNotes' | 'excludeNotes' | 'examples'> {
  const out = { definition: '', includeNotes: '', excludeNotes: '', examples: [] as CodeExampleRef[] }
  const sections = text.replace(/\r\n?/g, '\n').split(/\n\n(?=When to use: |When not to use: |Examples:\n)/)
  const rest: string[] = []
  for (const section of sections) {
    if (section.startsWith(includeHeading)) out.includeNotes = section.slice(includeHeading.length).trim()
    else if (section.startsWith(excludeHeading)) out.excludeNotes = section.slice(excludeHeading.length).trim()
    else if (section.startsWith(`${examplesHeading}\n`)) {
      const examples = parseExamples(section.slice(examplesHeading.length + 1))
      if (examples) out.examples = examples
      else rest.push(section)
    } else rest.push(section)
  }
  out.definition = rest.join('\n\n').trim()
  return out
}

function parseExamples(block: string): CodeExampleRef[] | null {
  const examples: CodeExampleRef[] = []
  for (const line of block.split('\n')) {
    const head = /^- (github|huggingface) (\S+?)@([0-9a-f]{40})( \(derived sha\))?$/.exec(line)
    if (head) {
      examples.push({ platform: head[1] as CodeExampleRef['platform'], repository: head[2]!, sha: head[3]!, message: '', note: '', ...(head[4] ? { shaDerived: true } : {}) })
      continue
    }
    const current = examples.at(-1)
    if (!current) return null
    if (line.startsWith('  Why: ')) current.note = line.slice(7).trim()
    else if (line.startsWith('  "')) {
      try {
        current.message = String(JSON.parse(line.trim()))
      } catch {
        return null
      }
    } else return null
  }
  return examples
}

function firstLine(text: string): string {
  const line = text.split('\n')[0]!.trim()
  return line.length > 200 ? `${line.slice(0, 199)}…` : line
}

// ---- Writers --------------------------------------------------------------------------------

/** Concord's JSON codebook: the whole tree with every field, including hotkeys and examples. */
export function toJsonDocument(doc: CodebookDocument, meta: { version: number; exportedAt: string }) {
  const code = (c: DocumentCode): Record<string, unknown> => ({
    guid: c.guid,
    name: c.name,
    definition: c.definition,
    includeNotes: c.includeNotes,
    excludeNotes: c.excludeNotes,
    color: c.color,
    hotkey: c.hotkey ?? null,
    status: c.status,
    isFallback: c.isFallback ?? false,
    examples: c.examples,
    children: c.children.map(code),
  })
  return {
    format: jsonFormatName,
    formatVersion: 1,
    name: doc.name,
    multiLabel: doc.multiLabel ?? false,
    version: meta.version,
    exportedAt: meta.exportedAt,
    codes: doc.codes.map(code),
  }
}

// XML 1.0 cannot carry these control characters at all, even escaped.
const xmlForbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g
const xmlText = (text: string) => text.replace(xmlForbidden, '')

/**
 * The REFI-QDA Codebook XML: nested `Code` elements with guid, name, isCodable (false for a
 * retired code) and colour, and the packed description. A codebook without codes has no valid
 * `.qdc` (the schema requires one code at least), so the caller must refuse it.
 */
export function toQdc(doc: CodebookDocument, origin: string): string {
  type Node = Record<string, unknown>
  const code = (c: DocumentCode): Node => {
    const description = xmlText(packDescription(c))
    const children: Node[] = []
    if (description) children.push({ Description: [{ '#text': description }] })
    children.push(...c.children.map(code))
    const attributes: Record<string, string> = {
      guid: c.guid,
      name: xmlText(c.name),
      isCodable: c.status === 'active' ? 'true' : 'false',
    }
    if (c.color) attributes.color = c.color.toUpperCase()
    return { Code: children, ':@': attributes }
  }
  const tree = [
    { '?xml': [{ '#text': '' }], ':@': { version: '1.0', encoding: 'utf-8' } },
    { CodeBook: [{ Codes: doc.codes.map(code) }], ':@': { xmlns: qdcNamespace, origin: xmlText(origin) } },
  ]
  const builder = new XMLBuilder({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    format: true,
    indentBy: '  ',
    suppressEmptyNode: true,
  })
  return `${builder.build(tree).trim()}\n`
}
