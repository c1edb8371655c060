/**
 * @module Who is signed in: the top bar's menu (their account, sign out) or a sign-in link, and
 * the gate that sends an anonymous visitor to the sign-in page when sign-in is enforced, before
 * any page renders (so no page shows a 401 of its own).
 */
import { A, createAsync, Navigate, revalidate, useLocation, useNavigate } from '@solidjs/router'
import type { JSX } from 'solid-js'
import { ErrorBoundary, Show, Suspense } from 'solid-js'
import { ApiError, getMe, signOut } from '../api'
import './user-menu.css'

/** Pages that must stay reachable without an account. */
const openPaths = ['/signin', '/invite']

/** Whether the path is one of the pages for people not signed in (sign-in, invite). */
export const isOpenPath = (pathname: string) => openPaths.includes(pathname)

/** `/api/auth/me`, with "not signed in while sign-in is enforced" (401) as null. */
const me = () => getMe().catch((error: unknown) => (error instanceof ApiError && error.status === 401 ? null : Promise.reject(error)))

export function AuthGate(props: { children: JSX.Element }) {
  const location = useLocation()
  const state = createAsync(me)
  const mustSignIn = () => {
    const s = state()
    return (s === null || (s !== undefined && !s.user && s.authRequired)) && !isOpenPath(location.pathname)
  }
  return (
    <Show when={!mustSignIn()} fallback={<SignInRedirect />}>
      {props.children}
    </Show>
  )
}

/** Sends the visitor to the sign-in page, and back here once signed in. */
export function SignInRedirect() {
  const location = useLocation()
  return <Navigate href={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`} />
}

/** A request refused for want of a session (401), outside the pages for signing in. */
export const needsSignIn = (error: unknown, pathname: string) => error instanceof ApiError && error.status === 401 && !isOpenPath(pathname)

export function UserMenu() {
  const location = useLocation()
  const navigate = useNavigate()
  const state = createAsync(me)
  const out = async () => {
    await signOut()
    await revalidate()
    navigate('/signin', { replace: true })
  }
  return (
    <ErrorBoundary fallback={null}>
      <Suspense>
        <div class="user-menu">
          <Show
            when={state()?.user}
            fallback={
              <Show when={!isOpenPath(location.pathname)}>
                <A href={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`}>Sign in</A>
              </Show>
            }
          >
            {(user) => (
              <>
                <A href="/account" class="user-name" title="Your account and API tokens">
                  {user().displayName}
                </A>
                <button type="button" class="link-button" onClick={() => void out()}>
                  Sign out
                </button>
              </>
            )}
          </Show>
        </div>
      </Suspense>
    </ErrorBoundary>
  )
}
