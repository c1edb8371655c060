/**
 * @module `/p/:project/rounds/:id/code?unit=…`: the coding screen, keyboard first. The commit
 * (message, files, the highlighted and virtualised diff) on the left; the round's codebook with
 * hotkeys and definitions, the pre-labels the round allows, and the coder's memo on the right.
 * Codes save as they are chosen; the memo saves as one types (and before leaving a unit).
 */
import { A, createAsync, revalidate, useNavigate, useParams, useSearchParams } from '@solidjs/router'
import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show, Suspense, untrack } from 'solid-js'
import { getCodingUnit, getQueue, getRounds, saveMemo, saveRoundLabel, skipUnit } from '../api'
import type { CodingUnit, Queue, RoundCode } from '../api'
import { CodeChip } from '../components/CodeChip'
import { Loading } from '../components/Feedback'
import { PlatformBadge } from '../components/PlatformBadge'
import { ProgressBar } from '../components/Progress'
import { diffRowHeight, VirtualDiff } from '../components/VirtualDiff'
import { formatCount, formatTimestamp, shortSha, subjectOf } from '../format'
import { commitHref } from '../paths'
import { roundPath } from './Rounds'
import './coding.css'

export default function CodingPage() {
  const params = useParams<{ project: string; id: string }>()
  const round = () => Number(params.id)
  const queue = createAsync(() => getQueue(params.project, round()))
  return (
    <Suspense fallback={<Loading what="your queue" />}>
      <Show when={queue()}>{(q) => <Coder project={params.project} round={round()} queue={q()} />}</Show>
    </Suspense>
  )
}

type SaveState = { kind: 'idle' | 'saving' | 'saved' | 'error'; message?: string }

const typingTarget = (target: EventTarget | null) => target instanceof HTMLElement && Boolean(target.closest('textarea, input, select, [contenteditable]'))
const pressable = (target: EventTarget | null) => target instanceof HTMLElement && Boolean(target.closest('button, a[href], summary'))

