// openid-client behind a small interface. openid-client is imported inside discover() only: the `token` fast path
// and --help never load it.
import type { ClientSecretAuthMethod } from '../domain/app-requirements.js'
import { AuthError, UsageError } from '../domain/errors.js'
import type { TokenResponse } from '../domain/token-set.js'
import { isLoopbackHost } from '../domain/urls.js'

/** The PKCE, state and nonce values of one authorization request (kept in memory only). */
export interface AuthorizationRequest {
  url: string
  state: string
  nonce: string
  codeVerifier: string
  redirectUri: string
}

/** What the device authorization endpoint answered (RFC 8628 §3.2). */
export interface DeviceAuthorization {
  verificationUri: string
  verificationUriComplete?: string | undefined
  userCode: string
  expiresIn: number
  interval: number
  /** Opaque handle for pollDevice. */
  handle: unknown
}

/** One discovered authorization server for one public client. */
export interface OidcServer {
  readonly issuer: string
  /** Builds an authorization code + PKCE (S256) request with fresh `state` and `nonce`. */
  authorizationRequest(redirectUri: string, scopes: string[]): Promise<AuthorizationRequest>
  /** Checks the callback (state, iss) and redeems the code; validates the ID token (issuer, audience, signature, nonce). */
  exchangeCode(callback: URL, request: AuthorizationRequest): Promise<TokenResponse>
  /** Redeems a refresh token. Throws AuthError on invalid_grant and other server errors. */
  refresh(refreshToken: string, scopes?: string[]): Promise<TokenResponse>
  /** Starts the device authorization grant. */
  startDevice(scopes: string[]): Promise<DeviceAuthorization>
  /** Polls the token endpoint as the server asks (interval, slow_down) until the user approves, denies or it expires. */
  pollDevice(device: DeviceAuthorization, signal: AbortSignal): Promise<TokenResponse>
  /** Whether the server publishes a revocation endpoint (RFC 7009). */
  readonly canRevoke: boolean
  /** Revokes a token at the revocation endpoint. */
  revoke(token: string, hint: 'refresh_token' | 'access_token'): Promise<void>
  /** The RP-initiated logout URL, when the server has an end-session endpoint. */
  endSessionUrl(idToken: string | undefined): string | undefined
}

/** How a confidential client authenticates at the token endpoint (absent: a public client). */
export interface ClientAuthentication {
  method: ClientSecretAuthMethod
  secret: string
}

/** Discovers authorization servers. */
export interface OidcClient {
  /**
   * Fetches the issuer's discovery document and checks that it names exactly this issuer. http is accepted only on
   * loopback hosts (UsageError otherwise); an unreachable issuer is an AuthError with `offline` set. Without
   * `auth` the client is public (PKCE only), as `login` uses it; `setup --verify` signs in as the target's
   * confidential client.
   */
  discover(issuer: string, clientId: string, auth?: ClientAuthentication): Promise<OidcServer>
}

/** An AuthError for a server that could not be reached (logout goes on offline with a warning). */
export class UnreachableError extends AuthError {
  readonly offline = true
}

/** Checks an issuer URL: https, or http on a loopback host (the sandbox, local tests). */
export function checkIssuerUrl(issuer: string): URL {
  let url: URL
  try {
    url = new URL(issuer)
  } catch {
    throw new UsageError(`the issuer is not a valid URL: "${issuer}"`, { hint: 'pass --issuer https://{yourOktaDomain}/oauth2/default' })
  }
  if (url.protocol === 'https:') {
    return url
  }
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) {
    return url
  }
  throw new UsageError(`the issuer must be an https URL: "${issuer}"`, {
    hint: 'http is accepted only on loopback hosts (127.0.0.1, localhost) for local test servers',
  })
}

type OpenIdClient = typeof import('openid-client')

/** The real OIDC client on openid-client v6. */
export function createOidcClient(): OidcClient {
  return {
    async discover(issuer, clientId, auth) {
      const url = checkIssuerUrl(issuer)
      const client: OpenIdClient = await import('openid-client')
      let config: import('openid-client').Configuration
      try {
        config = await client.discovery(
          url,
          clientId,
          undefined,
          auth === undefined
            ? client.None()
            : auth.method === 'client_secret_post'
              ? client.ClientSecretPost(auth.secret)
              : client.ClientSecretBasic(auth.secret),
          // openid-client skips the ID token's JWS signature from the token endpoint unless asked (TLS suffices
          // per OIDC Core 3.1.3.7); checking it costs one cached JWKS fetch and catches a proxy or wrong issuer.
          { execute: url.protocol === 'http:' ? [client.allowInsecureRequests, client.enableNonRepudiationChecks] : [client.enableNonRepudiationChecks] },
        )
      } catch (error) {
        throw toAuthError(error, `discover the issuer ${issuer}`, issuer)
      }
      return new OpenIdServer(client, config, issuer)
    },
  }
}

