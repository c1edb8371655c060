// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest'
import { cleanup, render } from '@solidjs/testing-library'
import { afterEach, describe, expect, it } from 'vitest'
import type { Family } from '../../../client/src/api'
import { commitQuery } from '../../../client/src/api'
import { textColorFor } from '../../../client/src/components/CodeChip'
import { FamilyList } from '../../../client/src/components/FamilyList'
import { formatDate, formatSpan, formatTimestamp, shortSha } from '../../../client/src/format'
import { commitIdOf, filtersFromSearch } from '../../../client/src/preload'

afterEach(cleanup)

describe('formatting', () => {
  it('prints UTC dates and timestamps', () => {
    expect(formatDate('2023-11-03T02:00:00Z')).toBe('2023-11-03')
    expect(formatTimestamp('2023-11-03T02:00:00Z')).toBe('2023-11-03 02:00:00 UTC')
    expect(formatDate('not a date')).toBe('not a date')
    expect(formatSpan('2019-01-01T00:00:00Z', '2020-02-02T00:00:00Z')).toBe('2019-01-01 → 2020-02-02')
    expect(formatSpan('2019-01-01T00:00:00Z', '2019-01-01T10:00:00Z')).toBe('2019-01-01')
    expect(formatSpan(null, null)).toBe('—')
    expect(shortSha('0123456789abcdef')).toBe('0123456')
  })

  it('picks readable text for code colours', () => {
    expect(textColorFor('#1f77b4')).toBe('#fff')
    expect(textColorFor('#cccccc')).toBe('#000')
    expect(textColorFor('#abc')).toBe('#000')
    expect(textColorFor('red; background: url(x)')).toBeNull()
  })
})

describe('the commit list URL', () => {
  it('reads filters from the query and ignores malformed values', () => {
    expect(filtersFromSearch({ q: ' bert ', family: '3', platform: 'github', offset: '50' })).toEqual({
      q: 'bert',
      family: 3,
      repository: undefined,
      platform: 'github',
      offset: 50,
      limit: 50,
    })
    expect(filtersFromSearch({ family: '-1', repository: 'x', platform: 'gitlab', offset: 'NaN', q: '  ' })).toEqual({
      q: undefined,
      family: undefined,
      repository: undefined,
      platform: undefined,
      offset: undefined,
      limit: 50,
    })
    expect(filtersFromSearch({ q: ['first', 'second'], family: ['4', '5'] })).toMatchObject({ q: 'first', family: 4 })
    expect(commitIdOf('12')).toBe(12)
    expect(commitIdOf('0')).toBeUndefined()
    expect(commitIdOf('1e3')).toBeUndefined()
  })

  it('sends only the filters that are set', () => {
    expect(commitQuery({ q: '  ', family: 2, offset: 0 })).toEqual({ family: '2', limit: '50' })
    expect(commitQuery({ q: 'fix', platform: 'huggingface', offset: 100, limit: 50 })).toEqual({
      q: 'fix',
      platform: 'huggingface',
      offset: '100',
      limit: '50',
    })
  })
})

describe('FamilyList', () => {
  const families: Family[] = [
    {
      id: 1,
      name: 'bert',
      excludedReason: null,
      repositories: [
        { id: 10, platform: 'github', fullName: 'google-research/bert', commits: 111, firstCommitAt: '2018-10-25T00:00:00Z', lastCommitAt: '2020-03-11T00:00:00Z' },
        { id: 11, platform: 'huggingface', fullName: 'google-bert/bert-large-cased', commits: 0, firstCommitAt: null, lastCommitAt: null },
      ],
    },
  ]

  it('lists repositories with platform, count and span; those without commits are muted', () => {
    const { container } = render(() => (
      <FamilyList
        families={families}
        unassigned={[]}
        activeFamily={undefined}
        activeRepository={10}
        familyHref={(id) => `/p/x?family=${id}`}
        repositoryHref={(id) => `/p/x?repository=${id}`}
      />
    ))
    expect(container.querySelector('.family-name')).toHaveAttribute('href', '/p/x?family=1')
    expect(container.querySelector('.family-name')).toHaveTextContent('bert111')
    const items = [...container.querySelectorAll('.repo-list li')]
    expect(items[0]).toHaveTextContent('GitHubgoogle-research/bert111 · 2018-10-25 → 2020-03-11')
    expect(items[0]).toHaveClass('active')
    expect(items[0]!.querySelector('a')).toHaveAttribute('href', '/p/x?repository=10')
    expect(items[1]).toHaveClass('muted')
    expect(items[1]).toHaveTextContent('no commits imported')
    expect(items[1]!.querySelector('a')).toBeNull()
  })
})