function Coder(props: { project: string; round: number; queue: Queue }) {
  const navigate = useNavigate()
  const [search] = useSearchParams<{ unit?: string }>()
  const items = () => props.queue.items
  const [done, setDone] = createSignal(new Set(props.queue.items.filter((i) => i.done).map((i) => i.commitId)))
  createEffect(on(() => props.queue, (q) => setDone(new Set(q.items.filter((i) => i.done).map((i) => i.commitId))), { defer: true }))
  const [progress, setProgress] = createSignal(props.queue.progress)
  createEffect(on(() => props.queue.progress, (p) => setProgress(p), { defer: true }))

  // The unit on screen is always the one in the URL; without one, the first not yet coded.
  const current = createMemo(() => {
    const wanted = Number(search.unit)
    return items().some((i) => i.commitId === wanted) ? wanted : undefined
  })
  createEffect(() => {
    if (current() !== undefined) return
    const first = untrack(() => (items().find((i) => !done().has(i.commitId)) ?? items()[0])?.commitId)
    if (first !== undefined) navigate(`${roundPath(props.project, props.round, '/code')}?unit=${first}`, { replace: true })
  })
  const index = () => items().findIndex((i) => i.commitId === current())
  const unit = createAsync(async () => {
    const id = current()
    return id === undefined ? undefined : getCodingUnit(props.project, props.round, id)
  })

  // The coder's choice and memo for the unit on screen; reset when another unit arrives.
  const [selected, setSelected] = createSignal<number[]>([])
  const [memo, setMemo] = createSignal('')
  const [savedMemo, setSavedMemo] = createSignal('')
  const [state, setState] = createSignal<SaveState>({ kind: 'idle' })
  const [help, setHelp] = createSignal(false)
  const [focusCode, setFocusCode] = createSignal<number | null>(null)
  const [revealCode, setRevealCode] = createSignal<{ id: number } | null>(null)
  const [loadedFor, setLoadedFor] = createSignal<number | undefined>()
  createEffect(() => {
    const u = unit()
    if (!u || u.commit.id === untrack(loadedFor)) return
    setSelected(u.mine.codeIds)
    setMemo(u.mine.memo)
    setSavedMemo(u.mine.memo)
    setState({ kind: 'idle' })
    setFocusCode(u.mine.codeIds[0] ?? null)
    setLoadedFor(u.commit.id)
  })

  const open = () => unit()?.round.status === 'open'
  // While the next unit loads, the previous one is still on screen: keys must not code it.
  const ready = () => unit() !== undefined && unit()!.commit.id === current() && loadedFor() === current()
  let chain: Promise<void> = Promise.resolve()
  const queueSave = (work: () => Promise<void>) => {
    chain = chain.then(async () => {
      setState({ kind: 'saving' })
      try {
        await work()
        setState({ kind: 'saved' })
      } catch (e) {
        setState({ kind: 'error', message: e instanceof Error ? e.message : String(e) })
      }
    })
    return chain
  }

  const saveCodes = (commitId: number, ids: number[]) =>
    queueSave(async () => {
      const result = await saveRoundLabel(props.project, props.round, commitId, ids)
      setProgress(result.progress)
      setDone((s) => {
        const next = new Set(s)
        if (ids.length) next.add(commitId)
        else next.delete(commitId)
        return next
      })
      // Pre-labels shown after coding appear now; the rounds list shows the new progress.
      if (unit()?.round.preLabels === 'after') void revalidate(getCodingUnit.keyFor(props.project, props.round, commitId))
      void revalidate(getRounds.key)
    })

  let memoTimer: ReturnType<typeof setTimeout> | undefined
  const flushMemo = () => {
    clearTimeout(memoTimer)
    const u = unit()
    const text = memo()
    if (!u || !open() || text.trim() === savedMemo().trim()) return chain
    return queueSave(async () => {
      await saveMemo(props.project, props.round, u.commit.id, text)
      setSavedMemo(text)
    })
  }
  const onMemo = (text: string) => {
    setMemo(text)
    clearTimeout(memoTimer)
    memoTimer = setTimeout(() => void flushMemo(), 700)
  }
  onCleanup(() => void flushMemo())

  const choose = (code: RoundCode) => {
    const u = unit()
    if (!u || !open() || !ready()) return
    setFocusCode(code.id)
    const has = selected().includes(code.id)
    const next = u.codebook.multiLabel ? (has ? selected().filter((id) => id !== code.id) : [...selected(), code.id]) : has ? [] : [code.id]
    setSelected(next)
    void saveCodes(u.commit.id, next)
  }

  const go = async (commitId: number | undefined) => {
    if (commitId === undefined) return
    await flushMemo()
    navigate(`${roundPath(props.project, props.round, '/code')}?unit=${commitId}`)
  }
  const next = () => {
    const i = index()
    const after = items().slice(i + 1).find((x) => !done().has(x.commitId)) ?? items()[i + 1] ?? items().find((x) => !done().has(x.commitId) && x.commitId !== current())
    if (after) void go(after.commitId)
    else setState({ kind: 'saved', message: 'That was the last unit of your queue.' })
  }
  const previous = () => void go(items()[index() - 1]?.commitId)
  const skip = async () => {
    const u = unit()
    if (!u || !open()) return
    const after = items()[index() + 1] ?? items().find((x) => !done().has(x.commitId) && x.commitId !== u.commit.id)
    await queueSave(async () => {
      await skipUnit(props.project, props.round, u.commit.id)
    })
    void revalidate(getQueue.keyFor(props.project, props.round))
    if (after) void go(after.commitId)
  }

  let memoBox: HTMLTextAreaElement | undefined
  let diffViewport: HTMLDivElement | undefined
  const scrollDiff = (key: string) => {
    const v = diffViewport
    if (!v) return
    const page = v.clientHeight * 0.9
    const by: Record<string, number> = { ArrowDown: diffRowHeight * 3, ArrowUp: -diffRowHeight * 3, PageDown: page, PageUp: -page }
    if (key === 'Home') v.scrollTop = 0
    else if (key === 'End') v.scrollTop = v.scrollHeight
    else v.scrollTop += by[key] ?? 0
  }

  const hotkeyCode = (key: string) => {
    const codes = unit()?.codebook.codes ?? []
    return codes.find((c) => c.hotkey === key) ?? codes.find((c) => c.hotkey?.toLowerCase() === key.toLowerCase())
  }

  onMount(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return
      if (typingTarget(e.target)) {
        if (e.key === 'Escape') {
          ;(e.target as HTMLElement).blur()
          void flushMemo()
          e.preventDefault()
        }
        return
      }
      if ((e.key === 'Enter' || e.key === ' ') && pressable(e.target)) return
      if (e.key === 'Escape' && help()) setHelp(false)
      else if (e.key === '?') setHelp((h) => !h)
      else if (e.key === 'Enter' || e.key === 'ArrowRight') next()
      else if (e.key === 'ArrowLeft') previous()
      else if (e.key === ' ') void skip()
      else if (e.key === '/') memoBox?.focus()
      else if (['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End'].includes(e.key)) scrollDiff(e.key)
      else {
        const code = hotkeyCode(e.key)
        if (!code) return
        choose(code)
        setRevealCode({ id: code.id })
      }
      e.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    onCleanup(() => window.removeEventListener('keydown', onKey))
  })

  return (
    <div class="coding" data-ready={ready() ? 'true' : 'false'}>
      <header class="coding-head">
        <div class="coding-title">
          <A href={roundPath(props.project, props.round, '')} class="muted small" title="The round">
            ← {props.queue.round.name}
          </A>
          <span class="unit-position">
            unit {index() + 1} of {formatCount(items().length)}
          </span>
        </div>
        <ProgressBar done={progress().done} total={progress().assigned} label="your progress in this round" />
        <SaveIndicator state={state()} />
        <nav class="coding-nav" aria-label="Units">
          <button type="button" class="button small" onClick={previous} disabled={index() <= 0} title="Previous unit (←)">
            ← Previous
          </button>
          <button type="button" class="button small" onClick={() => void skip()} disabled={!open()} title="Skip for now (Space)">
            Skip
          </button>
          <button type="button" class="button small primary" onClick={next} title="Next unit (Enter or →)">
            Next →
          </button>
          <button type="button" class="button small" onClick={() => setHelp((h) => !h)} aria-expanded={help()} title="Keys (?)">
            Keys
          </button>
        </nav>
      </header>
      <Show when={help()}>
        <KeyHelp codes={unit()?.codebook.codes ?? []} onClose={() => setHelp(false)} />
      </Show>
      <Show when={props.queue.round.status !== 'open'}>
        <p class="notice notice-warn">This round is revealed: its labels are locked.</p>
      </Show>
      <Suspense fallback={<Loading what="the commit" />}>
        <Show when={unit()}>
          {(u) => (
            <div class="coding-body">
              <CommitPane unit={u()} project={props.project} diffRef={(el) => (diffViewport = el)} />
              <aside class="coding-side" aria-label="Codebook">
                <CodebookPanel codes={u().codebook.codes} selected={selected()} focus={focusCode()} reveal={revealCode()} multiLabel={u().codebook.multiLabel} disabled={!open()} onChoose={choose} onFocus={setFocusCode} version={u().codebook.version} />
                <PreLabels unit={u()} coded={selected().length > 0} />
                <section class="memo">
                  <label for="memo">
                    Memo <span class="muted small">(open code; <kbd>/</kbd> to write, <kbd>Esc</kbd> to leave)</span>
                  </label>
                  <textarea id="memo" ref={memoBox} rows={3} value={memo()} disabled={!open()} onInput={(e) => onMemo(e.currentTarget.value)} onBlur={() => void flushMemo()} placeholder="What is this commit about, in your words?" />
                </section>
              </aside>
            </div>
          )}
        </Show>
      </Suspense>
    </div>
  )
}

