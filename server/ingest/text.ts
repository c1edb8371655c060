/**
 * @module Decoding files from disk: UTF-8 when valid, else Latin-1 (as the study's files were read).
 */

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
const latin1 = new TextDecoder('latin1')

/** Decodes bytes as UTF-8, falling back to Latin-1 for files that are not valid UTF-8. */
export function decodeText(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes).replace(/^\uFEFF/, '')
  } catch {
    return latin1.decode(bytes)
  }
}
