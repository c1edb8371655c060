import { describe, expect, it } from 'vitest'
import { decodedPath, projectPath } from '../../../client/src/paths'

describe('decodedPath (the route matcher sees names, not their encoding)', () => {
  it('decodes each segment, so route params come back as the names the pages encode again', () => {
    const name = `my study <img src=x onerror=alert(1)>`
    expect(decodedPath(projectPath(name, '/commits/3'))).toBe(`/p/${name}/commits/3`)
    expect(projectPath(decodedPath(projectPath(name)).split('/')[2]!)).toBe(projectPath(name))
  })

  it('keeps a segment whose decoding holds a slash, or that is malformed, as it is', () => {
    expect(decodedPath('/p/a%2Fb/analysis')).toBe('/p/a%2Fb/analysis')
    expect(decodedPath('/p/100%/codebook')).toBe('/p/100%/codebook')
  })
})
