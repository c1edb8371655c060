/**
 * @module Role guards as middleware factories. A project's routes are closed by default:
 * reading needs membership, changing needs the admin role, except the paths a guard opens
 * to coders (their own coding). Services check again where it matters (defence in depth).
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../routes/env'
import { projectRole } from '../services/accounts'
import { ForbiddenError, UnauthorizedError } from '../services/errors'
import { getProject } from '../services/projects'
import { labelVisibility } from '../services/visibility'

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Guards `/:project/...`: members read, admins write; `memberWrites` lists sub-paths (after
 * the project) where any member may write, e.g. `['/coding/']`; `adminReads` lists sub-paths only
 * admins may read: reads of every coder's labels, so an admin who codes in an open round of the
 * project (and so codes blind) may not either, until it is revealed. Sets `c.var.role`.
 * @example projectRoutes.use('/:project/*', projectAccess({ memberWrites: ['/coding/'] }))
 */
export function projectAccess(
  options: { memberWrites?: readonly string[]; adminReads?: readonly string[] } = {},
): MiddlewareHandler<AppEnv> {
  const memberWrites = options.memberWrites ?? []
  const adminReads = options.adminReads ?? []
  return async function projectAccess(c, next) {
    const name = c.req.param('project')
    if (name === undefined) return next()
    const project = await getProject(c.var.ctx, name)
    const role = await projectRole(c.var.ctx, project.id)
    if (!role) throw new ForbiddenError(`you are not a member of project '${name}'`)
    c.set('role', role)
    c.set('project', project)
    // The path after `/api/projects/:project`.
    const segments = c.req.path.split('/')
    const rest = `/${segments.slice(segments.indexOf('projects') + 2).join('/')}`
    const safe = safeMethods.has(c.req.method)
    const adminRead = safe && adminReads.some((p) => rest.startsWith(p))
    if (role !== 'admin') {
      const allowed = safe ? !adminRead : memberWrites.some((p) => rest.startsWith(p))
      if (!allowed) throw new ForbiddenError('only a project admin may do this')
    } else if (adminRead && !(await labelVisibility(c.var.ctx, project.id)).all) {
      throw new ForbiddenError('you code in an open round of this project: this opens to you once the round is revealed')
    }
    await next()
  }
}

/**
 * Instance-wide changes (creating a project) are for site administrators; reads pass. Trusted
 * callers (no viewer: sign-in not enforced) pass too.
 */
export function siteAdminWrites(): MiddlewareHandler<AppEnv> {
  return async function siteAdminWrites(c, next) {
    const viewer = c.var.viewer
    if (!safeMethods.has(c.req.method) && viewer && !viewer.siteAdmin) {
      throw new ForbiddenError('only an administrator of this Concord may do this')
    }
    await next()
  }
}

/** Routes that need a person (coding, accounts), whatever the enforcement setting. */
export function requireSignedIn(): MiddlewareHandler<AppEnv> {
  return async function requireSignedIn(c, next) {
    if (!c.var.viewer) throw new UnauthorizedError()
    await next()
  }
}
