import { isLoopbackHost } from '../domain/urls.js'
import { browse } from './scripted-browser.js'

/** What a scripted test sign-in needs: the app as the target uses it, and a test user. */
export interface TestSignInRequest {
  issuer: string
  clientId: string
  clientSecret?: string | undefined
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post' | 'none' | 'private_key_jwt'
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
 * client authentication), driving the sign-in page over HTTP, and exchanges the code through openid-client, which
 * validates the ID token (issuer, audience, signature, nonce). Never throws for a failed sign-in: it says why.
 */
export async function testSignIn(request: TestSignInRequest): Promise<TestSignInResult> {
  const client = await import('openid-client')
  const issuerUrl = new URL(request.issuer)
  const auth =
    request.tokenEndpointAuthMethod === 'client_secret_post'
      ? client.ClientSecretPost(request.clientSecret)
      : request.tokenEndpointAuthMethod === 'client_secret_basic'
        ? client.ClientSecretBasic(request.clientSecret)
        : client.None()
  const config = await client.discovery(
    issuerUrl,
    request.clientId,
    undefined,
    auth,
    issuerUrl.protocol === 'http:' && isLoopbackHost(issuerUrl.hostname) ? { execute: [client.allowInsecureRequests] } : undefined,
  )
  const verifier = client.randomPKCECodeVerifier()
  const state = client.randomState()
  const nonce = client.randomNonce()
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: request.redirectUri,
    scope: request.scopes.join(' '),
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  })
  const browsed = await browse(url, { login: request.login, password: request.password })
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
  const tokens = await client.authorizationCodeGrant(config, browsed.redirect, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  })
  return {
    ok: true,
    idTokenClaims: { ...(tokens.claims() ?? {}) },
    grantedScopes: (tokens.scope ?? request.scopes.join(' ')).split(' ').filter(Boolean),
    hasRefreshToken: typeof tokens.refresh_token === 'string',
  }
}
