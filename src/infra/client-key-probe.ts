// A private_key_jwt client at the token endpoint, through openid-client's PrivateKeyJwt client authentication (it
// signs the RFC 7523 client assertion: iss = sub = client_id, aud = the token endpoint, jti, exp). Okta's method:
// https://developer.okta.com/docs/api/openapi/okta-oauth/guides/client-auth (private_key_jwt).
import type { StoredClientKey } from '../domain/client-key.js'
import { ManagementApiError } from '../domain/errors.js'
import { checkIssuerUrl } from './oidc.js'

/** What a key probe asks the token endpoint. */
export interface ClientKeyProbeRequest {
  issuer: string
  clientId: string
  key: StoredClientKey
  /**
   * `client_credentials` with these scopes (a service app: a token is the proof), or, absent, an authorization-code
   * exchange with a made-up code (a web app: `invalid_grant` means the assertion was accepted).
   */
  clientCredentialsScopes?: string[] | undefined
}

/** The token endpoint's verdict on a signed client assertion; `accessToken` only from client_credentials. */
export type KeyVerdict = { accepted: true; accessToken?: string | undefined } | { accepted: false; error: string; description?: string | undefined }

/** Proves a client's private key at the token endpoint without a user. */
export interface ClientKeyProbe {
  probe(request: ClientKeyProbeRequest): Promise<KeyVerdict>
}

/**
 * The probe over openid-client. An answer that says nothing about the key (a 5xx, another error, an unreachable
 * issuer) is a ManagementApiError (exit 5), never "accepted". http is allowed on loopback issuers only.
 */
export function openIdClientKeyProbe(): ClientKeyProbe {
  return {
    async probe(request) {
      const url = checkIssuerUrl(request.issuer)
      const client = await import('openid-client')
      const algorithm = request.key.jwk.kty === 'EC' ? { name: 'ECDSA', namedCurve: request.key.jwk.crv ?? 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
      // Web Crypto refuses a JWK whose key_ops/ext contradict the import: keep the key members only.
      const jwk = Object.fromEntries(Object.entries(request.key.jwk).filter(([k]) => k !== 'key_ops' && k !== 'ext'))
      const cryptoKey = await globalThis.crypto.subtle.importKey('jwk', jwk as import('node:crypto').webcrypto.JsonWebKey, algorithm, false, ['sign'])
      let config: import('openid-client').Configuration
      try {
        config = await client.discovery(url, request.clientId, undefined, client.PrivateKeyJwt({ key: cryptoKey, kid: request.key.kid }), {
          execute: url.protocol === 'http:' ? [client.allowInsecureRequests] : [],
        })
      } catch (cause) {
        throw new ManagementApiError(`could not prove the private key: discovery of ${request.issuer} failed: ${(cause as Error).message}`, {}, {
          hint: 'nothing was retired; run the same command again when the issuer answers',
          cause,
        })
      }
      try {
        if (request.clientCredentialsScopes) {
          const tokens = await client.clientCredentialsGrant(config, request.clientCredentialsScopes.length ? { scope: request.clientCredentialsScopes.join(' ') } : {})
          return { accepted: true, accessToken: tokens.access_token }
        }
        await client.genericGrantRequest(config, 'authorization_code', {
          code: `oidc-setup-key-probe-${Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(12))).toString('base64url')}`,
          redirect_uri: 'http://127.0.0.1/',
        })
        return { accepted: true }
      } catch (error) {
        const e = error as { error?: unknown; error_description?: unknown; message?: string }
        const code = typeof e.error === 'string' ? e.error : undefined
        const description = typeof e.error_description === 'string' ? e.error_description : undefined
        if (code === 'invalid_client') {
          return { accepted: false, error: code, description }
        }
        if (code === 'invalid_grant' && !request.clientCredentialsScopes) {
          return { accepted: true }
        }
        throw new ManagementApiError(
          `the token endpoint answered ${code ?? (e.message || 'an error')}${description ? ` (${description})` : ''}, which says nothing about the key`,
          {},
          { hint: 'nothing was retired; run the same command again', cause: error },
        )
      }
    },
  }
}
