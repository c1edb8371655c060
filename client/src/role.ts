/**
 * @module The viewer's role in a project, from `/api/auth/me`: what the pages offer. The server
 * decides what is allowed; this only hides what would be refused.
 */
import type { Me } from './api'

/** `admin` for administrators (and everyone while sign-in is off and nobody signed in). */
export function roleIn(me: Me | undefined | null, project: string): 'admin' | 'coder' | null {
  if (!me) return null
  if (isSiteAdmin(me)) return 'admin'
  return me.projects.find((p) => p.project === project)?.role ?? null
}

/** Whether the viewer administers the whole Concord (everyone while sign-in is off and nobody signed in). */
export function isSiteAdmin(me: Me | undefined | null): boolean {
  if (!me) return false
  return me.user ? me.user.siteAdmin : !me.authRequired
}
