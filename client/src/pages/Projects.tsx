/**
 * @module `/`: the projects as cards, or how to import one when there are none.
 */
import { createAsync } from '@solidjs/router'
import { For, Show } from 'solid-js'
import { getProjects } from '../api'
import { formatCount, formatDate } from '../format'
import { projectPath } from '../paths'

export default function Projects() {
  const projects = createAsync(() => getProjects())
  return (
    <div class="projects-page">
      <h1>Projects</h1>
      <Show when={projects()}>
        {(list) => (
          <Show when={list().length > 0} fallback={<NoProjects />}>
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

function NoProjects() {
  return (
    <div class="empty-state">
      <h2>No projects yet</h2>
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
