// OAuth 2.0 for Okta in private-key mode, without the SDK's own implementation: the SDK signs DPoP proofs with the
// request's lower-case method (`htm: "get"` while the wire says GET, RFC 9449 §4.3 check 8 fails), keeps the path's
// percent-encoding in `htu` (okta/okta-sdk-nodejs#521: Okta compares the decoded path and answers
// invalid_dpop_proof), reuses one proof across its 429 retries (a replayed `jti`), and caches a failed token response
// as the access token (the user then sees "Invalid token provided"). Here oauth4webapi (panva, the library under
// openid-client) does the client_credentials request with a private_key_jwt assertion and every proof; each wire
// attempt is signed afresh, and the token endpoint's `error`/`error_description` reach the user.
import { createPrivateKey, webcrypto } from 'node:crypto'
import { ManagementApiError } from '../../domain/errors.js'
import { managementScopeFor, scopeCovered, scopesToRequest } from '../../domain/okta-credentials.js'
import type { HttpResponseLike } from './executor.js'
import type { Json } from './json.js'

type Oauth = typeof import('oauth4webapi')
type CryptoKey = webcrypto.CryptoKey
type CryptoKeyPair = webcrypto.CryptoKeyPair

/** One wire attempt of a request (the executor's base fetch: no retries, no signing). */
export type Wire = (request: Json) => Promise<HttpResponseLike>

/** Signs each wire attempt of a request; the executor calls it once per attempt, so nothing signed is ever re-sent. */
export interface RequestSigner {
  send(request: Json, wire: Wire): Promise<HttpResponseLike>
}

/** What the service app signer needs. */
export interface ServiceAppAuthOptions {
  orgUrl: string
  clientId: string
  /** PEM (PKCS#1, PKCS#8, SEC1) or JWK text of the key registered with the service app. */
  privateKey: string
  keyId?: string | undefined
  /** Scopes the user says the app is granted (`okta configure --scope`); empty when not stated. */
  grantedScopes: readonly string[]
  /** Scopes the command is known to need; more are requested when a call needs one the token lacks. */
  neededScopes?: readonly string[] | undefined
  /** Sends a request through the executor (429 waits, timeouts, traces), which calls this signer back per attempt. */
  fetch(request: Json): Promise<HttpResponseLike>
  trace?: ((line: string) => void) | undefined
  now?: (() => number) | undefined
}

interface CachedToken {
  value: string
  /** `DPoP` or `Bearer`, as the token endpoint issued it. */
  type: string
  scopes: Set<string>
  expiresAt: number
}

/** Marks the token request so the signer builds it (assertion and proof) afresh on each attempt. */
const TOKEN_REQUEST = 'oidcSetupTokenRequest'

/**
 * The `htu` Okta compares: origin and path with percent-encoding decoded (okta/okta-sdk-nodejs#521,
 * okta/okta-sdk-python#541: `/api/v1/users/a%40b.example` must be signed as `/api/v1/users/a@b.example`); no query or
 * fragment (RFC 9449 §4.2).
 */
export function oktaHtu(url: string | URL): string {
  const u = new URL(url)
  let path = u.pathname
  try {
    path = decodeURIComponent(path)
  } catch {
    // a malformed escape stays as it is; Okta would refuse the request anyway
  }
  return `${u.origin}${path}`
}

/** The SDK's node-fetch response as a WHATWG Response (oauth4webapi reads and cancels bodies the web way). */
async function toWebResponse(response: HttpResponseLike): Promise<Response> {
  if (response instanceof Response) {
    return response
  }
  const headers = new Headers()
  ;(response.headers as unknown as { forEach(fn: (value: string, name: string) => void): void }).forEach((value, name) => {
    headers.append(name, value)
  })
  const empty = response.status === 204 || response.status === 304
  return new Response(empty ? null : await response.text(), { status: response.status, headers })
}

