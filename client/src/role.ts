/**
 * @module The viewer's role in a project, from `/api/auth/me`: what the pages offer. The server
 * decides what is allowed; this only hides what would be refused.
 */
import type { Me } from './api'

/** `admin` for administrators (and everyone while sign-in is off and nobody signed in). */
export function roleIn(me: Me | undefined | null, project: string): 'admin' | 'coder' | null {
  if (!me) return null
  if (!me.user) return me.authRequired ? null : 'admin'
  if (me.user.siteAdmin) return 'admin'
  return me.projects.find((p) => p.project === project)?.role ?? null
}
