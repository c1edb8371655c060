// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest'
import { Route } from '@solidjs/router'
import { cleanup, screen } from '@solidjs/testing-library'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AppShell } from '../../../client/src/components/AppShell'
import { renderRoutesAt } from './router'

const requested: string[] = []
/** Whether the server enforces sign-in (nobody is signed in here). */
let authRequired = true

beforeEach(() => {
  requested.length = 0
  authRequired = true
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      requested.push(url)
      if (url === '/api/auth/me') return Response.json({ user: null, authRequired })
      if (url === '/api/projects') return Response.json([{ name: 'default' }])
      return Response.json({ error: 'no route', code: 'not_found' }, { status: 404 })
    }),
  )
})
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

const renderAt = (location: string) =>
  renderRoutesAt(
    location,
    () => (
      <>
        <Route path="/signin" component={() => <p>sign-in form</p>} />
        <Route path="/" component={() => <p>projects page</p>} />
      </>
    ),
    { root: AppShell },
  )

describe('the app shell', () => {
  it('does not list projects on the sign-in page, where the request would be refused', async () => {
    renderAt('/signin')
    expect(await screen.findByText('sign-in form')).toBeInTheDocument()
    expect(screen.queryByRole('combobox', { name: 'Project' })).toBeNull()
    expect(requested).not.toContain('/api/projects')
  })

  it('offers the project switcher elsewhere', async () => {
    authRequired = false // no redirect to the sign-in page
    renderAt('/')
    expect(await screen.findByRole('combobox', { name: 'Project' })).toBeInTheDocument()
    expect(requested).toContain('/api/projects')
  })
})
