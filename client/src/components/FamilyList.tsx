/**
 * @module The project's families, each with its repositories (platform, commits, date span).
 * Families and repositories are links that filter the commit list; the active one is marked.
 */
import { For, Show } from 'solid-js'
import type { Family, RepositorySummary } from '../api'
import { formatCount, formatSpan } from '../format'
import { PlatformBadge } from './PlatformBadge'

export type FamilyListProps = {
  families: Family[]
  /** Repositories that belong to no family, listed after the families. */
  unassigned: RepositorySummary[]
  activeFamily: number | undefined
  activeRepository: number | undefined
  familyHref: (id: number) => string
  repositoryHref: (id: number) => string
}

export function FamilyList(props: FamilyListProps) {
  return (
    <nav class="family-list" aria-label="Families and repositories">
      <For
        each={props.families}
        fallback={
          <p class="empty small">
            No families imported yet. <code>npm run -s concord -- import families FILE</code> adds them.
          </p>
        }
      >
        {(family) => (
          <section class="family" classList={{ active: props.activeFamily === family.id }}>
            <a
              class="family-name"
              href={props.familyHref(family.id)}
              aria-current={props.activeFamily === family.id ? 'true' : undefined}
              title={props.activeFamily === family.id ? 'Showing this family; click to show all' : 'Show this family’s commits'}
            >
              {family.name}
              <span class="count">{formatCount(family.repositories.reduce((n, r) => n + r.commits, 0))}</span>
            </a>
            <Show when={family.excludedReason}>
              {(reason) => <p class="excluded" title="Excluded from analyses">excluded: {reason()}</p>}
            </Show>
            <RepositoryItems
              repositories={family.repositories}
              activeRepository={props.activeRepository}
              repositoryHref={props.repositoryHref}
            />
          </section>
        )}
      </For>
      <Show when={props.unassigned.length > 0}>
        <section class="family unassigned">
          <span class="family-name plain">Not in a family</span>
          <RepositoryItems
            repositories={props.unassigned}
            activeRepository={props.activeRepository}
            repositoryHref={props.repositoryHref}
          />
        </section>
      </Show>
    </nav>
  )
}

function RepositoryItems(props: {
  repositories: RepositorySummary[]
  activeRepository: number | undefined
  repositoryHref: (id: number) => string
}) {
  return (
    <ul class="repo-list">
      <For each={props.repositories} fallback={<li class="muted small">no repositories</li>}>
        {(repo) => (
          <li classList={{ muted: repo.commits === 0, active: props.activeRepository === repo.id }}>
            <Show
              when={repo.commits > 0}
              fallback={
                <span class="repo-link" title="No commits imported for this repository">
                  <RepositoryLine repo={repo} />
                </span>
              }
            >
              <a
                class="repo-link"
                href={props.repositoryHref(repo.id)}
                aria-current={props.activeRepository === repo.id ? 'true' : undefined}
                title={props.activeRepository === repo.id ? 'Showing this repository; click to show all' : 'Show this repository’s commits'}
              >
                <RepositoryLine repo={repo} />
              </a>
            </Show>
          </li>
        )}
      </For>
    </ul>
  )
}

function RepositoryLine(props: { repo: RepositorySummary }) {
  return (
    <>
      <span class="repo-head">
        <PlatformBadge platform={props.repo.platform} />
        <span class="repo-name">{props.repo.fullName}</span>
      </span>
      <span class="repo-meta">
        <Show when={props.repo.commits > 0} fallback="no commits imported">
          {formatCount(props.repo.commits)} · {formatSpan(props.repo.firstCommitAt, props.repo.lastCommitAt)}
        </Show>
      </span>
    </>
  )
}
