/**
 * @module Decoding bytes to text. Imported files must be UTF-8 (a bad byte is an error naming
 * its line and offset); git's bytes fall back to Latin-1 item by item, as git itself stores them.
 */
import { readFile } from 'node:fs/promises'
import { IngestError } from './ingest-error'

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
const latin1 = new TextDecoder('latin1')

/** Decodes bytes as UTF-8, falling back to Latin-1 for bytes that are not valid UTF-8 (git's messages and diff lines). */
export function decodeText(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes).replace(/^\uFEFF/, '')
  } catch {
    return latin1.decode(bytes)
  }
}

/**
 * Decodes an imported file as UTF-8 (a leading BOM dropped). A file-wide Latin-1 guess would
 * garble every other non-ASCII character of a mostly-UTF-8 file and U+FFFD would silently lose
 * bytes of the data, so an invalid byte is an error instead.
 * @throws IngestError `file:LINE: not UTF-8: byte 0xff at byte offset N …`
 */
export function decodeUtf8File(bytes: Uint8Array, file: string): string {
  try {
    return strictUtf8.decode(bytes).replace(/^\uFEFF/, '')
  } catch {
    const offset = invalidUtf8Offset(bytes)
    let line = 1
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++
    const byte = bytes[offset]!.toString(16).padStart(2, '0')
    throw new IngestError(file, line, `not UTF-8: byte 0x${byte} at byte offset ${offset} (save the file as UTF-8)`)
  }
}

/** Reads an imported file as UTF-8; an unreadable file or a bad byte throws an IngestError naming it. */
export async function readImportFile(file: string): Promise<string> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(file)
  } catch (error) {
    throw new IngestError(file, null, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  return decodeUtf8File(bytes, file)
}

/** Offset of the first byte that does not start a valid UTF-8 sequence (RFC 3629), or -1. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i]!
    if (lead < 0x80) {
      i++
      continue
    }
    const trailing = lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0
    if (trailing === 0) return i
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf
    for (let k = 1; k <= trailing; k++) {
      const next = bytes[i + k]
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i
    }
    i += trailing + 1
  }
  return -1
}
