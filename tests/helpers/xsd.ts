import { readFileSync } from 'node:fs'
import { validateXML } from 'xmllint-wasm'
import { sharedPath } from './shared'

/** Validates XML against the REFI-QDA `Codebook.xsd` of shared/ with libxml2 compiled to wasm. */
export async function validateQdc(xml: string, fileName = 'codebook.qdc'): Promise<{ valid: boolean; errors: string[] }> {
  const schema = readFileSync(sharedPath('data', 'refi-qda', 'Codebook.xsd'), 'utf8')
  const result = await validateXML({ xml: [{ fileName, contents: xml }], schema: [schema] })
  return { valid: result.valid, errors: result.errors.map((e) => e.rawMessage) }
}
