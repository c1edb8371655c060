/**
 * @module Reads a codebook file (Concord's JSON or a REFI-QDA `.qdc`) into a CodebookDocument.
 * The `.qdc` is checked against the rules of `Codebook.xsd` (elements, their order, required
 * attributes, guid and colour patterns) plus Concord's own (unique guids and names); a bad file
 * throws an IngestError naming the line, the element and the reason.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { z } from 'zod'
import { platforms } from '../../schema/enums'
import type { CodebookDocument, CodebookFormat, DocumentCode } from '../core/codebook-document'
import { flattenCodes, jsonFormatName, normaliseColor, normaliseGuid, qdcNamespace, unpackDescription } from '../core/codebook-document'
import { IngestError } from './ingest-error'

const guidPattern = /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})$/
const colorPattern = /^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$/

/** The format a file name implies (`.qdc` or `.json`), or null. */
export function formatOfFile(file: string): CodebookFormat | null {
  const lower = file.toLowerCase()
  return lower.endsWith('.qdc') || lower.endsWith('.xml') ? 'qdc' : lower.endsWith('.json') ? 'json' : null
}

/** Parses a codebook file; throws an IngestError on the first problem. */
export function parseCodebookFile(text: string, file: string, format: CodebookFormat): CodebookDocument {
  const doc = format === 'qdc' ? parseQdc(text, file) : parseJson(text, file)
  checkUnique(doc, file)
  return doc
}

function checkUnique(doc: CodebookDocument, file: string): void {
  const guids = new Map<string, string>()
  const names = new Map<string, string>()
  for (const { code } of flattenCodes(doc.codes)) {
    const name = code.name.trim().replace(/_/g, ' ').replace(/\s+/g, ' ').toLowerCase()
    const other = guids.get(code.guid)
    if (other !== undefined) throw new IngestError(file, null, `code '${code.name}': guid ${code.guid} is also the guid of '${other}'`)
    if (names.has(name)) throw new IngestError(file, null, `code '${code.name}': another code has the same name ('${names.get(name)}')`)
    guids.set(code.guid, code.name)
    names.set(name, code.name)
  }
}

// ---- JSON -----------------------------------------------------------------------------------

const Example = z.object({
  platform: z.enum(platforms),
  repository: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'expected owner/name'),
  sha: z.string().regex(/^[0-9a-f]{40}$/, 'expected 40 hex digits'),
  shaDerived: z.boolean().optional(),
  message: z.string().max(2_000),
  note: z.string().max(2_000).default(''),
  source: z.string().max(500).optional(),
})

type JsonCode = z.infer<typeof JsonCodeBase> & { children: JsonCode[] }
const JsonCodeBase = z.object({
  guid: z.string().regex(guidPattern, 'expected a GUID such as 1ff58b12-6f6f-4b0c-8be5-bbdc91f55294'),
  name: z.string().trim().min(1, 'must not be empty').max(100).regex(/^[^\n\r\t]*$/, 'must be one line'),
  definition: z.string().max(10_000).default(''),
  includeNotes: z.string().max(10_000).default(''),
  excludeNotes: z.string().max(10_000).default(''),
  color: z.string().regex(colorPattern, 'expected #rrggbb').nullable().default(null),
  hotkey: z.string().regex(/^[0-9a-z]$/, 'expected one character 0-9 or a-z').nullable().default(null),
  status: z.enum(['active', 'retired']).default('active'),
  isFallback: z.boolean().default(false),
  examples: z.array(Example).max(50).default([]),
})
const JsonCode: z.ZodType<JsonCode> = JsonCodeBase.extend({ children: z.lazy(() => z.array(JsonCode)).default([]) }) as never

const JsonDocument = z.object({
  format: z.literal(jsonFormatName, `expected "${jsonFormatName}"`),
  formatVersion: z.literal(1, 'only version 1 is known'),
  name: z.string().trim().min(1).max(200),
  multiLabel: z.boolean().default(false),
  codes: z.array(JsonCode),
})

function parseJson(text: string, file: string): CodebookDocument {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new IngestError(file, null, `not JSON: ${(error as Error).message}`)
  }
  const parsed = JsonDocument.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '')
    throw new IngestError(file, where || null, issue.message)
  }
  const code = (c: JsonCode): DocumentCode => ({
    ...c,
    guid: normaliseGuid(c.guid),
    color: c.color === null ? null : normaliseColor(c.color),
    children: c.children.map(code),
  })
  return { name: parsed.data.name, multiLabel: parsed.data.multiLabel, codes: parsed.data.codes.map(code) }
}

// ---- REFI-QDA ---------------------------------------------------------------------------------

