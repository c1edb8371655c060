/**
 * @module The `rules` labeler (pure, deterministic, offline): documented rules over a commit's
 * message, file paths and diff, written from the codebook's definitions (method.md §2). It always
 * answers one code of the default codebook, `unclear` when no rule fires.
 *
 * How a commit is decided:
 * 1. Commit-level rules, in order; the first that fires decides (`merge`, `sync-or-upload`,
 *    `initial-commit`, `dependency`, `card-metadata`, `evaluation-results`).
 * 2. Otherwise a vote: every changed file votes for the code of the first path rule it matches
 *    (the file votes share 1.0); every message rule that matches adds its weight. Without a file
 *    list, file names written in the subject ("Update config.json") vote as files. The code with
 *    the most weight wins (ties: the order of `pathRules`).
 * 3. Nothing voted: `unclear`.
 */

export type RuleFile = {
  path: string
  status?: string | null
  additions?: number | null
  deletions?: number | null
}

export type RuleInput = {
  message: string
  isMerge: boolean
  files: readonly RuleFile[]
  diff: string
}

export type RuleAnswer = {
  code: string
  /** 0..1: fixed per commit-level rule; the winner's share of the vote (scaled) otherwise. */
  confidence: number
  /** Ids of the rules that decided. */
  rules: string[]
  rationale: string
}

/** Bumped whenever a rule changes, so labels of older rules are told apart (the label context). */
export const rulesVersion = 'rules-1'

type PathRule = { id: string; code: string; description: string; pattern: RegExp; weight?: number }

/**
 * Path rules, first match per file. Written from the codebook's definitions: what each change
 * type covers, translated into the file names PTLM repositories use (Hugging Face conventions
 * for weights, tokenizers and configs; common layouts for training and evaluation code).
 */