function SaveIndicator(props: { state: SaveState }) {
  const text = () =>
    props.state.message ?? ({ idle: '', saving: 'Saving…', saved: 'Saved', error: 'Not saved' } as const)[props.state.kind]
  return (
    <span class={`save-state save-${props.state.kind}`} role="status" aria-live="polite" title={props.state.kind === 'error' ? props.state.message : undefined}>
      {props.state.kind === 'error' ? `Not saved: ${props.state.message}` : text()}
    </span>
  )
}

function CommitPane(props: { unit: CodingUnit; project: string; diffRef: (el: HTMLDivElement) => void }) {
  const c = () => props.unit.commit
  return (
    <section class="coding-commit" aria-label="Commit">
      <header class="coding-commit-head">
        <h1 class="commit-subject">{subjectOf(c().message) || '(no message)'}</h1>
        <p class="meta-line">
          <PlatformBadge platform={c().platform} /> <span class="repo-name">{c().repository}</span> <code class="sha">{shortSha(c().sha)}</code>
          <span class="muted"> · {c().authorName} · {formatTimestamp(c().committedAt)}</span>
          <Show when={c().isMerge}>
            {' '}
            <span class="tag tag-merge">merge</span>
          </Show>{' '}
          <a class="small" href={commitHref(props.project, c().id)} target="_blank" rel="noopener">
            open commit page
          </a>
        </p>
      </header>
      <Show when={c().message.includes('\n')}>
        <pre class="coding-message">{c().message}</pre>
      </Show>
      <details class="coding-files" open={c().files.length <= 12}>
        <summary>
          {formatCount(c().fileCount)} file{c().fileCount === 1 ? '' : 's'} changed
        </summary>
        <ul class="file-list">
          <For each={c().files} fallback={<li class="muted">No files recorded.</li>}>
            {(f) => (
              <li>
                <span class={`status status-${f.status ?? 'none'}`}>{f.status ?? '·'}</span> <span class="path">{f.path}</span>
                <Show when={f.additions !== null || f.deletions !== null}>
                  <span class="additions"> +{f.additions ?? 0}</span>
                  <span class="deletions"> −{f.deletions ?? 0}</span>
                </Show>
              </li>
            )}
          </For>
        </ul>
        <Show when={c().fileCount > c().files.length}>
          <p class="muted small">
            Showing the first {formatCount(c().files.length)} of {formatCount(c().fileCount)} files.
          </p>
        </Show>
      </details>
      <VirtualDiff diff={c().diff} truncated={c().diffTruncated} ref={props.diffRef} />
    </section>
  )
}

