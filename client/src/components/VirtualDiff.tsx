/**
 * @module A unified diff, syntax-highlighted and virtualised: only the lines in view (plus a
 * margin) are in the DOM, so a 20,000-line diff renders as fast as a short one. Every line and
 * token is a text node (diffs are untrusted; never innerHTML). Records how long the first paint
 * took as the performance measure `concord:diff-render` (read by the benchmark).
 */
import { createEffect, createMemo, createSignal, For, onCleanup, Show } from 'solid-js'
import { languageOf, tokenizeLine } from '../highlight'
import { splitDiff } from './DiffView'
import type { DiffLineKind } from './DiffView'

/** Fixed row height: what makes the windowing arithmetic exact. Matches `.vdiff-row` in CSS. */
export const diffRowHeight = 18
const overscan = 30

export type DiffRow = {
  text: string
  kind: DiffLineKind
  /** The file's language, for code lines. */
  language: string | null
  oldLine: number | null
  newLine: number | null
}

/** The rows of a diff with each code line's file language and old/new line numbers. */
export function diffRows(diff: string): DiffRow[] {
  let language: string | null = null
  let oldLine = 0
  let newLine = 0
  return splitDiff(diff).map(({ text, kind }) => {
    if (kind === 'file') {
      const path = / b\/(.+)$/.exec(text)?.[1] ?? ''
      language = languageOf(path)
      return { text, kind, language: null, oldLine: null, newLine: null }
    }
    if (kind === 'hunk') {
      const m = /^@@ -(\d+)(?:,\d+)? \+(\d+)/.exec(text)
      if (m) {
        oldLine = Number(m[1])
        newLine = Number(m[2])
      }
      return { text, kind, language: null, oldLine: null, newLine: null }
    }
    if (kind === 'add') return { text, kind, language, oldLine: null, newLine: newLine++ }
    if (kind === 'del') return { text, kind, language, oldLine: oldLine++, newLine: null }
    if (kind === 'context' && oldLine > 0) return { text, kind, language, oldLine: oldLine++, newLine: newLine++ }
    return { text, kind, language: null, oldLine: null, newLine: null }
  })
}

/** The first line index to render and how many, for a scroll position and viewport height. */
export function visibleWindow(scrollTop: number, viewport: number, total: number): { start: number; end: number } {
  const first = Math.floor(scrollTop / diffRowHeight)
  const start = Math.max(0, first - overscan)
  const end = Math.min(total, first + Math.ceil(viewport / diffRowHeight) + overscan)
  return { start, end }
}

export function VirtualDiff(props: { diff: string; truncated?: boolean; ref?: (el: HTMLDivElement) => void }) {
  let viewport: HTMLDivElement | undefined
  const [scrollTop, setScrollTop] = createSignal(0)
  const [height, setHeight] = createSignal(600)
  const rows = createMemo(() => {
    performance.mark('concord:diff:start')
    return diffRows(props.diff)
  })
  const window_ = createMemo(() => visibleWindow(scrollTop(), height(), rows().length))
  const slice = createMemo(() => {
    const { start, end } = window_()
    return rows().slice(start, end).map((row, i) => ({ row, index: start + i }))
  })

  const measure = () => setHeight(viewport?.clientHeight || 600)
  const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure)
  onCleanup(() => observer?.disconnect())
  // The viewport exists only while there are lines (it sits inside a Show).
  const attach = (el: HTMLDivElement) => {
    viewport = el
    props.ref?.(el)
    observer?.observe(el)
    queueMicrotask(measure)
  }

  // A new diff starts at the top; the first frame after it is in the DOM ends the measure.
  createEffect(() => {
    rows()
    if (viewport) viewport.scrollTop = 0
    setScrollTop(0)
    requestAnimationFrame(() => {
      try {
        performance.measure('concord:diff-render', 'concord:diff:start')
      } catch {
        // no start mark (an environment without the Performance API's marks)
      }
    })
  })

  let frame = 0
  const onScroll = () => {
    if (frame) return
    frame = requestAnimationFrame(() => {
      frame = 0
      setScrollTop(viewport?.scrollTop ?? 0)
    })
  }

  return (
    <div class="vdiff">
      <Show when={props.truncated}>
        <p class="notice notice-warn" role="note">
          This diff was truncated at import; the stored text ends at the cap and later changes are not shown.
        </p>
      </Show>
      <Show when={rows().length > 0} fallback={<p class="empty">No diff stored for this commit.</p>}>
        <div class="vdiff-viewport" ref={attach} onScroll={onScroll} tabindex="0" role="region" aria-label={`diff, ${rows().length} lines`}>
          <div class="vdiff-spacer" style={{ height: `${rows().length * diffRowHeight}px` }}>
            <div class="vdiff-rows" style={{ transform: `translateY(${window_().start * diffRowHeight}px)` }}>
              <For each={slice()}>{(item) => <Row row={item.row} />}</For>
            </div>
          </div>
        </div>
      </Show>
    </div>
  )
}

function Row(props: { row: DiffRow }) {
  const r = () => props.row
  const code = () => r().kind === 'add' || r().kind === 'del' || r().kind === 'context'
  return (
    <div class={`vdiff-row diff-${r().kind}`}>
      <span class="vdiff-num">{r().oldLine ?? ''}</span>
      <span class="vdiff-num">{r().newLine ?? ''}</span>
      <span class="vdiff-text">
        <Show when={code() && r().language} fallback={r().text}>
          {r().text.slice(0, 1)}
          <For each={tokenizeLine(r().text.slice(1), r().language)}>
            {(token) => (token.kind === 'plain' ? token.text : <span class={`tok-${token.kind}`}>{token.text}</span>)}
          </For>
        </Show>
      </span>
    </div>
  )
}
