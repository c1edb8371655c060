/**
 * @module `/invite?token=…`: a new coder chooses their password and is signed in.
 */
import { revalidate, useNavigate, useSearchParams } from '@solidjs/router'
import { createSignal, Show } from 'solid-js'
import { acceptInvite } from '../api'
import './account.css'

export default function InvitePage() {
  const [search] = useSearchParams<{ token?: string }>()
  const navigate = useNavigate()
  const [error, setError] = createSignal<string | null>(null)
  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget as HTMLFormElement)
    const password = String(form.get('password') ?? '')
    if (password !== String(form.get('repeat') ?? '')) return setError('the two passwords differ')
    try {
      await acceptInvite(String(search.token ?? ''), password)
      await revalidate()
      navigate('/', { replace: true })
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    }
  }
  return (
    <div class="auth-page">
      <form class="panel auth-form" onSubmit={(e) => void submit(e)}>
        <h1>Welcome to Concord</h1>
        <p class="muted">Choose your password (at least 8 characters).</p>
        <label>
          Password
          <input name="password" type="password" autocomplete="new-password" minLength={8} required autofocus />
        </label>
        <label>
          Again
          <input name="repeat" type="password" autocomplete="new-password" minLength={8} required />
        </label>
        <Show when={error()}>
          {(message) => (
            <p class="notice notice-error" role="alert">
              {message()}
            </p>
          )}
        </Show>
        <button class="button primary" type="submit" disabled={!search.token}>
          Set password and sign in
        </button>
      </form>
    </div>
  )
}
