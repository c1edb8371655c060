/**
 * @module `/account`: who is signed in, their projects, password change and personal API tokens
 * (shown once on creation; stored hashed).
 */
import { createAsync, revalidate } from '@solidjs/router'
import { createSignal, For, Show } from 'solid-js'
import { changePassword, createApiToken, getApiTokens, getMe, revokeApiToken } from '../api'
import { createOutcome, OutcomeNotice } from '../components/Feedback'
import { formatTimestamp } from '../format'
import { projectPath } from '../paths'
import './account.css'

export default function AccountPage() {
  const me = createAsync(() => getMe())
  const tokens = createAsync(() => getApiTokens())
  const { outcome, run: report } = createOutcome()
  const [fresh, setFresh] = createSignal<string | null>(null)
  const onPassword = (event: SubmitEvent) => {
    event.preventDefault()
    const form = event.currentTarget as HTMLFormElement
    const data = new FormData(form)
    void report(async () => {
      await changePassword(String(data.get('current') ?? ''), String(data.get('next')))
      form.reset()
      await revalidate(getMe.key)
    }, 'Password changed; your other sessions were signed out.')
  }
  const onToken = (event: SubmitEvent) => {
    event.preventDefault()
    const form = event.currentTarget as HTMLFormElement
    void report(async () => {
      const created = await createApiToken(String(new FormData(form).get('name')))
      setFresh(created.token)
      form.reset()
      await revalidate(getApiTokens.key)
    }, 'Token created: copy it now, it is not shown again.')
  }
  return (
    <div class="account-page">
      <Show when={me()?.user}>
        {(user) => (
          <header class="page-header">
            <h1>{user().displayName}</h1>
            <p class="muted">
              Signed in as <code>{user().name}</code>
              {user().siteAdmin ? ' · administrator of this Concord' : ''}
            </p>
            <p>
              <For each={me()?.projects} fallback={<span class="muted">{user().siteAdmin ? 'Admin of every project.' : 'No project memberships yet.'}</span>}>
                {(p) => (
                  <a class="tag" href={projectPath(p.project)}>
                    {p.project} · {p.role}
                  </a>
                )}
              </For>
            </p>
          </header>
        )}
      </Show>
      <OutcomeNotice outcome={outcome()} />
      <div class="account-grid">
        <section class="panel">
          <h2>Password</h2>
          <form class="stack" onSubmit={onPassword}>
            <Show
              when={me()?.hasPassword !== false}
              fallback={<p class="muted small">You signed in with the start-up link and have no password yet: choose one.</p>}
            >
              <label>
                Current password
                <input name="current" type="password" autocomplete="current-password" required />
              </label>
            </Show>
            <label>
              New password
              <input name="next" type="password" autocomplete="new-password" minLength={8} required />
            </label>
            <button class="button" type="submit">
              Change password
            </button>
          </form>
        </section>
        <section class="panel">
          <h2>API tokens</h2>
          <p class="muted small">
            For scripts: send <code>Authorization: Bearer TOKEN</code> to the HTTP API. A token acts as you.
          </p>
          <Show when={fresh()}>
            {(token) => (
              <p class="new-token">
                <code>{token()}</code>
              </p>
            )}
          </Show>
          <form class="inline-form" onSubmit={onToken}>
            <input name="name" placeholder="what it is for, e.g. nightly export" required aria-label="Token name" />
            <button class="button" type="submit">
              Create token
            </button>
          </form>
          <table class="dense">
            <thead>
              <tr>
                <th>Name</th>
                <th>Starts with</th>
                <th>Created</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              <For each={tokens()} fallback={<tr><td colSpan={5} class="muted">No tokens.</td></tr>}>
                {(token) => (
                  <tr>
                    <td>{token.name}</td>
                    <td>
                      <code>{token.prefix}…</code>
                    </td>
                    <td>{formatTimestamp(token.createdAt)}</td>
                    <td>{formatTimestamp(token.lastUsedAt)}</td>
                    <td>
                      <button
                        type="button"
                        class="button small"
                        onClick={() => void report(async () => {
                          await revokeApiToken(token.id)
                          await revalidate(getApiTokens.key)
                        }, `Token “${token.name}” revoked.`)}
                      >
                        Revoke
                      </button>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </section>
      </div>
    </div>
  )
}
