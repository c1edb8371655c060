import { describe, expect, it } from 'vitest'
import { findGithubRepositoryLinks, findHuggingfaceModelLinks, passage } from '../../../server/core/family-links'

describe('findHuggingfaceModelLinks', () => {
  it('finds model ids in a README, once each, with the line they are on', () => {
    const readme = [
      '# ChatGLM3',
      '| Model | Download |',
      '| ChatGLM3-6B | [🤗 HF](https://huggingface.co/THUDM/chatglm3-6b) |',
      'Also https://hf.co/THUDM/chatglm3-6b-32k/tree/main and https://huggingface.co/THUDM/chatglm3-6b.',
      'Docs: https://huggingface.co/docs/transformers and https://huggingface.co/datasets/THUDM/LongBench',
      'Old docs: https://huggingface.co/transformers/model_doc/bert.html, org page https://huggingface.co/THUDM',
      'Space: https://huggingface.co/spaces/THUDM/ChatGLM3 (demo)',
    ].join('\n')
    expect(findHuggingfaceModelLinks(readme)).toEqual([
      { target: 'THUDM/chatglm3-6b', evidence: '| ChatGLM3-6B | [🤗 HF](https://huggingface.co/THUDM/chatglm3-6b) |' },
      { target: 'THUDM/chatglm3-6b-32k', evidence: 'Also https://hf.co/THUDM/chatglm3-6b-32k/tree/main and https://huggingface.co/THUDM/chatglm3-6b.' },
    ])
  })
})

describe('findGithubRepositoryLinks', () => {
  it('finds repositories in a model card, ignoring non-repository pages', () => {
    const card = '---\nlicense: mit\n---\nCode: https://github.com/THUDM/ChatGLM3.git\nSee https://github.com/orgs/THUDM and https://github.com/sponsors/x\n[paper](https://github.com/THUDM/GLM/blob/main/README.md).'
    expect(findGithubRepositoryLinks(card).map((l) => l.target)).toEqual(['THUDM/ChatGLM3', 'THUDM/GLM'])
    expect(findGithubRepositoryLinks(card)[1]!.evidence).toBe('[paper](https://github.com/THUDM/GLM/blob/main/README.md).')
  })
})

describe('passage', () => {
  it('cuts a long line around the match with ellipses', () => {
    const line = `${'a '.repeat(300)}LINK${' b'.repeat(300)}`
    const cut = passage(line, line.indexOf('LINK'), 4, 100)
    expect(cut.startsWith('…')).toBe(true)
    expect(cut.endsWith('…')).toBe(true)
    expect(cut).toContain('LINK')
    expect(cut.length).toBeLessThanOrEqual(102)
  })
})
