/**
 * @module The app shell: the top bar (brand, project switcher, section links) around every page.
 * Sections are a list so the coming pages (coding, dashboard, codebook, analysis) slot in.
 */
import { A, createAsync, useIsRouting, useLocation, useNavigate, useParams } from '@solidjs/router'
import type { RouteSectionProps } from '@solidjs/router'
import { createEffect, ErrorBoundary, For, on, Show, Suspense } from 'solid-js'
import { getProjects } from '../api'
import { projectPath } from '../paths'
import { ErrorNotice, Loading } from './Feedback'
import { AuthGate, isOpenPath, needsSignIn, SignInRedirect, UserMenu } from './UserMenu'

/**
 * A project's sections, relative to `/p/:project`; the first one is its home. A section is
 * active on its path and below it; the home, whose path prefixes every section's, only on
 * itself and below `below`.
 */
export const projectSections: readonly { label: string; path: string; below?: string }[] = [
  { label: 'Commits', path: '', below: '/commits/' },
  { label: 'Rounds', path: '/rounds' },
  { label: 'Members', path: '/members' },
  { label: 'Labeling', path: '/labeling' },
  { label: 'Codebook', path: '/codebook' },
  { label: 'Card sort', path: '/card-sort' },
  { label: 'Analysis', path: '/analysis' },
  { label: 'Families', path: '/families' },
  { label: 'Import', path: '/import' },
]

export function AppShell(props: RouteSectionProps) {
  const params = useParams<{ project?: string }>()
  const routing = useIsRouting()
  const location = useLocation()
  return (
    <div class="app">
      <header class="topbar">
        <div class="progress" classList={{ active: routing() }} aria-hidden="true" />
        <A href="/" class="brand" end>
          Concord
        </A>
        {/* Not on the sign-in and invite pages: listing projects there would only be refused. */}
        <Show when={!isOpenPath(location.pathname)}>
          <ProjectSwitcher current={params.project} />
        </Show>
        <nav class="sections" aria-label="Sections">
          <A href="/" end activeClass="active">
            Projects
          </A>
          <Show when={params.project}>
            {(project) => (
              <For each={projectSections}>
                {(section) => (
                  <A
                    href={projectPath(project(), section.path)}
                    end={section.below !== undefined && !location.pathname.startsWith(projectPath(project(), section.below))}
                    activeClass="active"
                  >
                    {section.label}
                  </A>
                )}
              </For>
            )}
          </Show>
        </nav>
        <UserMenu />
      </header>
      <main class="page">
        <ErrorBoundary fallback={(error, reset) => <RouteError error={error} reset={reset} />}>
          <Suspense fallback={<Loading />}>
            <AuthGate>{props.children}</AuthGate>
          </Suspense>
        </ErrorBoundary>
      </main>
    </div>
  )
}

/**
 * A page's error; navigating elsewhere (or changing the query) clears it. A 401 goes to the
 * sign-in page: a page's own request can be refused before the AuthGate's check has answered.
 */
function RouteError(props: { error: unknown; reset: () => void }) {
  const location = useLocation()
  createEffect(on(() => location.pathname + location.search, () => props.reset(), { defer: true }))
  return (
    <Show when={needsSignIn(props.error, location.pathname)} fallback={<ErrorNotice error={props.error} retry={props.reset} />}>
      <SignInRedirect />
    </Show>
  )
}

/** A select of the projects; choosing one opens it. */
function ProjectSwitcher(props: { current: string | undefined }) {
  const navigate = useNavigate()
  const projects = createAsync(() => getProjects())
  // The project names, plus the current one when it is unknown (the page then says so). Read
  // in the JSX, under the Suspense, so the select waits for the list.
  const names = () => {
    const list = projects()?.map((p) => p.name) ?? []
    return props.current && !list.includes(props.current) ? [...list, props.current] : list
  }
  return (
    <ErrorBoundary fallback={<span class="switcher-error" title="Could not list the projects">projects unavailable</span>}>
      <Suspense fallback={<select class="switcher" disabled aria-label="Project"><option>…</option></select>}>
        <label class="switcher-label">
          <span class="visually-hidden">Project</span>
          <select
            class="switcher"
            aria-label="Project"
            onChange={(event) => {
              const name = event.currentTarget.value
              if (name) navigate(projectPath(name))
            }}
          >
            <option value="" disabled selected={!props.current}>
              Choose a project…
            </option>
            <For each={names()}>
              {(name) => (
                <option value={name} selected={name === props.current}>
                  {name}
                </option>
              )}
            </For>
          </select>
        </label>
      </Suspense>
    </ErrorBoundary>
  )
}
