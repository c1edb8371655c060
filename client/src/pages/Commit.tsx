/**
 * @module `/p/:project/commits/:id`: one commit — header, message, files, labels, open codes and
 * the diff. Messages, diffs, rationales and open codes are untrusted and rendered as text only.
 */
import { createAsync, useLocation, useParams } from '@solidjs/router'
import { For, Show, Suspense } from 'solid-js'
import { getCommit } from '../api'
import type { CommitDetail, CommitFile, CommitLabel, OpenCode } from '../api'
import { CodeChip } from '../components/CodeChip'
import { DiffView } from '../components/DiffView'
import { Loading } from '../components/Feedback'
import { PlatformBadge } from '../components/PlatformBadge'
import { projectPath } from '../paths'
import { commitIdOf } from '../preload'
import { derivedShaNote, formatCount, formatTimestamp, shortSha, subjectOf } from '../format'

export default function CommitPage() {
  const params = useParams<{ project: string; id: string }>()
  const location = useLocation<{ from?: string } | undefined>()
  const id = () => commitIdOf(params.id)
  const commit = createAsync(async () => {
    const n = id()
    return n === undefined ? undefined : getCommit(params.project, n)
  })
  /** Back to the list one came from (with its search and filters), else the project's list. */
  const listHref = () => {
    const from = location.state?.from
    return typeof from === 'string' && from.startsWith('/') ? from : projectPath(params.project)
  }

  return (
    <div class="commit-page">
      <nav class="breadcrumbs" aria-label="Breadcrumbs">
        <a href="/">Projects</a>
        <span aria-hidden="true">/</span>
        <a href={projectPath(params.project)}>{params.project}</a>
        <span aria-hidden="true">/</span>
        <a href={listHref()}>commits</a>
        <span aria-hidden="true">/</span>
        <span>{params.id}</span>
      </nav>
      <Show
        when={id() !== undefined}
        fallback={
          <div class="notice notice-error" role="alert">
            <strong>Not found</strong> “{params.id}” is not a commit id.
          </div>
        }
      >
        <Suspense fallback={<Loading what="the commit" />}>
          <Show when={commit()}>{(c) => <CommitView commit={c()} project={params.project} />}</Show>
        </Suspense>
      </Show>
    </div>
  )
}

function CommitView(props: { commit: CommitDetail; project: string }) {
  const c = () => props.commit
  const searchHref = (q: string) => `${projectPath(props.project)}?q=${encodeURIComponent(q)}`
  return (
    <article class="commit">
      <header class="commit-header">
        <h1 class="commit-subject">{subjectOf(c().message) || '(no message)'}</h1>
        <dl class="meta">
          <dt>Repository</dt>
          <dd>
            <PlatformBadge platform={c().platform} /> <span class="repo-name">{c().repository}</span>
          </dd>
          <dt>Sha</dt>
          <dd>
            <code class="sha full">{c().sha}</code>
            <Show when={c().shaDerived}>
              {' '}
              <span class="tag tag-derived" title={derivedShaNote}>
                derived
              </span>
            </Show>
          </dd>
          <dt>Author</dt>
          <dd>{c().authorName}</dd>
          <dt>Authored</dt>
          <dd>{formatTimestamp(c().authoredAt)}</dd>
          <dt>Committed</dt>
          <dd>{formatTimestamp(c().committedAt)}</dd>
          <dt>Parents</dt>
          <dd>
            <For each={c().parents} fallback={<span class="muted">none recorded</span>}>
              {(parent) => (
                <a class="sha parent" href={searchHref(parent)} title={`${parent} — find it in this project`}>
                  {shortSha(parent)}
                </a>
              )}
            </For>
          </dd>
          <dt>Merge</dt>
          <dd>
            <Show when={c().isMerge} fallback={<span class="muted">no</span>}>
              <span class="tag tag-merge first">merge</span> {c().parents.length} parents
            </Show>
          </dd>
          <dt>Families</dt>
          <dd>
            <For each={c().families} fallback={<span class="muted">none</span>}>
              {(family) => (
                <a class="family-link" href={`${projectPath(props.project)}?family=${family.id}`}>
                  {family.name}
                </a>
              )}
            </For>
          </dd>
        </dl>
      </header>

      <section class="panel">
        <h2>Message</h2>
        <pre class="message">{c().message}</pre>
      </section>

      <section class="panel">
        <h2>
          Files <span class="count">{formatCount(c().fileCount)}</span>
        </h2>
        <FileTable files={c().files} />
        <Show when={c().fileCount > c().files.length}>
          <p class="muted small">
            Showing the first {formatCount(c().files.length)} of {formatCount(c().fileCount)} files.
          </p>
        </Show>
      </section>

      <Show when={c().finalCode}>
        {(f) => (
          <section class="panel final-code">
            <h2>Final code</h2>
            <p>
              <For each={f().codes}>{(code) => <CodeChip name={code.name} color={code.color} />}</For>{' '}
              <span class="muted small">
                {f().method}
                {f().decidedBy ? ` by ${f().decidedBy}` : ''}
              </span>
            </p>
            <Show when={f().note}>{(note) => <p class="prewrap small">{note()}</p>}</Show>
          </section>
        )}
      </Show>

      <Show when={c().labels.length > 0}>
        <section class="panel">
          <h2>
            Labels <span class="count">{formatCount(c().labels.length)}</span>
          </h2>
          <LabelTable labels={c().labels} />
        </section>
      </Show>

      <Show when={c().openCodes.length > 0}>
        <section class="panel">
          <h2>
            Open codes <span class="count">{formatCount(c().openCodes.length)}</span>
          </h2>
          <OpenCodes codes={c().openCodes} />
        </section>
      </Show>

      <section class="panel">
        <h2>Diff</h2>
        <DiffView diff={c().diff} truncated={c().diffTruncated} />
      </section>
    </article>
  )
}

