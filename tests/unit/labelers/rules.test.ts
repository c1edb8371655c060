import { describe, expect, it } from 'vitest'
import { defaultCodes } from '../../../server/core/default-codebook'
import { labelByRules, messageRules, pathRules } from '../../../server/labelers/rules'
import type { RuleInput } from '../../../server/labelers/rules'

const commit = (
  message: string,
  paths: string[] = [],
  extra: Partial<RuleInput> = {},
): RuleInput => ({
  message,
  isMerge: false,
  files: paths.map((path) => ({ path })),
  diff: '',
  ...extra,
})

describe('the rules labeler', () => {
  it('decides merges, syncs and uploads as sharing', () => {
    expect(labelByRules(commit('Fix', ['README.md'], { isMerge: true }))).toMatchObject({
      code: 'sharing',
      rules: ['merge'],
    })
    expect(labelByRules(commit('Merge pull request #12 from a/b')).code).toBe('sharing')
    expect(
      labelByRules(
        commit('Upload pytorch_model-00001-of-00002.bin with huggingface_hub', [
          'pytorch_model-00001-of-00002.bin',
        ]),
      ).rules,
    ).toEqual(['sync-or-upload'])
    expect(
      labelByRules(commit('Auto Sync from git://github.com/01-ai/Yi.git/commit/abc', ['README.md']))
        .code,
    ).toBe('sharing')
  })

  it('codes the initial commit and .gitattributes as project metadata', () => {
    expect(labelByRules(commit('initial commit', ['.gitattributes'])).rules).toEqual([
      'initial-commit',
    ])
    expect(labelByRules(commit('allow flax', ['.gitattributes'])).code).toBe('project metadata')
  })

  it('tells adding, updating and removing a dependency apart from the manifest diff', () => {
    const diff = (lines: string) =>
      `diff --git a/requirements.txt b/requirements.txt\n--- a/requirements.txt\n+++ b/requirements.txt\n@@ -1,2 +1,2 @@\n${lines}`
    expect(
      labelByRules(
        commit('deps', ['requirements.txt'], { diff: diff('-torch==1.13\n+torch==2.0') }),
      ).code,
    ).toBe('update dependency')
    expect(
      labelByRules(commit('deps', ['requirements.txt'], { diff: diff('+accelerate>=0.20') })).code,
    ).toBe('add dependency')
    expect(
      labelByRules(commit('deps', ['requirements.txt'], { diff: diff('-sentencepiece') })).code,
    ).toBe('remove dependency')
    expect(labelByRules(commit('Bump transformers version to 4.36')).code).toBe('update dependency')
  })

  it("codes a model card's metadata as project metadata, its prose as external documentation", () => {
    const frontMatter =
      'diff --git a/README.md b/README.md\n@@ -1,4 +1,5 @@\n ---\n license: apache-2.0\n+pipeline_tag: summarization\n+tags:\n+- bart\n ---'
    expect(
      labelByRules(commit('Update README.md', ['README.md'], { diff: frontMatter })).rules,
    ).toEqual(['card-metadata'])
    const prose =
      'diff --git a/README.md b/README.md\n@@ -40,2 +40,2 @@\n-Use it like this.\n+Use it like that, with the pipeline.'
    expect(labelByRules(commit('Update README.md', ['README.md'], { diff: prose })).code).toBe(
      'external documentation',
    )
  })

  it('votes by file paths, following the codebook definitions', () => {
    expect(labelByRules(commit('Update config.json', ['config.json'])).code).toBe(
      'parameter tuning',
    )
    expect(labelByRules(commit('Update', ['tokenizer.json', 'vocab.txt'])).code).toBe(
      'preprocessing',
    )
    expect(labelByRules(commit('Update', ['model.safetensors'])).code).toBe('model structure')
    expect(labelByRules(commit('fix', ['modeling_chatglm.py'])).code).toBe('model structure')
    expect(
      labelByRules(commit('tweak', ['finetune/finetune.py', 'finetune/ds_config.json'])).code,
    ).toBe('training infrastructure')
    expect(labelByRules(commit('add tests', ['tests/test_model.py'])).code).toBe(
      'validation infrastructure',
    )
    expect(labelByRules(commit('cleanup', ['.gitignore'])).code).toBe('internal documentation')
  })

  it('reads file names written in the message when no files are recorded', () => {
    expect(labelByRules(commit('Update generation_config.json')).code).toBe('parameter tuning')
    expect(labelByRules(commit('Update README.md')).code).toBe('external documentation')
  })

  it('always answers, unclear when no rule fires', () => {
    const answer = labelByRules(commit('wip'))
    expect(answer).toMatchObject({ code: 'unclear', rules: [] })
    expect(
      labelByRules(
        commit('Update readme and speed up inference with flash attention', ['README.md']),
      ).code,
    ).toBe('external documentation')
  })

  it('only answers codes of the default codebook, and documents every rule', () => {
    const names = new Set(defaultCodes.map((c) => c.name))
    for (const rule of [...pathRules, ...messageRules]) {
      expect(names.has(rule.code), rule.id).toBe(true)
      expect(rule.description.length, rule.id).toBeGreaterThan(10)
    }
    expect(new Set([...pathRules, ...messageRules].map((r) => r.id)).size).toBe(
      pathRules.length + messageRules.length,
    )
  })
})
