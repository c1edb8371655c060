/**
 * @module Parses the byte stream of `git log` (format below, `-z --raw --numstat -p`) into
 * commit records incrementally: feed chunks as they arrive, get finished commits back. Memory
 * stays bounded by one commit's header and file list plus the kept part of its diff.
 */
import type { Platform } from '../../schema/enums'
import { capDiff, truncationMarker } from '../core/diff-cap'
import { hashEmail, hashEmailsInText } from '../core/email-hash'
import { parseTimestamp } from '../core/timestamps'
import type { ChangedFile, CommitRecord } from './commit-record'
import { decodeText } from './text'

/**
 * The `--format` the parser expects: a 0x01 byte, then hash, parents, author name, author
 * e-mail, author and committer dates (strict ISO) and the raw message, each NUL-terminated.
 */
export const gitLogFormat = '%x01%H%x00%P%x00%an%x00%ae%x00%aI%x00%cI%x00%B%x00'

/** The diff options the parser expects after `--format` (see gitLogArgs in git.ts). */
export const gitLogDiffArgs = ['-z', '--raw', '--numstat', '-p', '-M', '--diff-merges=first-parent']

export type GitLogItem = { kind: 'commit'; record: CommitRecord } | { kind: 'skipped'; sha: string }

export type GitLogParserOptions = {
  platform: Platform
  repo: string
  diffCap: number
  /** Commits for which this returns true are passed over (already stored) without decoding. */
  skip?: (sha: string) => boolean
}

const NUL = 0
const SOH = 1
const LF = 10
const COLON = 58
const headerFields = 8 // seven fields of the format plus the NUL `-z` puts after it

type RawEntry = { status: string; path: string; oldPath: string | null }
type Pending = { header: Buffer[]; raw: RawEntry[]; counts: (readonly [number | null, number | null])[]; skip: boolean }

/** Thrown when the stream does not have the expected shape (a bug or an unexpected git). */
export class GitLogFormatError extends Error {}

export class GitLogParser {
  private buf: Buffer = Buffer.alloc(0)
  private state: 'start' | 'header' | 'afterHeader' | 'raw' | 'numstat' | 'beforePatch' | 'patch' = 'start'
  private current: Pending | null = null
  private patch: Buffer[] = []
  private patchBytes = 0
  private patchDropped = false
  private lastPatchByte = -1
  private readonly keepBytes: number

  constructor(private readonly options: GitLogParserOptions) {
    // A JS character is at most 3 UTF-8 bytes (4 for a surrogate pair of 2 characters), so this
    // many bytes always decode to more than `diffCap` characters when more exist.
    this.keepBytes = options.diffCap * 3 + 1024
  }

