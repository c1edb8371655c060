/**
 * @module The catch-all: a client route that does not exist.
 */
import { useLocation } from '@solidjs/router'

export default function NotFound() {
  const location = useLocation()
  return (
    <div class="empty-state">
      <h1>Page not found</h1>
      <p>
        Nothing lives at <code>{location.pathname}</code>.
      </p>
      <p>
        <a href="/">Go to the projects</a>
      </p>
    </div>
  )
}
