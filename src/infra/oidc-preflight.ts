// Checks of an app's OIDC setup that need no person and that Okta answers truthfully: discovery and JWKS, an
// authorization request that stops before the sign-in, the client secret at the token endpoint, and a real
// client-credentials token. Used by `setup --verify`, by doctor and by secret rotation (issue 15).
import { createHash, randomBytes } from 'node:crypto'
import { usesClientSecret, type TokenEndpointAuthMethod } from '../domain/app-requirements.js'

/** The server metadata a preflight needs (from discovery). */
export interface PreflightServer {
  issuer: string
  authorizationEndpoint: string
  tokenEndpoint: string
  jwksUri: string
}

/** One check's outcome: `ok`, or why not in Okta's words. */
export type PreflightOutcome = { ok: true; detail: string } | { ok: false; reason: string }

/** The HTTP edge of the probes (global fetch by default; tests pass their own). */
export type PreflightFetch = (url: string, init?: RequestInit) => Promise<Response>

const b64 = (buf: Buffer): string => buf.toString('base64url')

async function json(response: Response): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = await response.json()
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/**
 * Reads `{issuer}/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4: the `issuer` must equal the
 * URL it was read from) and the JWKS it names (at least one signing key). Throws nothing: a failure is an outcome.
 */
export async function probeDiscovery(issuer: string, fetchFn: PreflightFetch = fetch): Promise<{ server?: PreflightServer; outcome: PreflightOutcome }> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`
  let response: Response
  try {
    response = await fetchFn(url, { headers: { Accept: 'application/json' } })
  } catch (error) {
    return { outcome: { ok: false, reason: `could not reach ${url}: ${(error as Error).message}` } }
  }
  const meta = response.ok ? await json(response) : undefined
  if (!meta) {
    return { outcome: { ok: false, reason: `${url} answered HTTP ${response.status}, not OpenID metadata` } }
  }
  if (meta.issuer !== issuer) {
    return { outcome: { ok: false, reason: `the metadata names the issuer ${String(meta.issuer)}, not ${issuer} (relying parties refuse the mismatch)` } }
  }
  const server: PreflightServer = {
    issuer,
    authorizationEndpoint: String(meta.authorization_endpoint ?? ''),
    tokenEndpoint: String(meta.token_endpoint ?? ''),
    jwksUri: String(meta.jwks_uri ?? ''),
  }
  try {
    const keys = await json(await fetchFn(server.jwksUri, { headers: { Accept: 'application/json' } }))
    const count = Array.isArray(keys?.keys) ? keys.keys.length : 0
    if (!count) {
      return { server, outcome: { ok: false, reason: `the JWKS at ${server.jwksUri} has no keys` } }
    }
    return { server, outcome: { ok: true, detail: `discovery and JWKS (${count} key${count === 1 ? '' : 's'}) at ${issuer}` } }
  } catch (error) {
    return { server, outcome: { ok: false, reason: `could not read the JWKS at ${server.jwksUri}: ${(error as Error).message}` } }
  }
}

/** What an authorization request probe sends: exactly what the target sends. */
export interface AuthorizationProbe {
  clientId: string
  redirectUri: string
  scopes: string[]
  /** Default `code`. */
  responseType?: string | undefined
}

/** How the authorization endpoint answered, without following the sign-in. */
export type AuthorizationVerdict =
  | { kind: 'sign-in' }
  | { kind: 'redirect-error'; error: string; description?: string | undefined }
  | { kind: 'unregistered-redirect-uri'; description: string }
  | { kind: 'unknown-client'; description: string }
  | { kind: 'error-page'; status: number; description: string }

/** Visible text of an HTML page, for the phrases of Okta's error page. */
function pageText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * Sends the target's authorization request (with state, nonce and a PKCE challenge) and reads the first answer
 * without following it: a redirect to the sign-in page (or the page itself) means Okta accepted the client, the
 * redirect URI and the scopes; a redirect back to the redirect URI with `error` is Okta refusing a parameter it can
 * report to the client (RFC 6749 §4.1.2.1: invalid_scope, unauthorized_client…); an error page is Okta refusing to
 * redirect at all, for an unregistered redirect URI or an unknown client (§4.1.2.1 first paragraph; Okta's page says
 * "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings" or "Invalid value for
 * 'client_id' parameter").
 */
export async function probeAuthorization(
  server: PreflightServer,
  probe: AuthorizationProbe,
  fetchFn: PreflightFetch = fetch,
): Promise<AuthorizationVerdict> {
  const url = new URL(server.authorizationEndpoint)
  url.searchParams.set('client_id', probe.clientId)
  url.searchParams.set('redirect_uri', probe.redirectUri)
  url.searchParams.set('response_type', probe.responseType ?? 'code')
  url.searchParams.set('scope', probe.scopes.join(' '))
  url.searchParams.set('state', b64(randomBytes(16)))
  url.searchParams.set('nonce', b64(randomBytes(16)))
  url.searchParams.set('code_challenge', b64(createHash('sha256').update(b64(randomBytes(32))).digest()))
  url.searchParams.set('code_challenge_method', 'S256')
  const response = await fetchFn(url.href, { redirect: 'manual', headers: { Accept: 'text/html' } })
  const location = response.headers.get('location')
  if (response.status >= 300 && response.status < 400 && location) {
    const to = new URL(location, url)
    if (`${to.origin}${to.pathname}` === probe.redirectUri.split(/[?#]/)[0]) {
      const params = new URLSearchParams(to.search || to.hash.slice(1))
      const error = params.get('error')
      if (error) {
        return { kind: 'redirect-error', error, description: params.get('error_description') ?? undefined }
      }
    }
    await response.body?.cancel()
    return { kind: 'sign-in' }
  }
  const text = pageText(await response.text())
  if (response.ok) {
    return { kind: 'sign-in' }
  }
  const description = text.slice(0, 300)
  if (/redirect_uri/i.test(text)) {
    return { kind: 'unregistered-redirect-uri', description }
  }
  if (/client_id|invalid_client/i.test(text)) {
    return { kind: 'unknown-client', description }
  }
  return { kind: 'error-page', status: response.status, description }
}

/** What the secret probe found. */
export type ClientSecretVerdict =
  | { kind: 'accepted' }
  | { kind: 'rejected'; description?: string | undefined }
  | { kind: 'inconclusive'; status: number; error?: string | undefined; description?: string | undefined }

/**
 * Checks a client secret without a user: redeems a made-up authorization code at the token endpoint with the
 * secret. The token endpoint authenticates the client before it looks at the grant (RFC 6749 §3.2.1, §5.2), so
 * `invalid_client` means the secret (or client id) is wrong and `invalid_grant` means the secret is right and only
 * the dummy code was refused. Nothing is issued and nothing changes in Okta. Throws only on a network failure.
 */
export async function probeClientSecret(
  input: {
    tokenEndpoint: string
    clientId: string
    clientSecret: string
    method: TokenEndpointAuthMethod
    redirectUri: string
  },
  fetchFn: PreflightFetch = fetch,
): Promise<ClientSecretVerdict> {
  if (!usesClientSecret(input.method)) {
    return { kind: 'inconclusive', status: 0, description: `the app authenticates with ${input.method}, not a client secret` }
  }
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: `oidc-setup-preflight-${b64(randomBytes(12))}`,
    redirect_uri: input.redirectUri,
    code_verifier: b64(randomBytes(32)),
  })
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }
  if (input.method === 'client_secret_post') {
    body.set('client_id', input.clientId)
    body.set('client_secret', input.clientSecret)
  } else {
    // RFC 6749 §2.3.1: the id and secret are form-encoded before Basic encoding.
    const enc = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+')
    headers.Authorization = `Basic ${Buffer.from(`${enc(input.clientId)}:${enc(input.clientSecret)}`).toString('base64')}`
  }
  const response = await fetchFn(input.tokenEndpoint, { method: 'POST', headers, body: body.toString() })
  const answer = await json(response)
  const error = typeof answer?.error === 'string' ? answer.error : undefined
  const description = typeof answer?.error_description === 'string' ? answer.error_description : undefined
  if (error === 'invalid_client') {
    return { kind: 'rejected', description }
  }
  if (error === 'invalid_grant') {
    return { kind: 'accepted' }
  }
  return { kind: 'inconclusive', status: response.status, error, description }
}

/** Requests a real client-credentials token (a `service` app's whole job) and reports what Okta answered. */
export async function probeClientCredentials(
  input: { tokenEndpoint: string; clientId: string; clientSecret: string; scopes: string[] },
  fetchFn: PreflightFetch = fetch,
): Promise<PreflightOutcome> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', scope: input.scopes.join(' ') })
  const enc = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+')
  const response = await fetchFn(input.tokenEndpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
      Authorization: `Basic ${Buffer.from(`${enc(input.clientId)}:${enc(input.clientSecret)}`).toString('base64')}`,
    },
    body: body.toString(),
  })
  const answer = await json(response)
  if (response.ok && typeof answer?.access_token === 'string') {
    return { ok: true, detail: `a client-credentials token (${String(answer.token_type ?? 'Bearer')}) for ${String(answer.scope ?? input.scopes.join(' '))}` }
  }
  return { ok: false, reason: `${String(answer?.error ?? `HTTP ${response.status}`)}${answer?.error_description ? `: ${String(answer.error_description)}` : ''}` }
}