export const pathRules: readonly PathRule[] = [
  {
    id: 'path-training-args',
    code: 'training infrastructure',
    description: 'training arguments saved by a trainer (training_args.bin, trainer_state.json)',
    pattern: /(^|\/)(training_args\.bin|trainer_state\.json)$/i,
  },
  {
    id: 'path-project-metadata',
    code: 'project metadata',
    description:
      'repository metadata: .gitattributes, LICENSE / NOTICE files, CODEOWNERS, code of conduct, issue templates',
    pattern:
      /(^|\/)(\.gitattributes|(model_)?licen[cs]e[^/]*|copying[^/]*|notice[^/]*|codeowners|code_of_conduct[^/]*|security\.md|citation\.cff)$|(^|\/)\.github\/(issue_template|pull_request_template|funding)|(^|\/)[^/]*licen[cs]e[^/]*\.pdf$|许可/i,
  },
  {
    id: 'path-internal-docs',
    code: 'internal documentation',
    description:
      'developer-facing docs and hygiene: .gitignore, changelog, contributing guide, lint and format configs',
    pattern:
      /(^|\/)(\.gitignore|\.dockerignore|\.editorconfig|\.flake8|\.pylintrc|\.pre-commit-config\.ya?ml|\.clang-format|\.style\.yapf|\.isort\.cfg|changelog[^/]*|changes\.md|contributing[^/]*|\.ds_store)$/i,
  },
  {
    id: 'path-dependency-manifest',
    code: 'update dependency',
    description:
      'dependency manifests (requirements, setup.py, pyproject, environment, .gitmodules) when not decided by the dependency rule',
    pattern:
      /(^|\/)(requirements[^/]*\.txt|setup\.py|setup\.cfg|pyproject\.toml|environment[^/]*\.ya?ml|pipfile(\.lock)?|\.gitmodules|package\.json)$/i,
  },
  {
    id: 'path-training-config',
    code: 'training infrastructure',
    description:
      'training and fine-tuning configs and launch scripts (train*.yaml, ds_config*.json, finetune*.sh)',
    pattern:
      /(^|\/)[^/]*(train|finetun|fine_tun|pretrain|deepspeed|ds_config|ds_z\d|lora|sft)[^/]*\.(json|ya?ml|sh|toml)$/i,
  },
  {
    id: 'path-weights',
    code: 'model structure',
    description:
      'weights, checkpoints and model formats (.bin, .safetensors, .h5, .msgpack, .onnx, .ot, .ckpt, .pt, .gguf, Core ML) and their shard indexes',
    pattern:
      /\.(bin|safetensors|h5|msgpack|onnx|ot|ckpt|pt|pth|gguf|ggml|tflite|mlmodel|pb|npz|params|weights|caffemodel)$|(^|\/)[^/]*model[^/]*\.index\.json$|\.mlpackage\/|(^|\/)coreml\//i,
  },
  {
    id: 'path-tokenizer',
    code: 'preprocessing',
    description:
      'tokenizers, vocabularies and processors (tokenizer*.json, vocab.*, merges.txt, *.model of sentencepiece, special tokens, image/feature processors, data preprocessing code)',
    pattern:
      /(^|\/)[^/]*(tokeni[sz]|vocab|merges\.txt|spiece|sentencepiece|special_tokens|added_tokens|preprocessor_config|processing_|processor|feature_extractor|preprocess|prepare_data|data_utils|bpe)[^/]*$|(^|\/)tokenizer\.model$|(^|\/)dict[^/]*\.txt$/i,
  },
  {
    id: 'path-generation-config',
    code: 'parameter tuning',
    description:
      'model and generation configuration values (config.json, generation_config.json, params / hparams files, configs/*.json|yaml)',
    pattern:
      /(^|\/)(generation_config[^/]*|config|params|hparams|hyperparams?|[^/]*_config)\.(json|ya?ml)$|(^|\/)configs?\/[^/]*\.(json|ya?ml|py)$/i,
  },
  {
    id: 'path-training-code',
    code: 'training infrastructure',
    description:
      'training and fine-tuning code (train*.py, trainer, finetune*, optimizers, schedulers, losses, run_pretraining.py, run_classifier.py, ...)',
    pattern:
      /(^|[/_-])(train|finetun|fine_tun|pretrain|optim|lr_schedul|scheduler|criterion|loss)[^/]*$|(^|\/)run_(classifier|squad|glue|ner|clm|mlm)[^/]*$|(^|\/)(finetun\w*|fine_tun\w*|training|train|optim|criterions?|lr_scheduler)\//i,
  },
  {
    id: 'path-validation',
    code: 'validation infrastructure',
    description:
      'evaluation and test code, benchmarks and evaluation results (tests/, test_*.py, eval*, benchmark*, metrics, *_results.json)',
    pattern:
      /(^|\/)(tests?|evaluation|eval[^/]*|benchmarks?|bench)\/|(^|\/)(test_[^/]*|[^/]*_test\.[^/]+|eval[^/]*|evaluat[^/]*|benchmark[^/]*|metrics?[^/]*|verify[^/]*|[^/]*eval_results[^/]*|all_results\.json)$/i,
  },
  {
    id: 'path-output-data',
    code: 'output data',
    description: 'outputs: predictions, generated samples, result files, logs',
    pattern:
      /(^|\/)(outputs?|predictions?|generated|generations|results?)\/|(^|\/)(predictions?|generated)[^/]*$|\.log$/i,
  },
  {
    id: 'path-data-code',
    code: 'preprocessing',
    description: 'code that loads and prepares data (source files under data/ or datasets/)',
    pattern: /(^|\/)(data|datasets?)\/([^/]+\/)*[^/]+\.(py|pyx|cpp|cu|sh)$/i,
  },
  {
    id: 'path-input-data',
    code: 'input data',
    description:
      'training / input data and labels (data/, datasets/, corpus files, .csv, .tsv, .jsonl, .parquet)',
    pattern: /(^|\/)(data|datasets?|corpus|corpora|raw_data)\/|\.(csv|tsv|jsonl|parquet|arrow)$/i,
  },
  {
    id: 'path-model-code',
    code: 'model structure',
    description:
      'model code (modeling_*.py, configuration_*.py, models/, model*.py, layers, attention, quantization)',
    pattern:
      /(^|\/)(modell?ing[^/]*|configuration_[^/]*|model[^/]*|quantization[^/]*|layers?[^/]*|attention[^/]*|transformer[^/]*)\.(py|cu|cpp|h)$|(^|\/)models?\//i,
  },
  {
    id: 'path-external-docs',
    code: 'external documentation',
    description:
      'user-facing docs: README / model card, docs/, notebooks, demos, images and other media, PDFs',
    pattern:
      /(^|\/)(readme[^/]*|model_?card[^/]*|[^/]*\.(md|rst|ipynb|pdf|png|jpe?g|gif|svg|webp|mp4|html))$|(^|\/)(docs?|assets|images?|imgs?|figures?|demos?|notebooks?|tutorials?|resources)\/|(^|\/)[^/]*demo[^/]*$/i,
  },
  {
    id: 'path-source-code',
    code: 'model structure',
    description: 'any other source code: weakly model code (half a vote)',
    pattern: /\.(py|cu|cuh|cpp|cc|c|h|hpp|rs|go|jl|lua)$/i,
    weight: 0.5,
  },
]

