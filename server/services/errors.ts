/**
 * @module Service errors: each carries a code the HTTP and CLI edges translate in one place.
 */

export const errorCodes = ['not_found', 'conflict', 'invalid', 'forbidden', 'unauthorized'] as const
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
