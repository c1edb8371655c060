/**
 * @module `zValidator` with Concord's error body: a bad request answers
 * `{"error": "field: reason", "code": "invalid"}` (400) like every other error, not zod's raw
 * result.
 */
import { zValidator } from '@hono/zod-validator'
import type { ValidationTargets } from 'hono'
import type { ZodType } from 'zod'
import { InvalidInputError } from '../services/errors'

/**
 * @example .post('/', validate('json', CreateRoundInput), async (c) => c.req.valid('json'))
 */
export const validate = <T extends ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) =>
  zValidator(target, schema, (result) => {
    if (result.success) return
    const issue = result.error.issues[0]
    const field = issue?.path.join('.') ?? ''
    const message = issue?.message ?? 'invalid input'
    throw new InvalidInputError(field && !message.startsWith(`${field}:`) ? `${field}: ${message}` : message)
  })