type XmlNode = Record<string, unknown>
// Typed as the boxed `Symbol` by the library; it is a plain symbol at run time.
const metaKey = XMLParser.getMetaDataSymbol() as unknown as symbol

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  captureMetaData: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: '#comment',
})

/** One element of the parsed tree, with its namespace resolved and its line known. */
type Element = {
  name: string
  namespace: string | null
  attributes: Record<string, string>
  children: XmlNode[]
  line: number
  /** `CodeBook/Codes[1]/Code[2]`: where the element is. */
  path: string
  /** How errors name it (the path, or the code's name and path). */
  label: string
  /** Namespace prefixes in scope ('' is the default namespace). */
  scope: Map<string, string>
}

class QdcReader {
  private readonly lineStarts: number[] = [0]

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1)
  }

  private lineAt(index: number | undefined): number {
    if (index === undefined) return 1
    let low = 0
    let high = this.lineStarts.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if (this.lineStarts[mid]! <= index) low = mid
      else high = mid - 1
    }
    return low + 1
  }

  fail(element: Pick<Element, 'line' | 'label'>, reason: string): never {
    throw new IngestError(this.file, element.line, `element ${element.label}: ${reason}`)
  }

  /** Resolves one parsed node into an Element under its parent's namespace scope. */
  element(node: XmlNode, parent: Pick<Element, 'scope' | 'path'> | null, index: number): Element {
    const qualified = Object.keys(node).find((k) => k !== ':@')!
    const scope = new Map(parent?.scope)
    const attributes: Record<string, string> = {}
    for (const [key, value] of Object.entries((node[':@'] ?? {}) as Record<string, unknown>)) {
      if (key === 'xmlns') scope.set('', String(value))
      else if (key.startsWith('xmlns:')) scope.set(key.slice(6), String(value))
      else attributes[key] = String(value)
    }
    const colon = qualified.indexOf(':')
    const prefix = colon < 0 ? '' : qualified.slice(0, colon)
    const name = colon < 0 ? qualified : qualified.slice(colon + 1)
    const path = parent ? `${parent.path}/${name}[${index}]` : name
    const meta = (node as Record<symbol, { startIndex?: number } | undefined>)[metaKey]
    const element: Element = {
      name,
      namespace: scope.get(prefix) ?? null,
      attributes,
      children: node[qualified] as XmlNode[],
      line: this.lineAt(meta?.startIndex),
      path,
      label: path,
      scope,
    }
    if (prefix !== '' && !scope.has(prefix)) this.fail(element, `undeclared namespace prefix '${prefix}'`)
    return element
  }

  /** The element children of an element; text must be whitespace, comments are skipped. */
  elements(parent: Element): Element[] {
    const out: Element[] = []
    const counts = new Map<string, number>()
    for (const child of parent.children) {
      if ('#comment' in child) continue
      if ('#text' in child) {
        const text = String(child['#text']).trim()
        if (text !== '') this.fail(parent, `text is not allowed here ('${text.slice(0, 30)}')`)
        continue
      }
      const key = Object.keys(child).find((k) => k !== ':@')!
      const local = key.slice(key.indexOf(':') + 1)
      counts.set(local, (counts.get(local) ?? 0) + 1)
      out.push(this.element(child, parent, counts.get(local)!))
    }
    return out
  }

  /** Fails unless the element is in the codebook namespace with one of the expected names. */
  expect(element: Element, names: readonly string[], context: string): void {
    if (element.namespace !== qdcNamespace) {
      this.fail(element, `expected namespace ${qdcNamespace}, found ${element.namespace ?? 'no namespace'}`)
    }
    if (!names.includes(element.name)) this.fail(element, `unexpected element (${context})`)
  }

  /** Checks the attributes against the allowed set; namespaced ones (xsi:…, xml:…) pass. */
  attributes(element: Element, required: readonly string[], optional: readonly string[]): void {
    for (const name of required) {
      if (!(name in element.attributes)) this.fail(element, `the attribute '${name}' is required but missing`)
    }
    for (const name of Object.keys(element.attributes)) {
      if (name.includes(':')) continue
      if (!required.includes(name) && !optional.includes(name)) this.fail(element, `the attribute '${name}' is not allowed`)
    }
  }
}

