/**
 * @module The study's 15 change types (method.md §2) plus the fallback `unclear`: the codebook
 * every new project starts from, with when-to-use / when-not-to-use notes and real example
 * commits from the study's coded files and the team's commit histories (`shared/data/`).
 */
import { createHash } from 'node:crypto'
import type { CodeExampleRef } from '../../schema/codebooks'
import type { CodebookDocument } from './codebook-document'

export type CodeDefinition = {
  name: string
  definition: string
  /** When to use the code. */
  includeNotes: string
  /** When not to use it, and which code to use instead. */
  excludeNotes: string
  color: string
  hotkey: string
  isFallback?: boolean
  examples: readonly CodeExampleRef[]
}

export const defaultCodebookName = 'PTLM change types'

/** The fallback code analyses exclude. */
export const fallbackCodeName = 'unclear'

const ghFile = 'data/paper/GH_160_with_labels.csv'
const hfFile = 'data/paper/HF_160_with_labels.reduced.csv'
const allThree = 'coder1, coder2 and the LLM agree'
const history = (platform: 'github' | 'huggingface', repository: string) =>
  `data/commits/${platform}/${repository.replace('/', '__')}.jsonl`

/** An example from the study's GitHub file (its sha was derived from repository, date and message). */
function studyGh(line: number, repository: string, sha: string, message: string, note: string, agreement = allThree): CodeExampleRef {
  return { platform: 'github', repository, sha, shaDerived: true, message, note, source: `${ghFile} line ${line} (${agreement})` }
}

function studyHf(line: number, repository: string, sha: string, message: string, note: string, agreement = allThree): CodeExampleRef {
  return { platform: 'huggingface', repository, sha, message, note, source: `${hfFile} line ${line} (${agreement})` }
}

function fromHistory(platform: 'github' | 'huggingface', repository: string, sha: string, message: string, note: string): CodeExampleRef {
  return { platform, repository, sha, message, note, source: history(platform, repository) }
}

