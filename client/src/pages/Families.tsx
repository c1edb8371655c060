/**
 * @module `/p/:project/families`: the links discovered in READMEs and model cards (accept into a
 * family, or reject), links to repositories not imported yet (import them here), and the
 * families themselves: create, rename, delete, add and remove repositories. README passages
 * are rendered as text.
 */
import { A, createAsync, useParams } from '@solidjs/router'
import { createSignal, For, Show, Suspense } from 'solid-js'
import {
  acceptProposal,
  addFamilyRepositories,
  createFamily,
  deleteFamily,
  getDiscovery,
  getFamilies,
  rejectProposal,
  revalidateRepositories,
  removeFamilyRepository,
  renameFamily,
  scanForLinks,
  startImport,
} from '../api'
import type { Family, JobView, LinkToImport, Platform, Proposal } from '../api'
import { ErrorNotice, Loading } from '../components/Feedback'
import { JobProgress } from '../components/JobProgress'
import { PlatformBadge } from '../components/PlatformBadge'
import { formatCount, formatSpan, platformNames, plural } from '../format'
import { projectPath } from '../paths'
import './families.css'

/** Runs a write, keeping its pending state and error local to the control that started it. */
function useWrite() {
  const [pending, setPending] = createSignal(false)
  const [error, setError] = createSignal<unknown>()
  const run = async <T,>(work: () => Promise<T>): Promise<T | undefined> => {
    setPending(true)
    setError(undefined)
    try {
      return await work()
    } catch (e) {
      setError(e)
      return undefined
    } finally {
      setPending(false)
    }
  }
  return { pending, error, run }
}

export default function FamiliesPage() {
  const params = useParams<{ project: string }>()
  const families = createAsync(() => getFamilies(params.project))
  const discovery = createAsync(() => getDiscovery(params.project))
  const [accepted, setAccepted] = createSignal<Proposal>()

  const refresh = () => revalidateRepositories(params.project)

  return (
    <div class="families-page">
      <header class="page-header">
        <h1>Families</h1>
        <p class="description">
          A family is one upstream GitHub repository and the Hugging Face models trained from it. Links found in GitHub
          READMEs (to huggingface.co) and in model cards (to github.com) are proposed below, with the passage they came
          from.
        </p>
      </header>
      <Show when={accepted()}>
        {(p) => (
          <div class="notice notice-ok dotted-links" role="status">
            <strong>
              {p().huggingface.fullName} joined {p().family?.name ?? 'the family'} with {p().github.fullName}.
            </strong>
            <Show when={p().family}>
              {(f) => <A href={`${projectPath(params.project)}?family=${f().id}`}>See the family’s commits</A>}
            </Show>
          </div>
        )}
      </Show>
      <Suspense fallback={<Loading what="discovered links" />}>
        <Show when={discovery()}>
          {(d) => (
            <DiscoveryPanel
              project={params.project}
              proposals={d().proposals}
              notImported={d().notImported}
              familyNames={(families() ?? []).map((f) => f.name)}
              onAccepted={(p) => {
                setAccepted(p)
                void refresh()
              }}
              onChanged={() => void refresh()}
            />
          )}
        </Show>
      </Suspense>
      <Suspense fallback={<Loading what="families" />}>
        <Show when={families()}>{(list) => <FamilyPanel project={params.project} families={list()} onChanged={() => void refresh()} />}</Show>
      </Suspense>
    </div>
  )
}