type MessageRule = {
  id: string
  code: string
  description: string
  pattern: RegExp
  weight: number
}

/** Message rules: words that name a change type; each adds its weight to the vote. */
export const messageRules: readonly MessageRule[] = [
  {
    id: 'msg-performance',
    code: 'pipeline performance',
    description:
      'speed, memory and efficiency words (faster, memory, OOM, optimize, quantize, int4/int8, fp16/bf16, flash attention, kv cache)',
    pattern:
      /\b(speed ?up|faster|slow(er|ness)?|memory|oom|out of memory|efficien\w*|optimi[sz](e|es|ed|ation)|performance|accelerat\w*|latency|throughput|quantiz\w*|int[48]|fp16|bf16|half precision|flash[- _]?(attn|attention)|kv[- _]?cache|tensorrt)\b/i,
    weight: 0.7,
  },
  {
    id: 'msg-training',
    code: 'training infrastructure',
    description: 'training words (train, fine-tune, pretrain, LoRA, SFT, DeepSpeed, learning rate)',
    pattern:
      /\b(train(ing|er)?|fine-?tun(e|ed|es|ing)|finetun\w*|pre-?train\w*|lora|sft|deepspeed|learning rate)\b/i,
    weight: 0.6,
  },
  {
    id: 'msg-validation',
    code: 'validation infrastructure',
    description:
      'evaluation words (evaluation, benchmark, tests, metrics, accuracy, perplexity, named benchmarks)',
    pattern:
      /\b(eval(uation|uate|s)?|benchmarks?|unit ?tests?|tests?|testing|metrics?|accuracy|perplexity|mmlu|c-?eval|gsm8k|humaneval|squad|glue)\b/i,
    weight: 0.6,
  },
  {
    id: 'msg-external-docs',
    code: 'external documentation',
    description:
      'documentation words (README, model card, docs, citation, paper, tutorial, example, demo, usage, link)',
    pattern:
      /\b(readme|model ?card|docs?|documentation|citations?|cite|bibtex|paper|arxiv|tutorials?|examples?|demo|usage|instructions?|links?|news|faq)\b/i,
    weight: 0.6,
  },
  {
    id: 'msg-project-metadata',
    code: 'project metadata',
    description: 'metadata words (metadata, pipeline tag, license, tags, language tag, widget)',
    pattern: /\b(meta-?data|pipeline_tag|pipeline tag|licen[cs]e|tags?|widget|codeowners)\b/i,
    weight: 0.6,
  },
  {
    id: 'msg-internal-docs',
    code: 'internal documentation',
    description:
      'hygiene words (comments, changelog, lint, formatting, code style, docstring, gitignore)',
    pattern:
      /\b(comments?|changelog|lint\w*|formatting|reformat\w*|code style|docstrings?|gitignore|pre-commit|flake8|pep ?8)\b/i,
    weight: 0.6,
  },
  {
    id: 'msg-preprocessing',
    code: 'preprocessing',
    description:
      'tokenizer and preprocessing words (tokenizer, vocabulary, special tokens, BPE, sentencepiece, preprocess)',
    pattern:
      /\b(tokeni[sz](er|ers|ation)|vocab(ulary)?|special[ _]tokens?|bpe|sentencepiece|pre-?process(ing|or)?|chat[ _]template)\b/i,
    weight: 0.7,
  },
  {
    id: 'msg-parameter-tuning',
    code: 'parameter tuning',
    description:
      'hyper-parameter words (hyperparameters, generation config, temperature, top_p, max_length, token ids)',
    pattern:
      /\b(hyper-?param(eter)?s?|generation[ _]config|temperature|top[ _]?[pk]|max[ _](length|new[ _]tokens|position[ _]embeddings)|rope[ _]scaling|(eos|bos|pad)[ _]token[ _]id|default (values?|param\w*))\b/i,
    weight: 0.6,
  },
  {
    id: 'msg-model-structure',
    code: 'model structure',
    description:
      'model words (weights, checkpoints, architecture, layers, attention, model formats)',
    pattern:
      /\b(weights?|checkpoints?|architecture|safetensors|onnx|flax|gguf|layers?|attention|modeling|tf model|pytorch model)\b/i,
    weight: 0.6,
  },
  {
    id: 'msg-input-data',
    code: 'input data',
    description: 'input data words (dataset, training data, corpus)',
    pattern: /\b(datasets?|training data|corpus|corpora|data files?)\b/i,
    weight: 0.5,
  },
  {
    id: 'msg-output-data',
    code: 'output data',
    description: 'output words (predictions, generated samples, result files)',
    pattern:
      /\b(predictions?|generated (samples?|texts?|outputs?)|results? files?|outputs? files?)\b/i,
    weight: 0.5,
  },
]

