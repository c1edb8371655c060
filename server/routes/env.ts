/**
 * @module The typed variables every route sees.
 */
import type { Ctx } from '../services/context'

export type AppEnv = { Variables: { ctx: Ctx } }