function CodebookPanel(props: {
  codes: RoundCode[]
  selected: number[]
  focus: number | null
  /** The code last chosen by its key (a new object each time, so the same key scrolls again). */
  reveal: { id: number } | null
  multiLabel: boolean
  disabled: boolean
  version: number
  onChoose: (code: RoundCode) => void
  onFocus: (id: number) => void
}) {
  const focused = () => props.codes.find((c) => c.id === props.focus) ?? null
  let list: HTMLUListElement | undefined
  // A code chosen by its key scrolls into view (not one under the mouse).
  createEffect(
    on(
      () => props.reveal,
      (reveal) => {
        if (reveal) list?.querySelector(`[data-code="${reveal.id}"]`)?.scrollIntoView?.({ block: 'nearest' })
      },
      { defer: true },
    ),
  )
  return (
    <>
      <section class="codebook-panel">
        <h2>
          Codebook <span class="muted small">v{props.version} · {props.multiLabel ? 'several codes allowed' : 'one code'}</span>
        </h2>
        <ul class="code-list" ref={list} role="listbox" aria-multiselectable={props.multiLabel} aria-label="Codes">
          <For each={props.codes}>
            {(code) => (
              <li
                role="option"
                aria-selected={props.selected.includes(code.id)}
                class="code-option"
                data-code={code.id}
                classList={{ chosen: props.selected.includes(code.id), focused: props.focus === code.id }}
                onClick={() => props.onChoose(code)}
                onMouseEnter={() => props.onFocus(code.id)}
                title={code.definition}
              >
                <kbd>{code.hotkey ?? ' '}</kbd>
                <span class="swatch" style={{ 'background-color': code.color }} />
                <span class="code-name">
                  {code.name}
                  <Show when={code.isFallback}>
                    <span class="muted small"> · fallback</span>
                  </Show>
                </span>
                <span class="code-definition">{code.definition}</span>
              </li>
            )}
          </For>
        </ul>
      </section>
      <Show when={focused()}>
        {(code) => (
          <section class="code-details" aria-label={`About ${code().name}`}>
            <p>
              <strong>{code().name}</strong> <span class="prewrap">{code().definition}</span>
            </p>
            <Show when={code().includeNotes}>
              <p>
                <strong>Use when</strong> <span class="prewrap">{code().includeNotes}</span>
              </p>
            </Show>
            <Show when={code().excludeNotes}>
              <p>
                <strong>Not when</strong> <span class="prewrap">{code().excludeNotes}</span>
              </p>
            </Show>
            <For each={code().examples.slice(0, 2)}>
              {(example) => (
                <p class="example">
                  <span class="muted small">example · {example.repository}</span>
                  <br />
                  <span class="prewrap">{subjectOf(example.message)}</span>
                  <Show when={example.note}>
                    <span class="muted"> — {example.note}</span>
                  </Show>
                </p>
              )}
            </For>
          </section>
        )}
      </Show>
    </>
  )
}

