import type { ClientSecretAuthMethod } from '../domain/app-requirements.js'
import { ManagementApiError } from '../domain/errors.js'

/** What a client secret probe asks the token endpoint. */
export interface ClientSecretProbeRequest {
  issuer: string
  clientId: string
  secret: string
  method: ClientSecretAuthMethod
  /** A registered redirect URI (the dummy code exchange names one, as a real one would). */
  redirectUri?: string | undefined
}

/**
 * The token endpoint's verdict on a client secret. Okta authenticates the client before it looks at the grant
 * (RFC 6749 §5.2): `invalid_client` means the secret was refused; any other error (`invalid_grant` for the dummy
 * code, `unauthorized_client` for a client without the code grant) means it was accepted.
 */
export type SecretVerdict =
  | { accepted: true; error: string }
  | { accepted: false; error: string; description?: string | undefined }

/** Proves a client secret at the issuer's token endpoint without a user: a code exchange with a dummy code. */
export interface ClientSecretProbe {
  probe(request: ClientSecretProbeRequest): Promise<SecretVerdict>
}

async function json(response: Response): Promise<Record<string, unknown> | undefined> {
  try {
    const value = (await response.json()) as unknown
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** The probe over the global fetch: discovery for the token endpoint, then one POST. */
export function fetchClientSecretProbe(timeoutMs = 10_000): ClientSecretProbe {
  const unreachable = (url: string, cause: unknown): ManagementApiError =>
    new ManagementApiError(`could not reach ${url}: ${(cause as Error).message}`, { url }, {
      hint: 'check the network and the issuer; nothing was changed by the probe',
      cause,
    })
  return {
    async probe(request) {
      const discoveryUrl = `${request.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`
      let tokenEndpoint: string
      try {
        const discovery = await json(await fetch(discoveryUrl, { signal: AbortSignal.timeout(timeoutMs) }))
        tokenEndpoint = String(discovery?.token_endpoint ?? '')
      } catch (cause) {
        throw unreachable(discoveryUrl, cause)
      }
      if (!tokenEndpoint) {
        throw new ManagementApiError(`${discoveryUrl} names no token_endpoint`, { url: discoveryUrl })
      }
      const form = new URLSearchParams({ grant_type: 'authorization_code', code: 'oidc-setup-secret-probe' })
      if (request.redirectUri) {
        form.set('redirect_uri', request.redirectUri)
      }
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }
      if (request.method === 'client_secret_basic') {
        // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined for Basic.
        const enc = (v: string): string => encodeURIComponent(v).replace(/%20/g, '+')
        headers.authorization = `Basic ${Buffer.from(`${enc(request.clientId)}:${enc(request.secret)}`).toString('base64')}`
      } else {
        form.set('client_id', request.clientId)
        form.set('client_secret', request.secret)
      }
      let response: Response
      try {
        response = await fetch(tokenEndpoint, { method: 'POST', headers, body: form, signal: AbortSignal.timeout(timeoutMs) })
      } catch (cause) {
        throw unreachable(tokenEndpoint, cause)
      }
      const body = await json(response)
      const error = typeof body?.error === 'string' ? body.error : `HTTP ${response.status}`
      if (error === 'invalid_client') {
        const description = typeof body?.error_description === 'string' ? body.error_description : undefined
        return { accepted: false, error, description }
      }
      if (response.status >= 500 || typeof body?.error !== 'string') {
        throw new ManagementApiError(`the token endpoint ${tokenEndpoint} answered ${error}, which says nothing about the secret`, {
          status: response.status,
          url: tokenEndpoint,
        })
      }
      return { accepted: true, error }
    },
  }
}
