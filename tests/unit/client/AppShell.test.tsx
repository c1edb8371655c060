// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest'
import { createMemoryHistory, MemoryRouter, Route } from '@solidjs/router'
import { cleanup, render, screen } from '@solidjs/testing-library'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AppShell } from '../../../client/src/components/AppShell'

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

function renderAt(location: string) {
  const history = createMemoryHistory()
  history.set({ value: location, scroll: false, replace: true })
  return render(() => (
    <MemoryRouter history={history} root={AppShell}>
      <Route path="/signin" component={() => <p>sign-in form</p>} />
      <Route path="/" component={() => <p>projects page</p>} />
    </MemoryRouter>
  ))
}

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
