/**
 * @module One row of the commit list: date, platform, repository, sha, subject, author, merge,
 * files. Router-free: the link is a plain anchor (the router intercepts it) and opening is the
 * parent's business through `onOpen`.
 */
import { Show } from 'solid-js'
import type { JSX } from 'solid-js'
import type { CommitListItem } from '../api'
import { formatDate, plural } from '../format'
import { PlatformBadge } from './PlatformBadge'
import { ShortSha } from './ShaCell'

export type CommitRowProps = {
  commit: CommitListItem
  href: string
  selected?: boolean
  /** Called on a plain left click anywhere in the row (modified clicks open the link natively). */
  onOpen?: () => void
  ref?: (element: HTMLTableRowElement) => void
}

function isPlainClick(event: MouseEvent): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey
}

export function CommitRow(props: CommitRowProps) {
  const onClick = (event: MouseEvent) => {
    if (!props.onOpen || !isPlainClick(event)) return
    // Let people select text in a row without opening it.
    if (window.getSelection()?.toString()) return
    event.preventDefault()
    props.onOpen()
  }
  return (
    <tr
      ref={props.ref}
      class="commit-row"
      classList={{ selected: props.selected }}
      aria-selected={props.selected ? 'true' : 'false'}
      // A native listener on the row runs before the router's document-level link handling, so a
      // click on the subject link opens through onOpen too (once, with the parent's state).
      on:click={onClick}
    >
      <td class="col-date">{formatDate(props.commit.committedAt)}</td>
      <td class="col-platform">
        <PlatformBadge platform={props.commit.platform} />
      </td>
      <td class="col-repo" title={props.commit.repository}>
        {props.commit.repository}
      </td>
      <td class="col-sha">
        <ShortSha sha={props.commit.sha} derived={props.commit.shaDerived} />
      </td>
      <td class="col-subject">
        <a href={props.href} class="subject-link">
          {props.commit.subject || '(no message)'}
        </a>
        <Show when={props.commit.isMerge}>
          <span class="tag tag-merge" title="A merge commit (more than one parent)">
            merge
          </span>
        </Show>
      </td>
      <td class="col-author" title={props.commit.authorName}>
        {props.commit.authorName}
      </td>
      <td class="col-files num" title={plural(props.commit.fileCount, 'file')}>
        {props.commit.fileCount}
      </td>
    </tr>
  )
}

/** The table around the rows, with its header. */
export function CommitTable(props: { children: JSX.Element }) {
  return (
    <table class="commit-table dense">
      <thead>
        <tr>
          <th class="col-date">Date (UTC)</th>
          <th class="col-platform">Platform</th>
          <th class="col-repo">Repository</th>
          <th class="col-sha">Sha</th>
          <th class="col-subject">Subject</th>
          <th class="col-author">Author</th>
          <th class="col-files num" title="Files changed">
            Files
          </th>
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  )
}
