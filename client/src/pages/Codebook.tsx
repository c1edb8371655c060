/**
 * @module `/p/:project/codebook`: the codes (definitions, notes, examples, usage) with their
 * operations, the version history with changelogs and agreement per version, the re-coding
 * queue, the coding mode, and export / import (JSON, REFI-QDA `.qdc`).
 */
import { A, createAsync, revalidate, useParams } from '@solidjs/router'
import { createMemo, createSignal, ErrorBoundary, For, Show, Suspense } from 'solid-js'
import {
  addCode,
  codebookExportHref,
  completeRecode,
  getCardSort,
  getCodebook,
  getMe,
  getRecodeQueue,
  getVersionAgreement,
  importCodebookFile,
  setCodingMode,
} from '../api'
import type { CodebookVersionView, CodebookView, CodeView } from '../api'
import { author, currentAuthor, setAuthor } from '../author'
import { CodeCard } from '../components/CodeCard'
import type { OperationDone } from '../components/CodeCard'
import { ErrorNotice, Loading } from '../components/Feedback'
import { formatTimestamp, plural } from '../format'
import { commitHref, projectPath } from '../paths'
import './codebook.css'

export default function CodebookPage() {
  const params = useParams<{ project: string }>()
  const view = createAsync(() => getCodebook(params.project))
  const [notice, setNotice] = createSignal<string>()
  const refresh = () =>
    revalidate([getCodebook.keyFor(params.project), getRecodeQueue.keyFor(params.project), getCardSort.keyFor(params.project), getVersionAgreement.key])
  // The notice appears with the refreshed codebook, so the two never disagree.
  const done = async (result: OperationDone) => {
    await refresh()
    setNotice(result.version === null ? result.changelog : `Version ${result.version}: ${result.changelog}`)
  }
  return (
    <div class="codebook-page">
      <Suspense fallback={<Loading what="the codebook" />}>
        <Show when={view()}>
          {(v) => (
            <>
              <CodebookHeader project={params.project} view={v()} onDone={done} />
              <Show when={notice()}>
                {(text) => (
                  <p class="notice notice-ok" role="status">
                    {text()}
                    <button type="button" class="link-button" onClick={() => setNotice(undefined)} aria-label="Dismiss">
                      ×
                    </button>
                  </p>
                )}
              </Show>
              <div class="codebook-columns">
                <section class="codes-col" aria-label="Codes">
                  <CodeList project={params.project} view={v()} onDone={done} />
                </section>
                <aside class="history-col">
                  <VersionHistory project={params.project} versions={v().versions} />
                  <RecodePanel project={params.project} pending={v().recode.pending} onDone={refresh} />
                </aside>
              </div>
            </>
          )}
        </Show>
      </Suspense>
    </div>
  )
}

function CodebookHeader(props: { project: string; view: CodebookView; onDone: (r: OperationDone) => void }) {
  const active = () => props.view.codes.filter((c) => c.status === 'active').length
  const retired = () => props.view.codes.length - active()
  return (
    <header class="page-header codebook-header">
      <div>
        <h1>Codebook</h1>
        <p class="stats">
          <span>{props.view.codebook.name}</span>
          <span>version {props.view.version.version}</span>
          <span>{plural(active(), 'active code')}</span>
          <Show when={retired() > 0}>
            <span>{plural(retired(), 'retired code')}</span>
          </Show>
          <span>{props.view.codebook.multiLabel ? 'multi-label' : 'single-label'}</span>
        </p>
        <p class="muted small">
          Grow it here or on the <A href={projectPath(props.project, '/card-sort')}>card-sorting board</A>: every change makes a new version,
          and labels record the version they were made under.
        </p>
      </div>
      <div class="header-tools">
        <AuthorField />
        <div class="exchange" role="group" aria-label="Export and import">
          <a class="button small" href={codebookExportHref(props.project, 'json')} download="">
            Export JSON
          </a>
          <a class="button small" href={codebookExportHref(props.project, 'qdc')} download="">
            Export .qdc
          </a>
          <ImportButton project={props.project} onDone={props.onDone} />
        </div>
        <ModeSwitch project={props.project} multiLabel={props.view.codebook.multiLabel} onDone={props.onDone} />
      </div>
    </header>
  )
}

/** Who changes are recorded as: the signed-in user, else a name typed here (kept in the browser). */
function AuthorField() {
  const me = createAsync(() => getMe())
  return (
    <Show
      when={me()?.user}
      fallback={
        <label class="field author-field">
          Changes recorded as
          <input value={author()} placeholder="your name" maxLength={100} onChange={(e) => setAuthor(e.currentTarget.value)} />
        </label>
      }
    >
      {(user) => <span class="small muted">Changes recorded as {user().name}</span>}
    </Show>
  )
}

