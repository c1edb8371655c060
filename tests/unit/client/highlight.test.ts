import { describe, expect, it } from 'vitest'
import { languageOf, tokenizeLine } from '../../../client/src/highlight'

const kinds = (line: string, language: string | null) => tokenizeLine(line, language).map((t) => [t.kind, t.text])

describe('languageOf', () => {
  it('knows languages by extension and a few file names', () => {
    expect(languageOf('src/modeling_bert.py')).toBe('python')
    expect(languageOf('web/app.tsx')).toBe('c')
    expect(languageOf('config.json')).toBe('json')
    expect(languageOf('.github/workflows/ci.yml')).toBe('yaml')
    expect(languageOf('README.md')).toBe('markdown')
    expect(languageOf('Dockerfile')).toBe('shell')
    expect(languageOf('pytorch_model.bin')).toBeNull()
  })
})

describe('tokenizeLine', () => {
  it('gives back exactly the line, for any input', () => {
    const lines = ['def f(x): return "a\\"b" # c', 'x = 0x1F + 2.5e-3', '<img src=x onerror="alert(1)">', 'unterminated "string', '']
    for (const line of lines) for (const language of ['python', 'c', 'json', 'yaml', 'shell', 'markdown', null]) {
      expect(tokenizeLine(line, language).map((t) => t.text).join('')).toBe(line)
    }
  })

  it('marks keywords, strings, numbers and comments in Python', () => {
    expect(kinds('def f(x): return "hi" # note', 'python')).toEqual([
      ['keyword', 'def'],
      ['plain', ' f(x): '],
      ['keyword', 'return'],
      ['plain', ' '],
      ['string', '"hi"'],
      ['plain', ' '],
      ['comment', '# note'],
    ])
    expect(kinds('n_layer = 24', 'python')).toEqual([['plain', 'n_layer = '], ['number', '24']])
  })

  it('does not take digits inside names for numbers', () => {
    expect(kinds('layer12 = x2', 'c')).toEqual([['plain', 'layer12 = x2']])
  })

  it('handles C-like block comments and escapes in strings', () => {
    expect(kinds('const a = "x\\"y" /* c */ // d', 'c')).toEqual([
      ['keyword', 'const'],
      ['plain', ' a = '],
      ['string', '"x\\"y"'],
      ['plain', ' '],
      ['comment', '/* c */'],
      ['plain', ' '],
      ['comment', '// d'],
    ])
  })

  it('marks keys in JSON and YAML', () => {
    expect(kinds('  "hidden_size": 768,', 'json')).toEqual([
      ['plain', '  '],
      ['key', '"hidden_size"'],
      ['plain', ': '],
      ['number', '768'],
      ['plain', ','],
    ])
    expect(kinds('license: apache-2.0', 'yaml')[0]).toEqual(['key', 'license'])
  })

  it('keeps very long lines plain (minified files)', () => {
    const long = 'var a=1;'.repeat(400)
    expect(tokenizeLine(long, 'c')).toEqual([{ text: long, kind: 'plain' }])
  })
})
