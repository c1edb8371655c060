/**
 * @module The typed variables every route sees.
 */
import type { Project, ProjectRole } from '../../schema'
import type { Ctx, Viewer } from '../services/context'

export type AppEnv = {
  Variables: {
    ctx: Ctx
    /** The signed-in person, if any (server/auth/middleware.ts). */
    viewer: Viewer | undefined
    /** The session cookie's secret when the request came with one. */
    sessionSecret: string | undefined
    /** The viewer's role in the project of the path (server/auth/guards.ts). */
    role: ProjectRole | undefined
    /** The project of the path, once the guard has read it. */
    project: Project | undefined
  }
}