async function importClientKey(text: string, keyId: string | undefined): Promise<{ key: CryptoKey; kid?: string }> {
  let keyObject
  try {
    const trimmed = text.trim()
    keyObject = trimmed.startsWith('{')
      ? createPrivateKey({ key: JSON.parse(trimmed) as Record<string, string>, format: 'jwk' })
      : createPrivateKey(trimmed)
  } catch (cause) {
    throw new ManagementApiError('could not read the service app private key: it is neither a PEM nor a JWK private key', {}, {
      hint: 'run `oidc-setup okta configure --client-id … --private-key-file …` with the key registered with the service app',
      cause,
    })
  }
  const jwk = keyObject.export({ format: 'jwk' }) as webcrypto.JsonWebKey & { kid?: string }
  const fromJwk = text.trim().startsWith('{') ? (JSON.parse(text) as { kid?: unknown }).kid : undefined
  const kid = typeof fromJwk === 'string' ? fromJwk : keyId
  // RS256 for RSA and ES256 for P-256 are what Okta's org authorization server accepts for private_key_jwt
  // (https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/#create-and-sign-the-jwt).
  const algorithm =
    jwk.kty === 'RSA'
      ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
      : jwk.kty === 'EC' && jwk.crv === 'P-256'
        ? { name: 'ECDSA', namedCurve: 'P-256' }
        : undefined
  if (!algorithm) {
    throw new ManagementApiError(`could not use the service app private key: ${jwk.kty ?? 'unknown'} ${jwk.crv ?? ''} keys are not supported`.trim(), {}, {
      hint: 'use an RSA key (RS256) or an EC P-256 key (ES256)',
    })
  }
  const key = await webcrypto.subtle.importKey('jwk', jwk, algorithm, false, ['sign'])
  return kid ? { key, kid } : { key }
}

function isLoopback(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]'
}

/** The hint for a token-endpoint error code (RFC 6749 §5.2, RFC 9449 §5, Okta's OAuth 2.0 for Okta guide). */
function tokenErrorHint(error: string, clientId: string, keyId: string | undefined, scopes: string[]): string | undefined {
  switch (error) {
    case 'invalid_client':
      return `check the client id ${clientId} and that the service app has the public key ${keyId ?? '(kid)'} (General › Client Credentials › Public keys)`
    case 'invalid_scope':
    case 'access_denied':
      return `grant ${scopes.join(', ')} to the service app ${clientId} (Okta API Scopes tab), or record the scopes it has with \`oidc-setup okta configure --scope …\``
    case 'unauthorized_client':
      return `the app ${clientId} must be an API Services app with the client_credentials grant`
    case 'invalid_dpop_proof':
      return 'the clock of this machine may be off (DPoP proofs carry the time); check it and run the command again'
    default:
      return undefined
  }
}

/**
 * Signs Management API requests with a DPoP-bound (or, for apps without DPoP, bearer) access token of an OAuth
 * service app. Tokens are requested with exactly the scopes the command needs: the declared ones, plus one more
 * whenever a call needs a scope the token lacks (the scope of a call is its area and method, as Okta documents per
 * endpoint). The DPoP key is an ephemeral P-256 key of this process (RFC 9449 allows any key the client holds).
 */
