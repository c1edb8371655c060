/**
 * @module `/p/:project/members`: the project's people and roles; admins add coders with an
 * initial password or an invite link, change roles and remove members.
 */
import { createAsync, revalidate, useParams } from '@solidjs/router'
import { createSignal, For, Show } from 'solid-js'
import { addMember, getMe, getMembers, reinviteMember, removeMember, setMemberRole } from '../api'
import { createOutcome, OutcomeNotice } from '../components/Feedback'
import { roleIn } from '../role'
import './account.css'

export default function MembersPage() {
  const params = useParams<{ project: string }>()
  const me = createAsync(() => getMe())
  const members = createAsync(() => getMembers(params.project))
  const admin = () => roleIn(me(), params.project) === 'admin'
  const { outcome, run: report } = createOutcome()
  const [invite, setInvite] = createSignal<{ name: string; url: string } | null>(null)
  const [withPassword, setWithPassword] = createSignal(true)
  // Every action here changes the members: the list reloads before the outcome shows.
  const run = (work: () => Promise<unknown>, ok: string) =>
    report(async () => {
      await work()
      await revalidate(getMembers.key)
    }, ok)
  const onAdd = (event: SubmitEvent) => {
    event.preventDefault()
    const form = event.currentTarget as HTMLFormElement
    const data = new FormData(form)
    const name = String(data.get('name') ?? '').trim()
    void run(async () => {
      const created = await addMember(params.project, {
        name,
        role: data.get('role') === 'admin' ? 'admin' : 'coder',
        ...(withPassword() ? { password: String(data.get('password') ?? '') } : {}),
      })
      setInvite(created.inviteUrl ? { name, url: created.inviteUrl } : null)
      form.reset()
    }, `${name} added.`)
  }
  return (
    <div class="members-page">
      <header class="page-header">
        <h1>Members</h1>
        <p class="muted">Who codes in {params.project}. Admins create rounds, see agreement and adjudicate; coders code their queue.</p>
      </header>
      <OutcomeNotice outcome={outcome()} />
      <Show when={invite()}>
        {(i) => (
          <p class="notice notice-ok invite-link">
            Send {i().name} this one-time link (valid 7 days): <code>{i().url}</code>
          </p>
        )}
      </Show>
      <Show when={admin()}>
        <form class="panel add-member" onSubmit={onAdd} aria-label="Add a member">
          <h2>Add a member</h2>
          <div class="form-row">
            <label>
              Name
              <input name="name" required pattern="[\p{L}\p{N}][\p{L}\p{N}._\-]*" placeholder="e.g. coder3" />
            </label>
            <label>
              Role
              <select name="role">
                <option value="coder">coder</option>
                <option value="admin">admin</option>
              </select>
            </label>
            <fieldset class="segmented" aria-label="How they sign in">
              <button type="button" aria-pressed={withPassword()} onClick={() => setWithPassword(true)}>
                Initial password
              </button>
              <button type="button" aria-pressed={!withPassword()} onClick={() => setWithPassword(false)}>
                Invite link
              </button>
            </fieldset>
            <Show when={withPassword()}>
              <label>
                Initial password
                <input name="password" type="text" minLength={8} required autocomplete="off" />
              </label>
            </Show>
            <button class="button primary" type="submit">
              Add
            </button>
          </div>
        </form>
      </Show>
      <section class="panel">
        <table class="dense members-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th>Sign-in</th>
              <Show when={admin()}>
                <th />
              </Show>
            </tr>
          </thead>
          <tbody>
            <For each={members()} fallback={<tr><td colSpan={4} class="muted">No members yet.</td></tr>}>
              {(m) => (
                <tr classList={{ muted: m.disabled }}>
                  <td>
                    <strong>{m.displayName || m.name}</strong> <span class="muted">{m.name !== m.displayName ? m.name : ''}</span>
                  </td>
                  <td>
                    <Show when={admin()} fallback={m.role}>
                      <select
                        aria-label={`Role of ${m.name}`}
                        value={m.role}
                        onChange={(e) => void run(() => setMemberRole(params.project, m.id, e.currentTarget.value === 'admin' ? 'admin' : 'coder'), `${m.name} is now ${e.currentTarget.value}.`)}
                      >
                        <option value="coder">coder</option>
                        <option value="admin">admin</option>
                      </select>
                    </Show>
                  </td>
                  <td>{m.disabled ? 'disabled' : m.hasPassword ? 'active' : 'invite pending'}</td>
                  <Show when={admin()}>
                    <td class="actions">
                      <Show when={!m.hasPassword}>
                        <button
                          type="button"
                          class="button small"
                          onClick={() => void run(async () => setInvite({ name: m.name, url: (await reinviteMember(params.project, m.id)).inviteUrl }), 'New invite link made.')}
                        >
                          New invite link
                        </button>
                      </Show>
                      <button type="button" class="button small" onClick={() => void run(() => removeMember(params.project, m.id), `${m.name} removed.`)}>
                        Remove
                      </button>
                    </td>
                  </Show>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </section>
    </div>
  )
}
