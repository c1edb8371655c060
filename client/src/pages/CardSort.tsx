/**
 * @module `/p/:project/card-sort`: open card sorting. The open codes coders wrote, grouped into
 * cards by their text (with counts and their commits), are dragged into categories (the
 * codebook's codes), or moved with the keyboard: select cards with Space, press a category's
 * hotkey (or use the toolbar) to file them, Delete to take them back out. A group of cards can
 * become a new category (a new code). Open codes are untrusted text, rendered as text.
 */
import { A, createAsync, revalidate, useParams } from '@solidjs/router'
import { createMemo, createSignal, For, Show, Suspense } from 'solid-js'
import { createCategory, getCardSort, getCodebook, moveCards } from '../api'
import type { CardSortBoard, SortCard, SortCategory } from '../api'
import { author, currentAuthor } from '../author'
import { CodeChip } from '../components/CodeChip'
import { Loading } from '../components/Feedback'
import { PlatformBadge } from '../components/PlatformBadge'
import { formatCount, plural } from '../format'
import { commitHref, projectPath } from '../paths'
import './codebook.css'

const noCards: SortCard[] = []
const cardId = (card: SortCard) => `${card.categoryId ?? 0}:${card.key}`
const columnId = (categoryId: number | null) => (categoryId === null ? 'unsorted' : `category-${categoryId}`)

export default function CardSortPage() {
  const params = useParams<{ project: string }>()
  const board = createAsync(() => getCardSort(params.project))
  return (
    <div class="cardsort-page">
      <Suspense fallback={<Loading what="the open codes" />}>
        <Show when={board()}>{(b) => <Board project={params.project} board={b()} />}</Show>
      </Suspense>
    </div>
  )
}

