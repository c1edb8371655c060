/**
 * @module The list items naming excluded repositories and observation windows, as the analysis
 * and a family's page both show them (inside their own `<ul>`, next to their other items).
 */
import { For } from 'solid-js'
import { plural } from '../format'

type Excluded = { platform: string; repository: string; reason: string }
type Window = { platform: string; repository: string; observation_end: string; ignored_commits: number }

export function ExcludedRepositoryItems(props: { repositories: readonly Excluded[]; windows: readonly Window[] }) {
  return (
    <>
      <For each={props.repositories}>
        {(r) => (
          <li>
            {r.platform} repository {r.repository} excluded: {r.reason}
          </li>
        )}
      </For>
      <For each={props.windows}>
        {(w) => (
          <li>
            {w.platform} repository {w.repository} observed up to {w.observation_end} ({plural(w.ignored_commits, 'later commit')} ignored)
          </li>
        )}
      </For>
    </>
  )
}
