import { totpCode } from '../infra/totp.js'
import { usesClientSecret, type TokenEndpointAuthMethod } from '../domain/app-requirements.js'
import { AuthError } from '../domain/errors.js'
import type { OidcClient } from './oidc.js'

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
  /** The base32 seed of the test user's TOTP authenticator, for an authentication policy that asks for two factors. */
  totpSecret?: string | undefined
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
  /** The org has no test-login endpoint (a real Okta org): a full sign-in needs a person. */
  | { ok: 'skipped'; reason: string }

/**
 * Signs in through the sandbox's test-login endpoint (`POST {org}/sandbox/v1/test-login`, src/sandbox/oidc/
 * test-login.ts), which drives its own sign-in steps; a real org answers 404 there, and the result says so.
 */
async function sandboxTestLogin(
  authorizationUrl: URL,
  credentials: { login: string; password: string; totp?: string | undefined },
): Promise<{ redirect: URL } | { error: string } | { missing: true }> {
  const response = await fetch(new URL('/sandbox/v1/test-login', authorizationUrl.origin), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ authorizationUrl: authorizationUrl.href, login: credentials.login, password: credentials.password, ...(credentials.totp ? { totp: credentials.totp } : {}) }),
  })
  if (response.status === 404 || response.status === 405) {
    await response.body?.cancel()
    return { missing: true }
  }
  const body = (await response.json().catch(() => ({}))) as { redirect?: unknown; error?: unknown; error_description?: unknown }
  if (response.ok && typeof body.redirect === 'string') {
    return { redirect: new URL(body.redirect) }
  }
  return { error: `${String(body.error ?? `HTTP ${response.status}`)}${body.error_description ? `: ${String(body.error_description)}` : ''}` }
}

/**
 * Signs a test user in with authorization code + PKCE exactly as the target would (its redirect URI, scopes and
 * client authentication), through the sandbox's test-login endpoint, and redeems the code through the OIDC edge, which
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
  const signedIn = await sandboxTestLogin(new URL(authorization.url), {
    login: request.login,
    password: request.password,
    totp: request.totpSecret ? totpCode(request.totpSecret) : undefined,
  })
  if ('missing' in signedIn) {
    return { ok: 'skipped', reason: 'the org has no test-login endpoint (only the sandbox has one): Okta\'s sign-in needs a person' }
  }
  if ('error' in signedIn) {
    return { ok: false, automatable: true, reason: signedIn.error }
  }
  const browsed = signedIn
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
