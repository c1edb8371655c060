/**
 * @module `/`: the projects as cards, or how to import one when there are none (with a button
 * that loads the bundled sample, for administrators).
 */
import { createAsync, revalidate } from '@solidjs/router'
import { createSignal, For, Show } from 'solid-js'
import { getMe, getProjects, loadSampleData } from '../api'
import type { JobView } from '../api'
import { ErrorNotice } from '../components/Feedback'
import { JobProgress } from '../components/JobProgress'
import { formatCount, formatDate } from '../format'
import { projectPath } from '../paths'
import { isSiteAdmin } from '../role'

type SampleLoad = { project: string; job: JobView }

export default function Projects() {
  const projects = createAsync(() => getProjects())
  // The sample's job stays on screen once its projects appear, with its counts.
  const [sampleLoad, setSampleLoad] = createSignal<SampleLoad>()
  return (
    <div class="projects-page">
      <h1>Projects</h1>
      <Show when={sampleLoad()}>
        {(load) => (
          <JobProgress
            project={load().project}
            jobId={load().job.id}
            initial={load().job}
            title="Loading the bundled sample"
            unit="steps"
            rate={false}
            onFinished={() => void revalidate(getProjects.key)}
          />
        )}
      </Show>
      <Show when={projects()}>
        {(list) => (
          <Show when={list().length > 0} fallback={<NoProjects onSampleStarted={setSampleLoad} loading={sampleLoad() !== undefined} />}>
            <ul class="project-cards">
              <For each={list()}>
                {(project) => (
                  <li class="card project-card">
                    <a class="card-link" href={projectPath(project.name)}>
                      <h2>{project.name}</h2>
                      <Show when={project.description} fallback={<p class="muted">No description.</p>}>
                        <p class="description">{project.description}</p>
                      </Show>
                      <dl class="counts">
                        <div>
                          <dt>families</dt>
                          <dd>{formatCount(project.families)}</dd>
                        </div>
                        <div>
                          <dt>repositories</dt>
                          <dd>{formatCount(project.repositories)}</dd>
                        </div>
                        <div>
                          <dt>commits</dt>
                          <dd>{formatCount(project.commits)}</dd>
                        </div>
                      </dl>
                      <p class="created muted small">created {formatDate(project.createdAt)}</p>
                    </a>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
    </div>
  )
}

function NoProjects(props: { onSampleStarted: (load: SampleLoad) => void; loading: boolean }) {
  const me = createAsync(() => getMe().catch(() => null))
  return (
    <div class="empty-state">
      <h2>No projects yet</h2>
      <Show when={isSiteAdmin(me())}>
        <LoadSample onStarted={props.onSampleStarted} loading={props.loading} />
      </Show>
      <p>Import a model family list and commit histories from the command line; the project is created on first use.</p>
      <pre class="commands">
        {`# the families: each one's GitHub upstream and Hugging Face variants (families.json)
npm run -s concord -- import families FILE [--project NAME]

# their commit histories, in the record format (one commit per line)
npm run -s concord -- import jsonl FILE… [--project NAME]`}
      </pre>
      <p class="muted">
        Then reload this page. <code>npm start</code> on an empty database loads the bundled sample instead.
      </p>
    </div>
  )
}

function LoadSample(props: { onStarted: (load: SampleLoad) => void; loading: boolean }) {
  const [error, setError] = createSignal<unknown>()
  const [busy, setBusy] = createSignal(false)
  const load = async () => {
    setBusy(true)
    setError(undefined)
    try {
      props.onStarted(await loadSampleData())
    } catch (e) {
      setError(e)
      setBusy(false)
    }
  }
  return (
    <div class="load-sample">
      <p>
        To look around first, load the bundled sample: four model families with their GitHub and Hugging Face
        histories (project <code>default</code>) and the study’s 320 coded commits (project <code>study</code>).
      </p>
      <button type="button" class="button primary" disabled={busy() || props.loading} onClick={load}>
        Load the sample data
      </button>
      <Show when={error()}>{(e) => <ErrorNotice error={e()} />}</Show>
    </div>
  )
}