class OpenIdServer implements OidcServer {
  readonly issuer: string

  constructor(
    private readonly client: OpenIdClient,
    private readonly config: import('openid-client').Configuration,
    issuer: string,
  ) {
    this.issuer = config.serverMetadata().issuer || issuer
  }

  get canRevoke(): boolean {
    return typeof this.config.serverMetadata().revocation_endpoint === 'string'
  }

  async authorizationRequest(redirectUri: string, scopes: string[]): Promise<AuthorizationRequest> {
    const c = this.client
    const codeVerifier = c.randomPKCECodeVerifier()
    const state = c.randomState()
    const nonce = c.randomNonce()
    const url = c.buildAuthorizationUrl(this.config, {
      redirect_uri: redirectUri,
      scope: scopes.join(' '),
      code_challenge: await c.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    })
    return { url: url.href, state, nonce, codeVerifier, redirectUri }
  }

  async exchangeCode(callback: URL, request: AuthorizationRequest): Promise<TokenResponse> {
    try {
      const tokens = await this.client.authorizationCodeGrant(this.config, callback, {
        pkceCodeVerifier: request.codeVerifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
        idTokenExpected: true,
      })
      return toTokenResponse(tokens)
    } catch (error) {
      throw toAuthError(error, 'complete the login', this.issuer)
    }
  }

  async refresh(refreshToken: string, scopes?: string[]): Promise<TokenResponse> {
    try {
      const tokens = await this.client.refreshTokenGrant(this.config, refreshToken, scopes ? { scope: scopes.join(' ') } : undefined)
      return toTokenResponse(tokens)
    } catch (error) {
      throw toAuthError(error, 'refresh the token', this.issuer)
    }
  }

  async startDevice(scopes: string[]): Promise<DeviceAuthorization> {
    try {
      const response = await this.client.initiateDeviceAuthorization(this.config, { scope: scopes.join(' ') })
      return {
        verificationUri: response.verification_uri,
        verificationUriComplete: response.verification_uri_complete,
        userCode: response.user_code,
        expiresIn: response.expires_in,
        interval: response.interval ?? 5,
        handle: response,
      }
    } catch (error) {
      throw toAuthError(error, 'start the device login', this.issuer)
    }
  }

  async pollDevice(device: DeviceAuthorization, signal: AbortSignal): Promise<TokenResponse> {
    try {
      const tokens = await this.client.pollDeviceAuthorizationGrant(
        this.config,
        device.handle as import('openid-client').DeviceAuthorizationResponse,
        undefined,
        { signal },
      )
      return toTokenResponse(tokens)
    } catch (error) {
      if (signal.aborted) {
        throw signal.reason instanceof Error ? signal.reason : new AuthError('the device login was cancelled')
      }
      throw toAuthError(error, 'complete the device login', this.issuer)
    }
  }

  async revoke(token: string, hint: 'refresh_token' | 'access_token'): Promise<void> {
    try {
      await this.client.tokenRevocation(this.config, token, { token_type_hint: hint })
    } catch (error) {
      throw toAuthError(error, `revoke the ${hint.replace('_', ' ')}`, this.issuer)
    }
  }

  endSessionUrl(idToken: string | undefined): string | undefined {
    if (typeof this.config.serverMetadata().end_session_endpoint !== 'string') {
      return undefined
    }
    return this.client.buildEndSessionUrl(this.config, {
      client_id: this.config.clientMetadata().client_id,
      ...(idToken ? { id_token_hint: idToken } : {}),
    }).href
  }
}

function toTokenResponse(tokens: import('openid-client').TokenEndpointResponse & import('openid-client').TokenEndpointResponseHelpers): TokenResponse {
  const claims = tokens.claims()
  const refreshExpiresIn = (tokens as Record<string, unknown>).refresh_expires_in
  return {
    accessToken: tokens.access_token,
    tokenType: tokens.token_type,
    expiresIn: tokens.expiresIn(),
    idToken: tokens.id_token,
    refreshToken: tokens.refresh_token,
    refreshExpiresIn: typeof refreshExpiresIn === 'number' ? refreshExpiresIn : undefined,
    scope: tokens.scope,
    claims: claims ? { ...claims } : undefined,
  }
}

interface ErrorLike {
  message?: unknown
  code?: unknown
  cause?: unknown
  error?: unknown
  error_description?: unknown
  status?: unknown
  name?: unknown
}

function chain(error: unknown): ErrorLike[] {
  const out: ErrorLike[] = []
  let current: unknown = error
  while (current && typeof current === 'object' && out.length < 6) {
    out.push(current as ErrorLike)
    current = (current as ErrorLike).cause
  }
  return out
}

