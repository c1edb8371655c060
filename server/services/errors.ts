/**
 * @module Service errors: each carries a code the HTTP and CLI edges translate in one place.
 */

export const errorCodes = ['not_found', 'conflict', 'invalid', 'forbidden', 'unauthorized', 'rate_limited'] as const
export type ErrorCode = (typeof errorCodes)[number]

export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'ServiceError'
  }
}

export class NotFoundError extends ServiceError {
  constructor(message: string) {
    super('not_found', message)
  }
}

export class InvalidInputError extends ServiceError {
  constructor(message: string) {
    super('invalid', message)
  }
}

export class ConflictError extends ServiceError {
  constructor(message: string) {
    super('conflict', message)
  }
}

/** Nobody is signed in (or the session ended). */
export class UnauthorizedError extends ServiceError {
  constructor(message = 'sign in first') {
    super('unauthorized', message)
  }
}

/** Signed in, but not allowed to do this. */
export class ForbiddenError extends ServiceError {
  constructor(message: string) {
    super('forbidden', message)
  }
}

/** Too many attempts (sign-in); try again after `retryAfterSeconds`. */
export class RateLimitedError extends ServiceError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('rate_limited', message)
  }
}