function Board(props: { project: string; board: CardSortBoard }) {
  const [selected, setSelected] = createSignal<ReadonlySet<string>>(new Set())
  const [status, setStatus] = createSignal('')
  const [error, setError] = createSignal<string>()
  const [dropTarget, setDropTarget] = createSignal<string>()
  const [moveTo, setMoveTo] = createSignal('')
  const [newName, setNewName] = createSignal('')
  const [busy, setBusy] = createSignal(false)

  // One stable array per column: re-filtering on every drag-over would rebuild the columns'
  // "drop here" placeholders under the pointer and lose the drop.
  const columns = createMemo(() => {
    const out = new Map<number | null, SortCard[]>()
    for (const card of props.board.cards) out.set(card.categoryId, [...(out.get(card.categoryId) ?? []), card])
    return out
  })
  const cardsIn = (categoryId: number | null) => columns().get(categoryId) ?? noCards
  const byId = createMemo(() => new Map(props.board.cards.map((c) => [cardId(c), c])))
  const chosen = () => [...selected()].map((id) => byId().get(id)).filter((c): c is SortCard => c !== undefined)
  const byHotkey = createMemo(() => new Map(props.board.categories.filter((c) => c.hotkey).map((c) => [c.hotkey!, c])))
  const categoryName = (id: number | null) => (id === null ? 'Unsorted' : (props.board.categories.find((c) => c.id === id)?.name ?? `#${id}`))

  const toggle = (card: SortCard) => {
    const next = new Set(selected())
    if (next.has(cardId(card))) next.delete(cardId(card))
    else next.add(cardId(card))
    setSelected(next)
  }

  const refresh = () => revalidate([getCardSort.keyFor(props.project), getCodebook.keyFor(props.project)])

  /** Focuses the card now at this place of a column (after a move re-rendered it). */
  const focusAt = (column: string, index: number) =>
    requestAnimationFrame(() => {
      const buttons = document.querySelectorAll<HTMLButtonElement>(`[data-column="${column}"] .card-main`)
      ;(buttons[Math.min(index, buttons.length - 1)] ?? document.querySelector<HTMLElement>(`[data-column="${column}"]`))?.focus()
    })

  const move = async (cards: readonly SortCard[], to: number | null, focus?: { column: string; index: number }) => {
    const moving = cards.filter((c) => c.categoryId !== to)
    if (moving.length === 0) return
    setBusy(true)
    setError(undefined)
    try {
      const result = await moveCards(props.project, {
        cards: moving.map((c) => ({ text: c.key, categoryId: c.categoryId })),
        to,
      })
      setSelected(new Set<string>())
      setStatus(`Moved ${plural(moving.length, 'card')} (${plural(result.moved, 'open code')}) to ${categoryName(to)}.`)
      await refresh()
      if (focus) focusAt(focus.column, focus.index)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }

  const create = async () => {
    const cards = chosen()
    setBusy(true)
    setError(undefined)
    try {
      const result = await createCategory(props.project, {
        name: newName(),
        cards: cards.map((c) => ({ text: c.key, categoryId: c.categoryId })),
        author: currentAuthor(),
      })
      setSelected(new Set<string>())
      setNewName('')
      setStatus(`Created the category ‘${result.code.name}’ (codebook version ${result.version}) with ${plural(result.moved, 'open code')}.`)
      await refresh()
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }

  /** Keys on a focused card: hotkeys file it (or the selection), Delete unsorts, arrows walk. */
  const onCardKey = (event: KeyboardEvent, card: SortCard, column: string, index: number) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return
    const targets = selected().has(cardId(card)) ? chosen() : [card]
    const category = byHotkey().get(event.key.toLowerCase())
    if (category) {
      event.preventDefault()
      void move(targets, category.id, { column, index })
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault()
      void move(targets, null, { column, index })
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      focusAt(column, Math.max(0, index + (event.key === 'ArrowDown' ? 1 : -1)))
    } else if (event.key === 'Escape') {
      setSelected(new Set<string>())
    }
  }

  const onDrop = (event: DragEvent, to: number | null) => {
    event.preventDefault()
    setDropTarget(undefined)
    const id = event.dataTransfer?.getData('application/x-concord-card') || event.dataTransfer?.getData('text/plain')
    const card = id ? byId().get(id) : undefined
    if (!card) return
    void move(selected().has(cardId(card)) ? chosen() : [card], to)
  }

  // Cancelling both dragenter and dragover is what marks an element as a drop target.
  const dropZone = (to: number | null) => ({
    onDragEnter: (event: DragEvent) => {
      event.preventDefault()
      setDropTarget(columnId(to))
    },
    onDragOver: (event: DragEvent) => {
      event.preventDefault()
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'move'
      setDropTarget(columnId(to))
    },
    onDragLeave: (event: DragEvent) => {
      if (!(event.currentTarget as HTMLElement).contains(event.relatedTarget as Node | null)) setDropTarget(undefined)
    },
    onDrop: (event: DragEvent) => onDrop(event, to),
  })

  const column = (to: number | null) => ({
    cards: cardsIn(to),
    id: columnId(to),
    onKey: onCardKey,
    selected: selected(),
    onToggle: toggle,
    project: props.project,
    dropping: dropTarget() === columnId(to),
  })

  return (
    <>
      <header class="page-header">
        <h1>Open card sorting</h1>
        <p class="stats">
          <span>{plural(props.board.openCodes.total, 'open code')} on {plural(props.board.cards.length, 'card')}</span>
          <span>{formatCount(props.board.openCodes.sorted)} sorted</span>
          <span>
            {formatCount(props.board.units.unsorted)} of {plural(props.board.units.total, 'commit')} still unsorted
          </span>
        </p>
        <p class="keys-help small muted">
          Drag cards into a category, or with the keyboard: <kbd>Tab</kbd> to a card, <kbd>Space</kbd> selects, a category’s
          hotkey (<kbd>1</kbd>…) files the card or the selection, <kbd>Delete</kbd> takes it back out, <kbd>↑</kbd> <kbd>↓</kbd> move
          between cards. New categories are new codes of the <A href={projectPath(props.project, '/codebook')}>codebook</A>
          <Show when={author()}>{(name) => <> (recorded as {name()})</>}</Show>.
        </p>
      </header>

      <div class="sort-toolbar" role="toolbar" aria-label="Selected cards">
        <span class="selection-count">{plural(selected().size, 'card')} selected</span>
        <label class="field inline">
          <span class="visually-hidden">Move the selected cards to</span>
          <select value={moveTo()} onChange={(e) => setMoveTo(e.currentTarget.value)} aria-label="Move the selected cards to">
            <option value="">Move to…</option>
            <option value="unsorted">Unsorted</option>
            <For each={props.board.categories}>{(c) => <option value={String(c.id)}>{c.name}</option>}</For>
          </select>
        </label>
        <button
          type="button"
          class="button small"
          disabled={busy() || selected().size === 0 || moveTo() === ''}
          onClick={() => void move(chosen(), moveTo() === 'unsorted' ? null : Number(moveTo()))}
        >
          Move
        </button>
        <span class="divider" aria-hidden="true" />
        <form
          class="new-category"
          onSubmit={(e) => {
            e.preventDefault()
            void create()
          }}
        >
          <label class="field inline">
            <span class="visually-hidden">Name of the new category</span>
            <input value={newName()} placeholder="New category from the selection…" maxLength={100} onInput={(e) => setNewName(e.currentTarget.value)} />
          </label>
          <button type="submit" class="button small confirm" disabled={busy() || newName().trim() === ''}>
            Create category
          </button>
        </form>
        <Show when={selected().size > 0}>
          <button type="button" class="link-button small" onClick={() => setSelected(new Set<string>())}>
            clear selection
          </button>
        </Show>
      </div>
      <p class="visually-hidden" role="status" aria-live="polite">
        {status()}
      </p>
      <Show when={status()}>
        <p class="sort-status small muted" aria-hidden="true">
          {status()}
        </p>
      </Show>
      <Show when={error()}>{(message) => <p class="notice notice-error" role="alert">{message()}</p>}</Show>

      <div class="board">
        <section class="column unsorted" classList={{ dropping: dropTarget() === 'unsorted' }} aria-label="Unsorted open codes" {...dropZone(null)}>
          <h2>
            Unsorted <span class="count">{cardsIn(null).length}</span>
          </h2>
          <CardColumn {...column(null)} empty="Every card is sorted." />
        </section>
        <div class="categories">
          <For each={props.board.categories}>
            {(category) => (
              <section
                class="column category"
                classList={{ dropping: dropTarget() === columnId(category.id) }}
                aria-label={`Category ${category.name}`}
                style={{ 'border-top-color': category.color }}
                {...dropZone(category.id)}
              >
                <CategoryHead category={category} cards={cardsIn(category.id)} />
                <CardColumn {...column(category.id)} empty="Drop cards here" />
              </section>
            )}
          </For>
        </div>
      </div>

      <details class="panel unsorted-units">
        <summary>
          <strong>{plural(props.board.units.unsorted, 'commit')}</strong> with open codes not yet in a category
        </summary>
        <ul>
          <For each={props.board.unsortedUnits}>
            {(unit) => (
              <li>
                <PlatformBadge platform={unit.platform} /> <A href={commitHref(props.project, unit.id)}>{unit.subject || unit.sha.slice(0, 7)}</A>{' '}
                <span class="muted small">{unit.repository}</span> <span class="open-code-list small">{unit.openCodes.join(' · ')}</span>
              </li>
            )}
          </For>
        </ul>
      </details>
    </>
  )
}

function CategoryHead(props: { category: SortCategory; cards: readonly SortCard[] }) {
  const openCodes = () => props.cards.reduce((n, c) => n + c.count, 0)
  return (
    <h2 title={props.category.definition}>
      <CodeChip name={props.category.name} color={props.category.color} />
      <Show when={props.category.hotkey}>{(key) => <kbd>{key()}</kbd>}</Show>
      <span class="count" title="open codes">{openCodes()}</span>
    </h2>
  )
}

function CardColumn(props: {
  id: string
  cards: readonly SortCard[]
  selected: ReadonlySet<string>
  project: string
  dropping: boolean
  empty: string
  onToggle: (card: SortCard) => void
  onKey: (event: KeyboardEvent, card: SortCard, column: string, index: number) => void
}) {
  return (
    <ul class="cards" data-column={props.id} tabindex="-1">
      <For each={props.cards} fallback={<li class="empty-drop">{props.empty}</li>}>
        {(card, index) => (
          <li
            class="sort-card"
            classList={{ selected: props.selected.has(cardId(card)) }}
            draggable="true"
            data-card={card.key}
            onDragStart={(event) => {
              event.dataTransfer?.setData('application/x-concord-card', cardId(card))
              event.dataTransfer?.setData('text/plain', cardId(card))
              if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move'
            }}
          >
            <button
              type="button"
              class="card-main"
              aria-pressed={props.selected.has(cardId(card))}
              onClick={() => props.onToggle(card)}
              onKeyDown={(event) => props.onKey(event, card, props.id, index())}
            >
              <span class="card-text">{card.text}</span>
              <span class="card-count" title={`${plural(card.count, 'open code')} by ${card.coders.join(', ')}`}>
                ×{card.count}
              </span>
            </button>
            <details class="card-commits">
              <summary>{plural(card.commits.length, 'commit')}</summary>
              <ul>
                <For each={card.commits}>
                  {(commit) => (
                    <li>
                      <A href={commitHref(props.project, commit.id)}>{commit.subject || commit.sha.slice(0, 7)}</A>
                      <span class="muted"> {commit.repository}</span>
                    </li>
                  )}
                </For>
              </ul>
            </details>
          </li>
        )}
      </For>
    </ul>
  )
}