function ImportButton(props: { project: string; onDone: (r: OperationDone) => void }) {
  const [error, setError] = createSignal<string>()
  const [pending, setPending] = createSignal(false)
  let input: HTMLInputElement | undefined
  const read = async (file: File) => {
    setPending(true)
    setError(undefined)
    try {
      const result = await importCodebookFile(props.project, { filename: file.name, content: await file.text(), author: currentAuthor() })
      props.onDone(
        result.version === null
          ? { version: null, changelog: `${file.name} changes nothing: the codebook already matches it.` }
          : { version: result.version, changelog: `imported ${file.name}: ${result.added.length} codes added, ${result.updated.length} updated.` },
      )
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setPending(false)
      if (input) input.value = ''
    }
  }
  return (
    <>
      <label class="button small import-button" classList={{ disabled: pending() }}>
        {pending() ? 'Importing…' : 'Import…'}
        <input
          ref={input}
          type="file"
          accept=".qdc,.json,.xml"
          class="visually-hidden"
          aria-label="Import a codebook file (.qdc or .json)"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0]
            if (file) void read(file)
          }}
        />
      </label>
      <Show when={error()}>
        {(message) => (
          <p class="notice notice-error import-error" role="alert">
            <strong>Not imported</strong> <span class="notice-text">{message()}</span>
          </p>
        )}
      </Show>
    </>
  )
}

function ModeSwitch(props: { project: string; multiLabel: boolean; onDone: (r: OperationDone) => void }) {
  const [confirming, setConfirming] = createSignal(false)
  const [error, setError] = createSignal<string>()
  const change = async () => {
    setError(undefined)
    try {
      props.onDone(await setCodingMode(props.project, { multiLabel: !props.multiLabel, author: currentAuthor() }))
      setConfirming(false)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    }
  }
  return (
    <div class="mode-switch">
      <span class="muted small">Coding: {props.multiLabel ? 'several codes per commit' : 'one code per commit'}</span>{' '}
      <Show
        when={confirming()}
        fallback={
          <button type="button" class="button small" onClick={() => setConfirming(true)}>
            Switch to {props.multiLabel ? 'single' : 'multi'}-label
          </button>
        }
      >
        <button type="button" class="button small confirm" onClick={() => void change()}>
          Confirm: {props.multiLabel ? 'single' : 'multi'}-label
        </button>
        <button type="button" class="button small" onClick={() => setConfirming(false)}>
          Cancel
        </button>
      </Show>
      <Show when={error()}>{(message) => <p class="notice notice-error" role="alert">{message()}</p>}</Show>
    </div>
  )
}

/** Codes in hierarchy order (parents first, sub-codes indented), retired ones at the end. */
function ordered(codes: readonly CodeView[]): { code: CodeView; depth: number }[] {
  const ids = new Set(codes.map((c) => c.id))
  const out: { code: CodeView; depth: number }[] = []
  const visit = (parentId: number | null, depth: number) => {
    for (const code of codes.filter((c) => (parentId === null ? c.parentId === null || !ids.has(c.parentId) : c.parentId === parentId))) {
      out.push({ code, depth })
      visit(code.id, depth + 1)
    }
  }
  visit(null, 0)
  return out
}

function CodeList(props: { project: string; view: CodebookView; onDone: (r: OperationDone) => void }) {
  const nextVersion = () => props.view.version.version + 1
  const active = createMemo(() => ordered(props.view.codes.filter((c) => c.status === 'active')))
  const retired = createMemo(() => props.view.codes.filter((c) => c.status === 'retired'))
  const [adding, setAdding] = createSignal(false)
  return (
    <>
      <div class="codes-toolbar">
        <h2>Codes</h2>
        <button type="button" class="button small" aria-expanded={adding()} onClick={() => setAdding(!adding())}>
          + Add a code
        </button>
      </div>
      <Show when={adding()}>
        <AddCodeForm
          project={props.project}
          nextVersion={nextVersion()}
          onCancel={() => setAdding(false)}
          onDone={(r) => {
            setAdding(false)
            props.onDone(r)
          }}
        />
      </Show>
      <For each={active()} fallback={<p class="empty">No codes yet: add one, import a codebook, or create categories on the card-sorting board.</p>}>
        {(item) => <CodeCard project={props.project} code={item.code} codes={props.view.codes} depth={item.depth} nextVersion={nextVersion()} onDone={props.onDone} />}
      </For>
      <Show when={retired().length > 0}>
        <details class="retired-codes">
          <summary>{plural(retired().length, 'retired code')}: their labels stay; no new labels use them</summary>
          <For each={retired()}>
            {(code) => <CodeCard project={props.project} code={code} codes={props.view.codes} depth={0} nextVersion={nextVersion()} onDone={props.onDone} />}
          </For>
        </details>
      </Show>
    </>
  )
}