function DiscoveryPanel(props: {
  project: string
  proposals: Proposal[]
  notImported: LinkToImport[]
  familyNames: string[]
  onAccepted: (p: Proposal) => void
  onChanged: () => void
}) {
  const open = () => props.proposals.filter((p) => p.status === 'proposed')
  const decided = () => props.proposals.filter((p) => p.status !== 'proposed')
  const scan = useWrite()
  const [scanned, setScanned] = createSignal<string>()
  return (
    <section class="panel discovery" aria-label="Discovered links">
      <header class="panel-head">
        <h2>
          Discovered links <span class="count">{formatCount(open().length)}</span>
        </h2>
        <button
          type="button"
          class="button small"
          disabled={scan.pending()}
          onClick={async () => {
            const r = await scan.run(() => scanForLinks(props.project))
            if (r) {
              setScanned(r.created === 0 ? 'No new links.' : `${plural(r.created, 'new link')} found.`)
              props.onChanged()
            }
          }}
        >
          {scan.pending() ? 'Scanning…' : 'Scan READMEs and model cards'}
        </button>
        <Show when={scanned()}>{(text) => <span class="muted small">{text()}</span>}</Show>
      </header>
      <Show when={scan.error()}>{(e) => <ErrorNotice error={e()} />}</Show>
      <For
        each={open()}
        fallback={
          <p class="empty">
            No links waiting for a decision. Import a GitHub repository or a model (its README or model card is read) and
            links between repositories of this project show up here.
          </p>
        }
      >
        {(proposal) => <ProposalCard project={props.project} proposal={proposal} familyNames={props.familyNames} onAccepted={props.onAccepted} onRejected={props.onChanged} />}
      </For>
      <Show when={props.notImported.length > 0}>
        <NotImported project={props.project} links={props.notImported} onImported={props.onChanged} />
      </Show>
      <Show when={decided().length > 0}>
        <details class="decided">
          <summary>Decided ({decided().length})</summary>
          <ul>
            <For each={decided()}>
              {(p) => (
                <li>
                  <span class={`decision decision-${p.status}`}>{p.status}</span> {p.github.fullName} ↔ {p.huggingface.fullName}
                  <Show when={p.family}>{(f) => <span class="muted"> in {f().name}</span>}</Show>
                </li>
              )}
            </For>
          </ul>
        </details>
      </Show>
    </section>
  )
}

const foundInText = (p: Proposal) =>
  p.foundIn === 'github-readme' ? `the README of ${p.github.fullName}` : `the model card of ${p.huggingface.fullName}`

function ProposalCard(props: {
  project: string
  proposal: Proposal
  familyNames: string[]
  onAccepted: (p: Proposal) => void
  onRejected: () => void
}) {
  const p = () => props.proposal
  const [family, setFamily] = createSignal(p().suggestedFamily ?? p().familyChoices[0] ?? '')
  const write = useWrite()
  const listId = `proposal-${p().id}-families`
  return (
    <article class="proposal" aria-label={`Proposed link ${p().github.fullName} and ${p().huggingface.fullName}`}>
      <div class="pair">
        <RepoName platform="github" name={p().github.fullName} commits={p().github.commits} />
        <span class="arrow" aria-hidden="true">
          ↔
        </span>
        <RepoName platform="huggingface" name={p().huggingface.fullName} commits={p().huggingface.commits} />
      </div>
      <p class="found-in">Found in {foundInText(p())}:</p>
      <blockquote class="evidence">{p().evidence}</blockquote>
      <form
        class="decide"
        onSubmit={async (event) => {
          event.preventDefault()
          const result = await write.run(() => acceptProposal(props.project, p().id, family().trim() || undefined))
          if (result) props.onAccepted(result)
        }}
      >
        <label class="decide-field">
          <span>Family</span>
          <input
            list={listId}
            value={family()}
            onInput={(e) => setFamily(e.currentTarget.value)}
            placeholder={p().familyChoices.length > 0 ? `one of ${p().familyChoices.join(', ')}` : 'family name'}
            autocomplete="off"
          />
          <datalist id={listId}>
            <For each={p().familyChoices.length > 0 ? p().familyChoices : props.familyNames}>{(name) => <option value={name} />}</For>
          </datalist>
        </label>
        <button type="submit" class="button primary small" disabled={write.pending() || !family().trim()}>
          Accept
        </button>
        <button
          type="button"
          class="button small"
          disabled={write.pending()}
          onClick={async () => {
            if (await write.run(() => rejectProposal(props.project, p().id))) props.onRejected()
          }}
        >
          Reject
        </button>
      </form>
      <Show when={write.error()}>{(e) => <ErrorNotice error={e()} />}</Show>
    </article>
  )
}

