import { newId } from './util.js'

/** A cause line of an Okta error body. */
export interface ErrorCause {
  errorSummary: string
}

/** An Okta Management API error; `send()` renders it as Okta's error body. */
export class OktaError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly errorSummary: string,
    readonly errorCauses: ErrorCause[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(errorSummary)
  }

  /** Okta's error body: errorCode, errorSummary, errorLink, errorId, errorCauses. */
  body(): Record<string, unknown> {
    return {
      errorCode: this.errorCode,
      errorSummary: this.errorSummary,
      errorLink: this.errorCode,
      errorId: newId('oae'),
      errorCauses: this.errorCauses,
    }
  }
}

/** 400 E0000001: validation failed; each cause is `field: message`. */
export function validationError(field: string, ...messages: string[]): OktaError {
  return new OktaError(
    400,
    'E0000001',
    `Api validation failed: ${field}`,
    messages.map((m) => ({ errorSummary: m.includes(':') ? m : `${field}: ${m}` })),
  )
}

/** 400 E0000001 with causes spanning several fields. */
export function validationErrors(causes: Array<{ field: string; message: string }>): OktaError {
  const first = causes[0]?.field ?? 'request'
  return new OktaError(
    400,
    'E0000001',
    `Api validation failed: ${first}`,
    causes.map((c) => ({ errorSummary: `${c.field}: ${c.message}` })),
  )
}

/** 404 E0000007 for an unknown id. */
export function notFound(id: string, type: string): OktaError {
  return new OktaError(404, 'E0000007', `Not found: Resource not found: ${id} (${type})`)
}

/** 401 E0000011: missing or wrong SSWS token. */
export function invalidToken(): OktaError {
  return new OktaError(401, 'E0000011', 'Invalid token provided')
}

/** 400 E0000003: a body that is not JSON. */
export function malformedBody(detail?: string): OktaError {
  return new OktaError(
    400,
    'E0000003',
    'The request body was not well-formed.',
    detail ? [{ errorSummary: detail }] : [],
  )
}

/** 405 E0000022: the path exists but not with this method. */
export function methodNotAllowed(method: string): OktaError {
  return new OktaError(405, 'E0000022', 'The endpoint does not support the provided HTTP method', [
    { errorSummary: `${method} is not supported on this resource` },
  ])
}

/** 400 E0000031: a `filter`/`search` expression the sandbox (or Okta) does not understand. */
export function invalidSearch(detail: string): OktaError {
  return new OktaError(400, 'E0000031', 'Invalid search criteria.', [{ errorSummary: detail }])
}