/**
 * Translates an openid-client / oauth4webapi error into an AuthError with one clear message per failure: server
 * errors (`error` and `error_description` as the server sent them), state, issuer and nonce mismatch, an invalid
 * ID token signature, clock skew, an unreachable server.
 */
export function toAuthError(error: unknown, action: string, issuer: string): AuthError {
  if (error instanceof AuthError || error instanceof UsageError) {
    return error as AuthError
  }
  const links = chain(error)
  const messages = links.map((l) => (typeof l.message === 'string' ? l.message : '')).join(' | ')
  const codes = new Set(links.map((l) => l.code).filter((c): c is string => typeof c === 'string'))
  const claim = links.map((l) => (l as { claim?: unknown }).claim).find((c): c is string => typeof c === 'string')
  const attribute = links.map((l) => (l as { attribute?: unknown }).attribute).find((c): c is string => typeof c === 'string')
  const serverError = links.find((l) => typeof l.error === 'string')
  if (serverError) {
    const code = serverError.error as string
    const description = typeof serverError.error_description === 'string' ? serverError.error_description : undefined
    return new AuthError(`could not ${action}: the authorization server answered ${code}${description ? `: ${description}` : ''}`, {
      hint: hintFor(code, action),
      cause: error,
    })
  }
  if (/"state"/.test(messages)) {
    return new AuthError(`could not ${action}: state mismatch (the callback does not belong to this login)`, {
      hint: 'run oidc-setup login again and finish the sign-in in the browser window it opened; an old or foreign callback was rejected',
      cause: error,
    })
  }
  if (attribute === 'issuer' || claim === 'iss' || /"iss"/.test(messages)) {
    return new AuthError(`could not ${action}: issuer mismatch (the server does not identify itself as ${issuer})`, {
      hint: 'use the issuer exactly as the server publishes it in /.well-known/openid-configuration (no trailing slash, same host name)',
      cause: error,
    })
  }
  if (claim === 'nonce' || /"nonce"/.test(messages)) {
    return new AuthError(`could not ${action}: nonce mismatch (the ID token was not issued for this login)`, {
      hint: 'run oidc-setup login again; if it keeps happening, something is replaying old tokens',
      cause: error,
    })
  }
  if (/signature verification failed/i.test(messages)) {
    return new AuthError(`could not ${action}: invalid ID token signature (it does not verify with the issuer's published keys)`, {
      hint: `check that ${issuer} is the right issuer; a proxy or a rotated key may be serving tokens it did not sign`,
      cause: error,
    })
  }
  if (codes.has('OAUTH_JWT_TIMESTAMP_CHECK_FAILED')) {
    return new AuthError(`could not ${action}: the ID token's ${claim ?? 'time'} claim is out of range (clock skew)`, {
      hint: "check this machine's clock (enable NTP time sync); tokens are rejected when the clocks differ by minutes",
      cause: error,
    })
  }
  if (claim === 'aud' || claim === 'azp') {
    return new AuthError(`could not ${action}: the ID token was issued for another client (audience mismatch)`, {
      hint: 'check the client id of the profile',
      cause: error,
    })
  }
  if (links.some((l) => l.name === 'TypeError' && /fetch failed/.test(String(l.message))) || links.some((l) => /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET/.test(String(l.code)))) {
    return new UnreachableError(`could not ${action}: ${issuer} cannot be reached`, {
      hint: 'check the network connection and the issuer URL',
      cause: error,
    })
  }
  if (codes.has('OAUTH_RESPONSE_IS_NOT_CONFORM') || codes.has('OAUTH_RESPONSE_IS_NOT_JSON')) {
    const status = links.map((l) => l.status).find((s) => typeof s === 'number')
    return new AuthError(`could not ${action}: unexpected response${status ? ` (HTTP ${String(status)})` : ''} from ${issuer}`, {
      hint: 'check the issuer URL: for Okta it is https://{yourOktaDomain} or https://{yourOktaDomain}/oauth2/{serverId}',
      cause: error,
    })
  }
  const first = links[0]
  return new AuthError(`could not ${action}: ${typeof first?.message === 'string' ? first.message : String(error)}`, { cause: error })
}

function hintFor(code: string, action: string): string {
  if (action.startsWith('refresh')) {
    return 'run `oidc-setup login` to sign in again'
  }
  switch (code) {
    case 'access_denied':
      return 'ask your Okta administrator to assign you to the app and check the authorization server policy (oidc-setup doctor checks both)'
    case 'invalid_scope':
      return 'request only scopes the authorization server knows (--scope), or add them to the server'
    case 'invalid_client':
    case 'unauthorized_client':
      return 'check the client id and that the app allows this grant type (oidc-setup doctor --profile P)'
    case 'invalid_grant':
      return 'run oidc-setup login again; the code or token is no longer valid'
    default:
      return 'the message above is the authorization server\'s own; oidc-setup doctor checks the app and server setup'
  }
}