const statusNames: Record<string, string> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'type changed',
}

export function FileTable(props: { files: CommitFile[] }) {
  return (
    <Show when={props.files.length > 0} fallback={<p class="empty">No files recorded for this commit.</p>}>
      <table class="dense file-table">
        <thead>
          <tr>
            <th class="col-status">Status</th>
            <th>Path</th>
            <th class="num">Changes</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.files}>
            {(file) => (
              <tr>
                <td class="col-status">
                  <Show when={file.status} fallback={<span class="muted" title="The source lists paths only">—</span>}>
                    {(status) => (
                      <span class={`status status-${status()}`} title={statusNames[status()] ?? status()}>
                        {status()}
                      </span>
                    )}
                  </Show>
                </td>
                <td class="path">
                  <Show when={file.oldPath && file.oldPath !== file.path}>
                    <span class="old-path">{file.oldPath}</span>
                    <span class="arrow" aria-label="renamed to">
                      {' → '}
                    </span>
                  </Show>
                  {file.path}
                </td>
                <td class="num changes">
                  <FileChanges file={file} />
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </Show>
  )
}

function FileChanges(props: { file: CommitFile }) {
  const f = () => props.file
  return (
    <Show
      when={!f().blobAbsent}
      fallback={
        <span class="tag tag-absent" title="The file's content was not available when the commit was recorded">
          absent
        </span>
      }
    >
      <Show
        when={f().additions !== null || f().deletions !== null}
        fallback={
          <Show when={f().status !== null} fallback={<span class="muted" title="The source lists paths only">—</span>}>
            <span class="tag tag-binary" title="Binary file: no line counts">
              binary
            </span>
          </Show>
        }
      >
        <span class="additions">+{f().additions ?? 0}</span> <span class="deletions">−{f().deletions ?? 0}</span>
      </Show>
    </Show>
  )
}

function formatConfidence(value: number | null): string {
  if (value === null) return '—'
  return Number.isInteger(value) ? String(value) : value.toFixed(2)
}

function LabelTable(props: { labels: CommitLabel[] }) {
  return (
    <table class="dense label-table">
      <thead>
        <tr>
          <th>Rater</th>
          <th>Source</th>
          <th>Codes</th>
          <th class="num">Confidence</th>
          <th>Rationale</th>
        </tr>
      </thead>
      <tbody>
        <For each={props.labels}>
          {(label) => (
            <tr>
              <td class="rater">{label.rater}</td>
              <td class="source">
                {label.source}
                <Show when={label.model}>{(model) => <span class="muted"> · {model()}</span>}</Show>
              </td>
              <td class="codes">
                <For each={label.codes}>{(code) => <CodeChip name={code.name} color={code.color} />}</For>
              </td>
              <td class="num">{formatConfidence(label.confidence)}</td>
              <td class="rationale">
                <Show when={label.rationale} fallback={<span class="muted">—</span>}>
                  {(text) => <span class="prewrap">{text()}</span>}
                </Show>
              </td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  )
}

function OpenCodes(props: { codes: OpenCode[] }) {
  return (
    <ul class="open-codes">
      <For each={props.codes}>
        {(code) => (
          <li>
            <span class="coder">{code.coder}</span>
            <span class="prewrap">{code.text}</span>
          </li>
        )}
      </For>
    </ul>
  )
}
