import { joinUrl } from '../domain/urls.js'
import type { RenderableTarget } from './types.js'

/**
 * OpenMetadata / Collate in confidential (server-side code flow) mode, the only mode that logs in with Okta on
 * current servers. See targets.md §4: no `offline_access` (it locked users out, #30304); a custom authorization
 * server is recommended.
 */
export const openmetadata: RenderableTarget = {
  name: 'openmetadata',
  aliases: ['collate'],
  title: 'OpenMetadata / Collate',
  summary: 'OpenMetadata or Collate SSO, confidential client (openmetadata.yaml or docker .env)',
  formats: ['native', 'env'],
  requirements({ baseUrl }) {
    return {
      applicationType: 'web',
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      redirectUris: [joinUrl(baseUrl, '/callback'), joinUrl(baseUrl, '/silent-callback')],
      postLogoutRedirectUris: [joinUrl(baseUrl, '')],
      scopes: ['openid', 'email', 'profile'],
      tokenEndpointAuthMethod: 'client_secret_post',
      pkceRequired: false,
      authServer: 'default',
      issuerMode: 'ORG_URL',
      refreshTokenRotation: 'STATIC',
      notes: [
        'use a custom authorization server (e.g. default): OpenMetadata expects publicKeyUrls to hold {issuer}/v1/keys',
        'do not request offline_access: it locked users out (OpenMetadata #30304)',
        'set adminPrincipals (user names = email local part) and principalDomain before the first login',
      ],
    }
  },
  issuerWarning(kind) {
    return kind === 'org'
      ? 'OpenMetadata expects a custom authorization server (e.g. https://{org}/oauth2/default): its security settings check that publicKeyUrls hold {issuer}/v1/keys, which the org server does not serve'
      : undefined
  },
  nextSteps(format) {
    return format === 'env'
      ? ['start OpenMetadata with these variables: docker compose --env-file openmetadata.env up -d']
      : ['merge openmetadata.yaml into conf/openmetadata.yaml (or re-run with --merge against it) and restart the server']
  },
  loadRenderer: async () => (await import('./openmetadata-render.js')).openmetadataRenderer,
}
