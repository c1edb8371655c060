import { describe, expect, it } from 'vitest'
import { decodeText, decodeUtf8File, invalidUtf8Offset } from '../../../server/ingest/text'

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))))

describe('invalidUtf8Offset', () => {
  it('is -1 for valid UTF-8 of every length (ASCII, é, 中, an emoji)', () => {
    expect(invalidUtf8Offset(bytes('plain, café, 中文, 🤗'))).toBe(-1)
  })

  it.each([
    ['a Latin-1 é', bytes('caf', [0xe9]), 3],
    ['a stray continuation byte', bytes('ab', [0x80], 'c'), 2],
    ['an overlong encoding of /', bytes('a', [0xc0, 0xaf]), 1],
    ['a UTF-16 surrogate encoded as UTF-8', bytes('a', [0xed, 0xa0, 0x80]), 1],
    ['a code point past U+10FFFF', bytes([0xf4, 0x90, 0x80, 0x80]), 0],
    ['a character cut at the end of the file', bytes('中文', [0xe4, 0xb8]), 6],
    ['0xff', bytes('x'.repeat(1000), [0xff]), 1000],
  ])('finds %s', (_name, input, offset) => {
    expect(invalidUtf8Offset(input)).toBe(offset)
  })
})

describe('decodeUtf8File', () => {
  it('decodes UTF-8 and drops a leading byte-order mark', () => {
    expect(decodeUtf8File(bytes([0xef, 0xbb, 0xbf], 'a,b\n中'), 'f.csv')).toBe('a,b\n中')
  })

  it('names the line and the byte offset of the first invalid byte', () => {
    expect(() => decodeUtf8File(bytes('héader\nrow 1\nro', [0xe9], 'w 2\n'), 'f.csv')).toThrow(
      'f.csv:3: not UTF-8: byte 0xe9 at byte offset 16 (save the file as UTF-8)',
    )
  })
})

describe('decodeText (git bytes)', () => {
  it('still reads bytes that are not UTF-8 as Latin-1', () => {
    expect(decodeText(bytes('caf', [0xe9]))).toBe('café')
  })
})
