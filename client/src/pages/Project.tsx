/**
 * @module `/p/:project`: families and repositories on the left, the commit list (search,
 * platform, family/repository filters, paging) in the main column. The filters live in the URL
 * (`?q=&platform=&family=&repository=&offset=`), so back/forward and links keep them.
 */
import { createAsync, useIsRouting, useLocation, useNavigate, useParams, useSearchParams } from '@solidjs/router'
import { createEffect, createMemo, createSignal, For, Match, on, onCleanup, Show, Suspense, Switch } from 'solid-js'
import { commitPageSize, getCommits, getFamilies, getProject, getRepositories, platforms } from '../api'
import type { CommitFilters, CommitPage, Family, Platform, ProjectDetail, RepositorySummary } from '../api'
import { CommitList, isTyping } from '../components/CommitList'
import { FamilyList } from '../components/FamilyList'
import { Loading } from '../components/Feedback'
import { formatCount, platformNames, plural } from '../format'
import { commitHref, projectPath } from '../paths'
import { filtersFromSearch, first } from '../preload'
import type { ListSearch } from '../preload'

export default function ProjectPage() {
  const params = useParams<{ project: string }>()
  const location = useLocation()
  const navigate = useNavigate()
  const [search, setSearch] = useSearchParams<ListSearch>()
  const routing = useIsRouting()
  const filters = createMemo(() => filtersFromSearch(search), undefined, {
    equals: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  })

  const project = createAsync(() => getProject(params.project))
  const families = createAsync(() => getFamilies(params.project))
  const repositories = createAsync(() => getRepositories(params.project))
  const commits = createAsync(() => getCommits(params.project, filters()))

  /** A link to this list with some query values changed (undefined removes one); paging resets. */
  const listHref = (changes: Partial<Record<keyof ListSearch, string | undefined>>) => {
    const query = new URLSearchParams(location.search)
    query.delete('offset')
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === '') query.delete(key)
      else query.set(key, value)
    }
    const text = query.toString()
    return projectPath(params.project) + (text ? `?${text}` : '')
  }
  const familyHref = (id: number) =>
    listHref({ family: filters().family === id ? undefined : String(id), repository: undefined })
  const repositoryHref = (id: number) =>
    listHref({ repository: filters().repository === id ? undefined : String(id), family: undefined })

  // ---- the search box: debounced into the URL, `/` focuses it ----
  let searchInput: HTMLInputElement | undefined
  const [draft, setDraft] = createSignal(first(search.q) ?? '')
  let timer: ReturnType<typeof setTimeout> | undefined
  const applySearch = (value: string) => {
    clearTimeout(timer)
    timer = undefined
    if ((value.trim() || undefined) === filters().q) return
    setSearch({ q: value.trim() || undefined, offset: undefined }, { replace: true })
  }
  const onSearchInput = (value: string) => {
    setDraft(value)
    clearTimeout(timer)
    timer = setTimeout(() => applySearch(value), 250)
  }
  // Back/forward (or a link) changed the query: show it, unless the person is still typing.
  createEffect(
    on(
      () => first(search.q),
      (q) => {
        if (timer === undefined) setDraft(q ?? '')
      },
      { defer: true },
    ),
  )
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== '/' || event.metaKey || event.ctrlKey || event.altKey || isTyping(event.target)) return
    event.preventDefault()
    searchInput?.focus()
    searchInput?.select()
  }
  document.addEventListener('keydown', onKeyDown)
  onCleanup(() => {
    document.removeEventListener('keydown', onKeyDown)
    clearTimeout(timer)
  })

  const setPlatform = (platform: Platform | undefined) => setSearch({ platform, offset: undefined })
  const setOffset = (offset: number) => setSearch({ offset: offset > 0 ? String(offset) : undefined })
  const clearAll = () => {
    clearTimeout(timer)
    timer = undefined
    setDraft('')
    navigate(projectPath(params.project))
  }

  const openCommit = (id: number) =>
    navigate(commitHref(params.project, id), { state: { from: location.pathname + location.search } })

  const sidebar = () => {
    const f = families()
    const r = repositories()
    return f && r ? { families: f, repositories: r } : undefined
  }

  const scopeFallback = () => (filters().family ? `family #${filters().family}` : `repository #${filters().repository}`)

  /** What the family/repository filter is, named, for the chip above the list. */
  const scopeLabel = () => {
    const f = filters()
    if (f.family) return `family ${families()?.find((x) => x.id === f.family)?.name ?? `#${f.family}`}`
    if (f.repository) {
      const repo = repositories()?.find((r) => r.id === f.repository)
      return `repository ${repo?.fullName ?? `#${f.repository}`}`
    }
    return undefined
  }

  return (
    <div class="project-page">
      <Suspense fallback={<h1>{params.project}</h1>}>
        <Show when={project()}>{(p) => <ProjectHeader project={p()} />}</Show>
      </Suspense>
      <div class="columns">
        <aside class="sidebar">
          <h2 class="sidebar-title">Families</h2>
          <Suspense fallback={<Loading what="families" />}>
            <Show when={sidebar()}>
              {(data) => (
                <FamilyList
                  families={data().families}
                  unassigned={unassigned(data().families, data().repositories)}
                  activeFamily={filters().family}
                  activeRepository={filters().repository}
                  familyHref={familyHref}
                  repositoryHref={repositoryHref}
                />
              )}
            </Show>
          </Suspense>
        </aside>
        <section class="main-col" aria-label="Commits">
          <div class="toolbar">
            <label class="search">
              <span class="visually-hidden">Search commits</span>
              <input
                ref={searchInput}
                type="search"
                placeholder="Search message, author, sha…  ( / )"
                value={draft()}
                onInput={(event) => onSearchInput(event.currentTarget.value)}
                onKeyDown={(event) => {
                  if (event.key === 'Enter') applySearch(event.currentTarget.value)
                  if (event.key === 'Escape') event.currentTarget.blur()
                }}
                maxLength={200}
                spellcheck={false}
                autocomplete="off"
              />
            </label>
            <div class="segmented" role="group" aria-label="Platform">
              <button type="button" aria-pressed={!filters().platform} onClick={() => setPlatform(undefined)}>
                All
              </button>
              <For each={platforms}>
                {(platform) => (
                  <button
                    type="button"
                    aria-pressed={filters().platform === platform}
                    onClick={() => setPlatform(platform)}
                  >
                    {platformNames[platform]}
                  </button>
                )}
              </For>
            </div>
            <Show when={filters().family || filters().repository}>
              <a class="filter-chip" href={listHref({ family: undefined, repository: undefined })} title="Remove this filter">
                {/* The names come with the families; until then the chip shows the id. */}
                <Suspense fallback={scopeFallback()}>{scopeLabel()}</Suspense> <span aria-hidden="true">×</span>
              </a>
            </Show>
            <span class="keys-hint" title="Keyboard shortcuts">
              <kbd>/</kbd> search · <kbd>j</kbd> <kbd>k</kbd> move · <kbd>Enter</kbd> open
            </span>
          </div>
          <Suspense fallback={<Loading what="commits" />}>
            <Show when={commits()}>
              {(page) => (
                <div class="list-body" classList={{ stale: routing() }}>
                  <Pager page={page()} offset={filters().offset ?? 0} onOffset={setOffset} />
                  <Show
                    when={page().items.length > 0}
                    fallback={
                      <NoCommits filters={filters()} total={page().total} onClear={clearAll} onFirstPage={() => setOffset(0)} />
                    }
                  >
                    <CommitList project={params.project} items={page().items} onOpen={(c) => openCommit(c.id)} />
                    <Pager page={page()} offset={filters().offset ?? 0} onOffset={setOffset} bottom />
                  </Show>
                </div>
              )}
            </Show>
          </Suspense>
        </section>
      </div>
    </div>
  )
}

