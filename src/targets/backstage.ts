import { joinUrl } from '../domain/urls.js'
import type { RenderableTarget } from './types.js'

/** Sign-in resolvers the Okta provider accepts (@backstage/plugin-auth-backend-module-okta-provider resolvers.ts + the common ones). */
export const BACKSTAGE_RESOLVERS = ['emailMatchingUserEntityProfileEmail', 'emailLocalPartMatchingUserEntityName', 'emailMatchingUserEntityAnnotation'] as const

/**
 * Backstage's Okta auth provider (backstage/backstage plugins/auth-backend-module-okta-provider: config.d.ts keys
 * `clientId`, `clientSecret`, `audience`, `authServerId`, `idp`, `callbackUrl`, `additionalScopes` under
 * `auth.providers.okta.<environment>`; authenticator.ts requires the scopes `openid email profile offline_access` and
 * defaults `audience` to https://okta.com, so it must be the org URL). The backend's handler path is
 * `/api/auth/okta/handler/frame`; `auth.environment` picks the provider block.
 */
export const backstage: RenderableTarget = {
  name: 'backstage',
  aliases: [],
  title: 'Backstage',
  summary: 'Backstage Okta auth provider (app-config.yaml); --base-url is the backend base URL',
  formats: ['native'],
  settings: [
    {
      key: 'environment',
      kind: 'string',
      required: false,
      default: 'production',
      description: 'the auth environment (auth.environment) the provider block is written for',
      example: 'production',
      validate: (v) => (/^[A-Za-z0-9_-]+$/.test(v) ? undefined : 'letters, digits, _ and - only'),
    },
    {
      key: 'signInResolver',
      kind: 'string',
      required: false,
      default: 'emailMatchingUserEntityProfileEmail',
      description: `how an Okta user becomes a catalog user: ${BACKSTAGE_RESOLVERS.join(', ')}`,
      example: 'emailMatchingUserEntityProfileEmail',
      validate: (v) => ((BACKSTAGE_RESOLVERS as readonly string[]).includes(v) ? undefined : `one of ${BACKSTAGE_RESOLVERS.join(', ')}`),
    },
  ],
  requirements({ baseUrl }) {
    return {
      applicationType: 'web',
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      redirectUris: [joinUrl(baseUrl, '/api/auth/okta/handler/frame')],
      postLogoutRedirectUris: [],
      // authenticator.ts: scopes.required = openid, email, profile, offline_access.
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkceRequired: false,
      authServer: 'org',
      refreshTokenRotation: 'STATIC',
      notes: [
        'the base URL is backend.baseUrl (where /api/auth lives), not the frontend',
        'audience is the Okta org URL; a custom authorization server goes in authServerId',
        'the sign-in resolver needs a catalog User entity per person (e.g. from the Okta catalog provider)',
      ],
    }
  },
  nextSteps() {
    return [
      'merge app-config.yaml into app-config.production.yaml (or render with --merge against it) and restart the backend',
      'add the Okta provider module to the backend (backend.add(import(\'@backstage/plugin-auth-backend-module-okta-provider\'))) and oktaAuthApiRef to the sign-in page',
    ]
  },
  loadRenderer: async () => (await import('./backstage-render.js')).backstageRenderer,
}