  /** Consumes a chunk; returns the commits it completed. */
  push(chunk: Buffer): GitLogItem[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk])
    const out: GitLogItem[] = []
    this.parse(out, false)
    return out
  }

  /** Ends the stream; returns the last commit. */
  end(): GitLogItem[] {
    const out: GitLogItem[] = []
    this.parse(out, true)
    if (this.buf.length > 0 || (this.state !== 'start' && this.current)) {
      if (this.state === 'patch' || this.state === 'afterHeader' || this.state === 'beforePatch') {
        this.finish(out)
      } else {
        throw new GitLogFormatError(`git log output ended inside a commit (${this.state})`)
      }
    }
    return out
  }

  private parse(out: GitLogItem[], ended: boolean): void {
    let pos = 0
    const buf = this.buf
    for (;;) {
      if (this.state === 'start') {
        if (pos >= buf.length) break
        if (buf[pos] !== SOH) throw new GitLogFormatError(`unexpected byte ${buf[pos]} where a commit should start`)
        this.state = 'header'
        pos += 1
      }
      if (this.state === 'header') {
        const fields: Buffer[] = []
        let at = pos
        for (let i = 0; i < headerFields; i++) {
          const nul = buf.indexOf(NUL, at)
          if (nul === -1) break
          fields.push(buf.subarray(at, nul))
          at = nul + 1
        }
        if (fields.length < headerFields) break
        const sha = fields[0]!.toString('latin1')
        this.current = { header: fields, raw: [], counts: [], skip: this.options.skip?.(sha) ?? false }
        pos = at
        this.state = 'afterHeader'
      }
      if (this.state === 'afterHeader') {
        if (pos >= buf.length) {
          if (ended) this.finish(out)
          break
        }
        if (buf[pos] === SOH) {
          this.finish(out)
          continue
        }
        if (buf[pos] !== LF) throw new GitLogFormatError(`unexpected byte ${buf[pos]} after a commit header`)
        pos += 1
        this.state = 'raw'
      }
      if (this.state === 'raw') {
        let complete = true
        while (pos < buf.length && buf[pos] === COLON) {
          const metaEnd = buf.indexOf(NUL, pos)
          if (metaEnd === -1) {
            complete = false
            break
          }
          const meta = buf.toString('latin1', pos + 1, metaEnd)
          const status = meta.slice(meta.lastIndexOf(' ') + 1)
          const paths = status.startsWith('R') || status.startsWith('C') ? 2 : 1
          const parts = this.nulTerminated(metaEnd + 1, paths)
          if (!parts) {
            complete = false
            break
          }
          const [first, second] = parts.values
          this.current!.raw.push(
            paths === 2
              ? { status, oldPath: this.path(first!), path: this.path(second!) }
              : { status, oldPath: null, path: this.path(first!) },
          )
          pos = parts.end
        }
        if (!complete || pos >= buf.length) break
        this.state = 'numstat'
      }
      if (this.state === 'numstat') {
        let complete = true
        const pending = this.current!
        while (pending.counts.length < pending.raw.length) {
          const line = this.nulTerminated(pos, 1)
          if (!line) {
            complete = false
            break
          }
          const text = line.values[0]!.toString('latin1')
          const [added, deleted, path] = text.split('\t')
          let end = line.end
          if (path === '') {
            // A rename: `added\tdeleted\t\0old\0new\0`.
            const names = this.nulTerminated(end, 2)
            if (!names) {
              complete = false
              break
            }
            end = names.end
          }
          pending.counts.push([count(added), count(deleted)] as const)
          pos = end
        }
        if (!complete) break
        this.state = 'beforePatch'
      }
      if (this.state === 'beforePatch') {
        if (pos >= buf.length) {
          if (ended) this.finish(out)
          break
        }
        if (buf[pos] === NUL) pos += 1
        this.state = 'patch'
        this.lastPatchByte = NUL
      }
      if (this.state === 'patch') {
        // The patch ends where a line starts with 0x01 (no patch line can) or at the end.
        let end = -1
        if (pos < buf.length && buf[pos] === SOH && this.lastPatchByte !== -1 && (this.lastPatchByte === LF || this.lastPatchByte === NUL)) {
          end = pos
        } else {
          let from = pos
          for (;;) {
            const soh = buf.indexOf(SOH, from)
            if (soh === -1) break
            if (soh > pos && buf[soh - 1] === LF) {
              end = soh
              break
            }
            from = soh + 1
          }
        }
        const stop = end === -1 ? buf.length : end
        if (stop > pos) {
          this.keepPatch(buf.subarray(pos, stop))
          this.lastPatchByte = buf[stop - 1]!
        }
        pos = stop
        if (end === -1) {
          if (ended) this.finish(out)
          break
        }
        this.finish(out)
      }
    }
    this.buf = pos >= buf.length ? Buffer.alloc(0) : buf.subarray(pos)
    // Keep a copy detached from the chunk so one large chunk is not retained for its tail.
    if (this.buf.length > 0 && this.buf.length < buf.length / 4) this.buf = Buffer.from(this.buf)
  }

  /** `n` NUL-terminated values from `at`, or null when the buffer does not hold them yet. */
  private nulTerminated(at: number, n: number): { values: Buffer[]; end: number } | null {
    const values: Buffer[] = []
    let pos = at
    for (let i = 0; i < n; i++) {
      const nul = this.buf.indexOf(NUL, pos)
      if (nul === -1) return null
      values.push(this.buf.subarray(pos, nul))
      pos = nul + 1
    }
    return { values, end: pos }
  }

  private path(bytes: Buffer): string {
    return decodeText(bytes)
  }

  private keepPatch(bytes: Buffer): void {
    if (this.current?.skip) return
    const room = this.keepBytes - this.patchBytes
    if (room <= 0) {
      this.patchDropped = true
      return
    }
    const kept = bytes.length > room ? bytes.subarray(0, room) : bytes
    if (kept.length < bytes.length) this.patchDropped = true
    this.patch.push(Buffer.from(kept))
    this.patchBytes += kept.length
  }

  private finish(out: GitLogItem[]): void {
    const pending = this.current
    if (pending) {
      const sha = pending.header[0]!.toString('latin1')
      if (pending.skip) out.push({ kind: 'skipped', sha })
      else out.push({ kind: 'commit', record: this.record(pending) })
    }
    this.current = null
    this.patch = []
    this.patchBytes = 0
    this.patchDropped = false
    this.lastPatchByte = -1
    this.state = 'start'
  }

  private record(p: Pending): CommitRecord {
    const [shaBytes, parentBytes, nameBytes, emailBytes, authoredBytes, committedBytes, messageBytes] = p.header
    const sha = shaBytes!.toString('latin1')
    const parents = parentBytes!.toString('latin1').split(' ').filter(Boolean)
    const authored = parseTimestamp(authoredBytes!.toString('latin1'))
    const committed = parseTimestamp(committedBytes!.toString('latin1'))
    if (!authored || !committed) throw new GitLogFormatError(`commit ${sha}: unreadable dates`)
    const email = decodeText(emailBytes!).trim()
    const files: ChangedFile[] = p.raw.map((entry, i) => {
      const [additions, deletions] = p.counts[i] ?? [null, null]
      return {
        path: entry.path,
        oldPath: entry.status.startsWith('R') ? entry.oldPath : null,
        status: fileStatus(entry.status),
        additions,
        deletions,
        blobAbsent: false,
      }
    })
    let text = decodeLines(Buffer.concat(this.patch))
    text = hashEmailsInText(text)
    if (this.patchDropped) text = text.slice(0, this.options.diffCap) + truncationMarker
    const { diff, truncated } = capDiff(text, this.options.diffCap)
    return {
      platform: this.options.platform,
      repo: this.options.repo,
      sha,
      shaDerived: false,
      parents,
      isMerge: parents.length > 1,
      authorName: decodeText(nameBytes!),
      authorEmailHash: email ? hashEmail(email) : null,
      authoredAt: authored.utc,
      authoredOffset: authored.offsetMinutes,
      committedAt: committed.utc,
      committedOffset: committed.offsetMinutes,
      message: hashEmailsInText(decodeText(messageBytes!)).replace(/\n+$/, ''),
      files,
      diff,
      diffTruncated: truncated,
    }
  }
}

function count(text: string | undefined): number | null {
  if (text === undefined || text === '-') return null
  const n = Number(text)
  return Number.isInteger(n) && n >= 0 ? n : null
}

/** Git's status letters as the record format has them: copies are additions, type changes M. */
function fileStatus(raw: string): ChangedFile['status'] {
  switch (raw[0]) {
    case 'A':
    case 'C':
      return 'A'
    case 'D':
      return 'D'
    case 'R':
      return 'R'
    default:
      return 'M'
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Decodes a diff: UTF-8 when it all is, else line by line (UTF-8 where valid, Latin-1 where
 * not), so one Latin-1 file does not garble the others.
 */
function decodeLines(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes)
  } catch {
    const lines: string[] = []
    let start = 0
    while (start < bytes.length) {
      const nl = bytes.indexOf(LF, start)
      const end = nl === -1 ? bytes.length : nl + 1
      lines.push(decodeText(bytes.subarray(start, end)))
      start = end
    }
    return lines.join('')
  }
}