function unassigned(families: Family[], repositories: RepositorySummary[]): RepositorySummary[] {
  const inFamily = new Set(families.flatMap((f) => f.repositories.map((r) => r.id)))
  return repositories.filter((r) => !inFamily.has(r.id))
}

function ProjectHeader(props: { project: ProjectDetail }) {
  const counts = () => {
    const s = props.project.status
    return [
      plural(s.families, 'family', 'families'),
      plural(s.repositories, 'repository', 'repositories'),
      plural(s.commits, 'commit'),
      plural(s.labels, 'label'),
      plural(s.final_codes, 'final code'),
      plural(s.coders, 'coder'),
    ]
  }
  return (
    <header class="page-header">
      <h1>{props.project.name}</h1>
      <Show when={props.project.description}>
        <p class="description">{props.project.description}</p>
      </Show>
      <p class="stats">
        <For each={counts()}>{(text) => <span>{text}</span>}</For>
      </p>
    </header>
  )
}

function Pager(props: { page: CommitPage; offset: number; onOffset: (offset: number) => void; bottom?: boolean }) {
  const first = () => (props.page.total === 0 ? 0 : props.offset + 1)
  const last = () => Math.min(props.offset + props.page.items.length, props.page.total)
  const pages = () => Math.max(1, Math.ceil(props.page.total / commitPageSize))
  const current = () => Math.floor(props.offset / commitPageSize) + 1
  return (
    <div class="pager" classList={{ bottom: props.bottom }}>
      <span class="total">
        <Show
          when={props.page.items.length > 0}
          fallback={<>{props.page.total > 0 ? `none shown of ${formatCount(props.page.total)}` : '0'} commits</>}
        >
          <strong>
            {formatCount(first())}–{formatCount(last())}
          </strong>{' '}
          of <strong>{formatCount(props.page.total)}</strong> commits
        </Show>
      </span>
      <Show when={pages() > 1}>
        <span class="pages">
          <button
            type="button"
            class="button small"
            disabled={props.offset <= 0}
            onClick={() => props.onOffset(Math.max(0, props.offset - commitPageSize))}
          >
            ← Prev
          </button>
          <span class="muted">
            page {current()} of {pages()}
          </span>
          <button
            type="button"
            class="button small"
            disabled={props.offset + commitPageSize >= props.page.total}
            onClick={() => props.onOffset(props.offset + commitPageSize)}
          >
            Next →
          </button>
        </span>
      </Show>
    </div>
  )
}

function NoCommits(props: { filters: CommitFilters; total: number; onClear: () => void; onFirstPage: () => void }) {
  const filtered = () => Boolean(props.filters.q || props.filters.family || props.filters.repository || props.filters.platform)
  return (
    <div class="empty-state compact">
      <Switch
        fallback={
          <>
            <h2>No commits imported yet</h2>
            <p>
              Import commit histories with <code>npm run -s concord -- import jsonl FILE…</code>.
            </p>
          </>
        }
      >
        <Match when={props.total > 0}>
          <h2>This page is past the end of the list</h2>
          <button type="button" class="button" onClick={() => props.onFirstPage()}>
            Go to the first page
          </button>
        </Match>
        <Match when={filtered()}>
          <h2>
            No commits match
            <Show when={props.filters.q}>{(q) => <> “{q()}”</>}</Show>
          </h2>
          <p>
            The search looks at the commit message, the author’s name and the start of the sha.
            <Show when={props.filters.family || props.filters.repository || props.filters.platform}>
              {' '}
              The family, repository or platform filter narrows it further.
            </Show>
          </p>
          <button type="button" class="button" onClick={() => props.onClear()}>
            Clear the search and filters
          </button>
        </Match>
      </Switch>
    </div>
  )
}
