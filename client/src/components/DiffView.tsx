/**
 * @module A unified diff as text, one element per line, coloured by CSS class. Diffs are
 * untrusted: every line is a text node (never innerHTML).
 */
import { createMemo, For, Show } from 'solid-js'

export type DiffLineKind = 'file' | 'meta' | 'hunk' | 'add' | 'del' | 'context'

/** What a diff line is, from its first characters. */
export function diffLineKind(line: string): DiffLineKind {
  if (line.startsWith('diff --git')) return 'file'
  // The marker the import appends to a diff it cut (server/core/diff-cap.ts).
  if (line === '[... diff truncated ...]') return 'meta'
  if (line.startsWith('+++ ') || line.startsWith('--- ') || line === '+++' || line === '---') return 'meta'
  if (line.startsWith('@@')) return 'hunk'
  if (line.startsWith('+')) return 'add'
  if (line.startsWith('-')) return 'del'
  if (/^(index |new file mode|deleted file mode|old mode|new mode|similarity index|rename from|rename to|copy from|copy to|Binary files)/.test(line)) {
    return 'meta'
  }
  return 'context'
}

type DiffLine = { text: string; kind: DiffLineKind }

export function splitDiff(diff: string): DiffLine[] {
  if (!diff) return []
  const lines = diff.replace(/\r\n/g, '\n').split('\n')
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop()
  return lines.map((text) => ({ text, kind: diffLineKind(text) }))
}

export function DiffView(props: { diff: string; truncated?: boolean }) {
  const lines = createMemo(() => splitDiff(props.diff))
  return (
    <div class="diff-view">
      <Show when={props.truncated}>
        <p class="notice notice-warn" role="note">
          This diff was truncated at import; the stored text ends at the cap and later changes are not shown.
        </p>
      </Show>
      <Show when={lines().length > 0} fallback={<p class="empty">No diff stored for this commit.</p>}>
        <pre class="diff" aria-label="diff">
          <code class="diff-body">
            <For each={lines()}>{(line) => <span class={`diff-line diff-${line.kind}`}>{line.text}{'\n'}</span>}</For>
          </code>
        </pre>
      </Show>
    </div>
  )
}