const manifest =
  /(^|\/)(requirements[^/]*\.txt|setup\.py|setup\.cfg|pyproject\.toml|environment[^/]*\.ya?ml|pipfile|\.gitmodules|package\.json)$/i
const readme = /(^|\/)(readme[^/]*|model_?card[^/]*)$/i
const fileInText =
  /[\w./-]+\.(py|json|md|txt|bin|safetensors|h5|msgpack|onnx|ot|model|yaml|yml|sh|ipynb|pdf|png|jpg|gitattributes|gitignore|cfg|toml)\b|\.gitattributes|\.gitignore|\bLICENSE\b|\bREADME\b/gi

/** Package names a manifest's diff lines add and remove. */
function manifestChanges(diff: string): { added: Set<string>; removed: Set<string> } {
  const added = new Set<string>()
  const removed = new Set<string>()
  let inManifest = false
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) inManifest = manifest.test(line.split(' b/')[1] ?? '')
    if (!inManifest || line.startsWith('+++') || line.startsWith('---')) continue
    const m =
      /^([+-])\s*["']?([A-Za-z][\w.-]*)(\[[^\]]*\])?\s*(["']?\s*[<>=!~^,:]|["']?,?\s*$|\s*=\s*["']?\d)/.exec(
        line,
      )
    if (!m) continue
    ;(m[1] === '+' ? added : removed).add(m[2]!.toLowerCase())
  }
  return { added, removed }
}

function dependencyRule(input: RuleInput, subject: string): RuleAnswer | null {
  const paths = input.files.map((f) => f.path)
  const onlyManifests = paths.length > 0 && paths.every((p) => manifest.test(p))
  const words =
    /\b(requirements?|dependenc(y|ies)|packages?|library|libraries|submodules?|pip|conda|versions?|pin(ned)?|bump(ed|s)?|upgrade[sd]?)\b/i
  if (
    !onlyManifests &&
    !(
      paths.length === 0 &&
      words.test(subject) &&
      /\b(bump|upgrade|pin|require|dependenc|submodule|package|librar)/i.test(subject)
    )
  ) {
    return null
  }
  const { added, removed } = manifestChanges(input.diff)
  const changed = [...added].filter((p) => removed.has(p))
  const result = (code: string, why: string): RuleAnswer => ({
    code,
    confidence: 0.8,
    rules: ['dependency'],
    rationale: `dependency rule: ${why}`,
  })
  if (changed.length > 0 || (added.size > 0 && removed.size > 0))
    return result('update dependency', `version of ${changed[0] ?? [...added][0]} changed`)
  if (added.size > 0) return result('add dependency', `${[...added].slice(0, 3).join(', ')} added`)
  if (removed.size > 0)
    return result('remove dependency', `${[...removed].slice(0, 3).join(', ')} removed`)
  if (/\b(remove[sd]?|drop(ped|s)?|delete[sd]?|uninstall)\b/i.test(subject))
    return result('remove dependency', 'the message removes a dependency')
  if (/\b(bump|upgrade|update|pin|version)/i.test(subject))
    return result('update dependency', 'the message changes a version')
  if (/\b(add(ed|s)?|install|require)/i.test(subject))
    return result('add dependency', 'the message adds a dependency')
  return result('update dependency', 'only dependency manifests changed')
}

/** README hunks that only touch the YAML front matter (the model card's metadata). */
function frontMatterOnly(diff: string): boolean {
  const changed = diff
    .split('\n')
    .filter((l) => /^[+-]/.test(l) && !l.startsWith('+++') && !l.startsWith('---'))
  if (changed.length === 0) return false
  const starts = [...diff.matchAll(/^@@ -(\d+)/gm)].map((m) => Number(m[1]))
  return (
    starts.every((s) => s <= 40) &&
    changed.every((l) => /^[+-](---\s*$|\s*-\s+\S|\s*[\w-]+:)/.test(l))
  )
}

