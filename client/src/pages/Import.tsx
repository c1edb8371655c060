/**
 * @module `/p/:project/import`: bring a repository's history in from where it lives (a local
 * clone, GitHub, the Hugging Face Hub) as a background job followed live; the recent imports.
 */
import { A, createAsync, revalidate, useParams, useSearchParams } from '@solidjs/router'
import { createEffect, createSignal, For, Match, on, Show, Suspense, Switch } from 'solid-js'
import { getFamilies, getJobs, revalidateRepositories, startImport } from '../api'
import type { ImportBody, ImportSource, JobView, Platform } from '../api'
import { ErrorNotice, Loading } from '../components/Feedback'
import { isFinished, JobProgress, jobTitle } from '../components/JobProgress'
import { formatCount, formatTimestamp, platformNames } from '../format'
import { projectPath } from '../paths'
import './import.css'

const sources: { id: ImportSource; label: string }[] = [
  { id: 'git', label: 'Local clone' },
  { id: 'github', label: 'GitHub' },
  { id: 'hf', label: 'Hugging Face' },
]

const isImport = (job: JobView) => job.kind.startsWith('import-')

type Started = { id: number; initial?: JobView }

export default function ImportPage() {
  const params = useParams<{ project: string }>()
  const [search] = useSearchParams<{ source?: string; repo?: string }>()
  const jobs = createAsync(() => getJobs(params.project))
  const families = createAsync(() => getFamilies(params.project))
  const [current, setCurrent] = createSignal<Started>()
  /** The followed job as of its latest event. */
  const [live, setLive] = createSignal<JobView>()

  const refresh = () => revalidateRepositories(params.project)

  const follow = (job: JobView) => {
    setLive(job)
    setCurrent({ id: job.id, initial: job })
    void revalidate(getJobs.keyFor(params.project))
  }

  // An import already running (started here before, elsewhere, or by the CLI) is followed on arrival.
  createEffect(
    on(jobs, (list) => {
      if (current() || !list) return
      // A job left "running" by a killed CLI stops reporting: follow only one heard from lately.
      const recent = (j: JobView) => Date.now() - Date.parse(j.updatedAt ?? j.createdAt) < 60_000
      const running = list.find((j) => isImport(j) && !isFinished(j) && recent(j))
      if (running) follow(running)
    }),
  )

  return (
    <div class="import-page">
      <header class="page-header">
        <h1>Import</h1>
        <p class="description">
          Bring a repository’s commits in from where it lives. Each commit is stored once: importing again adds only what
          is new, and an interrupted import picks up where it stopped.
        </p>
      </header>
      <ImportForm
        project={params.project}
        familyNames={(families() ?? []).map((f) => f.name)}
        initialSource={sources.find((s) => s.id === search.source)?.id}
        initialRepo={typeof search.repo === 'string' ? search.repo : undefined}
        onStarted={follow}
      />
      <Show when={current()} keyed>
        {(started) => (
          <JobProgress
            project={params.project}
            jobId={started.id}
            initial={started.initial}
            onUpdate={setLive}
            onFinished={() => void refresh()}
          />
        )}
      </Show>
      <Show when={live()?.status === 'done' ? live() : undefined}>{(job) => <NextSteps project={params.project} job={job()} />}</Show>
      <section class="panel">
        <h2>
          Recent imports <span class="count">{formatCount((jobs() ?? []).filter(isImport).length)}</span>
        </h2>
        <Suspense fallback={<Loading what="the imports" />}>
          <RecentImports jobs={(jobs() ?? []).filter(isImport)} current={current()?.id} onShow={follow} />
        </Suspense>
      </section>
    </div>
  )
}

