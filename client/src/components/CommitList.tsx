/**
 * @module The commit table with a keyboard selection: j/k move, Enter opens (ignored while typing).
 */
import { createEffect, createSignal, For, on, onCleanup } from 'solid-js'
import type { CommitListItem } from '../api'
import { commitHref } from '../paths'
import { CommitRow, CommitTable } from './CommitRow'

export type CommitListProps = {
  project: string
  items: CommitListItem[]
  onOpen: (commit: CommitListItem) => void
  /** Row to select initially (e.g. the commit one came back from); -1 for none. */
  initialSelection?: number
}

/** True when keys typed into the target are text (inputs, selects, editable areas). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)
}

/** True for elements that act on Enter themselves (links, buttons). */
function isActionable(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && ['A', 'BUTTON', 'SUMMARY'].includes(target.tagName)
}

export function CommitList(props: CommitListProps) {
  const [selected, setSelected] = createSignal(props.initialSelection ?? -1)
  const rows: HTMLTableRowElement[] = []
  // A new page or search starts without a selection.
  createEffect(on(() => props.items, () => setSelected(-1), { defer: true }))

  const move = (delta: number) => {
    const n = props.items.length
    if (n === 0) return
    const next = selected() < 0 ? (delta > 0 ? 0 : n - 1) : Math.min(n - 1, Math.max(0, selected() + delta))
    setSelected(next)
    rows[next]?.scrollIntoView?.({ block: 'nearest' })
  }

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey || isTyping(event.target)) return
    if (event.key === 'j') {
      event.preventDefault()
      move(1)
    } else if (event.key === 'k') {
      event.preventDefault()
      move(-1)
    } else if (event.key === 'Enter' && !isActionable(event.target)) {
      const commit = props.items[selected()]
      if (!commit) return
      event.preventDefault()
      props.onOpen(commit)
    }
  }
  document.addEventListener('keydown', onKeyDown)
  onCleanup(() => document.removeEventListener('keydown', onKeyDown))

  return (
    <CommitTable>
      <For each={props.items}>
        {(commit, index) => (
          <CommitRow
            ref={(element) => (rows[index()] = element)}
            commit={commit}
            href={commitHref(props.project, commit.id)}
            selected={selected() === index()}
            onOpen={() => {
              setSelected(index())
              props.onOpen(commit)
            }}
          />
        )}
      </For>
    </CommitTable>
  )
}
