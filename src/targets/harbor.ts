import { joinUrl } from '../domain/urls.js'
import type { RenderableTarget } from './types.js'

/**
 * Harbor keeps its authentication settings in its database, set through `PUT /api/v2.0/configurations`
 * (goharbor/harbor src/lib/config/metadata/metadatalist.go and src/common/const.go: `auth_mode` = `oidc_auth`,
 * `oidc_name`, `oidc_endpoint`, `oidc_client_id`, `oidc_client_secret`, `oidc_groups_claim`, `oidc_admin_group`,
 * `oidc_group_filter`, `oidc_scope` (comma-separated), `oidc_user_claim`, `oidc_verify_cert`, `oidc_auto_onboard`;
 * callback `OIDCCallbackPath = "/c/oidc/callback"`). Harbor's OIDC guide asks for `openid` and `offline_access` in
 * the scope: it keeps the refresh token to check that the user is still valid for CLI secrets.
 */
export const harbor: RenderableTarget = {
  name: 'harbor',
  aliases: [],
  title: 'Harbor',
  summary: 'Harbor registry OIDC auth mode (configurations API JSON body + curl script)',
  formats: ['native'],
  secretRefUnsupported: 'Harbor stores the client secret in its database: the JSON body sent to its API carries it',
  settings: [
    {
      key: 'adminGroup',
      kind: 'string',
      required: false,
      description: 'the Okta group whose members are Harbor administrators (oidc_admin_group; needs --groups-claim)',
      example: 'harbor-admins',
    },
    {
      key: 'groupFilter',
      kind: 'string',
      required: false,
      description: 'a regular expression selecting the Okta groups Harbor imports (oidc_group_filter)',
      example: '^harbor-',
    },
    {
      key: 'autoOnboard',
      kind: 'boolean',
      required: false,
      default: true,
      description: 'create Harbor users on first sign-in from the user claim, without asking for a username (oidc_auto_onboard)',
      example: 'false',
    },
  ],
  requirements({ baseUrl, settings }) {
    return {
      applicationType: 'web',
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      redirectUris: [joinUrl(baseUrl, '/c/oidc/callback')],
      postLogoutRedirectUris: [],
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkceRequired: false,
      authServer: settings?.adminGroup ? 'default' : 'org',
      refreshTokenRotation: 'STATIC',
      notes: [
        'Harbor refuses to switch auth_mode to oidc_auth once users other than admin exist ("auth mode can not be modified")',
        'users sign in to docker with their Harbor CLI secret (user profile), not their Okta password',
        ...(settings?.adminGroup ? ['the admin group is read from the "groups" claim: provision with --groups-claim on a custom server'] : []),
      ],
    }
  },
  nextSteps() {
    return [
      'apply the settings: HARBOR_URL=https://… HARBOR_ADMIN_USER=admin HARBOR_ADMIN_PASSWORD=… sh harbor-oidc.sh (reads harbor-oidc.json)',
      'then sign in with "LOGIN VIA OIDC PROVIDER" on Harbor\'s login page',
    ]
  },
  loadRenderer: async () => (await import('./harbor-render.js')).harborRenderer,
}