function PreLabels(props: { unit: CodingUnit; coded: boolean }) {
  const mode = () => props.unit.round.preLabels
  return (
    <Show when={mode() !== 'hidden'}>
      <section class="pre-labels">
        <h2>Pre-labels</h2>
        <Show
          when={props.unit.preLabels.length > 0}
          fallback={<p class="muted small">{mode() === 'after' && !props.coded ? 'Shown once you have saved your code.' : 'No machine label on this commit.'}</p>}
        >
          <For each={props.unit.preLabels}>
            {(p) => (
              <div class="pre-label">
                <span class="muted small">{p.rater}</span>{' '}
                <For each={p.codes}>{(name) => <CodeChip name={name} color={props.unit.codebook.codes.find((c) => c.name === name)?.color ?? '#888888'} />}</For>
                <Show when={p.confidence !== null}>
                  <span class="muted small"> {Math.round((p.confidence ?? 0) * 100)}%</span>
                </Show>
                <Show when={p.rationale}>{(why) => <p class="small prewrap">{why()}</p>}</Show>
              </div>
            )}
          </For>
        </Show>
      </section>
    </Show>
  )
}

function KeyHelp(props: { codes: RoundCode[]; onClose: () => void }) {
  return (
    <div class="key-help panel" role="dialog" aria-label="Keys">
      <div class="key-help-cols">
        <dl>
          <dt>
            <kbd>Enter</kbd> <kbd>→</kbd>
          </dt>
          <dd>next unit</dd>
          <dt>
            <kbd>←</kbd>
          </dt>
          <dd>previous unit</dd>
          <dt>
            <kbd>Space</kbd>
          </dt>
          <dd>skip for now (it goes to the end of your queue)</dd>
          <dt>
            <kbd>/</kbd>
          </dt>
          <dd>write the memo; <kbd>Esc</kbd> leaves it</dd>
          <dt>
            <kbd>↑</kbd> <kbd>↓</kbd> <kbd>PgUp</kbd> <kbd>PgDn</kbd> <kbd>Home</kbd> <kbd>End</kbd>
          </dt>
          <dd>scroll the diff</dd>
          <dt>
            <kbd>?</kbd>
          </dt>
          <dd>this help</dd>
        </dl>
        <dl>
          <For each={props.codes.filter((c) => c.hotkey)}>
            {(c) => (
              <>
                <dt>
                  <kbd>{c.hotkey}</kbd>
                </dt>
                <dd>{c.name}</dd>
              </>
            )}
          </For>
        </dl>
      </div>
      <p class="muted small">A code key chooses the code (again: removes it); it is saved at once.</p>
      <button type="button" class="button small" onClick={() => props.onClose()}>
        Close
      </button>
    </div>
  )
}
