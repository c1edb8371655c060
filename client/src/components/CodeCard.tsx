/**
 * @module One code of the codebook: definition, when-to-use / when-not-to-use notes, example
 * commits, usage, and its operations (rename, edit, merge, split, retire), each confirmed with
 * what it will do to the labels before it runs. All text is rendered as text.
 */
import { A } from '@solidjs/router'
import { createSignal, For, Match, Show, Switch } from 'solid-js'
import type { JSX } from 'solid-js'
import { editCode, mergeCodes, renameCode, retireCode, splitCode } from '../api'
import type { CodeView } from '../api'
import { currentAuthor } from '../author'
import { commitHref } from '../paths'
import { plural } from '../format'
import { CodeChip } from './CodeChip'
import { PlatformBadge } from './PlatformBadge'
import { ShortSha } from './ShaCell'

type Operation = 'rename' | 'edit' | 'merge' | 'split' | 'retire'

/** What an operation answered: the version it made (null when nothing changed) and its changelog. */
export type OperationDone = { version: number | null; changelog: string }

export function CodeCard(props: {
  project: string
  code: CodeView
  codes: readonly CodeView[]
  depth: number
  nextVersion: number
  onDone: (result: OperationDone) => void
}) {
  const [open, setOpen] = createSignal<Operation | null>(null)
  const parentName = () => props.codes.find((c) => c.id === props.code.parentId)?.name
  const usage = () => {
    const u = props.code.usage
    const parts = [plural(u.labels, 'label'), plural(u.raters, 'rater'), plural(u.finalCodes, 'final code')]
    if (u.openCodes > 0) parts.push(plural(u.openCodes, 'open code'))
    return parts.join(' · ')
  }
  const toggle = (op: Operation) => setOpen(open() === op ? null : op)
  const finish = (result: OperationDone) => {
    setOpen(null)
    props.onDone(result)
  }
  const retired = () => props.code.status === 'retired'
  return (
    <article
      class="code-card"
      classList={{ retired: retired(), child: props.depth > 0 }}
      style={{ 'margin-left': `${props.depth * 22}px`, 'border-left-color': props.code.color }}
      aria-label={`Code ${props.code.name}`}
      data-code={props.code.name}
    >
      <header class="code-head">
        <CodeChip name={props.code.name} color={props.code.color} />
        <Show when={props.code.hotkey}>{(key) => <kbd title="Hotkey">{key()}</kbd>}</Show>
        <Show when={props.code.isFallback}>
          <span class="tag" title="Analyses exclude commits coded with the fallback code">fallback</span>
        </Show>
        <Show when={retired()}>
          <span class="tag tag-retired">retired</span>
        </Show>
        <Show when={parentName()}>{(name) => <span class="muted small">under {name()}</span>}</Show>
        <span class="usage muted small">{usage()}</span>
      </header>
      <Show when={props.code.definition} fallback={<p class="definition muted">No definition yet.</p>}>
        <p class="definition prewrap">{props.code.definition}</p>
      </Show>
      <Show when={props.code.includeNotes || props.code.excludeNotes}>
        <dl class="notes">
          <Show when={props.code.includeNotes}>
            <dt>When to use</dt>
            <dd class="prewrap">{props.code.includeNotes}</dd>
          </Show>
          <Show when={props.code.excludeNotes}>
            <dt>When not to use</dt>
            <dd class="prewrap">{props.code.excludeNotes}</dd>
          </Show>
        </dl>
      </Show>
      <Show when={props.code.examples.length > 0}>
        <ul class="examples" aria-label="Example commits">
          <For each={props.code.examples}>
            {(example) => (
              <li>
                <PlatformBadge platform={example.platform} />{' '}
                <span class="repo">{example.repository}</span> <ShortSha sha={example.sha} derived={example.shaDerived ?? false} />{' '}
                <Show when={example.commitId} fallback={<span class="example-message">“{example.message}”</span>}>
                  {(id) => (
                    <A class="example-message" href={commitHref(props.project, id())}>
                      “{example.message}”
                    </A>
                  )}
                </Show>
                <Show when={example.note}>
                  <span class="muted"> — {example.note}</span>
                </Show>
                <Show when={!example.commitId}>
                  <span class="tag tag-absent-example" title={example.source ? `From ${example.source}` : undefined}>
                    not in this project
                  </span>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <div class="code-actions" role="group" aria-label={`Operations on ${props.code.name}`}>
        <button type="button" class="button small" aria-expanded={open() === 'rename'} onClick={() => toggle('rename')}>
          Rename
        </button>
        <button type="button" class="button small" aria-expanded={open() === 'edit'} onClick={() => toggle('edit')}>
          Edit
        </button>
        <Show when={!retired()}>
          <Show when={!props.code.isFallback}>
            <button type="button" class="button small" aria-expanded={open() === 'merge'} onClick={() => toggle('merge')}>
              Merge into…
            </button>
            <button type="button" class="button small" aria-expanded={open() === 'split'} onClick={() => toggle('split')}>
              Split…
            </button>
          </Show>
          <button type="button" class="button small" aria-expanded={open() === 'retire'} onClick={() => toggle('retire')}>
            Retire
          </button>
        </Show>
      </div>
      <Switch>
        <Match when={open() === 'rename'}>
          <RenameForm {...props} onCancel={() => setOpen(null)} onDone={finish} />
        </Match>
        <Match when={open() === 'edit'}>
          <EditForm {...props} onCancel={() => setOpen(null)} onDone={finish} />
        </Match>
        <Match when={open() === 'merge'}>
          <MergeForm {...props} onCancel={() => setOpen(null)} onDone={finish} />
        </Match>
        <Match when={open() === 'split'}>
          <SplitForm {...props} onCancel={() => setOpen(null)} onDone={finish} />
        </Match>
        <Match when={open() === 'retire'}>
          <RetireForm {...props} onCancel={() => setOpen(null)} onDone={finish} />
        </Match>
      </Switch>
    </article>
  )
}

type FormProps = {
  project: string
  code: CodeView
  codes: readonly CodeView[]
  nextVersion: number
  onCancel: () => void
  onDone: (result: OperationDone) => void
}

/** Runs an operation with a pending state and the server's error shown in place. */
function useSubmit(props: FormProps) {
  const [pending, setPending] = createSignal(false)
  const [error, setError] = createSignal<string>()
  const submit = async (run: () => Promise<OperationDone>) => {
    setPending(true)
    setError(undefined)
    try {
      props.onDone(await run())
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setPending(false)
    }
  }
  return { pending, error, submit }
}

function FormShell(props: {
  title: string
  consequence: string
  action: string
  danger?: boolean
  pending: boolean
  error: string | undefined
  disabled?: boolean
  onSubmit: () => void
  onCancel: () => void
  children?: JSX.Element
}) {
  return (
    <form
      class="operation"
      onSubmit={(event) => {
        event.preventDefault()
        props.onSubmit()
      }}
    >
      <h3>{props.title}</h3>
      {props.children}
      <p class="consequence">{props.consequence}</p>
      <Show when={props.error}>{(message) => <p class="notice notice-error" role="alert">{message()}</p>}</Show>
      <div class="form-buttons">
        <button type="submit" class="button confirm" classList={{ danger: props.danger }} disabled={props.pending || props.disabled}>
          {props.pending ? 'Working…' : props.action}
        </button>
        <button type="button" class="button" onClick={() => props.onCancel()}>
          Cancel
        </button>
      </div>
    </form>
  )
}

function RenameForm(props: FormProps) {
  const [name, setName] = createSignal(props.code.name)
  const { pending, error, submit } = useSubmit(props)
  return (
    <FormShell
      title={`Rename ‘${props.code.name}’`}
      consequence={`Its ${plural(props.code.usage.labels, 'label')} follow the new name; version ${props.nextVersion - 1} keeps the old one.`}
      action="Rename"
      pending={pending()}
      error={error()}
      disabled={name().trim() === '' || name().trim() === props.code.name}
      onCancel={props.onCancel}
      onSubmit={() => submit(() => renameCode(props.project, { code: props.code.name, to: name(), author: currentAuthor() }))}
    >
      <label class="field">
        New name
        <input value={name()} onInput={(e) => setName(e.currentTarget.value)} maxLength={100} required autofocus />
      </label>
    </FormShell>
  )
}

function EditForm(props: FormProps) {
  const [definition, setDefinition] = createSignal(props.code.definition)
  const [include, setInclude] = createSignal(props.code.includeNotes)
  const [exclude, setExclude] = createSignal(props.code.excludeNotes)
  const [color, setColor] = createSignal(props.code.color)
  const [hotkey, setHotkey] = createSignal(props.code.hotkey ?? '')
  const [parent, setParent] = createSignal(props.codes.find((c) => c.id === props.code.parentId)?.name ?? '')
  const [status, setStatus] = createSignal(props.code.status)
  const { pending, error, submit } = useSubmit(props)
  const parents = () => props.codes.filter((c) => c.id !== props.code.id)
  const save = () => {
    const currentParent = props.codes.find((c) => c.id === props.code.parentId)?.name ?? ''
    const changes = {
      definition: definition() !== props.code.definition ? definition() : undefined,
      includeNotes: include() !== props.code.includeNotes ? include() : undefined,
      excludeNotes: exclude() !== props.code.excludeNotes ? exclude() : undefined,
      color: color() !== props.code.color ? color() : undefined,
      hotkey: hotkey() !== (props.code.hotkey ?? '') ? hotkey() || null : undefined,
      parent: parent() !== currentParent ? parent() || null : undefined,
      status: status() !== props.code.status ? status() : undefined,
    }
    return submit(() => editCode(props.project, { code: props.code.name, ...changes, author: currentAuthor() }))
  }
  return (
    <FormShell
      title={`Edit ‘${props.code.name}’`}
      consequence={`Saving makes version ${props.nextVersion}; labels are not touched.`}
      action="Save"
      pending={pending()}
      error={error()}
      onCancel={props.onCancel}
      onSubmit={save}
    >
      <label class="field wide">
        Definition
        <textarea rows={3} value={definition()} onInput={(e) => setDefinition(e.currentTarget.value)} />
      </label>
      <label class="field wide">
        When to use
        <textarea rows={3} value={include()} onInput={(e) => setInclude(e.currentTarget.value)} />
      </label>
      <label class="field wide">
        When not to use
        <textarea rows={3} value={exclude()} onInput={(e) => setExclude(e.currentTarget.value)} />
      </label>
      <div class="field-row">
        <label class="field">
          Colour
          <input type="color" value={color()} onInput={(e) => setColor(e.currentTarget.value)} />
        </label>
        <label class="field">
          Hotkey
          <input class="hotkey-input" value={hotkey()} maxLength={1} pattern="[0-9a-z]?" onInput={(e) => setHotkey(e.currentTarget.value.toLowerCase())} />
        </label>
        <label class="field">
          Parent
          <select value={parent()} onChange={(e) => setParent(e.currentTarget.value)}>
            <option value="">(top level)</option>
            <For each={parents()}>{(c) => <option value={c.name}>{c.name}</option>}</For>
          </select>
        </label>
        <label class="field">
          Status
          <select value={status()} onChange={(e) => setStatus(e.currentTarget.value as CodeView['status'])}>
            <option value="active">active</option>
            <option value="retired">retired</option>
          </select>
        </label>
      </div>
    </FormShell>
  )
}

function MergeForm(props: FormProps) {
  const targets = () => props.codes.filter((c) => c.status === 'active' && c.id !== props.code.id)
  const [into, setInto] = createSignal('')
  const { pending, error, submit } = useSubmit(props)
  const consequence = () => {
    const u = props.code.usage
    const target = into() || 'the chosen code'
    return (
      `${plural(u.labels, 'label')} by ${plural(u.raters, 'rater')} and ${plural(u.finalCodes, 'final code')} will carry ‘${target}’ ` +
      `instead of ‘${props.code.name}’, which is retired. The label history keeps the old code. This makes version ${props.nextVersion}.`
    )
  }
  return (
    <FormShell
      title={`Merge ‘${props.code.name}’ into another code`}
      consequence={consequence()}
      action={into() ? `Merge into ‘${into()}’` : 'Merge'}
      danger
      pending={pending()}
      error={error()}
      disabled={!into()}
      onCancel={props.onCancel}
      onSubmit={() => submit(() => mergeCodes(props.project, { from: props.code.name, into: into(), author: currentAuthor() }))}
    >
      <label class="field">
        Into
        <select value={into()} onChange={(e) => setInto(e.currentTarget.value)} aria-label="Merge into">
          <option value="" disabled>
            Choose a code…
          </option>
          <For each={targets()}>{(c) => <option value={c.name}>{c.name}</option>}</For>
        </select>
      </label>
    </FormShell>
  )
}

function SplitForm(props: FormProps) {
  const [names, setNames] = createSignal(['', ''])
  const { pending, error, submit } = useSubmit(props)
  const filled = () => names().map((n) => n.trim()).filter(Boolean)
  const setAt = (i: number, value: string) => setNames(names().map((n, j) => (j === i ? value : n)))
  const listId = `split-targets-${props.code.id}`
  return (
    <FormShell
      title={`Split ‘${props.code.name}’`}
      consequence={
        `‘${props.code.name}’ will be retired. Its ${plural(props.code.usage.labels, 'label')} and ` +
        `${plural(props.code.usage.finalCodes, 'final code')} keep it, and the ${plural(props.code.usage.commits, 'commit')} they are on ` +
        `go to the re-coding queue. Names that do not exist become new codes. This makes version ${props.nextVersion}.`
      }
      action="Split"
      danger
      pending={pending()}
      error={error()}
      disabled={filled().length < 2}
      onCancel={props.onCancel}
      onSubmit={() => submit(() => splitCode(props.project, { code: props.code.name, into: filled(), author: currentAuthor() }))}
    >
      <datalist id={listId}>
        <For each={props.codes.filter((c) => c.status === 'active' && c.id !== props.code.id)}>{(c) => <option value={c.name} />}</For>
      </datalist>
      <div class="field-row">
        <For each={names()}>
          {(name, i) => (
            <label class="field">
              Into #{i() + 1}
              <input value={name} list={listId} maxLength={100} onInput={(e) => setAt(i(), e.currentTarget.value)} />
            </label>
          )}
        </For>
        <button type="button" class="button small add-target" onClick={() => setNames([...names(), ''])}>
          + another
        </button>
      </div>
    </FormShell>
  )
}

function RetireForm(props: FormProps) {
  const { pending, error, submit } = useSubmit(props)
  return (
    <FormShell
      title={`Retire ‘${props.code.name}’`}
      consequence={`No new label can use it. Its ${plural(props.code.usage.labels, 'label')} stay as they are. This makes version ${props.nextVersion}.`}
      action="Retire"
      danger
      pending={pending()}
      error={error()}
      onCancel={props.onCancel}
      onSubmit={() => submit(() => retireCode(props.project, { code: props.code.name, author: currentAuthor() }))}
    />
  )
}