function AddCodeForm(props: { project: string; nextVersion: number; onCancel: () => void; onDone: (r: OperationDone) => void }) {
  const [name, setName] = createSignal('')
  const [definition, setDefinition] = createSignal('')
  const [error, setError] = createSignal<string>()
  const [pending, setPending] = createSignal(false)
  const save = async () => {
    setPending(true)
    setError(undefined)
    try {
      props.onDone(await addCode(props.project, { name: name(), definition: definition(), author: currentAuthor() }))
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setPending(false)
    }
  }
  return (
    <form
      class="operation add-code"
      onSubmit={(e) => {
        e.preventDefault()
        void save()
      }}
    >
      <h3>A new code</h3>
      <label class="field">
        Name
        <input value={name()} onInput={(e) => setName(e.currentTarget.value)} maxLength={100} required autofocus />
      </label>
      <label class="field wide">
        Definition
        <textarea rows={2} value={definition()} onInput={(e) => setDefinition(e.currentTarget.value)} />
      </label>
      <p class="consequence">Adding it makes version {props.nextVersion}. Notes, colour, hotkey and parent can be set with Edit.</p>
      <Show when={error()}>{(message) => <p class="notice notice-error" role="alert">{message()}</p>}</Show>
      <div class="form-buttons">
        <button type="submit" class="button confirm" disabled={pending() || name().trim() === ''}>
          Add
        </button>
        <button type="button" class="button" onClick={() => props.onCancel()}>
          Cancel
        </button>
      </div>
    </form>
  )
}

function VersionHistory(props: { project: string; versions: readonly CodebookVersionView[] }) {
  const [shown, setShown] = createSignal<number>()
  return (
    <section class="panel versions" aria-label="Version history">
      <h2>History</h2>
      <ol class="version-list">
        <For each={props.versions}>
          {(v) => (
            <li>
              <div class="version-head">
                <strong>v{v.version}</strong>
                <span class="muted small">{formatTimestamp(v.createdAt)}</span>
                <span class="small">{v.author ?? 'no author'}</span>
              </div>
              <p class="changelog prewrap">{v.changelog}</p>
              <For each={v.changes}>
                {(c) => (
                  <p class="small change">
                    {c.operation}: {c.from} → {c.to ?? 're-coding queue'} · {plural(c.labels, 'label')}, {plural(c.finalCodes, 'final code')}
                  </p>
                )}
              </For>
              <p class="small muted">
                {plural(v.labels, 'label')} made under it
                <Show when={v.labels > 0}>
                  {' · '}
                  <button type="button" class="link-button" aria-expanded={shown() === v.version} onClick={() => setShown(shown() === v.version ? undefined : v.version)}>
                    agreement
                  </button>
                </Show>
              </p>
              <Show when={shown() === v.version}>
                <ErrorBoundary fallback={(e) => <p class="small muted">{e instanceof Error ? e.message : String(e)}</p>}>
                  <Suspense fallback={<Loading what="agreement" />}>
                    <VersionAgreement project={props.project} version={v.version} />
                  </Suspense>
                </ErrorBoundary>
              </Show>
            </li>
          )}
        </For>
      </ol>
    </section>
  )
}

function VersionAgreement(props: { project: string; version: number }) {
  const report = createAsync(() => getVersionAgreement(props.project, props.version))
  const f = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(3))
  return (
    <Show when={report()}>
      {(r) => (
        <div class="version-agreement small">
          <p>
            {plural(r().units, 'commit')}, raters {r().coders.join(', ')}
          </p>
          <p>
            agreement {f(r().percent_agreement)} · Fleiss κ {f(r().fleiss_kappa)} · Krippendorff α {f(r().krippendorff_alpha)}
          </p>
        </div>
      )}
    </Show>
  )
}

function RecodePanel(props: { project: string; pending: number; onDone: () => Promise<void> }) {
  const [open, setOpen] = createSignal(false)
  return (
    <section class="panel recode" aria-label="Re-coding queue">
      <h2>
        Re-coding queue <span class="count">{props.pending}</span>
      </h2>
      <p class="small muted">Commits whose code was split: their labels keep the old code until someone codes them again.</p>
      <Show when={props.pending > 0}>
        <button type="button" class="button small" aria-expanded={open()} onClick={() => setOpen(!open())}>
          {open() ? 'Hide' : 'Show'} the commits
        </button>
      </Show>
      <Show when={open()}>
        <ErrorBoundary fallback={(e) => <ErrorNotice error={e} />}>
          <Suspense fallback={<Loading what="the queue" />}>
            <RecodeList project={props.project} onDone={props.onDone} />
          </Suspense>
        </ErrorBoundary>
      </Show>
    </section>
  )
}

function RecodeList(props: { project: string; onDone: () => Promise<void> }) {
  const items = createAsync(() => getRecodeQueue(props.project))
  return (
    <ul class="recode-list">
      <For each={items()}>
        {(item) => (
          <li>
            <A href={commitHref(props.project, item.commitId)}>{item.subject || item.sha.slice(0, 7)}</A>
            <span class="muted small"> {item.repository}</span>
            <div class="small muted">{item.labels.map((l) => `${l.rater}: ${l.codes.join(' | ')}`).join(' · ')}</div>
            <button
              type="button"
              class="button small"
              onClick={async () => {
                await completeRecode(props.project, item.id)
                await props.onDone()
              }}
            >
              Mark re-coded
            </button>
          </li>
        )}
      </For>
    </ul>
  )
}
