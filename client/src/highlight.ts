/**
 * @module A small, safe syntax tokenizer for diff lines: one line in, typed tokens out, rendered
 * as text nodes by the caller (never HTML). Lines are tokenized alone (diffs show fragments), so
 * a string or comment spanning lines is only coloured on the lines that hold its delimiters.
 */

export type TokenKind = 'plain' | 'keyword' | 'string' | 'number' | 'comment' | 'key' | 'heading'
export type Token = { text: string; kind: TokenKind }

type Language = {
  name: string
  keywords: ReadonlySet<string>
  /** Line comment starts (`#`, `//`, `--`). */
  comments: readonly string[]
  /** Block comment on one line (`/* … *\/`). */
  block?: boolean
  /** `key:` / `"key":` at the start of a line is a key (JSON, YAML, TOML). */
  keys?: boolean
  strings: string
}

const words = (text: string) => new Set(text.split(/\s+/).filter(Boolean))

const cLike = words(
  'if else for while do switch case default break continue return function class const let var new delete typeof instanceof in of ' +
    'try catch finally throw import export from as async await yield extends implements interface type enum public private protected ' +
    'static readonly abstract void null undefined true false this super struct union typedef sizeof include define package func go ' +
    'defer chan map range select fn impl trait pub mod use mut match loop where crate self Self let int float double char bool long ' +
    'short unsigned signed auto namespace template typename virtual override final goto nil',
)

const languages: Record<string, Language> = {
  python: {
    name: 'python',
    keywords: words(
      'False None True and as assert async await break class continue def del elif else except finally for from global if import in is ' +
        'lambda nonlocal not or pass raise return try while with yield self print',
    ),
    comments: ['#'],
    strings: `'"`,
  },
  c: { name: 'c', keywords: cLike, comments: ['//'], block: true, strings: `'"\`` },
  shell: {
    name: 'shell',
    keywords: words('if then else elif fi for in do done while until case esac function return export local set echo exit source'),
    comments: ['#'],
    strings: `'"`,
  },
  json: { name: 'json', keywords: words('true false null'), comments: [], keys: true, strings: '"' },
  yaml: { name: 'yaml', keywords: words('true false null yes no on off'), comments: ['#'], keys: true, strings: `'"` },
  toml: { name: 'toml', keywords: words('true false'), comments: ['#'], keys: true, strings: `'"` },
  markdown: { name: 'markdown', keywords: new Set(), comments: [], strings: '`' },
  sql: { name: 'sql', keywords: words('select from where and or not insert into values update set delete create table index join on as group by order limit null'), comments: ['--'], strings: `'"` },
}

const byExtension: Record<string, string> = {
  py: 'python', pyi: 'python', ipynb: 'json',
  js: 'c', mjs: 'c', cjs: 'c', jsx: 'c', ts: 'c', tsx: 'c', java: 'c', kt: 'c', scala: 'c', go: 'c', rs: 'c', c: 'c', h: 'c',
  cc: 'c', cpp: 'c', cxx: 'c', hpp: 'c', cu: 'c', cuh: 'c', cs: 'c', swift: 'c', php: 'c', proto: 'c',
  sh: 'shell', bash: 'shell', zsh: 'shell',
  json: 'json', jsonl: 'json',
  yml: 'yaml', yaml: 'yaml',
  toml: 'toml', cfg: 'toml', ini: 'toml',
  md: 'markdown', markdown: 'markdown', rst: 'markdown',
  sql: 'sql',
}

/** The language of a file path by its extension (or well-known name); null for unknown ones. */
export function languageOf(path: string): string | null {
  const name = path.split('/').pop()?.toLowerCase() ?? ''
  if (name === 'dockerfile' || name === 'makefile') return 'shell'
  const ext = name.includes('.') ? name.split('.').pop()! : ''
  return byExtension[ext] ?? null
}

const numberPattern = /^(?:0[xX][0-9a-fA-F_]+|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)/
const wordPattern = /^[A-Za-z_$][\w$]*/

/**
 * Splits one line of code into tokens whose texts join back to the line exactly.
 * @example tokenizeLine('x = 1  # one', 'python') // [{text:'x = ',…}, {text:'1',kind:'number'}, …]
 */
export function tokenizeLine(line: string, languageName: string | null): Token[] {
  const language = languageName ? languages[languageName] : undefined
  if (!language || line.length > 2_000) return line ? [{ text: line, kind: 'plain' }] : []
  if (language.name === 'markdown') return /^\s{0,3}#{1,6}\s/.test(line) ? [{ text: line, kind: 'heading' }] : [{ text: line, kind: 'plain' }]
  const out: Token[] = []
  const push = (text: string, kind: TokenKind) => {
    if (text === '') return
    const last = out[out.length - 1]
    if (last && last.kind === kind) last.text += text
    else out.push({ text, kind })
  }
  let i = 0
  if (language.keys) {
    const key = /^(\s*(?:-\s+)?)("(?:[^"\\]|\\.)*"|'[^']*'|[\w.-]+)(\s*[:=])/.exec(line)
    if (key && (language.name !== 'json' || key[2]!.startsWith('"'))) {
      push(key[1]!, 'plain')
      push(key[2]!, 'key')
      push(key[3]!, 'plain')
      i = key[0].length
    }
  }
  while (i < line.length) {
    const rest = line.slice(i)
    const comment = language.comments.find((c) => rest.startsWith(c))
    if (comment) {
      push(rest, 'comment')
      break
    }
    if (language.block && rest.startsWith('/*')) {
      const end = rest.indexOf('*/', 2)
      const text = end < 0 ? rest : rest.slice(0, end + 2)
      push(text, 'comment')
      i += text.length
      continue
    }
    const ch = rest[0]!
    if (language.strings.includes(ch)) {
      let j = 1
      while (j < rest.length && rest[j] !== ch) j += rest[j] === '\\' ? 2 : 1
      const text = rest.slice(0, Math.min(j + 1, rest.length))
      push(text, 'string')
      i += text.length
      continue
    }
    const previous = i > 0 ? line[i - 1]! : ' '
    if (/\d/.test(ch) && !/[\w$]/.test(previous)) {
      const text = numberPattern.exec(rest)![0]
      push(text, 'number')
      i += text.length
      continue
    }
    const word = wordPattern.exec(rest)?.[0]
    if (word) {
      push(word, language.keywords.has(word) ? 'keyword' : 'plain')
      i += word.length
      continue
    }
    push(ch, 'plain')
    i += 1
  }
  return out
}