export async function createServiceAppSigner(options: ServiceAppAuthOptions): Promise<RequestSigner> {
  const oauth: Oauth = await import('oauth4webapi')
  const now = options.now ?? Date.now
  const tokenEndpoint = `${options.orgUrl}/oauth2/v1/token`
  const as = { issuer: options.orgUrl, token_endpoint: tokenEndpoint }
  const client: { client_id: string } = { client_id: options.clientId }
  const insecure = isLoopback(new URL(options.orgUrl))
  const clientKey = await importClientKey(options.privateKey, options.keyId)
  const clientAuth = oauth.PrivateKeyJwt(clientKey, {
    // Okta wants the token endpoint as the assertion's audience, not the issuer oauth4webapi puts there.
    [oauth.modifyAssertion]: (_header, payload) => {
      payload.aud = tokenEndpoint
    },
  })
  const keyPair = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair
  const dpop = oauth.DPoP({}, keyPair, {
    [oauth.modifyAssertion]: (_header, payload) => {
      if (typeof payload.htu === 'string') {
        payload.htu = oktaHtu(payload.htu)
      }
    },
  })
  let token: CachedToken | undefined
  let pending: Promise<CachedToken> | undefined
  let wanted = new Set(options.neededScopes ?? [])

  function customFetchFor(request: Json, wire: Wire): (url: string, init: { method: string; headers: Record<string, string>; body?: unknown }) => Promise<Response> {
    return async (url, init) =>
      toWebResponse(
        await wire({
          ...request,
          url,
          method: init.method,
          headers: init.headers,
          body: init.body === null || init.body === undefined ? undefined : String(init.body),
        }),
      )
  }

  async function requestToken(scopes: string[]): Promise<CachedToken> {
    for (let attempt = 0; ; attempt++) {
      const response = (await options.fetch({
        url: tokenEndpoint,
        method: 'POST',
        headers: {},
        [TOKEN_REQUEST]: scopes.join(' '),
      })) as unknown as Response
      try {
        const result = await oauth.processClientCredentialsResponse(as, client, response)
        const granted = new Set((result.scope ?? scopes.join(' ')).split(' ').filter(Boolean))
        options.trace?.(`service app token (${result.token_type}) for ${[...granted].join(' ')}`)
        return {
          value: result.access_token,
          type: result.token_type.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer',
          scopes: granted,
          expiresAt: now() + (result.expires_in ?? 3600) * 1000,
        }
      } catch (error) {
        // RFC 9449 §8: the first token request learns the server's nonce; the handle has cached it.
        if (oauth.isDPoPNonceError(error) && attempt === 0) {
          continue
        }
        throw tokenError(error, scopes)
      }
    }
  }

  function tokenError(error: unknown, scopes: string[]): ManagementApiError {
    const what = `could not get an access token for the service app ${options.clientId}`
    if (error instanceof oauth.ResponseBodyError) {
      const description = error.error_description ? `: ${error.error_description}` : ''
      return new ManagementApiError(
        `${what}: ${error.error}${description}`,
        { status: error.status, errorCode: error.error, errorSummary: error.error_description, url: tokenEndpoint },
        { hint: tokenErrorHint(error.error, options.clientId, clientKey.kid, scopes), cause: error },
      )
    }
    if (error instanceof ManagementApiError) {
      return error
    }
    const e = error as { message?: string; cause?: unknown }
    const status = (e.cause as { status?: number } | undefined)?.status
    return new ManagementApiError(`${what}: ${e.message ?? String(error)}`, { status, url: tokenEndpoint }, { cause: error })
  }

  async function tokenFor(needed: string): Promise<CachedToken> {
    const fresh = token && token.expiresAt - now() > 60_000 ? token : undefined
    const covers = (t: CachedToken): boolean => scopeCovered(t.scopes, needed)
    if (fresh && covers(fresh)) {
      return fresh
    }
    if (pending) {
      // Concurrent calls share one token request, and its failure: a refused request is not repeated per call.
      const t = await pending
      if (covers(t)) {
        return t
      }
    }
    wanted = new Set([...wanted, ...(fresh ? fresh.scopes : []), needed])
    const scopes = scopesToRequest([...wanted], options.grantedScopes)
    pending = requestToken(scopes)
    try {
      token = await pending
      return token
    } finally {
      pending = undefined
    }
  }

  return {
    async send(request, wire) {
      const tokenScopes = request[TOKEN_REQUEST]
      if (typeof tokenScopes === 'string') {
        // A new assertion (its own jti, which Okta refuses to see twice) and a new proof on every attempt.
        return (await oauth.clientCredentialsGrantRequest(as, client, clientAuth, { scope: tokenScopes }, {
          DPoP: dpop,
          [oauth.customFetch]: customFetchFor(request, wire),
          [oauth.allowInsecureRequests]: insecure,
        })) as unknown as HttpResponseLike
      }
      const url = new URL(String(request.url))
      const method = String(request.method ?? 'GET').toUpperCase()
      const headers = new Headers()
      for (const [name, value] of Object.entries((request.headers ?? {}) as Record<string, unknown>)) {
        if (!/^(authorization|dpop)$/i.test(name) && value !== undefined) {
          headers.set(name, String(value))
        }
      }
      const needed = managementScopeFor(method, url.pathname)
      for (let attempt = 0; ; attempt++) {
        const t = await tokenFor(needed)
        const body = request.body === undefined ? undefined : String(request.body)
        if (t.type === 'Bearer') {
          headers.set('authorization', `Bearer ${t.value}`)
          return wire({ ...request, method, headers: Object.fromEntries(headers.entries()) })
        }
        try {
          return (await oauth.protectedResourceRequest(t.value, method, url, headers, body, {
            DPoP: dpop,
            [oauth.customFetch]: customFetchFor({ ...request, method }, wire),
            [oauth.allowInsecureRequests]: insecure,
          })) as unknown as HttpResponseLike
        } catch (error) {
          if (!(error instanceof oauth.WWWAuthenticateChallengeError)) {
            throw error
          }
          // A resource server may ask for a nonce too (RFC 9449 §9); the handle cached it from this response.
          if (oauth.isDPoPNonceError(error) && attempt === 0) {
            continue
          }
          // An expired or revoked token: one new token, as the SDK does on a 401.
          if (error.response.status === 401 && error.cause.some((c) => c.parameters.error === 'invalid_token') && attempt === 0) {
            token = undefined
            continue
          }
          return error.response as unknown as HttpResponseLike
        }
      }
    },
  }
}
