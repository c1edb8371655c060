/**
 * Renders routes at an address in a memory router, for page and shell tests. The router is
 * imported here (through vite) rather than via the testing library's `location` option, whose
 * own import of @solidjs/router is not transformed.
 */
import { createMemoryHistory, MemoryRouter } from '@solidjs/router'
import type { RouteSectionProps } from '@solidjs/router'
import { render } from '@solidjs/testing-library'
import type { Component, JSX } from 'solid-js'

export function renderRoutesAt(location: string, routes: () => JSX.Element, options: { root?: Component<RouteSectionProps> } = {}) {
  const history = createMemoryHistory()
  history.set({ value: location, scroll: false, replace: true })
  return render(() => (
    <MemoryRouter history={history} root={options.root}>
      {routes()}
    </MemoryRouter>
  ))
}
