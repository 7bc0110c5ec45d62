/**
 * The tokens `login` obtained for a profile, as kept (JSON) in the secret store under secretKeys.tokenSet(profile).
 * Times are epoch seconds.
 */
export interface StoredTokenSet {
  version: 1
  issuer: string
  clientId: string
  accessToken: string
  tokenType: string
  /** When the access token expires (epoch seconds); undefined when the server did not say. */
  expiresAt?: number | undefined
  idToken?: string | undefined
  refreshToken?: string | undefined
  /** When the refresh token expires, when known (a JWT refresh token or the server's `refresh_expires_in`). */
  refreshExpiresAt?: number | undefined
  scopes: string[]
  /** The ID token's `sub` and `email` claims (kept for `status`, which never shows token values). */
  subject?: string | undefined
  email?: string | undefined
  obtainedAt: number
}

/** What a token endpoint returned, already validated by the OIDC client. */
export interface TokenResponse {
  accessToken: string
  tokenType?: string | undefined
  expiresIn?: number | undefined
  idToken?: string | undefined
  refreshToken?: string | undefined
  refreshExpiresIn?: number | undefined
  scope?: string | undefined
  claims?: Record<string, unknown> | undefined
}

/** Builds the stored set from a token response; a refresh response extends the previous set. */
export function toStoredTokenSet(
  response: TokenResponse,
  context: { issuer: string; clientId: string; requestedScopes: string[]; nowSeconds: number },
  previous?: StoredTokenSet,
): StoredTokenSet {
  const claims = response.claims ?? (response.idToken ? decodeJwtPayload(response.idToken) : undefined)
  const refreshToken = response.refreshToken ?? previous?.refreshToken
  const refreshExpiresAt =
    response.refreshExpiresIn !== undefined
      ? context.nowSeconds + response.refreshExpiresIn
      : response.refreshToken !== undefined
        ? numberClaim(decodeJwtPayload(response.refreshToken), 'exp')
        : previous?.refreshExpiresAt
  return {
    version: 1,
    issuer: context.issuer,
    clientId: context.clientId,
    accessToken: response.accessToken,
    tokenType: response.tokenType ?? 'Bearer',
    expiresAt:
      response.expiresIn !== undefined
        ? context.nowSeconds + response.expiresIn
        : numberClaim(decodeJwtPayload(response.accessToken), 'exp'),
    // A refresh response without an ID token keeps the previous one (OpenID Connect Core 12.2).
    idToken: response.idToken ?? previous?.idToken,
    refreshToken,
    refreshExpiresAt,
    scopes: response.scope !== undefined ? response.scope.split(' ').filter(Boolean) : (previous?.scopes ?? context.requestedScopes),
    subject: stringClaim(claims, 'sub') ?? previous?.subject,
    email: stringClaim(claims, 'email') ?? previous?.email,
    obtainedAt: context.nowSeconds,
  }
}

/** Serialises a token set for the secret store. */
export function serializeTokenSet(set: StoredTokenSet): string {
  return JSON.stringify(set)
}

/** Parses a stored token set; undefined for anything that is not one (treated as "not logged in"). */
export function parseTokenSet(text: string | undefined): StoredTokenSet | undefined {
  if (text === undefined) {
    return undefined
  }
  try {
    const value = JSON.parse(text) as Partial<StoredTokenSet> | null
    if (
      value &&
      value.version === 1 &&
      typeof value.accessToken === 'string' &&
      typeof value.issuer === 'string' &&
      typeof value.clientId === 'string'
    ) {
      return { scopes: [], tokenType: 'Bearer', obtainedAt: 0, ...value } as StoredTokenSet
    }
  } catch {
    // fall through: a corrupt entry reads as "not logged in"
  }
  return undefined
}

/** The token `token` prints: the access token, or the ID token with --id-token. */
export type TokenKind = 'access' | 'id'

/** The token of a kind and when it expires (epoch seconds; undefined when unknown). */
export function pickToken(set: StoredTokenSet, kind: TokenKind): { value: string; expiresAt: number | undefined } | undefined {
  if (kind === 'access') {
    return { value: set.accessToken, expiresAt: set.expiresAt }
  }
  if (set.idToken === undefined) {
    return undefined
  }
  return { value: set.idToken, expiresAt: numberClaim(decodeJwtPayload(set.idToken), 'exp') }
}

/**
 * Whether a token stays valid for at least `minValiditySeconds` more. A token whose expiry is unknown counts as
 * valid (the server did not say; the resource server decides).
 */
export function isFresh(expiresAt: number | undefined, nowSeconds: number, minValiditySeconds: number): boolean {
  return expiresAt === undefined || expiresAt - nowSeconds >= minValiditySeconds
}

/** A Kubernetes `client.authentication.k8s.io/v1` ExecCredential for kubectl's exec credential plugin. */
export function execCredential(token: string, expiresAt: number | undefined): Record<string, unknown> {
  return {
    apiVersion: 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    spec: { interactive: false },
    status: {
      token,
      ...(expiresAt !== undefined ? { expirationTimestamp: new Date(expiresAt * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}),
    },
  }
}

/**
 * The payload of a JWT without verifying it (only for facts the tool shows or schedules on: expiry, subject).
 * Undefined for opaque tokens.
 */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.')
  if (parts.length !== 3 || !parts[1]) {
    return undefined
  }
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/')
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4))
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0))
    const value = JSON.parse(new TextDecoder().decode(bytes)) as unknown
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function numberClaim(claims: Record<string, unknown> | undefined, name: string): number | undefined {
  const v = claims?.[name]
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

function stringClaim(claims: Record<string, unknown> | undefined, name: string): string | undefined {
  const v = claims?.[name]
  return typeof v === 'string' ? v : undefined
}