function parseQdc(text: string, file: string): CodebookDocument {
  const source = text.replace(/^\uFEFF/, '')
  if (source.trim() === '') throw new IngestError(file, null, 'empty file: expected a CodeBook element')
  if (/<!DOCTYPE/i.test(source)) throw new IngestError(file, null, 'DOCTYPE declarations are not accepted in a codebook')
  const wellFormed = XMLValidator.validate(source)
  if (wellFormed !== true) throw new IngestError(file, wellFormed.err.line, `not well-formed XML: ${wellFormed.err.msg}`)
  const reader = new QdcReader(source, file)
  const top = (parser.parse(source) as XmlNode[]).filter((n) => !('#comment' in n) && !('#text' in n) && !('?xml' in n))
  if (top.length !== 1) throw new IngestError(file, null, 'expected one root element CodeBook')
  const root = reader.element(top[0]!, null, 1)
  reader.expect(root, ['CodeBook'], 'the root must be CodeBook')
  reader.attributes(root, [], ['origin'])

  const [codesSection, setsSection, extra] = reader.elements(root)
  if (!codesSection) return reader.fail(root, "the element 'Codes' is missing")
  reader.expect(codesSection, ['Codes'], 'expected Codes')
  reader.attributes(codesSection, [], [])
  if (setsSection) {
    reader.expect(setsSection, ['Sets'], 'expected Sets after Codes')
    checkSets(reader, setsSection)
  }
  if (extra) reader.fail(extra, 'unexpected element (CodeBook holds Codes and an optional Sets)')

  const codes = readCodes(reader, codesSection)
  if (codes.length === 0) reader.fail(codesSection, "missing child element: at least one 'Code' is expected")
  return { name: root.attributes.origin?.trim() || 'Imported codebook', codes }
}

function readCodes(reader: QdcReader, parent: Element): DocumentCode[] {
  const codes: DocumentCode[] = []
  for (const child of reader.elements(parent)) {
    reader.expect(child, ['Code'], `${parent.name} holds Code elements only`)
    codes.push(readCode(reader, child))
  }
  return codes
}

function readCode(reader: QdcReader, element: Element): DocumentCode {
  const name = element.attributes.name
  element.label = name === undefined ? element.path : `Code '${name}' (${element.path})`
  reader.attributes(element, ['guid', 'name', 'isCodable'], ['color'])
  const guid = element.attributes.guid!.trim()
  if (!guidPattern.test(guid)) reader.fail(element, `guid '${guid}' is not a GUID (8-4-4-4-12 hex digits)`)
  const codable = element.attributes.isCodable!.trim()
  if (!['true', 'false', '1', '0'].includes(codable)) reader.fail(element, `isCodable '${codable}' is not a boolean (true or false)`)
  const color = element.attributes.color?.trim()
  if (color !== undefined && !colorPattern.test(color)) reader.fail(element, `color '${color}' is not #RRGGBB or #RGB`)
  if (name!.trim() === '') reader.fail(element, 'the name is empty')
  if (/[\n\r\t]/.test(name!.trim()) || name!.trim().length > 100) reader.fail(element, 'the name must be one line of at most 100 characters')

  let description = ''
  const children: DocumentCode[] = []
  for (const [i, child] of reader.elements(element).entries()) {
    reader.expect(child, ['Description', 'Code'], 'a Code holds an optional Description, then Code elements')
    if (child.name === 'Description') {
      if (i !== 0) reader.fail(child, 'Description must come before the nested codes')
      reader.attributes(child, [], [])
      description = textOf(reader, child)
    } else children.push(readCode(reader, child))
  }
  const parts = unpackDescription(description)
  return {
    guid: normaliseGuid(guid),
    name: name!.trim(),
    ...parts,
    color: color === undefined ? null : normaliseColor(color),
    status: codable === 'true' || codable === '1' ? 'active' : 'retired',
    examples: parts.examples,
    children,
  }
}

function textOf(reader: QdcReader, element: Element): string {
  let text = ''
  for (const child of element.children) {
    if ('#comment' in child) continue
    if (!('#text' in child)) reader.fail(element, 'a Description holds text only')
    text += String(child['#text'])
  }
  return text
}

function checkSets(reader: QdcReader, sets: Element): void {
  reader.attributes(sets, [], [])
  const list = reader.elements(sets)
  if (list.length === 0) reader.fail(sets, "missing child element: at least one 'Set' is expected")
  for (const set of list) {
    reader.expect(set, ['Set'], 'Sets holds Set elements only')
    reader.attributes(set, ['guid', 'name'], [])
    if (!guidPattern.test(set.attributes.guid!.trim())) reader.fail(set, `guid '${set.attributes.guid}' is not a GUID`)
    for (const [i, member] of reader.elements(set).entries()) {
      reader.expect(member, ['Description', 'MemberCode'], 'a Set holds an optional Description, then MemberCode elements')
      if (member.name === 'Description') {
        if (i !== 0) reader.fail(member, 'Description must come before the member codes')
        textOf(reader, member)
        continue
      }
      reader.attributes(member, ['guid'], [])
      if (!guidPattern.test(member.attributes.guid!.trim())) reader.fail(member, `guid '${member.attributes.guid}' is not a GUID`)
      if (member.children.length > 0) reader.fail(member, 'MemberCode must be empty')
    }
  }
}