function RepoName(props: { platform: Platform; name: string; commits: number }) {
  return (
    <span class="repo-ref">
      <PlatformBadge platform={props.platform} />
      <span class="repo-name">{props.name}</span>
      <span class="muted small">{props.commits > 0 ? plural(props.commits, 'commit') : 'no commits yet'}</span>
    </span>
  )
}

/** Links to repositories the project does not hold: import them from here. */
function NotImported(props: { project: string; links: LinkToImport[]; onImported: () => void }) {
  const [jobs, setJobs] = createSignal<Record<string, JobView>>({})
  const write = useWrite()
  const key = (l: LinkToImport) => `${l.target.platform}:${l.target.fullName}`
  return (
    <div class="not-imported">
      <h3>Linked, not imported yet</h3>
      <ul>
        <For each={props.links}>
          {(link) => (
            <li>
              <div class="link-line">
                <PlatformBadge platform={link.target.platform} />
                <span class="repo-name">{link.target.fullName}</span>
                <span class="muted small">
                  from {link.foundIn === 'github-readme' ? 'the README of' : 'the model card of'} {link.from.fullName}
                </span>
                <button
                  type="button"
                  class="button small"
                  disabled={write.pending() || Boolean(jobs()[key(link)])}
                  onClick={async () => {
                    const job = await write.run(() =>
                      startImport(props.project, { source: link.target.platform === 'github' ? 'github' : 'hf', repo: link.target.fullName }),
                    )
                    if (job) setJobs({ ...jobs(), [key(link)]: job })
                  }}
                >
                  Import from {platformNames[link.target.platform]}
                </button>
              </div>
              <blockquote class="evidence small">{link.evidence}</blockquote>
              <Show when={jobs()[key(link)]}>
                {(job) => <JobProgress project={props.project} jobId={job().id} initial={job()} onFinished={props.onImported} />}
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={write.error()}>{(e) => <ErrorNotice error={e()} />}</Show>
    </div>
  )
}

function FamilyPanel(props: { project: string; families: Family[]; onChanged: () => void }) {
  const [name, setName] = createSignal('')
  const write = useWrite()
  return (
    <section class="panel family-panel" aria-label="Families">
      <header class="panel-head">
        <h2>
          Families <span class="count">{formatCount(props.families.length)}</span>
        </h2>
        <form
          class="new-family"
          onSubmit={async (event) => {
            event.preventDefault()
            if (await write.run(() => createFamily(props.project, name().trim()))) {
              setName('')
              props.onChanged()
            }
          }}
        >
          <input value={name()} onInput={(e) => setName(e.currentTarget.value)} placeholder="New family name" aria-label="New family name" />
          <button type="submit" class="button small" disabled={!name().trim() || write.pending()}>
            Create family
          </button>
        </form>
      </header>
      <Show when={write.error()}>{(e) => <ErrorNotice error={e()} />}</Show>
      <div class="family-cards">
        <For each={props.families} fallback={<p class="empty">No families yet.</p>}>
          {(family) => <FamilyCard project={props.project} family={family} onChanged={props.onChanged} />}
        </For>
      </div>
    </section>
  )
}

function FamilyCard(props: { project: string; family: Family; onChanged: () => void }) {
  const f = () => props.family
  const [renaming, setRenaming] = createSignal(false)
  const [newName, setNewName] = createSignal('')
  const [confirming, setConfirming] = createSignal(false)
  const [platform, setPlatform] = createSignal<Platform>('huggingface')
  const [repo, setRepo] = createSignal('')
  const write = useWrite()
  const commits = () => f().repositories.reduce((n, r) => n + r.commits, 0)
  const done = (ok: unknown) => {
    if (ok) props.onChanged()
    return ok
  }
  return (
    <article class="family-card" aria-label={`Family ${f().name}`}>
      <header class="family-head">
        <Show
          when={renaming()}
          fallback={
            <>
              <h3>{f().name}</h3>
              <span class="muted small">{plural(commits(), 'commit')}</span>
              <A class="small" href={`${projectPath(props.project)}?family=${f().id}`}>
                Commits →
              </A>
              <span class="spacer" />
              <button
                type="button"
                class="button small"
                onClick={() => {
                  setNewName(f().name)
                  setRenaming(true)
                }}
              >
                Rename
              </button>
              <Show
                when={confirming()}
                fallback={
                  <button type="button" class="button small" onClick={() => setConfirming(true)}>
                    Delete
                  </button>
                }
              >
                <button
                  type="button"
                  class="button small danger"
                  disabled={write.pending()}
                  onClick={async () => done(await write.run(() => deleteFamily(props.project, f().id)))}
                >
                  Delete {f().name}? (repositories stay)
                </button>
                <button type="button" class="button small" onClick={() => setConfirming(false)}>
                  Keep
                </button>
              </Show>
            </>
          }
        >
          <form
            class="rename"
            onSubmit={async (event) => {
              event.preventDefault()
              if (done(await write.run(() => renameFamily(props.project, f().id, newName().trim())))) setRenaming(false)
            }}
          >
            <input value={newName()} onInput={(e) => setNewName(e.currentTarget.value)} aria-label="Family name" autofocus />
            <button type="submit" class="button small primary" disabled={!newName().trim() || write.pending()}>
              Save
            </button>
            <button type="button" class="button small" onClick={() => setRenaming(false)}>
              Cancel
            </button>
          </form>
        </Show>
      </header>
      <Show when={f().excludedReason}>{(reason) => <p class="excluded">excluded from analyses: {reason()}</p>}</Show>
      <ul class="members">
        <For each={f().repositories} fallback={<li class="muted small">no repositories yet</li>}>
          {(r) => (
            <li>
              <PlatformBadge platform={r.platform} />
              <span class="repo-name">{r.fullName}</span>
              <span class="muted small">{r.commits > 0 ? `${plural(r.commits, 'commit')} · ${formatSpan(r.firstCommitAt, r.lastCommitAt)}` : 'no commits imported'}</span>
              <button
                type="button"
                class="button small remove"
                title={`Remove ${r.fullName} from ${f().name} (its commits stay in the project)`}
                aria-label={`Remove ${r.fullName} from ${f().name}`}
                disabled={write.pending()}
                onClick={async () => done(await write.run(() => removeFamilyRepository(props.project, f().id, r.id)))}
              >
                Remove
              </button>
            </li>
          )}
        </For>
      </ul>
      <form
        class="add-repo"
        onSubmit={async (event) => {
          event.preventDefault()
          const added = await write.run(() => addFamilyRepositories(props.project, f().id, [{ platform: platform(), fullName: repo().trim() }]))
          if (done(added)) setRepo('')
        }}
      >
        <select value={platform()} onChange={(e) => setPlatform(e.currentTarget.value as Platform)} aria-label="Platform">
          <option value="github">GitHub</option>
          <option value="huggingface">Hugging Face</option>
        </select>
        <input value={repo()} onInput={(e) => setRepo(e.currentTarget.value)} placeholder="owner/name" aria-label="Repository to add" spellcheck={false} />
        <button type="submit" class="button small" disabled={!/^[^/\s]+\/[^/\s]+$/.test(repo().trim()) || write.pending()}>
          Add repository
        </button>
      </form>
      <Show when={write.error()}>{(e) => <ErrorNotice error={e()} />}</Show>
    </article>
  )
}
