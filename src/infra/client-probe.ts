import type { ClientSecretAuthMethod } from '../domain/app-requirements.js'
import { ManagementApiError } from '../domain/errors.js'
import { probeClientSecret, probeDiscovery } from './oidc-preflight.js'

/** What a client secret probe asks the token endpoint. */
export interface ClientSecretProbeRequest {
  issuer: string
  clientId: string
  secret: string
  method: ClientSecretAuthMethod
  /** A registered redirect URI (the dummy code exchange names one, as a real one would). */
  redirectUri?: string | undefined
}

/** The token endpoint's verdict on a client secret: accepted (`invalid_grant` for the dummy code) or refused. */
export type SecretVerdict = { accepted: true } | { accepted: false; error: string; description?: string | undefined }

/** Proves a client secret at the issuer's token endpoint without a user (the rotation's preflight probe). */
export interface ClientSecretProbe {
  probe(request: ClientSecretProbeRequest): Promise<SecretVerdict>
}

/**
 * The probe over oidc-preflight.ts (discovery, then a code exchange with a made-up code). An answer that says
 * nothing about the secret (a 5xx, an unreachable endpoint) is a ManagementApiError (exit 5), never "accepted".
 */
export function fetchClientSecretProbe(): ClientSecretProbe {
  return {
    async probe(request) {
      const { server, outcome } = await probeDiscovery(request.issuer)
      if (!server?.tokenEndpoint) {
        throw new ManagementApiError(`could not prove the client secret: ${outcome.ok ? 'no token endpoint in discovery' : outcome.reason}`, {}, {
          hint: 'nothing was retired; run the same command again when the issuer answers',
        })
      }
      let verdict
      try {
        verdict = await probeClientSecret({ tokenEndpoint: server.tokenEndpoint, clientId: request.clientId, clientSecret: request.secret, method: request.method, redirectUri: request.redirectUri ?? 'http://127.0.0.1/' })
      } catch (cause) {
        throw new ManagementApiError(`could not reach ${server.tokenEndpoint}: ${(cause as Error).message}`, { url: server.tokenEndpoint }, {
          hint: 'nothing was retired; run the same command again when the token endpoint answers',
          cause,
        })
      }
      if (verdict.kind === 'accepted') {
        return { accepted: true }
      }
      if (verdict.kind === 'rejected') {
        return { accepted: false, error: 'invalid_client', description: verdict.description }
      }
      throw new ManagementApiError(
        `the token endpoint answered ${verdict.error ?? `HTTP ${verdict.status}`}${verdict.description ? ` (${verdict.description})` : ''}, which says nothing about the secret`,
        { status: verdict.status, url: server.tokenEndpoint },
        { hint: 'nothing was retired; run the same command again' },
      )
    },
  }
}
