import { usesClientSecret, type TokenEndpointAuthMethod } from '../domain/app-requirements.js'
import { AuthError } from '../domain/errors.js'
import type { OidcClient } from './oidc.js'
import { browse } from './scripted-browser.js'

/** What a scripted test sign-in needs: the app as the target uses it, and a test user. */
export interface TestSignInRequest {
  issuer: string
  clientId: string
  clientSecret?: string | undefined
  tokenEndpointAuthMethod: TokenEndpointAuthMethod
  /** The target's own redirect URI: the flow stops at the redirect to it, which is never fetched. */
  redirectUri: string
  scopes: string[]
  login: string
  password: string
}

/** The outcome of a test sign-in: the validated tokens' facts, or why it could not complete. */
export type TestSignInResult =
  | {
      ok: true
      idTokenClaims: Record<string, unknown>
      grantedScopes: string[]
      hasRefreshToken: boolean
    }
  | { ok: false; reason: string; automatable: boolean }

/**
 * Signs a test user in with authorization code + PKCE exactly as the target would (its redirect URI, scopes and
 * client authentication), driving the sign-in page over HTTP, and redeems the code through the OIDC edge, which
 * validates the ID token (issuer, audience, signature, nonce). A sign-in the server refuses is a result that says
 * why, not an exception.
 */
export async function testSignIn(oidc: OidcClient, request: TestSignInRequest): Promise<TestSignInResult> {
  const method = request.tokenEndpointAuthMethod
  const server = await oidc.discover(
    request.issuer,
    request.clientId,
    request.clientSecret !== undefined && usesClientSecret(method) ? { method, secret: request.clientSecret } : undefined,
  )
  const authorization = await server.authorizationRequest(request.redirectUri, request.scopes)
  const browsed = await browse(authorization.url, { login: request.login, password: request.password })
  if (!browsed.redirect) {
    return {
      ok: false,
      automatable: false,
      reason: `the sign-in did not come back to ${request.redirectUri} (it ended on a page with HTTP ${browsed.status}; Okta's hosted sign-in needs a browser)`,
    }
  }
  const error = browsed.redirect.searchParams.get('error')
  if (error) {
    const description = browsed.redirect.searchParams.get('error_description')
    return { ok: false, automatable: true, reason: `${error}${description ? `: ${description}` : ''}` }
  }
  let tokens
  try {
    tokens = await server.exchangeCode(browsed.redirect, authorization)
  } catch (cause) {
    if (cause instanceof AuthError) {
      return { ok: false, automatable: true, reason: cause.message }
    }
    throw cause
  }
  return {
    ok: true,
    idTokenClaims: { ...(tokens.claims ?? {}) },
    grantedScopes: (tokens.scope ?? request.scopes.join(' ')).split(' ').filter(Boolean),
    hasRefreshToken: typeof tokens.refreshToken === 'string',
  }
}