/**
 * The rules labeler's answer for one commit.
 * @example labelByRules({ message: 'Update config.json', isMerge: false, files: [{ path: 'config.json' }], diff: '' }).code
 * // 'parameter tuning'
 */
export function labelByRules(input: RuleInput): RuleAnswer {
  const subject = input.message.split('\n')[0]!.trim()
  const head = input.message.slice(0, 400)
  const decide = (
    code: string,
    rule: string,
    confidence: number,
    rationale: string,
  ): RuleAnswer => ({
    code,
    confidence,
    rules: [rule],
    rationale,
  })

  if (
    input.isMerge ||
    /^merge (branch|pull request|remote-tracking|tag|commit)\b|^merged? (branch|pr\b)/i.test(
      subject,
    )
  ) {
    return decide('sharing', 'merge', 0.9, 'merge rule: a merge commit')
  }
  if (
    /\b(auto[- ]?sync(ed)?|sync(ed|ing)? (from|with|to)|mirror(ed|ing)?|upload(ed|ing)? (the )?(model|files?|weights|checkpoints?|folder)|with huggingface_hub|large-upload|push(ed)? to (the )?hub|files? (via|using) upload|add(ed)? files using)\b/i.test(
      subject,
    )
  ) {
    return decide(
      'sharing',
      'sync-or-upload',
      0.85,
      'sync-or-upload rule: the message publishes or syncs artifacts',
    )
  }
  const paths = input.files.map((f) => f.path)
  if (
    /^(initial commit|init(ial)?( commit)?|first commit|create repository)\.?$/i.test(subject) ||
    (paths.length === 1 &&
      /(^|\/)\.gitattributes$/.test(paths[0]!) &&
      /^(init|initial)/i.test(subject))
  ) {
    return decide(
      'project metadata',
      'initial-commit',
      0.85,
      'initial-commit rule: the repository is being created',
    )
  }
  const dependency = dependencyRule(input, subject)
  if (dependency) return dependency
  const onlyReadme = paths.length > 0 && paths.every((p) => readme.test(p))
  if (
    onlyReadme &&
    (frontMatterOnly(input.diff) ||
      /\b(meta-?data|pipeline_tag|language tag|add(ed)? tags?|licen[cs]e:|widget)\b/i.test(subject))
  ) {
    return decide(
      'project metadata',
      'card-metadata',
      0.75,
      "card-metadata rule: the model card's metadata changed",
    )
  }
  if (onlyReadme && /\b(eval(uation)? results|benchmark results|model-index)\b/i.test(subject)) {
    return decide(
      'validation infrastructure',
      'evaluation-results',
      0.7,
      'evaluation-results rule: evaluation results added to the card',
    )
  }

  const votes = new Map<string, number>()
  const reasons: string[] = []
  const fired = new Set<string>()
  // Without a file list, file names written in the subject stand in for the files.
  const voters = paths.length > 0 ? paths : [...new Set(subject.match(fileInText) ?? [])]
  for (const path of voters) {
    const rule = pathRules.find((r) => r.pattern.test(path))
    if (!rule) continue
    const weight = (rule.weight ?? 1) / voters.length
    votes.set(rule.code, (votes.get(rule.code) ?? 0) + weight)
    fired.add(rule.id)
  }
  if (fired.size > 0) reasons.push(`files: ${[...fired].join(', ')}`)
  for (const rule of messageRules) {
    if (!rule.pattern.test(head)) continue
    votes.set(rule.code, (votes.get(rule.code) ?? 0) + rule.weight)
    fired.add(rule.id)
    reasons.push(rule.id)
  }
  if (votes.size === 0)
    return { code: 'unclear', confidence: 0.2, rules: [], rationale: 'no rule fired' }
  const order = [...pathRules.map((r) => r.code), ...messageRules.map((r) => r.code)]
  const [winner, score] = [...votes].sort(
    (a, b) => b[1] - a[1] || order.indexOf(a[0]) - order.indexOf(b[0]),
  )[0]!
  const total = [...votes.values()].reduce((s, v) => s + v, 0)
  return {
    code: winner,
    confidence: Math.round((0.3 + 0.6 * (score / total)) * 100) / 100,
    rules: [...fired],
    rationale: `vote ${winner} ${score.toFixed(2)} of ${total.toFixed(2)} (${reasons.join('; ')})`,
  }
}
