/**
 * Public-key client authentication (`private_key_jwt`, issue 15 item 2): the public half of a client's signing key
 * as Okta keeps it. Okta verifies client assertions with the app's ACTIVE keys and supports RSA and EC signing keys
 * (management-api.yaml OAuth2ClientJsonSigningKeyRequest; https://developer.okta.com/docs/api/openapi/okta-oauth/guides/client-auth).
 */

/** A public signing JWK (RFC 7517): `kid`, `kty`, `alg`, `use` and the key's public members; never `d`. */
export type PublicJwk = Record<string, string>

/** One key of an app's JWKS as the credentials API lists it (`/api/v1/apps/{appId}/credentials/jwks`). */
export interface ClientJwk {
  /** Okta's id of the key (`pks…`), used in the lifecycle and delete paths. */
  id: string
  /** The key id client assertions name in their header. */
  kid: string
  status: 'ACTIVE' | 'INACTIVE' | string
  created?: string | undefined
}

/** The private key a client signs its assertions with, as the secret store keeps it (a JSON private JWK). */
export interface StoredClientKey {
  kid: string
  alg: string
  /** The private JWK (with `d`): only ever in the secret store. */
  jwk: Record<string, string>
}

/** Parses a stored private key; undefined when the entry is not one. */
export function parseStoredClientKey(value: string | undefined): StoredClientKey | undefined {
  if (!value) {
    return undefined
  }
  try {
    const jwk = JSON.parse(value) as Record<string, unknown>
    if (typeof jwk.kid === 'string' && typeof jwk.d === 'string' && typeof jwk.kty === 'string') {
      return { kid: jwk.kid, alg: typeof jwk.alg === 'string' ? jwk.alg : 'RS256', jwk: jwk as Record<string, string> }
    }
  } catch {
    return undefined
  }
  return undefined
}

const PUBLIC_MEMBERS = ['kty', 'kid', 'alg', 'use', 'n', 'e', 'crv', 'x', 'y']

/** The public JWK of a stored private key (its public members only: never `d`, `p`, `q`, `dp`, `dq`, `qi`). */
export function publicJwkOf(key: StoredClientKey): PublicJwk {
  return Object.fromEntries(PUBLIC_MEMBERS.filter((m) => typeof key.jwk[m] === 'string').map((m) => [m, key.jwk[m] as string]))
}
