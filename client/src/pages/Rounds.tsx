/**
 * @module `/p/:project/rounds`: the coding rounds. Coders see their queues; admins see every
 * round's progress and create rounds (units, coders, overlap, pre-labels, machine raters), with
 * the sample-size helper for a confidence level and margin.
 */
import { A, createAsync, revalidate, useNavigate, useParams } from '@solidjs/router'
import { createSignal, For, Show, Suspense } from 'solid-js'
import { createRound, getMe, getRoundOptions, getRounds, getSampleSize } from '../api'
import type { NewRound, RoundSummary } from '../api'
import { Loading } from '../components/Feedback'
import { CoderProgress, ProgressBar } from '../components/Progress'
import { formatCount, formatDate } from '../format'
import { projectPath } from '../paths'
import { roleIn } from '../role'
import './coding.css'

export const roundPath = (project: string, id: number, rest = '') => projectPath(project, `/rounds/${id}${rest}`)

export default function RoundsPage() {
  const params = useParams<{ project: string }>()
  const me = createAsync(() => getMe())
  const rounds = createAsync(() => getRounds(params.project))
  const admin = () => roleIn(me(), params.project) === 'admin'
  const [creating, setCreating] = createSignal(false)
  return (
    <div class="rounds-page">
      <header class="page-header row">
        <div>
          <h1>Coding rounds</h1>
          <p class="muted">Coders code blind: until a round is revealed, nobody in it sees the others' labels.</p>
        </div>
        <Show when={admin() && !creating()}>
          <button type="button" class="button primary" onClick={() => setCreating(true)}>
            New round
          </button>
        </Show>
      </header>
      <Show when={creating()}>
        <Suspense fallback={<Loading what="the round options" />}>
          <NewRoundForm project={params.project} onDone={() => setCreating(false)} />
        </Suspense>
      </Show>
      <section class="round-list">
        <For each={rounds()} fallback={<p class="empty">No rounds yet.{admin() ? ' Create one to start coding.' : ' Your admin will add you to one.'}</p>}>
          {(round) => <RoundCard round={round} project={params.project} admin={admin()} />}
        </For>
      </section>
    </div>
  )
}

function RoundCard(props: { round: RoundSummary; project: string; admin: boolean }) {
  const r = () => props.round
  const overlap = () => {
    const o = r().overlap
    return o.mode === 'k' ? `${o.k} coder${o.k === 1 ? '' : 's'} per unit` : `${Math.round(o.share * 100)}% overlap`
  }
  return (
    <article class="panel round-card" data-round={r().id}>
      <header class="round-card-head">
        <h2>{r().name}</h2>
        <span class={`tag round-status round-${r().status}`}>{r().status === 'open' ? 'open · blind' : 'revealed'}</span>
      </header>
      <p class="muted small">
        {formatCount(r().units)} units ({r().selection}
        {r().strata ? ` by ${r().strata}` : ''}) · {overlap()} · pre-labels {r().preLabels} · codebook v{r().codebookVersion}
        {r().machineRaters.length ? ` · compared with ${r().machineRaters.join(', ')}` : ''} · created {formatDate(r().createdAt)}
      </p>
      <Show when={r().mine}>
        {(mine) => (
          <div class="my-progress">
            <span>Your queue</span>
            <ProgressBar done={mine().done} total={mine().assigned} label="your progress" />
            <Show when={r().status === 'open'}>
              <A class="button primary" href={roundPath(props.project, r().id, '/code')}>
                {mine().done === 0 ? 'Start coding' : mine().done < mine().assigned ? 'Continue coding' : 'Review your codes'}
              </A>
            </Show>
          </div>
        )}
      </Show>
      <Show when={r().progress}>
        {(progress) => (
          <CoderProgress progress={progress()} />
        )}
      </Show>
      <Show when={r().progress}>
        <p class="round-links">
          <A href={roundPath(props.project, r().id)}>Agreement dashboard</A>
          <Show when={props.admin}>
            <A href={roundPath(props.project, r().id, '/adjudicate')}>Adjudicate</A>
          </Show>
          <Show when={r().finalized !== null}>
            <span class="muted small">{formatCount(r().finalized ?? 0)} units with a final code</span>
          </Show>
        </p>
      </Show>
    </article>
  )
}

