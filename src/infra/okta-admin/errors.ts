import { ManagementApiError, type OktaErrorDetails } from '../../domain/errors.js'
import { managementScopeFor } from '../../domain/okta-credentials.js'
import { isNetworkError, redactUrl } from './executor.js'

/** Translates an SDK or network failure into a ManagementApiError with a clear message and hint. */
export function translateError(error: unknown, what: string, method: string, url: string): ManagementApiError {
  if (error instanceof ManagementApiError) {
    return error
  }
  const e = error as {
    name?: string
    status?: number
    errorCode?: string
    errorSummary?: string
    errorCauses?: Array<{ errorSummary?: string }>
    errorId?: string
    message?: string
    code?: string
  }
  const path = new URL(url).pathname
  if (e.name === 'OktaApiError' || (e.status !== undefined && e.errorCode !== undefined)) {
    const causes = (e.errorCauses ?? []).map((c) => c.errorSummary ?? '').filter(Boolean)
    const details: OktaErrorDetails = {
      status: e.status,
      errorCode: e.errorCode,
      errorSummary: e.errorSummary,
      errorCauses: causes,
      errorId: e.errorId,
      url,
    }
    const summary = `${e.errorSummary ?? 'error'} (${e.errorCode ?? 'HTTP'} ${e.status ?? ''})`.replace(' )', ')')
    switch (e.errorCode) {
      case 'E0000011':
        return new ManagementApiError(`could not ${what}: Okta rejected the credentials: ${summary}`, details, {
          hint: 'the API token (or service app key) is invalid, expired or revoked: run `oidc-setup okta configure` with a new one',
          cause: error,
        })
      case 'E0000006':
        return new ManagementApiError(`could not ${what}: permission denied: ${summary}`, details, {
          hint:
            `the token's admin (or service app) needs the ${managementScopeFor(method, path)} scope and an admin role that covers it` +
            (path.startsWith('/api/v1/authorizationServers')
              ? '; custom authorization servers also need API Access Management — or use --auth-server org'
              : ''),
          cause: error,
        })
      case 'E0000015':
        return new ManagementApiError(
          path.startsWith('/api/v1/authorizationServers')
            ? `could not ${what}: the org has no API Access Management, so it has no custom authorization servers: ${summary}`
            : `could not ${what}: a required Okta feature is not enabled: ${summary}`,
          details,
          {
            hint: path.startsWith('/api/v1/authorizationServers')
              ? // Spec Error-FF-NotEnabled-Response-401: orgs without API Access Management answer E0000015 here.
                'use the org authorization server (--auth-server org) if the target supports it (a service app does not: the org server issues no custom scopes), or add API Access Management to the org'
              : 'the Okta org lacks the feature this call needs; ask its admin to enable it',
            cause: error,
          },
        )
      case 'E0000001':
        return new ManagementApiError(
          `could not ${what}: Okta rejected the request: ${causes.length ? causes.join('; ') : summary}`,
          details,
          { cause: error },
        )
      case 'E0000047':
        return new ManagementApiError(`could not ${what}: Okta's rate limit was still exceeded after retries`, details, {
          hint: 'wait a minute and run the command again; it only does what is still missing',
          cause: error,
        })
      default:
        return new ManagementApiError(`could not ${what}: ${summary}`, details, {
          hint:
            (e.status ?? 0) >= 500
              ? 'Okta had a transient problem; run the command again (it only does what is still missing)'
              : undefined,
          cause: error,
        })
    }
  }
  if (e.name === 'HttpError' && e.status !== undefined) {
    return new ManagementApiError(
      `could not ${what}: HTTP ${e.status} from ${redactUrl(url)}`,
      { status: e.status, url },
      {
        hint:
          e.status >= 500
            ? 'Okta had a transient problem; run the command again'
            : 'is the org URL right? it must be the Okta org itself, not a proxy or login page',
        cause: error,
      },
    )
  }
  if (isNetworkError(error)) {
    const origin = new URL(url).origin
    return new ManagementApiError(
      `could not ${what}: could not reach ${origin}: ${e.code ?? e.message ?? 'network error'}`,
      { url },
      {
        hint: 'check the org URL and your network; behind a proxy set HTTPS_PROXY (the run can be repeated safely)',
        cause: error,
      },
    )
  }
  return new ManagementApiError(`could not ${what}: ${e.message ?? String(error)}`, { url }, { cause: error })
}

