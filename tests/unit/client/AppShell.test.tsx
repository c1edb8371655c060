// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest'
import { createAsync, query, Route } from '@solidjs/router'
import { cleanup, screen } from '@solidjs/testing-library'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../../client/src/api'
import { AppShell } from '../../../client/src/components/AppShell'
import { renderRoutesAt } from './router'

const requested: string[] = []
/** Whether the server enforces sign-in (nobody is signed in here). */
let authRequired = true
/** How long `/api/auth/me` takes (a busy server may answer it after a page's own request). */
let meDelayMs = 0

beforeEach(() => {
  requested.length = 0
  authRequired = true
  meDelayMs = 0
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      requested.push(url)
      if (url === '/api/auth/me') {
        await new Promise((resolve) => setTimeout(resolve, meDelayMs))
        return Response.json({ user: null, authRequired })
      }
      if (url === '/api/projects') return Response.json([{ name: 'default' }])
      return Response.json({ error: 'no route', code: 'not_found' }, { status: 404 })
    }),
  )
})
afterEach(() => {
  cleanup()
  query.clear() // the router's query cache would hand the next test this one's answers
  vi.unstubAllGlobals()
})

/** A page whose own request is refused for want of a session. */
function Refused() {
  const data = createAsync(() => Promise.reject<string>(new ApiError('sign in first', 401, 'unauthorized')))
  return <p>{data()}</p>
}

const renderAt = (location: string) =>
  renderRoutesAt(
    location,
    () => (
      <>
        <Route path="/signin" component={() => <p>sign-in form</p>} />
        <Route path="/" component={() => <p>projects page</p>} />
        <Route path="/refused" component={Refused} />
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

  it("goes to sign in when a page's request is refused before the sign-in check answers", async () => {
    meDelayMs = 300
    renderAt('/refused')
    expect(await screen.findByText('sign-in form')).toBeInTheDocument()
    expect(screen.queryByText('Please sign in')).toBeNull()
  })

  it('offers the project switcher elsewhere', async () => {
    authRequired = false // no redirect to the sign-in page
    renderAt('/')
    expect(await screen.findByRole('combobox', { name: 'Project' })).toBeInTheDocument()
    expect(requested).toContain('/api/projects')
  })
})
