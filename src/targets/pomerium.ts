import { joinUrl } from '../domain/urls.js'
import type { RenderableTarget } from './types.js'

/**
 * Pomerium (pomerium/pomerium) with `idp_provider: okta`. The base URL is the authenticate service URL
 * (`authenticate_service_url`); see targets.md §2. The issuer must match discovery byte for byte.
 */
export const pomerium: RenderableTarget = {
  name: 'pomerium',
  aliases: [],
  title: 'Pomerium',
  summary: 'Pomerium identity-aware proxy (config.yaml or env); --base-url is the authenticate service URL',
  formats: ['native', 'env'],
  requirements({ baseUrl }) {
    return {
      applicationType: 'web',
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      redirectUris: [joinUrl(baseUrl, '/oauth2/callback')],
      postLogoutRedirectUris: [joinUrl(baseUrl, '/.pomerium/signed_out')],
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkceRequired: false,
      authServer: 'org',
      refreshTokenRotation: 'STATIC',
      notes: [
        'the base URL is authenticate_service_url; left unset Pomerium would use its hosted authenticate service',
        'idp_provider_url must equal the issuer in discovery exactly (no trailing slash)',
        'sessions are refreshed with the refresh token: the Refresh Token grant is required',
      ],
    }
  },
  nextSteps(format, options) {
    if (format !== 'env') {
      return ['start Pomerium with this file (pomerium --config config.yaml); replace the example route with your own']
    }
    return [
      'pass pomerium.env to the container (docker run --env-file pomerium.env, or env_file: in compose); routes still go in config.yaml',
      ...(options?.secretRef
        ? [
            'IDP_CLIENT_SECRET, COOKIE_SECRET and SHARED_SECRET are bare names: export them in the shell that runs docker run --env-file or docker compose, which pass them on (docker does not expand ${…}, so a reference would reach Pomerium literally); COOKIE_SECRET and SHARED_SECRET are base64 of 32 random bytes (head -c32 /dev/urandom | base64)',
          ]
        : []),
    ]
  },
  loadRenderer: async () => (await import('./pomerium-render.js')).pomeriumRenderer,
}
