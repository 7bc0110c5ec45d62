import { joinUrl } from '../domain/urls.js'
import type { RenderableTarget, TargetSettings } from './types.js'

const DEFAULT_BASE_PATH = '/api/auth'

/** Auth.js's base path from the settings (`/api/auth` is next-auth's; plain @auth/core uses `/auth`). */
export function authjsBasePath(settings: TargetSettings | undefined): string {
  const value = settings?.basePath
  return (typeof value === 'string' ? value : DEFAULT_BASE_PATH).replace(/\/+$/, '')
}

/**
 * Auth.js (next-auth v5 / @auth/core) with its built-in Okta provider (@auth/core 0.41.3 providers/okta.js: id
 * `okta`, type `oidc`, checks `pkce` and `state`). The provider reads AUTH_OKTA_ID, AUTH_OKTA_SECRET and
 * AUTH_OKTA_ISSUER, Auth.js reads AUTH_SECRET and AUTH_URL (lib/utils/env.js setEnvDefaults, createActionURL); the
 * callback is `{AUTH_URL}/callback/okta` (lib/utils/providers.js: `${url}/callback/${id}`).
 */
export const authjs: RenderableTarget = {
  name: 'authjs',
  aliases: ['nextauth', 'next-auth'],
  title: 'Auth.js (NextAuth) Okta provider',
  summary: 'Auth.js / NextAuth v5 with its Okta provider (.env.local); callback {base}/api/auth/callback/okta',
  formats: ['native'],
  settings: [
    {
      key: 'basePath',
      kind: 'string',
      description: "Auth.js's base path: /api/auth for Next.js (next-auth), /auth for @auth/core in other frameworks",
      required: false,
      default: DEFAULT_BASE_PATH,
      validate: (v) => (/^\/[A-Za-z0-9._~/-]*$/.test(v) ? undefined : 'must be a URL path such as /api/auth'),
      example: '/auth',
    },
  ],
  requirements({ baseUrl, settings }) {
    const basePath = authjsBasePath(settings)
    return {
      applicationType: 'web',
      // Auth.js signs in with the code flow and does not refresh tokens itself (its sessions are its own).
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      redirectUris: [joinUrl(baseUrl, `${basePath}/callback/okta`)],
      postLogoutRedirectUris: [joinUrl(baseUrl, '')],
      // normalizeOAuth's default scope for an OIDC provider (lib/utils/providers.js).
      scopes: ['openid', 'profile', 'email'],
      // token_endpoint_auth_method undefined → client_secret_basic (lib/actions/callback/oauth/callback.js).
      tokenEndpointAuthMethod: 'client_secret_basic',
      // The Okta provider's checks include "pkce": Okta can require it.
      pkceRequired: true,
      authServer: 'org',
      notes: [
        `the callback is {base}${basePath}/callback/okta: AUTH_URL's path is Auth.js's base path (set basePath for other frameworks)`,
        'AUTH_OKTA_ISSUER must equal the issuer in discovery exactly: Auth.js checks it on every sign-in (oauth4webapi)',
        'AUTH_SECRET is generated once and kept on re-render: changing it signs every user out',
      ],
    }
  },
  nextSteps(format, options) {
    void format
    return options?.secretRef
      ? [
          '.env.local holds no secret: set AUTH_OKTA_SECRET (the client secret) and AUTH_SECRET (e.g. `npx auth secret` or `openssl rand -base64 33`) in the environment of the app; Next.js does not let .env.local override them',
          'export { handlers } from NextAuth({ providers: [Okta] }) reads the rest from .env.local',
        ]
      : [
          'put .env.local next to package.json (Next.js loads it; never commit it) and use providers: [Okta] from next-auth/providers/okta (or @auth/core/providers/okta): the provider reads AUTH_OKTA_* itself',
          'in a container, pass the same file with docker run --env-file .env.local or env_file: in compose',
        ]
  },
  loadRenderer: async () => (await import('./authjs-render.js')).authjsRenderer,
}
