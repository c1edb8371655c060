import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { toJsonDocument, toQdc } from '../../../server/core/codebook-document'
import { defaultCodebookDocument } from '../../../server/core/default-codebook'
import { parseCodebookFile } from '../../../server/ingest/codebook-file'
import { sharedPath } from '../../helpers/shared'
import { validateQdc } from '../../helpers/xsd'

const example = (name: string) => readFileSync(sharedPath('data', 'refi-qda', name), 'utf8')

const wrap = (codes: string, root = '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="t">') =>
  `<?xml version="1.0" encoding="utf-8"?>\n${root}\n  <Codes>\n${codes}\n  </Codes>\n</CodeBook>\n`
const guid = '1ff58b12-6f6f-4b0c-8be5-bbdc91f55294'

describe('reading a REFI-QDA codebook', () => {
  it('accepts the valid example: nested codes, colour, description; a non-codable code is retired', () => {
    const doc = parseCodebookFile(example('example-valid.qdc'), 'example-valid.qdc', 'qdc')
    expect(doc.name).toBe('example')
    expect(doc.codes).toHaveLength(1)
    const [documentation] = doc.codes
    expect(documentation).toMatchObject({ name: 'documentation', color: '#46aa00', status: 'retired', definition: 'Changes to documentation', guid })
    expect(documentation!.children.map((c) => [c.name, c.status, c.color])).toEqual([['external documentation', 'active', null]])
  })

  it('rejects the invalid example naming the line, the element and the missing attribute', () => {
    expect(() => parseCodebookFile(example('example-invalid.qdc'), 'example-invalid.qdc', 'qdc')).toThrow(
      "example-invalid.qdc:6: element Code 'external documentation' (CodeBook/Codes[1]/Code[1]/Code[1]): the attribute 'isCodable' is required but missing",
    )
  })

  // Each case breaks one rule of Codebook.xsd (or of Concord); the XSD must agree where it has the rule.
  const bad: [string, string, RegExp, boolean][] = [
    ['wrong namespace', wrap(`<Code guid="${guid}" name="a" isCodable="true"/>`, '<CodeBook xmlns="urn:other">'), /:2: element CodeBook: expected namespace urn:QDA-XML:codebook:1\.0, found urn:other/, true],
    ['bad guid', wrap('<Code guid="nope" name="a" isCodable="true"/>'), /:4: element Code 'a' .*: guid 'nope' is not a GUID/, true],
    ['bad colour', wrap(`<Code guid="${guid}" name="a" isCodable="true" color="red"/>`), /:4: element Code 'a' .*: color 'red' is not #RRGGBB/, true],
    ['bad boolean', wrap(`<Code guid="${guid}" name="a" isCodable="yes"/>`), /isCodable 'yes' is not a boolean/, true],
    ['unknown attribute', wrap(`<Code guid="${guid}" name="a" isCodable="true" weight="2"/>`), /the attribute 'weight' is not allowed/, true],
    ['description after a child', wrap(`<Code guid="${guid}" name="a" isCodable="true"><Code guid="2aa58b12-6f6f-4b0c-8be5-bbdc91f55295" name="b" isCodable="true"/><Description>x</Description></Code>`), /element CodeBook\/Codes\[1\]\/Code\[1\]\/Description\[1\]: Description must come before/, true],
    ['unknown element', wrap(`<Code guid="${guid}" name="a" isCodable="true"><Memo>x</Memo></Code>`), /Memo\[1\]: unexpected element/, true],
    ['no codes', wrap(''), /element CodeBook\/Codes\[1\]: missing child element/, true],
    ['text in Codes', wrap(`stray <Code guid="${guid}" name="a" isCodable="true"/>`), /text is not allowed here \('stray'\)/, true],
    ['duplicate guid', wrap(`<Code guid="${guid}" name="a" isCodable="true"/><Code guid="${guid}" name="b" isCodable="true"/>`), /code 'b': guid .* is also the guid of 'a'/, false],
    ['duplicate name', wrap(`<Code guid="${guid}" name="a" isCodable="true"/><Code guid="2aa58b12-6f6f-4b0c-8be5-bbdc91f55295" name="A" isCodable="true"/>`), /another code has the same name/, false],
    ['not well-formed', wrap(`<Code guid="${guid}" name="a" isCodable="true">`), /:\d+: not well-formed XML/, true],
    ['a DOCTYPE', `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>${wrap(`<Code guid="${guid}" name="&a;" isCodable="true"/>`).replace(/^<\?xml[^>]*>\n/, '')}`, /DOCTYPE declarations are not accepted/, false],
  ]
  for (const [name, xml, message, xsdHasRule] of bad) {
    it(`rejects a file with ${name}`, async () => {
      expect(() => parseCodebookFile(xml, 'bad.qdc', 'qdc')).toThrow(message)
      if (xsdHasRule) expect((await validateQdc(xml)).valid).toBe(false)
    })
  }

  it('reads prefixed elements in the codebook namespace', async () => {
    const xml = `<q:CodeBook xmlns:q="urn:QDA-XML:codebook:1.0"><q:Codes><q:Code guid="{${guid.toUpperCase()}}" name="a" isCodable="1"/></q:Codes></q:CodeBook>`
    expect((await validateQdc(xml)).valid).toBe(true)
    expect(parseCodebookFile(xml, 'p.qdc', 'qdc').codes[0]).toMatchObject({ guid, name: 'a', status: 'active' })
  })
})

describe('reading Concord JSON', () => {
  it('reads back what the writer wrote, examples and hotkeys included', () => {
    const doc = defaultCodebookDocument()
    const text = JSON.stringify(toJsonDocument(doc, { version: 1, exportedAt: '2026-01-01T00:00:00Z' }))
    expect(parseCodebookFile(text, 'c.json', 'json')).toEqual(doc)
  })

  it('names the field of a bad value', () => {
    const raw = toJsonDocument(defaultCodebookDocument(), { version: 1, exportedAt: '' })
    raw.codes[2]!.color = 'blue'
    expect(() => parseCodebookFile(JSON.stringify(raw), 'c.json', 'json')).toThrow('c.json:codes[2].color: expected #rrggbb')
    expect(() => parseCodebookFile('{"format":"other"}', 'c.json', 'json')).toThrow('c.json:format: expected "concord-codebook"')
    expect(() => parseCodebookFile('{', 'c.json', 'json')).toThrow(/^c\.json: not JSON/)
  })

  it('round-trips the default codebook through .qdc: names, texts, colours, statuses', () => {
    const doc = defaultCodebookDocument()
    const back = parseCodebookFile(toQdc(doc, 'Concord'), 'd.qdc', 'qdc')
    const strip = (d: typeof doc) =>
      d.codes.map((c) => ({ guid: c.guid, name: c.name, definition: c.definition, include: c.includeNotes, exclude: c.excludeNotes, color: c.color, status: c.status, examples: c.examples.map((e) => e.sha) }))
    expect(strip(back)).toEqual(strip(doc))
  })
})

describe('reading an empty codebook file', () => {
  it.each(['', '\uFEFF\n  \n'])('refuses %j as an empty file', (text) => {
    expect(() => parseCodebookFile(text, 'c.qdc', 'qdc')).toThrow('c.qdc: empty file: expected a CodeBook element')
  })

  it('refuses a CodeBook whose Codes are empty, naming the line', () => {
    expect(() => parseCodebookFile(wrap(''), 'c.qdc', 'qdc')).toThrow(/^c\.qdc:3: element CodeBook\/Codes\[1\]: missing child element/)
  })
})