export const defaultCodes: readonly CodeDefinition[] = [
  {
    name: 'model structure',
    hotkey: '1',
    color: '#1f77b4',
    definition:
      'The model itself: architecture and modelling code (layers, attention, forward pass, model classes), the weight and checkpoint files, and new formats or variants of the same weights (safetensors, ONNX, Flax, TensorFlow).',
    includeNotes:
      'Edits to modeling_*.py / configuration_*.py code or the network definition; adding, replacing or converting weight files (pytorch_model.bin, model.safetensors, tf_model.h5, flax_model.msgpack, sharded checkpoints) when the message does not say they come from a new training run; a new serialisation format of existing weights.',
    excludeNotes:
      'Values in config.json or generation_config.json: parameter tuning. Weights that the message says come from further training or a new training run: training infrastructure. Tokenizer files: preprocessing. A bare upload or sync that says nothing about what changed: sharing. Speed or memory work on the model code: pipeline performance. Deleting a weight file other files relied on was coded remove dependency in the study.',
    examples: [
      studyHf(
        49,
        'bigcode/gpt_bigcode-santacoder',
        'f0b45544ce15ad9ec9eec4e575e1a2cf6b50cd53',
        'Adding `safetensors` variant of this model (#3)',
        'The same weights in a new format (model.safetensors).',
      ),
      studyGh(
        12,
        'ku-nlp/jumanpp',
        'a005774c45c05e79b6503b11010b3aa5ad2b88ef',
        'add n-best search from morph (without codes for chinese)',
        'New search capability in the model code.',
      ),
    ],
  },
  {
    name: 'external documentation',
    hotkey: '2',
    color: '#ff7f0e',
    definition:
      'Documentation written for the users of the model: README and model card prose, usage instructions, paper links and citations, license wording for users, demos, example notebooks and diagrams.',
    includeNotes:
      'README.md / model card text, "how to use" snippets, links to the paper or to other model sizes, citation blocks, demo apps and notebooks, images shown in the docs, fixing a typo in the README. The study coded "add license" on GitHub (license notice for users) here.',
    excludeNotes:
      'Code comments, docstrings, changelogs, formatting and lint: internal documentation. Only the model card\'s YAML metadata (tags, license field, datasets) or a LICENSE file created on its own: project metadata. Evaluation results added to the card: validation infrastructure. A sync commit that only carries README changes from GitHub: sharing.',
    examples: [
      studyHf(7, '01-ai/Yi-34B-200K', '9878e823f82a6f99e3204c2699b142c0a6f9bf3f', 'add model link', 'A link in the model card (README.md).'),
      studyGh(5, 'Langboat/Mengzi3', '244f15fb80a20b255e48e19fa22d429142ddf40f', 'add demo', 'A demo for users of the model.'),
    ],
  },
  {
    name: 'training infrastructure',
    hotkey: '3',
    color: '#2ca02c',
    definition:
      'How the model is trained or fine-tuned: training and fine-tuning scripts, training configurations, the training loop and its logging, and checkpoints published as the outcome of a (further) training run.',
    includeNotes:
      'train.py, finetune scripts, DeepSpeed/accelerate configs, learning-rate schedules and stopping rules in the training code, "train longer", "iter_0600000", new training versions with trainer_state.json or train_results.txt.',
    excludeNotes:
      'Hyper-parameter values in the model\'s config.json: parameter tuning. The training data itself: input data. Evaluation run during training, when the change is about the evaluation: validation infrastructure. Making training faster or lighter: pipeline performance. The two study coders split "update evaluate_ssc.py" between this code and validation infrastructure: an evaluation script belongs to validation.',
    examples: [
      studyHf(
        83,
        'cointegrated/rubert-tiny2',
        '74d70b9fbd95865c6f8506f8f05394f282b7671a',
        'Train the model longer',
        'New weights whose message says they come from more training.',
      ),
      fromHistory(
        'github',
        'kingoflolz/mesh-transformer-jax',
        '295b9106bd8d21a391e292c65a968dc6813f04c9',
        'stop training at total steps',
        'A change to the training loop (train.py).',
      ),
    ],
  },
  {
    name: 'validation infrastructure',
    hotkey: '4',
    color: '#d62728',
    definition:
      'How the model is evaluated and tested: evaluation and test code, benchmark harnesses, and evaluation results, wherever they are published (files, model card, leaderboard pull requests).',
    includeNotes:
      'eval scripts, unit tests, benchmark integrations, "Adding Evaluation Results", eval_results files, metric tables added to the model card, verification tokens of automatic evaluators.',
    excludeNotes:
      'Demos and usage examples: external documentation. Predictions or generated samples kept as artifacts: output data. Speeding up the evaluation: pipeline performance.',
    examples: [
      studyHf(
        136,
        'EleutherAI/gpt-neox-20b',
        'c292233c833e336628618a88a648727eb3dff0a7',
        'Adding Evaluation Results (#25)',
        'Evaluation results added to the model card by the leaderboard bot.',
      ),
      fromHistory(
        'github',
        'kingoflolz/mesh-transformer-jax',
        'c84803c86dc239f4db8fcf205c2acf86fc1e2076',
        'remove diy eval and replace with eval harness',
        'Replaces hand-written evaluation tasks with an evaluation harness.',
      ),
    ],
  },
  {
    name: 'preprocessing',
    hotkey: '5',
    color: '#9467bd',
    definition:
      'Turning raw input into what the model consumes: tokenizers and vocabularies, special tokens, and data pre-processing code and files.',
    includeNotes:
      'tokenizer.json, tokenizer_config.json, vocab.txt, merges.txt, special_tokens_map.json, added_tokens.json, sentencepiece models, chat templates, text normalisation, scripts that build training records from raw data.',
    excludeNotes:
      'The data itself (datasets, labels): input data. Token ids or sizes inside config.json: parameter tuning (the study coded a fix of eos/bos token ids in config.json as model structure). The model code: model structure.',
    examples: [
      studyHf(
        53,
        'bigcode/gpt_bigcode-santacoder',
        '1233b5dccab64dedd8725aba9144557ebbc2d3f7',
        'Add tokenizer',
        'Adds tokenizer.json, tokenizer_config.json and special_tokens_map.json.',
      ),
      studyGh(39, 'iPieter/RobBERT', 'ee08e9084a6f12f2ea085fc87118a1181e4adb05', 'removed unused preprocessor', 'Pre-processing code.'),
    ],
  },
  {
    name: 'internal documentation',
    hotkey: '6',
    color: '#8c564b',
    definition:
      'Documentation and hygiene for the developers of the repository: code comments and docstrings, changelogs, formatting and lint, .gitignore and similar housekeeping.',
    includeNotes:
      'Typos in comments or identifiers, reformatting (pyformat, black), lint configuration, CHANGELOG entries, contributor notes, .gitignore, issue templates.',
    excludeNotes:
      'Anything written for users of the model (README, model card, examples): external documentation. Repository metadata (.gitattributes, LICENSE, CODEOWNERS): project metadata.',
    examples: [
      fromHistory(
        'github',
        'google-research/bert',
        '00bea233aa32def2620b640cfcc7e9082cc980bc',
        'Fixed some typos in comments.',
        'Comments in modeling.py.',
      ),
      fromHistory(
        'github',
        'google-research/bert',
        '3c67c1de0b3b5e0c9e43e7cd8653f05ec2f844ce',
        'Running through pyformat to meet Google code standards',
        'Code formatting only.',
      ),
    ],
  },
  {
    name: 'sharing',
    hotkey: '7',
    color: '#e377c2',
    definition:
      'Publishing and synchronising artifacts: uploads, pushes to the hub, automatic syncs from the GitHub repository, mirror syncs and merges that bring work together, when the commit says no more than that.',
    includeNotes:
      '"Upload folder using huggingface_hub", "Add files using large-upload tool", "Upload 2 files", "Auto Sync from git://github.com/…", merge commits, mirror pushes.',
    excludeNotes:
      'When the message or the files say what changed, code that change instead (a tokenizer upload is preprocessing, a new weights format is model structure). Creating the repository (initial commit, .gitattributes): project metadata.',
    examples: [
      studyHf(
        3,
        '01-ai/Yi-6B',
        'a38ef3dc38dc24997c0eab9899a93c46838e4e75',
        'Auto Sync from git://github.com/01-ai/Yi.git/commit/043a50fe5a24ce5fbd31d171ae9aeb4d2600accf',
        'An automatic sync from the upstream GitHub repository.',
      ),
      studyHf(
        2,
        '01-ai/Yi-1.5-9B-Chat',
        '40da52c7ef202bcef3ac4c922cf94a8c7a3375b1',
        'Add files using large-upload tool',
        'A bulk upload of weight shards.',
      ),
    ],
  },
  {
    name: 'project metadata',
    hotkey: '8',
    color: '#7f7f7f',
    definition:
      'Metadata of the repository or project rather than its content: the initial commit, .gitattributes (LFS tracking), the LICENSE file, CODEOWNERS, and the model card\'s metadata header.',
    includeNotes:
      'Hugging Face "initial commit" with .gitattributes, "Create LICENSE", LFS patterns, YAML front matter of the model card (tags, license, datasets, pipeline_tag), dates on the model card.',
    excludeNotes:
      'Model card prose: external documentation. An initial commit that already holds the model files was coded here in the study when its message is the generic "initial commit"; a first commit that says it publishes a fine-tuned model may be training infrastructure. The study coders split "updated LFS git attributes" between pipeline performance and sharing; this codebook puts .gitattributes here.',
    examples: [
      studyHf(19, 'allenai/OLMo-1B-hf', '95c7337adecca68059b16f09149c5b3c687d096e', 'initial commit', 'Repository creation: .gitattributes and README.md.'),
      studyHf(58, 'bigscience/bloom-7b1', '813263e5998607c40e6a6344913a7fa9ce20d8ed', 'Create LICENSE', 'The LICENSE file on its own.'),
    ],
  },
  {
    name: 'pipeline performance',
    hotkey: '9',
    color: '#bcbd22',
    definition: 'Making the pipeline faster or lighter: speed, memory and efficiency work on training, inference or evaluation.',
    includeNotes:
      'Lower memory use, faster data loading, batching, caching, multiprocessing, mixed precision, speed/memory trade-off options, optimising an operation.',
    excludeNotes:
      'Quantised weights published as a new model file: model structure. Fixing wrong results: the component that was wrong. Hyper-parameter values: parameter tuning.',
    examples: [
      fromHistory(
        'github',
        'google-research/bert',
        '2ad77b595d01b7e863ec227393cff21482d89cb4',
        'Updating run_squad.py to reduce CPU memory usage',
        'Stops reading the whole training file into memory.',
      ),
      fromHistory(
        'github',
        'kingoflolz/mesh-transformer-jax',
        '99e72c239e376523cc918f30ea4b1faf9b33c6d9',
        'add additional options to control speed/memory tradeoffs',
        'Efficiency options in the model sharding code.',
      ),
    ],
  },
  {
    name: 'parameter tuning',
    hotkey: '0',
    color: '#17becf',
    definition:
      'Values of hyper-parameters and of the model and generation configuration (config.json, generation_config.json): sizes, ids, sampling settings, limits.',
    includeNotes:
      '"Update config.json", max_length, temperature, top_p, rope scaling, dropout, torch_dtype, use_cache, architectures entries changed to fit a library version.',
    excludeNotes:
      'The configuration code (configuration_*.py): model structure. Tokenizer configuration: preprocessing. Options of the training script: training infrastructure. Label maps (id2label) changed to new labels: input data.',
    examples: [
      studyHf(57, 'bigscience/bloom-560m', '8ad61ef2f1bf707dcec23c141de73b71e8b04827', 'Update config.json', 'Only config.json changes.'),
      studyHf(
        56,
        'bigcode/gpt_bigcode-santacoder',
        '97c7c17f008a49d28d391f269678187b8d12c204',
        'Update config for hf transformers',
        'Config values adjusted for the transformers library.',
      ),
    ],
  },
  {
    name: 'input data',
    hotkey: 'q',
    color: '#aec7e8',
    definition: 'The data the model is trained or run on, and its labels: datasets, data files and splits, label sets.',
    includeNotes: 'New or corrected training data, dataset indexes and splits, label lists, "new data".',
    excludeNotes:
      'Code that transforms the data: preprocessing. Predictions and other outputs: output data. The dataset field of the model card metadata: project metadata.',
    examples: [
      studyHf(63, 'bigscience/bloom-1b1', '61194ca45119d759935956ef4f02e3fb7ce09751', 'new data', 'The commit says it brings new data.'),
      fromHistory(
        'github',
        'kingoflolz/mesh-transformer-jax',
        '9f43df3ad9732f9177f5ae4e10897a4a8a8ff96b',
        'remove val tfrecord from train for WIT',
        'Changes which data files make up the training split.',
      ),
    ],
  },
  {
    name: 'update dependency',
    hotkey: 'w',
    color: '#ffbb78',
    definition: 'Changing the version of a dependency the project already has.',
    includeNotes: 'Bumping, pinning or relaxing a version in requirements.txt, setup.py, environment files or Dockerfiles; moving a submodule to another commit.',
    excludeNotes: 'A new dependency: add dependency. Dropping one: remove dependency. Code adapted to a new library API without a version change: the component changed.',
    examples: [
      fromHistory('github', 'kingoflolz/mesh-transformer-jax', '27a8036b9f8d7d68332a7bc8794f968d5bbd1dbb', 'bump tensorflow dep', 'tensorflow-cpu ~=2.5.0 becomes ~=2.6.0.'),
      fromHistory(
        'github',
        'kingoflolz/mesh-transformer-jax',
        'a98205751428da1450e5a45c6d0c62bd62fa0d99',
        'fix tqdm version conflict (#179)',
        'Relaxes the tqdm pin (~= to >=).',
      ),
    ],
  },
  {
    name: 'add dependency',
    hotkey: 'e',
    color: '#98df8a',
    definition: 'Adding a library, submodule or requirement the project did not use before.',
    includeNotes: 'A new line in requirements.txt or setup.py, a new git submodule, "added wandb".',
    excludeNotes: 'A version change of an existing dependency: update dependency. Vendored source copied into the repository: the component it serves.',
    examples: [
      studyGh(17, 'AUGMXNT/shisa', '64d15cc2a42d019ea6f91ba8d29bd7fba810773d', 'added wandb', 'A new library (Weights & Biases).'),
      fromHistory('github', 'THUDM/CodeGeeX2', '35852f245b6e89c0a88d752e84e5f2e4eb580eae', 'Add gradio', 'Adds gradio to requirements.txt.'),
    ],
  },
  {
    name: 'remove dependency',
    hotkey: 'r',
    color: '#ff9896',
    definition: 'Removing a library, submodule or file dependency.',
    includeNotes: 'Dropping a requirement, removing a submodule, deleting a file that other parts of the repository relied on (the study coded the deletion of a weight file this way).',
    excludeNotes: 'Removing dead code: the component it belonged to. Deleting documentation: external or internal documentation.',
    examples: [
      studyHf(
        118,
        'Efficient-Large-Model/VILA1.5-40b-AWQ',
        'bdc5ad60b4a5612041b4cc2edc320f772cceedbd',
        'Delete llm/vila-1.5-34b-w4-g128-awq-v2.pt',
        'A file the model repository no longer ships.',
      ),
      fromHistory(
        'github',
        'facebookresearch/fairseq',
        'dc1eaf3dde83494037a8727de5897a43c46e0b46',
        'Remove unused hf/transformers submodule (#1435)',
        'Removes a git submodule.',
      ),
    ],
  },
  {
    name: 'output data',
    hotkey: 't',
    color: '#c5b0d5',
    definition: 'What the model produces, kept as artifacts: outputs, predictions, generated samples, exported results.',
    includeNotes: 'Sample generations, prediction files, result dumps, the code that writes them out.',
    excludeNotes:
      'Evaluation scores and tables: validation infrastructure. Model weights: model structure (one study coder coded a weight update as output data; the other two said model structure).',
    examples: [
      fromHistory(
        'github',
        'openai/gpt-2',
        'a3aa7de9e11b1849eb029cd8b76cdfc71f3f1824',
        'add conditional samples with default settings',
        'Generated text samples added as files.',
      ),
      fromHistory(
        'github',
        'EleutherAI/gpt-neo',
        '7b0dc3b42b30507715fc52df7c7b657bdb0e2939',
        'Write predictions file with sacred id',
        'Where the predictions are written.',
      ),
    ],
  },
  {
    name: fallbackCodeName,
    hotkey: 'u',
    color: '#cccccc',
    isFallback: true,
    definition: 'The commit cannot be placed in any change type; analyses exclude it.',
    includeNotes:
      'The message and the changed files say nothing usable: empty commits, automated ids, "Add files via upload" without files.',
    excludeNotes:
      'A commit that is only hard to place: choose the most defensible type and write an open code or memo. A bug fix: code the component that was fixed (the study\'s fallback "bug fix" was dropped from every analysis).',
    examples: [
      fromHistory(
        'github',
        'facebookresearch/fairseq',
        '5d99e13925a1aa31981de759adb056f969e80d14',
        'fbshipit-source-id: 3f76eab2b42792fc8ed087fa0e2f4968bf980ad7',
        'An empty commit whose message is an internal sync id.',
      ),
      fromHistory('github', 'BlinkDL/RWKV-LM', '90ad39a2369af17f3c9a058e6a5859f002541cb5', 'Add files via upload', 'No files changed, nothing to code.'),
    ],
  },
]

/**
 * A guid derived from the code's name, so the default codes keep one identity across projects
 * and exports (UUID layout, version nibble 5 as for name-based ids).
 * @example defaultCodeGuid('sharing') === defaultCodeGuid('sharing')
 */
export function defaultCodeGuid(name: string): string {
  const hex = createHash('sha1').update(`concord-default-codebook\n${name}`).digest('hex')
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** The default codebook as a document, ready to be stored in a new project. */
export function defaultCodebookDocument(): CodebookDocument {
  return {
    name: defaultCodebookName,
    multiLabel: false,
    codes: defaultCodes.map((c) => ({
      guid: defaultCodeGuid(c.name),
      name: c.name,
      definition: c.definition,
      includeNotes: c.includeNotes,
      excludeNotes: c.excludeNotes,
      color: c.color,
      hotkey: c.hotkey,
      status: 'active',
      isFallback: c.isFallback ?? false,
      examples: c.examples.map((e) => ({ ...e })),
      children: [],
    })),
  }
}
