// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest'
import { cleanup, render, screen } from '@solidjs/testing-library'
import { afterEach, describe, expect, it } from 'vitest'
import { createOutcome, OutcomeNotice } from '../../../client/src/components/Feedback'
import { CoderProgress } from '../../../client/src/components/Progress'

afterEach(cleanup)

function outcomeOf() {
  let run!: ReturnType<typeof createOutcome>['run']
  render(() => {
    const o = createOutcome()
    run = o.run
    return <OutcomeNotice outcome={o.outcome()} />
  })
  return run
}

describe('createOutcome with OutcomeNotice', () => {
  it('shows nothing until an action ends, then its success text as an ok notice', async () => {
    const run = outcomeOf()
    expect(screen.queryByRole('status')).toBeNull()
    await run(async () => {}, 'ann added.')
    expect(screen.getByRole('status')).toHaveTextContent('ann added.')
    expect(screen.getByRole('status')).toHaveClass('notice', 'notice-ok')
  })

  it('shows the error’s message instead when the action throws, replacing an earlier success', async () => {
    const run = outcomeOf()
    await run(async () => {}, 'first')
    await run(async () => {
      throw new Error('name taken')
    }, 'never shown')
    expect(screen.getByRole('status')).toHaveTextContent('name taken')
    expect(screen.getByRole('status')).toHaveClass('notice-error')
    expect(screen.getByRole('status')).not.toHaveClass('notice-ok')
  })
})

describe('CoderProgress', () => {
  it('has one labelled bar per coder and names skipped units only when there are some', () => {
    render(() => (
      <CoderProgress
        progress={[
          { coder: 'ann', done: 4, assigned: 10, skipped: 2 },
          { coder: 'ben', done: 0, assigned: 0, skipped: 0 },
        ]}
      />
    ))
    const ann = screen.getByRole('progressbar', { name: "ann's progress" })
    expect(ann).toHaveAttribute('aria-valuenow', '4')
    expect(ann).toHaveTextContent('4 / 10')
    expect(ann.firstElementChild).toHaveStyle({ width: '40%' })
    expect(screen.getByRole('progressbar', { name: "ben's progress" }).firstElementChild).toHaveStyle({ width: '0%' })
    expect(screen.getAllByRole('row').map((r) => r.lastElementChild?.textContent)).toEqual(['2 skipped', ''])
  })
})
