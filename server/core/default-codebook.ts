/**
 * @module The study's 15 change types (method.md §2) plus the fallback `unclear`: the codebook
 * every new project starts from.
 */

export type CodeDefinition = {
  name: string
  definition: string
  color: string
  hotkey: string
  isFallback?: boolean
}

export const defaultCodebookName = 'PTLM change types'

/** The fallback code analyses exclude. */
export const fallbackCodeName = 'unclear'

export const defaultCodes: readonly CodeDefinition[] = [
  { name: 'model structure', hotkey: '1', color: '#1f77b4', definition: 'Model architecture/code, weights and checkpoint files, new model formats (safetensors, onnx, flax).' },
  { name: 'external documentation', hotkey: '2', color: '#ff7f0e', definition: 'User-facing docs: README / model card, paper links, citations, license text, demos, notebooks.' },
  { name: 'training infrastructure', hotkey: '3', color: '#2ca02c', definition: 'Training and fine-tuning scripts, training configs, training runs.' },
  { name: 'validation infrastructure', hotkey: '4', color: '#d62728', definition: 'Evaluation and test code, benchmarks, evaluation results.' },
  { name: 'preprocessing', hotkey: '5', color: '#9467bd', definition: 'Tokenizers, vocabularies, data pre-processing code and files.' },
  { name: 'internal documentation', hotkey: '6', color: '#8c564b', definition: 'Developer-facing docs and hygiene: comments, changelog, formatting, lint, .gitignore.' },
  { name: 'sharing', hotkey: '7', color: '#e377c2', definition: 'Publishing and syncing artifacts: uploads, hub pushes, mirror syncs, merges.' },
  { name: 'project metadata', hotkey: '8', color: '#7f7f7f', definition: 'Repo/project metadata: initial commit, .gitattributes, LICENSE file, CODEOWNERS, card metadata.' },
  { name: 'pipeline performance', hotkey: '9', color: '#bcbd22', definition: 'Speed, memory and efficiency work on the pipeline.' },
  { name: 'parameter tuning', hotkey: '0', color: '#17becf', definition: 'Hyper-parameters and generation/model config values (config.json, generation_config.json).' },
  { name: 'input data', hotkey: 'q', color: '#aec7e8', definition: 'Training/input data and labels.' },
  { name: 'update dependency', hotkey: 'w', color: '#ffbb78', definition: 'Changing the version of a dependency.' },
  { name: 'add dependency', hotkey: 'e', color: '#98df8a', definition: 'Adding a library, submodule or requirement.' },
  { name: 'remove dependency', hotkey: 'r', color: '#ff9896', definition: 'Removing a library, file or submodule dependency.' },
  { name: 'output data', hotkey: 't', color: '#c5b0d5', definition: 'Outputs, predictions, exported result artifacts.' },
  { name: fallbackCodeName, hotkey: 'u', color: '#cccccc', isFallback: true, definition: 'The commit cannot be placed in any change type; analyses exclude it.' },
]
