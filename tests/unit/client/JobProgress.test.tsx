// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest'
import { cleanup, fireEvent, render, screen } from '@solidjs/testing-library'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { JobView } from '../../../client/src/api'
import { formatSeconds, JobProgressView, jobTitle } from '../../../client/src/components/JobProgress'

const cancelJob = vi.fn(async () => ({}))
vi.mock('../../../client/src/api', async (original) => ({ ...(await original<object>()), cancelJob: (...args: unknown[]) => cancelJob(...(args as [])) }))

afterEach(cleanup)

function job(values: Partial<JobView>): JobView {
  return {
    id: 7,
    projectId: 1,
    kind: 'import-github',
    status: 'running',
    params: { source: 'github', repo: 'acme/lm' },
    done: 0,
    total: null,
    message: '',
    error: null,
    cancelRequested: false,
    result: null,
    createdAt: '2024-01-01T00:00:00.000Z',
    startedAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:10.000Z',
    finishedAt: null,
    progress: { done: 0, total: null, rate: 0, etaSeconds: null, fraction: null },
    ...values,
  } as JobView
}

describe('JobProgressView', () => {
  it('shows a moving stripe and the job’s message while the total is unknown', () => {
    render(() => <JobProgressView project="default" job={job({ message: 'GitHub rate limit (403): waiting 41 s' })} />)
    expect(screen.getByRole('heading')).toHaveTextContent('Import from GitHub · acme/lm')
    expect(screen.getByRole('progressbar')).toHaveClass('indeterminate')
    expect(screen.getByText('GitHub rate limit (403): waiting 41 s')).toBeInTheDocument()
  })

  it('shows done of total, percent, rate and ETA, and asks to cancel', async () => {
    const running = job({ done: 250, total: 1000, progress: { done: 250, total: 1000, rate: 25, etaSeconds: 30, fraction: 0.25 } })
    render(() => <JobProgressView project="default" job={running} />)
    const bar = screen.getByRole('progressbar')
    expect(bar).not.toHaveClass('indeterminate')
    expect(bar).toHaveAttribute('aria-valuenow', '250')
    expect(bar.firstElementChild).toHaveStyle({ width: '25%' })
    expect(document.querySelector('.job-figures')).toHaveTextContent('250 of 1,000 commits (25%)')
    expect(document.querySelector('.job-figures')).toHaveTextContent('25 commits/s')
    expect(document.querySelector('.job-figures')).toHaveTextContent('ETA 0:30')
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(cancelJob).toHaveBeenCalledWith('default', 7)
  })

  it('leaves the rate out where it means nothing (a handful of steps)', () => {
    const steps = job({ done: 2, total: 4, progress: { done: 2, total: 4, rate: 0.5, etaSeconds: 4, fraction: 0.5 } })
    render(() => <JobProgressView project="default" job={steps} unit="steps" rate={false} />)
    expect(document.querySelector('.job-figures')).toHaveTextContent('2 of 4 steps (50%)')
    expect(document.querySelector('.job-figures')).not.toHaveTextContent('/s')
  })

  it('shows the result of a finished job, and the error of a failed one, without a Cancel button', () => {
    const done = job({
      status: 'done',
      done: 40,
      total: 40,
      finishedAt: '2024-01-01T00:00:20.000Z',
      result: { imported: 40, skipped_duplicates: 2, files: 1, repository: { id: 3, platform: 'github', fullName: 'acme/lm' } },
      progress: { done: 40, total: 40, rate: 2, etaSeconds: 0, fraction: 1 },
    })
    render(() => <JobProgressView project="default" job={done} />)
    const result = document.querySelector('.job-result')!
    expect(result).toHaveTextContent('imported40')
    expect(result).toHaveTextContent('skipped duplicates2')
    expect(result).toHaveTextContent('repositoryacme/lm')
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull()
    cleanup()
    render(() => <JobProgressView project="default" job={job({ status: 'failed', error: '/x: no such directory' })} />)
    expect(screen.getByText('/x: no such directory')).toBeInTheDocument()
  })
})

describe('job helpers', () => {
  it('names jobs and formats durations', () => {
    expect(jobTitle(job({ kind: 'import-hf', params: { repo: 'a/b' } }))).toBe('Import from the Hugging Face Hub · a/b')
    expect(jobTitle(job({ kind: 'other', params: {} }))).toBe('other')
    expect([formatSeconds(null), formatSeconds(65), formatSeconds(3723)]).toEqual(['—', '1:05', '1:02:03'])
  })
})