function NewRoundForm(props: { project: string; onDone: () => void }) {
  const navigate = useNavigate()
  const options = createAsync(() => getRoundOptions(props.project))
  const [selection, setSelection] = createSignal<'all' | 'random' | 'stratified'>('random')
  const [overlapMode, setOverlapMode] = createSignal<'k' | 'share'>('k')
  const [confidence, setConfidence] = createSignal(0.95)
  const [margin, setMargin] = createSignal(0.05)
  const [platform, setPlatform] = createSignal<'' | 'github' | 'huggingface'>('')
  const [family, setFamily] = createSignal('')
  const [size, setSize] = createSignal('')
  const [error, setError] = createSignal<string | null>(null)
  const [pending, setPending] = createSignal(false)
  const suggestion = createAsync(() =>
    getSampleSize(props.project, { confidence: confidence(), margin: margin(), platform: platform() || undefined, family: family() || undefined }).catch(() => undefined),
  )

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const data = new FormData(event.currentTarget as HTMLFormElement)
    const body: NewRound = {
      name: String(data.get('name') ?? ''),
      coders: data.getAll('coders').map(String),
      selection: selection(),
      ...(selection() !== 'all' && size() ? { size: Number(size()) } : {}),
      confidence: confidence(),
      margin: margin(),
      ...(selection() === 'stratified' ? { strata: data.get('strata') === 'family' ? ('family' as const) : ('platform' as const) } : {}),
      ...(platform() ? { platform: platform() as 'github' | 'huggingface' } : {}),
      ...(family() ? { family: family() } : {}),
      seed: Number(data.get('seed') || 1),
      overlap: overlapMode() === 'k' ? { mode: 'k', k: Number(data.get('k') || 2) } : { mode: 'share', share: Number(data.get('share') || 20) / 100 },
      preLabels: (data.get('preLabels') as 'shown' | 'hidden' | 'after') ?? 'hidden',
      machineRaters: data.getAll('machineRaters').map(String),
      autoFinalize: data.get('autoFinalize') === 'on',
    }
    setPending(true)
    setError(null)
    try {
      const round = await createRound(props.project, body)
      await revalidate(getRounds.key)
      props.onDone()
      navigate(roundPath(props.project, round.id))
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setPending(false)
    }
  }

  return (
    <form class="panel new-round" onSubmit={(e) => void submit(e)} aria-label="New round">
      <h2>New round</h2>
      <div class="form-grid">
        <label>
          Name
          <input name="name" required placeholder="e.g. pilot, round 1" autofocus />
        </label>
        <fieldset>
          <legend>Coders</legend>
          <For each={options()?.members} fallback={<p class="muted small">No members yet: add coders under Members.</p>}>
            {(m) => (
              <label class="check">
                <input type="checkbox" name="coders" value={m.name} checked={m.role === 'coder'} /> {m.displayName || m.name}
                <span class="muted small"> {m.role}</span>
              </label>
            )}
          </For>
        </fieldset>
        <fieldset>
          <legend>Units</legend>
          <div class="segmented" role="group" aria-label="Unit selection">
            <For each={['all', 'random', 'stratified'] as const}>
              {(mode) => (
                <button type="button" aria-pressed={selection() === mode} onClick={() => setSelection(mode)}>
                  {mode}
                </button>
              )}
            </For>
          </div>
          <div class="form-row">
            <label>
              Platform
              <select value={platform()} onChange={(e) => setPlatform(e.currentTarget.value as '' | 'github' | 'huggingface')}>
                <option value="">both</option>
                <option value="github">GitHub</option>
                <option value="huggingface">Hugging Face</option>
              </select>
            </label>
            <label>
              Family
              <select value={family()} onChange={(e) => setFamily(e.currentTarget.value)}>
                <option value="">all</option>
                <For each={options()?.families}>{(f) => <option value={f}>{f}</option>}</For>
              </select>
            </label>
            <Show when={selection() === 'stratified'}>
              <label>
                Strata
                <select name="strata">
                  <option value="platform">platform</option>
                  <option value="family">family</option>
                </select>
              </label>
            </Show>
          </div>
          <Show when={selection() !== 'all'}>
            <div class="form-row">
              <label>
                Sample size
                <input name="size" type="number" min="1" value={size()} onInput={(e) => setSize(e.currentTarget.value)} placeholder={String(suggestion()?.n ?? '')} />
              </label>
              <label>
                Confidence
                <select value={String(confidence())} onChange={(e) => setConfidence(Number(e.currentTarget.value))}>
                  <option value="0.9">90%</option>
                  <option value="0.95">95%</option>
                  <option value="0.99">99%</option>
                </select>
              </label>
              <label>
                Margin ±
                <select value={String(margin())} onChange={(e) => setMargin(Number(e.currentTarget.value))}>
                  <option value="0.01">1%</option>
                  <option value="0.03">3%</option>
                  <option value="0.05">5%</option>
                  <option value="0.1">10%</option>
                </select>
              </label>
              <Show when={suggestion()}>
                {(s) => (
                  <p class="sample-hint">
                    {Math.round(s().confidence * 100)}% ± {Math.round(s().margin * 100)}% over {formatCount(s().population ?? 0)} commits:{' '}
                    <strong>{formatCount(s().n)}</strong> units{' '}
                    <button type="button" class="button small" onClick={() => setSize(String(s().n))}>
                      Use
                    </button>
                  </p>
                )}
              </Show>
            </div>
          </Show>
        </fieldset>
        <fieldset>
          <legend>Overlap</legend>
          <div class="form-row">
            <label class="check">
              <input type="radio" name="overlapMode" checked={overlapMode() === 'k'} onChange={() => setOverlapMode('k')} /> every unit by
              <input name="k" type="number" min="1" value="2" class="tiny" aria-label="coders per unit" /> coders
            </label>
            <label class="check">
              <input type="radio" name="overlapMode" checked={overlapMode() === 'share'} onChange={() => setOverlapMode('share')} />
              <input name="share" type="number" min="0" max="100" value="20" class="tiny" aria-label="overlap percent" />% by everyone, the rest split
            </label>
          </div>
        </fieldset>
        <fieldset>
          <legend>Machine pre-labels</legend>
          <div class="form-row">
            <label class="check">
              <input type="radio" name="preLabels" value="hidden" checked /> hidden
            </label>
            <label class="check">
              <input type="radio" name="preLabels" value="after" /> shown after the coder saves (anchoring)
            </label>
            <label class="check">
              <input type="radio" name="preLabels" value="shown" /> shown
            </label>
          </div>
          <div class="form-row">
            <span class="muted small">Compare on the dashboard with:</span>
            <For each={options()?.machineRaters} fallback={<span class="muted small">no machine labels in this project yet</span>}>
              {(m) => (
                <label class="check">
                  <input type="checkbox" name="machineRaters" value={m.name} /> {m.name} <span class="muted small">({formatCount(m.labels)})</span>
                </label>
              )}
            </For>
          </div>
        </fieldset>
        <div class="form-row">
          <label class="check">
            <input type="checkbox" name="autoFinalize" checked /> units all their coders code alike get their final code automatically
          </label>
          <label>
            Seed
            <input name="seed" type="number" min="0" value="1" class="tiny" />
          </label>
        </div>
      </div>
      <Show when={error()}>
        {(message) => (
          <p class="notice notice-error" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <div class="form-actions">
        <button class="button primary" type="submit" disabled={pending()}>
          {pending() ? 'Creating…' : 'Create round'}
        </button>
        <button class="button" type="button" onClick={() => props.onDone()}>
          Cancel
        </button>
      </div>
    </form>
  )
}
