// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest'
import { cleanup, fireEvent, render } from '@solidjs/testing-library'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { CommitListItem } from '../../../client/src/api'
import { CommitList } from '../../../client/src/components/CommitList'
import { CommitRow, CommitTable } from '../../../client/src/components/CommitRow'

afterEach(cleanup)

const base: CommitListItem = {
  id: 42,
  platform: 'huggingface',
  repository: 'google-bert/bert-base-uncased',
  sha: '86b5e0934494bd15c9632b12f734a8a67f723594',
  shaDerived: false,
  authorName: 'Lysandre',
  committedAt: '2024-02-19T23:30:05Z',
  subject: 'Updates the tokenizer configuration file (#62)',
  isMerge: false,
  fileCount: 3,
}

function renderRow(commit: CommitListItem, extra: { onOpen?: () => void; selected?: boolean } = {}) {
  return render(() => (
    <CommitTable>
      <CommitRow commit={commit} href={`/p/default/commits/${commit.id}`} {...extra} />
    </CommitTable>
  ))
}

describe('CommitRow', () => {
  it('shows the UTC date, platform, repository, short sha, subject, author and file count', () => {
    const { container } = renderRow(base)
    const cells = [...container.querySelectorAll('tbody td')].map((td) => td.textContent)
    expect(cells).toEqual([
      '2024-02-19',
      'Hugging Face',
      'google-bert/bert-base-uncased',
      '86b5e09',
      'Updates the tokenizer configuration file (#62)',
      'Lysandre',
      '3',
    ])
    const link = container.querySelector('a.subject-link')!
    expect(link).toHaveAttribute('href', '/p/default/commits/42')
    expect(container.querySelector('.sha')).toHaveAttribute('title', base.sha)
    expect(container.querySelector('.tag-merge')).toBeNull()
    expect(container.querySelector('.tag-derived')).toBeNull()
  })

  it('uses the UTC day even when the local offset would move it', () => {
    const { container } = renderRow({ ...base, committedAt: '2023-12-31T23:59:59Z' })
    expect(container.querySelector('td.col-date')).toHaveTextContent('2023-12-31')
  })

  it('marks merges and derived shas, the latter with an explaining tooltip', () => {
    const { container } = renderRow({ ...base, platform: 'github', isMerge: true, shaDerived: true })
    expect(container.querySelector('.badge')).toHaveTextContent('GitHub')
    expect(container.querySelector('.tag-merge')).toHaveTextContent('merge')
    const derived = container.querySelector('.tag-derived')!
    expect(derived).toHaveTextContent('derived')
    expect(derived.getAttribute('title')).toMatch(/had no commit sha/)
  })

  it('shows an untrusted subject as text', () => {
    const { container } = renderRow({ ...base, subject: '<img src=x onerror=alert(1)>' })
    expect(container.querySelector('img')).toBeNull()
    expect(container.querySelector('a.subject-link')).toHaveTextContent('<img src=x onerror=alert(1)>')
  })

  it('opens on a plain click, leaves modified clicks to the browser', () => {
    const onOpen = vi.fn()
    const { container } = renderRow(base, { onOpen, selected: true })
    const row = container.querySelector('tr.commit-row')!
    expect(row).toHaveClass('selected')
    fireEvent.click(row.querySelector('td.col-author')!)
    expect(onOpen).toHaveBeenCalledTimes(1)
    // jsdom cannot follow links; keep the native (new tab) behaviour from navigating.
    container.addEventListener('click', (event) => event.preventDefault())
    fireEvent.click(row.querySelector('a.subject-link')!, { ctrlKey: true })
    expect(onOpen).toHaveBeenCalledTimes(1)
  })
})

describe('CommitList keyboard', () => {
  const items = [1, 2, 3].map((id) => ({ ...base, id, sha: `${id}`.repeat(40), subject: `commit ${id}` }))

  it('moves the selection with j/k and opens it with Enter, but not while typing', () => {
    const onOpen = vi.fn()
    const { container } = render(() => (
      <>
        <input aria-label="search" />
        <CommitList project="default" items={items} onOpen={onOpen} />
      </>
    ))
    const selected = () => [...container.querySelectorAll('tr.commit-row')].findIndex((r) => r.classList.contains('selected'))
    expect(selected()).toBe(-1)
    fireEvent.keyDown(document.body, { key: 'j' })
    fireEvent.keyDown(document.body, { key: 'j' })
    expect(selected()).toBe(1)
    fireEvent.keyDown(document.body, { key: 'j' })
    fireEvent.keyDown(document.body, { key: 'j' })
    expect(selected()).toBe(2)
    fireEvent.keyDown(document.body, { key: 'k' })
    expect(selected()).toBe(1)
    fireEvent.keyDown(container.querySelector('input')!, { key: 'j' })
    expect(selected()).toBe(1)
    fireEvent.keyDown(document.body, { key: 'Enter' })
    expect(onOpen).toHaveBeenCalledWith(items[1])
  })
})
