/**
 * @module `/p/:project/rounds/:id/adjudicate`: the round's disagreements grouped by the codes in
 * conflict; for each unit the admin picks the final code and writes the rationale. Every
 * decision is audited; final codes are what analyses and `export labels` use.
 */
import { A, createAsync, revalidate, useParams } from '@solidjs/router'
import { createSignal, For, Show } from 'solid-js'
import { adjudicate, getAdjudication, getDashboard } from '../api'
import type { Adjudication, RoundCode } from '../api'
import { CodeChip } from '../components/CodeChip'
import { PlatformBadge } from '../components/PlatformBadge'
import { formatCount, shortSha } from '../format'
import { commitHref } from '../paths'
import { roundPath } from './Rounds'
import './coding.css'

type ConflictUnit = Adjudication['groups'][number]['units'][number]

export default function AdjudicationPage() {
  const params = useParams<{ project: string; id: string }>()
  const id = () => Number(params.id)
  const data = createAsync(() => getAdjudication(params.project, id()))
  return (
    <div class="adjudication-page">
      <Show when={data()}>
        {(d) => (
          <>
            <header class="page-header row">
              <div>
                <h1>Adjudication · {d().round.name}</h1>
                <p class="muted">
                  {formatCount(d().counts.units)} units · {formatCount(d().counts.unanimous)} unanimous · {formatCount(d().counts.disagreements)} with
                  disagreement · {formatCount(d().counts.adjudicated)} adjudicated · {formatCount(d().counts.finalized)} with a final code
                </p>
              </div>
              <A class="button" href={roundPath(params.project, id())}>
                Agreement dashboard
              </A>
            </header>
            <Show when={d().round.status === 'open'}>
              <p class="notice notice-warn">The round is still open: coders may change their labels until you reveal it.</p>
            </Show>
            <For each={d().groups} fallback={<p class="empty">No disagreements to settle.</p>}>
              {(group) => (
                <section class="panel conflict-group" data-key={group.key}>
                  <h2>
                    {group.key} <span class="count">{formatCount(group.units.length)}</span>
                  </h2>
                  <For each={group.units}>
                    {(unit) => <UnitDecision unit={unit} codes={d().codebook.codes} project={params.project} round={id()} />}
                  </For>
                </section>
              )}
            </For>
          </>
        )}
      </Show>
    </div>
  )
}

function UnitDecision(props: { unit: ConflictUnit; codes: RoundCode[]; project: string; round: number }) {
  const u = () => props.unit
  const colorOf = (name: string) => props.codes.find((c) => c.name === name)?.color ?? '#888888'
  const proposed = () => [...new Set(Object.values(u().coders).flat())]
  const [chosen, setChosen] = createSignal<number[]>(u().final?.codes.map((c) => c.id) ?? [])
  const [note, setNote] = createSignal(u().final?.method === 'adjudication' ? u().final?.note ?? '' : '')
  const [state, setState] = createSignal<{ kind: 'idle' | 'saving' | 'saved' | 'error'; text?: string }>({ kind: 'idle' })
  const pick = (code: RoundCode) => setChosen((c) => (c.includes(code.id) ? c.filter((x) => x !== code.id) : [code.id]))
  const save = async (event: SubmitEvent) => {
    event.preventDefault()
    setState({ kind: 'saving' })
    try {
      await adjudicate(props.project, props.round, { commitId: u().commitId, codeIds: chosen(), note: note() })
      setState({ kind: 'saved', text: 'Final code set.' })
      await revalidate([getAdjudication.keyFor(props.project, props.round), getDashboard.keyFor(props.project, props.round)])
    } catch (e) {
      setState({ kind: 'error', text: e instanceof Error ? e.message : String(e) })
    }
  }
  return (
    <article class="conflict-unit" data-commit={u().commitId}>
      <div class="conflict-commit">
        <PlatformBadge platform={u().platform} />{' '}
        <a href={commitHref(props.project, u().commitId)} target="_blank" rel="noopener">
          {u().subject || '(no message)'}
        </a>
        <div class="muted small">
          {u().repository} · <code>{shortSha(u().sha)}</code>
        </div>
      </div>
      <div class="conflict-votes">
        <For each={Object.entries(u().coders)}>
          {([coder, codes]) => (
            <div>
              <span class="muted small">{coder}</span> <For each={codes}>{(c) => <CodeChip name={c} color={colorOf(c)} />}</For>
            </div>
          )}
        </For>
        <For each={Object.entries(u().machines)}>
          {([rater, codes]) => (
            <div class="machine">
              <span class="muted small">{rater}</span> <For each={codes}>{(c) => <CodeChip name={c} color={colorOf(c)} />}</For>
            </div>
          )}
        </For>
        <Show when={u().final}>
          {(f) => (
            <div class="final">
              <span class="muted small">final ({f().method}{f().decidedBy ? ` by ${f().decidedBy}` : ''})</span>{' '}
              <For each={f().codes}>{(c) => <CodeChip name={c.name} color={c.color} />}</For>
            </div>
          )}
        </Show>
      </div>
      <form class="conflict-form" onSubmit={(e) => void save(e)} aria-label={`Decide ${u().subject}`}>
        <div class="code-picks" role="group" aria-label="Final code">
          <For each={props.codes.filter((c) => proposed().includes(c.name))}>
            {(code) => (
              <button type="button" class="pick proposed" aria-pressed={chosen().includes(code.id)} onClick={() => pick(code)}>
                <span class="swatch" style={{ 'background-color': code.color }} />
                {code.name}
              </button>
            )}
          </For>
          <select
            aria-label="Another code"
            value=""
            onChange={(e) => {
              const code = props.codes.find((c) => String(c.id) === e.currentTarget.value)
              if (code) setChosen([code.id])
            }}
          >
            <option value="">other code…</option>
            <For each={props.codes}>{(c) => <option value={String(c.id)} selected={chosen()[0] === c.id && !proposed().includes(c.name)}>{c.name}</option>}</For>
          </select>
        </div>
        <textarea rows={2} required placeholder="Rationale (required): why this code?" value={note()} onInput={(e) => setNote(e.currentTarget.value)} aria-label="Rationale" />
        <div class="conflict-actions">
          <button type="submit" class="button primary small" disabled={chosen().length === 0 || note().trim() === '' || state().kind === 'saving'}>
            Set final code
          </button>
          <Show when={state().text}>
            {(text) => <span class={state().kind === 'error' ? 'error-text small' : 'muted small'}>{text()}</span>}
          </Show>
        </div>
      </form>
    </article>
  )
}
