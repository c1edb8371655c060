// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest'
import { Route } from '@solidjs/router'
import { cleanup, screen } from '@solidjs/testing-library'
import { ErrorBoundary } from 'solid-js'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CommitDetail } from '../../../client/src/api'
import { ErrorNotice } from '../../../client/src/components/Feedback'
import CommitPage from '../../../client/src/pages/Commit'
import { renderRoutesAt } from './router'

const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>'

const commit: CommitDetail = {
  id: 7,
  repositoryId: 3,
  sha: 'a'.repeat(40),
  shaDerived: true,
  parents: ['b'.repeat(40), 'c'.repeat(40)],
  isMerge: true,
  authorName: 'Ada',
  authorEmailHash: null,
  authoredAt: '2023-11-03T02:00:00Z',
  authoredOffset: 480,
  committedAt: '2023-11-03T03:00:00Z',
  committedOffset: 0,
  message: `Merge pull request #1\n\n${hostile}`,
  diff: `diff --git a/a b/a\n+${hostile}`,
  diffTruncated: true,
  fileCount: 4,
  createdAt: '2024-01-01T00:00:00Z',
  platform: 'github',
  repository: 'org/model',
  files: [
    { id: 1, commitId: 7, path: 'src/new.py', oldPath: 'src/old.py', status: 'R', additions: 3, deletions: 1, blobAbsent: false },
    { id: 2, commitId: 7, path: 'weights.bin', oldPath: null, status: 'A', additions: null, deletions: null, blobAbsent: false },
    { id: 3, commitId: 7, path: 'big.safetensors', oldPath: null, status: 'M', additions: null, deletions: null, blobAbsent: true },
    { id: 4, commitId: 7, path: 'README.md', oldPath: null, status: null, additions: null, deletions: null, blobAbsent: false },
  ],
  labels: [
    { id: 1, rater: 'coder1', source: 'human', model: null, confidence: null, rationale: hostile, codes: [{ name: 'sharing', color: '#e377c2' }] },
    { id: 2, rater: 'llm', source: 'llm', model: 'gemini', confidence: 0.875, rationale: null, codes: [{ name: 'model structure', color: '#1f77b4' }] },
  ],
  openCodes: [{ coder: 'coder1', text: hostile }],
  finalCode: null,
  families: [{ id: 9, name: 'fam' }],
}

beforeEach(() => {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      if (url === '/api/projects/default/commits/7') return Response.json(commit)
      if (url === '/api/projects/default/commits/9') return Response.json({ ...commit, id: 9, fileCount: 10_000 })
      return Response.json({ error: `no commit`, code: 'not_found' }, { status: 404 })
    }),
  )
})
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

const renderAt = (location: string) =>
  renderRoutesAt(location, () => <Route path="/p/:project/commits/:id" component={CommitPage} />, {
    root: (props) => <ErrorBoundary fallback={(error) => <ErrorNotice error={error} />}>{props.children}</ErrorBoundary>,
  })

describe('Commit page', () => {
  it('shows the header, message, files, labels and open codes, untrusted text as text', async () => {
    const { container } = renderAt('/p/default/commits/7')
    expect(await screen.findByText('Merge pull request #1')).toBeInTheDocument()
    expect(container.querySelector('.meta')).toHaveTextContent('org/model')
    expect(container.querySelector('.sha.full')).toHaveTextContent('a'.repeat(40))
    expect(container.querySelector('.meta .tag-derived')).toBeInTheDocument()
    expect(container.querySelector('.meta')).toHaveTextContent('2023-11-03 02:00:00 UTC')
    expect(container.querySelector('.meta')).toHaveTextContent('2 parents')
    expect(container.querySelector('pre.message')!.textContent).toBe(commit.message)

    const rows = [...container.querySelectorAll('.file-table tbody tr')].map((r) => r.textContent)
    expect(rows[0]).toContain('src/old.py → src/new.py')
    expect(rows[0]).toContain('+3 −1')
    expect(rows[1]).toContain('binary')
    expect(rows[2]).toContain('absent')
    expect(rows[3]).not.toContain('binary')

    const chips = [...container.querySelectorAll('.chip')]
    expect(chips.map((c) => c.textContent)).toEqual(['sharing', 'model structure'])
    expect(container.querySelector('.label-table')).toHaveTextContent('0.88')
    expect(container.querySelector('.label-table')).toHaveTextContent('gemini')

    expect(screen.getByRole('note')).toHaveTextContent(/truncated/)
    // message, diff line, rationale and open code all carry the markup as text
    expect(container.textContent!.split(hostile).length - 1).toBe(4)
    expect(container.querySelector('script')).toBeNull()
    expect(container.querySelector('img')).toBeNull()
    expect(container.textContent).not.toContain('Showing the first')
  })

  it('says when the file list is cut short of the file count', async () => {
    const { container } = renderAt('/p/default/commits/9')
    await screen.findByText('Merge pull request #1')
    expect(container.textContent).toContain('Showing the first 4 of 10,000 files.')
  })

  it('reports a missing commit through the error boundary', async () => {
    renderAt('/p/default/commits/8')
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('Not found')
    expect(alert).toHaveTextContent('no commit')
  })

  it('refuses an id that is not a number without asking the server', async () => {
    renderAt('/p/default/commits/abc')
    expect(await screen.findByRole('alert')).toHaveTextContent('“abc” is not a commit id')
    expect(fetch).not.toHaveBeenCalled()
  })
})