function ImportForm(props: {
  project: string
  familyNames: string[]
  initialSource?: ImportSource | undefined
  initialRepo?: string | undefined
  onStarted: (job: JobView) => void
}) {
  const [source, setSource] = createSignal<ImportSource>(props.initialSource ?? 'git')
  const [path, setPath] = createSignal('')
  const [platform, setPlatform] = createSignal<Platform>('huggingface')
  const [repo, setRepo] = createSignal(props.initialRepo ?? '')
  const [family, setFamily] = createSignal('')
  const [pending, setPending] = createSignal(false)
  const [error, setError] = createSignal<unknown>()

  const body = (): ImportBody => {
    const common = { repo: repo().trim(), ...(family().trim() ? { family: family().trim() } : {}) }
    if (source() === 'git') return { source: 'git', path: path().trim(), platform: platform(), ...common }
    return { source: source() as 'github' | 'hf', ...common }
  }
  const ready = () => /^[^/\s]+\/[^/\s]+$/.test(repo().trim()) && (source() !== 'git' || path().trim() !== '')

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    if (!ready() || pending()) return
    setPending(true)
    setError(undefined)
    try {
      props.onStarted(await startImport(props.project, body()))
    } catch (e) {
      setError(e)
    } finally {
      setPending(false)
    }
  }

  return (
    <form class="panel import-form" onSubmit={submit} aria-label="Start an import">
      <div class="segmented" role="group" aria-label="Source">
        <For each={sources}>
          {(s) => (
            <button type="button" aria-pressed={source() === s.id} onClick={() => setSource(s.id)}>
              {s.label}
            </button>
          )}
        </For>
      </div>
      <p class="import-hint">
        <Switch>
          <Match when={source() === 'git'}>
            Reads every commit reachable from HEAD of a clone on the server’s machine with <code>git</code> (merges against
            their first parent, renames, binary files, LFS pointers as text).
          </Match>
          <Match when={source() === 'github'}>
            The GitHub REST API: the default branch’s history with each commit’s files and patches. Set{' '}
            <code>GITHUB_TOKEN</code> on the server for private repositories and a higher rate limit.
          </Match>
          <Match when={source() === 'hf'}>
            The Hub’s API for the model’s metadata and commit list; files and diffs from a bare git clone of the model
            (without LFS content). Set <code>HF_TOKEN</code> for private or gated models.
          </Match>
        </Switch>
      </p>
      <div class="import-fields">
        <Show when={source() === 'git'}>
          <label class="field wide">
            <span>Path of the clone</span>
            <input
              name="path"
              value={path()}
              onInput={(e) => setPath(e.currentTarget.value)}
              placeholder="/data/clones/chatglm3-6b"
              spellcheck={false}
              autocomplete="off"
            />
          </label>
          <div class="field">
            <span>It is a clone of</span>
            <div class="segmented" role="group" aria-label="Platform">
              <For each={['github', 'huggingface'] as const}>
                {(p) => (
                  <button type="button" aria-pressed={platform() === p} onClick={() => setPlatform(p)}>
                    {platformNames[p]}
                  </button>
                )}
              </For>
            </div>
          </div>
        </Show>
        <label class="field">
          <span>{source() === 'hf' || (source() === 'git' && platform() === 'huggingface') ? 'Model id' : 'Repository'}</span>
          <input
            name="repo"
            value={repo()}
            onInput={(e) => setRepo(e.currentTarget.value)}
            placeholder="owner/name"
            spellcheck={false}
            autocomplete="off"
          />
        </label>
        <label class="field">
          <span>Family (optional)</span>
          <input
            name="family"
            list="import-families"
            value={family()}
            onInput={(e) => setFamily(e.currentTarget.value)}
            placeholder="none"
            autocomplete="off"
          />
          <datalist id="import-families">
            <For each={props.familyNames}>{(name) => <option value={name} />}</For>
          </datalist>
        </label>
        <button type="submit" class="button primary" disabled={!ready() || pending()}>
          {pending() ? 'Starting…' : 'Start import'}
        </button>
      </div>
      <Show when={error()}>{(e) => <ErrorNotice error={e()} />}</Show>
    </form>
  )
}

/** After a successful import: where to look next. */
function NextSteps(props: { project: string; job: JobView }) {
  const result = () => props.job.result as { imported?: number; proposals?: number; repository?: { id: number; fullName: string } } | null
  return (
    <div class="notice notice-ok dotted-links">
      <strong>Imported {formatCount(result()?.imported ?? 0)} commits.</strong>
      <Show when={result()?.repository}>
        {(repo) => <A href={`${projectPath(props.project)}?repository=${repo().id}`}>See the commits of {repo().fullName}</A>}
      </Show>
      <Show when={(result()?.proposals ?? 0) > 0}>
        <A href={projectPath(props.project, '/families')}>
          {formatCount(result()!.proposals!)} family {result()!.proposals === 1 ? 'link' : 'links'} discovered: review
        </A>
      </Show>
    </div>
  )
}

function RecentImports(props: { jobs: JobView[]; current: number | undefined; onShow: (job: JobView) => void }) {
  return (
    <Show when={props.jobs.length > 0} fallback={<p class="empty">No imports yet in this project.</p>}>
      <table class="import-jobs">
        <thead>
          <tr>
            <th>Started</th>
            <th>Import</th>
            <th>Status</th>
            <th class="num">Commits</th>
            <th />
          </tr>
        </thead>
        <tbody>
          <For each={props.jobs}>
            {(job) => (
              <tr classList={{ selected: props.current === job.id }}>
                <td class="muted nowrap">{formatTimestamp(job.startedAt ?? job.createdAt)}</td>
                <td>{jobTitle(job)}</td>
                <td>
                  <span class={`job-status job-status-${job.status}`}>{job.status}</span>
                  <Show when={job.error}>{(message) => <span class="job-error"> {message()}</span>}</Show>
                </td>
                <td class="num">
                  {formatCount(job.done)}
                  <Show when={job.total !== null}> / {formatCount(job.total!)}</Show>
                </td>
                <td>
                  <button type="button" class="button small" onClick={() => props.onShow(job)} disabled={props.current === job.id}>
                    {isFinished(job) ? 'Details' : 'Follow'}
                  </button>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </Show>
  )
}
