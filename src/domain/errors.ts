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
}

/** An expected failure: printed as `error: …` and `hint: …` with no stack trace. */
export abstract class CliError extends Error {
  abstract readonly exitCode: ExitCodeValue
  /** A stable machine-readable code, e.g. `ERR_USAGE`. */
  abstract readonly code: string
  readonly hint: string | undefined

  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.hint = options.hint
  }
}

/** Bad flags or arguments (exit 2). */
export class UsageError extends CliError {
  readonly exitCode = ExitCode.usage
  readonly code = 'ERR_USAGE'
}

/** A config, profile, template or file problem (exit 3). */
export class ConfigError extends CliError {
  readonly exitCode = ExitCode.config
  readonly code = 'ERR_CONFIG'
}

/** Not logged in, token expired or revoked, login denied or timed out (exit 4). */
export class AuthError extends CliError {
  readonly exitCode = ExitCode.auth
  readonly code = 'ERR_AUTH'
}

/** The user pressed Ctrl-C or the process got SIGINT/SIGTERM (exit 130). */
export class InterruptedError extends CliError {
  readonly exitCode = ExitCode.interrupted
  readonly code = 'ERR_INTERRUPTED'
  constructor(message = 'interrupted') {
    super(message)
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
  readonly code = 'ERR_OKTA_API'
  readonly details: OktaErrorDetails

  constructor(message: string, details: OktaErrorDetails, options: CliErrorOptions = {}) {
    super(message, options)
    this.details = details
  }
}

/** Maps any thrown value to the exit code main() returns. */
export function exitCodeOf(error: unknown): ExitCodeValue {
  return error instanceof CliError ? error.exitCode : ExitCode.internal
}
