import { describe, expect, it } from 'vitest'
import type { CodebookDocument, DocumentCode } from '../../../server/core/codebook-document'
import { flattenCodes, normaliseColor, packDescription, pickColor, toQdc, treeOf, unpackDescription } from '../../../server/core/codebook-document'
import { defaultCodebookDocument, defaultCodeGuid, defaultCodes } from '../../../server/core/default-codebook'
import { validateQdc } from '../../helpers/xsd'

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

describe('the default codebook', () => {
  it('holds the 15 change types of method.md plus the fallback unclear', () => {
    expect(defaultCodes.map((c) => c.name)).toEqual([
      'model structure', 'external documentation', 'training infrastructure', 'validation infrastructure',
      'preprocessing', 'internal documentation', 'sharing', 'project metadata', 'pipeline performance',
      'parameter tuning', 'input data', 'update dependency', 'add dependency', 'remove dependency', 'output data', 'unclear',
    ])
    expect(defaultCodes.filter((c) => c.isFallback).map((c) => c.name)).toEqual(['unclear'])
  })

  it('gives every code a definition, both kinds of notes, one or two examples and its own hotkey', () => {
    for (const code of defaultCodes) {
      expect(code.definition.length, code.name).toBeGreaterThan(30)
      expect(code.includeNotes.length, code.name).toBeGreaterThan(30)
      expect(code.excludeNotes.length, code.name).toBeGreaterThan(30)
      expect(code.examples.length, code.name).toBeGreaterThanOrEqual(1)
      expect(code.examples.length, code.name).toBeLessThanOrEqual(2)
      for (const e of code.examples) {
        expect(e.sha, code.name).toMatch(/^[0-9a-f]{40}$/)
        expect(e.source, code.name).toMatch(/^data\/(paper|commits)\//)
      }
    }
    expect(new Set(defaultCodes.map((c) => c.hotkey)).size).toBe(defaultCodes.length)
  })

  it('has stable name-based guids, distinct per code', () => {
    const doc = defaultCodebookDocument()
    expect(doc.codes.map((c) => c.guid)).toEqual(defaultCodes.map((c) => defaultCodeGuid(c.name)))
    expect(new Set(doc.codes.map((c) => c.guid)).size).toBe(16)
    for (const c of doc.codes) expect(c.guid).toMatch(guidPattern)
  })
})

describe('descriptions', () => {
  it('pack definition, notes and examples and unpack them unchanged', () => {
    for (const code of defaultCodebookDocument().codes) {
      const back = unpackDescription(packDescription(code))
      expect(back.definition).toBe(code.definition)
      expect(back.includeNotes).toBe(code.includeNotes)
      expect(back.excludeNotes).toBe(code.excludeNotes)
      expect(back.examples.map(({ source: _, ...e }) => e)).toEqual(code.examples.map(({ source: _, ...e }) => ({ ...e, message: e.message.split('\n')[0] })))
    }
  })

  it('read a description from another tool as the definition', () => {
    const text = 'Changes to documentation.\n\nSee the memo.\nExamples: none'
    expect(unpackDescription(text)).toEqual({ definition: text, includeNotes: '', excludeNotes: '', examples: [] })
  })

  it('keep notes when the definition is empty', () => {
    const back = unpackDescription(packDescription({ definition: '', includeNotes: 'Use it.', excludeNotes: '', examples: [] }))
    expect(back).toEqual({ definition: '', includeNotes: 'Use it.', excludeNotes: '', examples: [] })
  })
})

describe('trees and colours', () => {
  it('builds the tree from parent links and flattens it parents first', () => {
    const rows = [
      { id: 3, parentId: 1, name: 'c' },
      { id: 1, parentId: null, name: 'a' },
      { id: 2, parentId: null, name: 'b' },
      { id: 4, parentId: 3, name: 'd' },
    ]
    const tree = treeOf(rows, (r) => code(r.name))
    expect(tree.map((c) => c.name)).toEqual(['a', 'b'])
    expect(tree[0]!.children[0]!.children[0]!.name).toBe('d')
    expect(flattenCodes(tree).map((f) => [f.code.name, f.parent])).toEqual([['a', null], ['c', defaultCodeGuid('a')], ['d', defaultCodeGuid('c')], ['b', null]])
  })

  it('normalises colours and picks a palette colour not in use', () => {
    expect(normaliseColor('#ABC')).toBe('#aabbcc')
    const first = pickColor([])
    expect(pickColor([first])).not.toBe(first)
  })
})

describe('the REFI-QDA writer', () => {
  it('writes a codebook the XSD accepts, hierarchy, retired codes and hostile text included', async () => {
    const doc: CodebookDocument = {
      name: 'test <&> "codebook"',
      codes: [
        { ...code('docs'), status: 'retired', children: [{ ...code('readme & "cards" <x>'), definition: 'a\u0001b <b> & more\nline two' }] },
        { ...code('sharing'), color: null },
      ],
    }
    const xml = toQdc(doc, 'Concord: test')
    expect(await validateQdc(xml)).toEqual({ valid: true, errors: [] })
    expect(xml).toContain('isCodable="false"')
    expect(xml).not.toContain('\u0001')
  })
})

function code(name: string): DocumentCode {
  return { guid: defaultCodeGuid(name), name, definition: '', includeNotes: '', excludeNotes: '', color: '#112233', status: 'active', examples: [], children: [] }
}
