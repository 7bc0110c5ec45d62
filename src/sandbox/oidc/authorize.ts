// Okta's checks on `/v1/authorize` before oidc-provider sees the request: `state` is required (spec oauth-api.yaml
// /oauth2/v1/authorize, parameter `state`: required), unknown scopes are refused (oidc-provider would drop them),
// offline_access is kept without prompt=consent, and REQUIRED consent is asked for.
import type { OidcHost } from './host.js'
import type { Org } from '../org.js'
import { oauthSettings } from '../org.js'
import { asStringArray } from '../util.js'
import { MESSAGES } from './policy.js'
import { consentScopes } from './sign-in.js'

/** What to do with an authorization request: redirect back with an error, or pass it on (maybe changed). */
export type AuthorizeDecision = { kind: 'redirect'; location: string } | { kind: 'pass'; query: string }

/** Decides an authorization request on the server `key`, `issuer` being the issuer that answers it. */
export function checkAuthorize(org: Org, oidc: OidcHost, key: string, issuer: string, search: string): AuthorizeDecision {
  const params = new URLSearchParams(search)
  const app = org.appByClientId(params.get('client_id') ?? '')
  const redirect = params.get('redirect_uri') ?? ''
  // Errors go back to the client only when the client and its redirect URI are known (RFC 6749 §4.1.2.1).
  const canRedirect = app !== undefined && app.app.status === 'ACTIVE' && (asStringArray(oauthSettings(app).redirect_uris) ?? []).includes(redirect)
  const back = (error: string, description: string): AuthorizeDecision => {
    const to = new URL(redirect)
    to.searchParams.set('error', error)
    to.searchParams.set('error_description', description)
    if (params.has('state')) {
      to.searchParams.set('state', params.get('state') ?? '')
    }
    to.searchParams.set('iss', issuer)
    return { kind: 'redirect', location: to.href }
  }
  const scopes = (params.get('scope') ?? '').split(' ').filter(Boolean)
  if (canRedirect && oidc.unknownScopes(key, scopes).length) {
    return back('invalid_scope', MESSAGES.scopes)
  }
  if (canRedirect && !params.get('state')) {
    return back('invalid_request', "The authorization request is missing the required parameter 'state'.")
  }
  let changed = false
  // oidc-provider drops offline_access unless prompt=consent (OpenID Connect Core §11); Okta issues refresh tokens
  // without it. Asking for consent keeps the scope; the sign-in step grants it silently unless Okta asks (REQUIRED).
  if ((scopes.includes('offline_access') || consentScopes(oidc, key, app, scopes).length) && !params.has('prompt')) {
    params.set('prompt', 'consent')
    changed = true
  }
  return { kind: 'pass', query: changed ? `?${params.toString()}` : search }
}
