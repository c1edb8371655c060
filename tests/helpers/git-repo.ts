import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

/** A scratch git repository in a temporary folder, driven through the real git binary. */
export class GitRepo {
  readonly dir: string
  private tick = 0

  constructor(dir?: string) {
    this.dir = dir ?? mkdtempSync(path.join(tmpdir(), 'concord-git-'))
    this.git('init', '-q', '-b', 'main')
  }

  git(...args: string[]): string {
    return this.gitWith({}, ...args)
  }

  gitWith(env: Record<string, string>, ...args: string[]): string {
    return execFileSync('git', args, {
      cwd: this.dir,
      env: {
        ...process.env,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_AUTHOR_NAME: 'Ada Lovelace',
        GIT_AUTHOR_EMAIL: 'Ada@Example.org',
        GIT_COMMITTER_NAME: 'Ada Lovelace',
        GIT_COMMITTER_EMAIL: 'Ada@Example.org',
        ...env,
      },
      encoding: 'latin1',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['pipe', 'pipe', 'pipe'],
    }).trim()
  }

  write(file: string, content: string | Buffer): void {
    const full = path.join(this.dir, file)
    mkdirSync(path.dirname(full), { recursive: true })
    writeFileSync(full, content)
  }

  /** Stages everything and commits; dates advance a minute per commit unless given. */
  commit(message: string, options: { date?: string; env?: Record<string, string>; allowEmpty?: boolean } = {}): string {
    this.tick += 1
    const date = options.date ?? new Date(Date.UTC(2024, 0, 1, 12, this.tick)).toISOString().replace('.000Z', '+00:00')
    this.git('add', '-A')
    this.gitWith(
      { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, ...options.env },
      'commit', '-q', '--no-verify', ...(options.allowEmpty ? ['--allow-empty'] : []), '-m', message,
    )
    return this.head()
  }

  /** Appends many commits to main at once through `git fast-import` (fast), then checks out. */
  fastImport(commits: { message: string; files: Record<string, string> }[]): void {
    const hasHead = (() => {
      try {
        this.head()
        return true
      } catch {
        return false
      }
    })()
    const parts: Buffer[] = []
    const data = (text: string) => {
      const bytes = Buffer.from(text)
      parts.push(Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from('\n'))
    }
    commits.forEach((c, i) => {
      this.tick += 1
      const when = Math.floor(Date.UTC(2024, 0, 1, 12) / 1000) + this.tick * 60
      parts.push(Buffer.from(`commit refs/heads/main\nauthor Ada Lovelace <Ada@Example.org> ${when} +0000\ncommitter Ada Lovelace <Ada@Example.org> ${when} +0000\n`))
      data(c.message)
      if (i === 0 && hasHead) parts.push(Buffer.from('from refs/heads/main^0\n'))
      for (const [file, content] of Object.entries(c.files)) {
        parts.push(Buffer.from(`M 100644 inline ${file}\n`))
        data(content)
      }
      parts.push(Buffer.from('\n'))
    })
    execFileSync('git', ['fast-import', '--quiet'], { cwd: this.dir, input: Buffer.concat(parts) })
    this.git('reset', '-q', '--hard', 'main')
  }

  head(): string {
    return this.git('rev-parse', 'HEAD')
  }

  /**
   * A commit object written byte for byte (e.g. a message in Latin-1 without an encoding
   * header, which `git commit` would not write), made the new HEAD.
   */
  rawCommit(message: Buffer, options: { encoding?: string; date?: string } = {}): string {
    const tree = this.git('write-tree')
    const parent = this.head()
    const stamp = options.date ?? '1704110400 +0000'
    const header = [
      `tree ${tree}`,
      `parent ${parent}`,
      `author Ada Lovelace <Ada@Example.org> ${stamp}`,
      `committer Ada Lovelace <Ada@Example.org> ${stamp}`,
      ...(options.encoding ? [`encoding ${options.encoding}`] : []),
    ].join('\n')
    const object = Buffer.concat([Buffer.from(`${header}\n\n`, 'latin1'), message])
    const sha = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin', '--literally'], {
      cwd: this.dir,
      input: object,
      encoding: 'latin1',
    }).trim()
    this.git('update-ref', 'HEAD', sha)
    return sha
  }
}
