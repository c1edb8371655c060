/**
 * @module `/signin`: name and password; on success, back to where the visitor was going.
 */
import { revalidate, useNavigate, useSearchParams } from '@solidjs/router'
import { createSignal, Show } from 'solid-js'
import { signIn } from '../api'
import './account.css'

/** Only same-site paths: `?next=` must not send anyone elsewhere. */
export function safeNext(next: string | string[] | undefined): string {
  const value = Array.isArray(next) ? next[0] : next
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/signin') ? value : '/'
}

export default function SignInPage() {
  const [search] = useSearchParams<{ next?: string }>()
  const navigate = useNavigate()
  const [error, setError] = createSignal<string | null>(null)
  const [pending, setPending] = createSignal(false)
  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget as HTMLFormElement)
    setPending(true)
    setError(null)
    try {
      await signIn(String(form.get('name') ?? ''), String(form.get('password') ?? ''))
      await revalidate()
      navigate(safeNext(search.next), { replace: true })
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setPending(false)
    }
  }
  return (
    <div class="auth-page">
      <form class="panel auth-form" onSubmit={(e) => void submit(e)}>
        <h1>Sign in to Concord</h1>
        <label>
          Name
          <input name="name" autocomplete="username" required autofocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <Show when={error()}>
          {(message) => (
            <p class="notice notice-error" role="alert">
              {message()}
            </p>
          )}
        </Show>
        <button class="button primary" type="submit" disabled={pending()}>
          {pending() ? 'Signing in…' : 'Sign in'}
        </button>
        <p class="muted small">
          New here? Use the invite link your admin sent you. The administrator of a fresh Concord signs in with the link the
          server printed at start-up.
        </p>
      </form>
    </div>
  )
}
