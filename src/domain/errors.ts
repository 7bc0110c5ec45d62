/** Exit codes of oidc-setup; documented in README.md. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  config: 3,
  auth: 4,
  oktaApi: 5,
  interrupted: 130,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

interface CliErrorOptions {
  hint?: string | undefined
  cause?: unknown
  /** A more specific stable code than the class's (one of ErrorCode), e.g. ERR_CONFIRMATION_REQUIRED. */
  code?: ErrorCodeValue | undefined
}

/**
 * The stable `code` of every error oidc-setup reports (`--json` prints it as `error.code`); documented in README.md.
 * Codes are never renamed or reused: scripts match on them.
 */
export const ErrorCode = {
  internal: 'ERR_INTERNAL',
  usage: 'ERR_USAGE',
  confirmationRequired: 'ERR_CONFIRMATION_REQUIRED',
  changesPending: 'ERR_CHANGES_PENDING',
  config: 'ERR_CONFIG',
  profileNotFound: 'ERR_PROFILE_NOT_FOUND',
  profileInvalid: 'ERR_PROFILE_INVALID',
  checksFailed: 'ERR_CHECKS_FAILED',
  auth: 'ERR_AUTH',
  notLoggedIn: 'ERR_NOT_LOGGED_IN',
  loginInProgress: 'ERR_LOGIN_IN_PROGRESS',
  oktaApi: 'ERR_OKTA_API',
  unreachable: 'ERR_UNREACHABLE',
  interrupted: 'ERR_INTERRUPTED',
} as const

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode]

/** An expected failure: printed as `error: …` and `hint: …` with no stack trace. */
export abstract class CliError extends Error {
  abstract readonly exitCode: ExitCodeValue
  /** A stable machine-readable code, e.g. `ERR_USAGE`. */
  abstract readonly code: string
  readonly hint: string | undefined
  /** The code given in the options; subclasses fall back to their own. */
  protected readonly specificCode: string | undefined

  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.hint = options.hint
    this.specificCode = options.code
  }
}

/** Bad flags or arguments (exit 2). */
export class UsageError extends CliError {
  readonly exitCode = ExitCode.usage
  readonly code = this.specificCode ?? ErrorCode.usage
}

/** A config, profile, template or file problem (exit 3). */
export class ConfigError extends CliError {
  readonly exitCode = ExitCode.config
  readonly code = this.specificCode ?? ErrorCode.config
}

/** Not logged in, token expired or revoked, login denied or timed out (exit 4). */
export class AuthError extends CliError {
  readonly exitCode = ExitCode.auth
  readonly code = this.specificCode ?? ErrorCode.auth
}

/** The user pressed Ctrl-C or the process got SIGINT/SIGTERM (exit 130). */
export class InterruptedError extends CliError {
  readonly exitCode = ExitCode.interrupted
  readonly code = ErrorCode.interrupted
  constructor(message = 'interrupted') {
    super(message)
  }

  /** Whether this is the bare interruption, with no account of what the command left behind. */
  get generic(): boolean {
    return this.message === 'interrupted'
  }
}

/** Details Okta returns in its error body. */
export interface OktaErrorDetails {
  status?: number | undefined
  errorCode?: string | undefined
  errorSummary?: string | undefined
  errorCauses?: string[] | undefined
  errorId?: string | undefined
  url?: string | undefined
}

/**
 * An Okta Management API failure (exit 5). Named so as not to clash with the SDK's own `OktaApiError`.
 */
export class ManagementApiError extends CliError {
  readonly exitCode = ExitCode.oktaApi
  readonly code = this.specificCode ?? ErrorCode.oktaApi
  readonly details: OktaErrorDetails

  constructor(message: string, details: OktaErrorDetails, options: CliErrorOptions = {}) {
    super(message, options)
    this.details = details
  }
}

/**
 * An Okta server (the org or an issuer) that could not be reached: network, DNS, proxy (exit 5, ERR_UNREACHABLE).
 * Not an authentication problem: logging in again would not help.
 */
export class UnreachableServerError extends CliError {
  readonly exitCode = ExitCode.oktaApi
  readonly code = ErrorCode.unreachable
}

/** Maps any thrown value to the exit code main() returns. */
export function exitCodeOf(error: unknown): ExitCodeValue {
  return error instanceof CliError ? error.exitCode : ExitCode.internal
}
