import { joinUrl } from '../domain/urls.js'
import type { RenderableTarget } from './types.js'

/**
 * MinIO's OpenID identity provider, configured through `MINIO_IDENTITY_OPENID_*` environment variables
 * (minio/minio internal/config/identity/openid/openid.go: keys `config_url`, `client_id`, `client_secret`,
 * `claim_name` (default `policy`), `role_policy`, `scopes` (comma-separated), `redirect_uri`, `display_name`;
 * "Role Policy and Claim Name cannot both be set"). With a claim, each value of the claim names a MinIO policy:
 * Okta group names must equal MinIO policy names. The base URL is the MinIO Console's URL; its callback is
 * `/oauth_callback`.
 */
export const minio: RenderableTarget = {
  name: 'minio',
  aliases: [],
  title: 'MinIO',
  summary: 'MinIO OpenID identity (MINIO_IDENTITY_OPENID_* env file); --base-url is the MinIO Console URL',
  formats: ['native'],
  settings: [
    {
      key: 'claimName',
      kind: 'string',
      required: false,
      default: 'groups',
      description: 'the ID token claim whose values name MinIO policies (claim_name; Okta group names must equal policy names)',
      example: 'groups',
      validate: (v) => (/^[A-Za-z0-9_.:/-]+$/.test(v) ? undefined : 'a claim name has no spaces or quotes'),
    },
    {
      key: 'rolePolicy',
      kind: 'string',
      required: false,
      description: 'instead of a claim: MinIO policies every Okta user gets (role_policy, comma-separated)',
      example: 'readonly',
      validate: (v) => (/^[A-Za-z0-9_.,-]+$/.test(v) ? undefined : 'policy names are letters, digits, . _ - separated by commas'),
    },
  ],
  requirements({ baseUrl, settings }) {
    const byClaim = settings?.rolePolicy === undefined
    return {
      applicationType: 'web',
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      redirectUris: [joinUrl(baseUrl, '/oauth_callback')],
      postLogoutRedirectUris: [],
      scopes: ['openid', 'profile', 'email'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkceRequired: false,
      authServer: byClaim ? 'default' : 'org',
      notes: byClaim
        ? [
            'each value of the "groups" claim must be the name of a MinIO policy (mc admin policy create …): name Okta groups after policies',
            'the groups claim comes from a custom authorization server: provision with --groups-claim',
          ]
        : ['every Okta user who can sign in gets the role policy; assign the app to the right groups in Okta'],
    }
  },
  nextSteps() {
    return [
      'give minio.env to the MinIO server (MINIO_CONFIG_ENV_FILE=/etc/default/minio for systemd, or docker run --env-file minio.env) and restart it',
      'create a MinIO policy per Okta group name (mc admin policy create ALIAS NAME policy.json) before the first sign-in',
    ]
  },
  loadRenderer: async () => (await import('./minio-render.js')).minioRenderer,
}
