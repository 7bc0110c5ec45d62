import { joinUrl } from '../domain/urls.js'
import type { RenderableTarget } from './types.js'

// Sources: grafana/grafana conf/defaults.ini [auth.okta] (keys and defaults: use_pkce true, use_refresh_token false),
// pkg/login/social/connectors/okta_oauth.go@06975c08 (groups and role_attribute_path are read from the api_url
// userinfo response; use_refresh_token adds offline_access), pkg/util/strings.go SplitString (JSON lists),
// docs/sources/setup-grafana/configure-security/configure-authentication/okta (callback {root_url}/login/okta).

const ROLES = ['Viewer', 'Editor', 'Admin', 'None']

/** Grafana's built-in organization roles (None: signed in without access, Grafana 10+). */
function checkRole(value: string): string | undefined {
  return ROLES.includes(value) ? undefined : `one of ${ROLES.join(', ')}`
}

// JMESPath raw string literals cannot hold control characters (RFC-style grammar of jmespath.org/specification).
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const checkGroup = (value: string): string | undefined => (/[\u0000-\u001F\u007F]/.test(value) ? 'a group name without control characters' : undefined)

/**
 * Grafana's built-in Okta connector (`[auth.okta]`). Groups come from the userinfo response (api_url), so the groups
 * claim must be an ID-token claim of a custom authorization server; role_attribute_path maps Okta groups to roles.
 */
export const grafana: RenderableTarget = {
  name: 'grafana',
  aliases: [],
  title: 'Grafana',
  summary: 'Grafana\'s Okta login [auth.okta] with group-to-role mapping (grafana.ini or GF_AUTH_OKTA_* env)',
  formats: ['native', 'env'],
  settings: [
    { key: 'adminGroups', kind: 'list', description: 'Okta groups whose members get the Admin role', required: false, validate: checkGroup, example: 'Grafana Admins' },
    { key: 'editorGroups', kind: 'list', description: 'Okta groups whose members get the Editor role', required: false, validate: checkGroup, example: 'Grafana Editors' },
    {
      key: 'defaultRole',
      kind: 'string',
      description: 'the role of everybody else who signs in (Viewer, Editor, Admin or None)',
      required: false,
      default: 'Viewer',
      validate: checkRole,
      example: 'Viewer',
    },
    { key: 'allowedGroups', kind: 'list', description: 'only members of these Okta groups may sign in (empty: every assigned user)', required: false, validate: checkGroup, example: 'Engineering' },
  ],
  requirements({ baseUrl }) {
    return {
      applicationType: 'web',
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      redirectUris: [joinUrl(baseUrl, '/login/okta')],
      postLogoutRedirectUris: [joinUrl(baseUrl, '/login')],
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkceRequired: true,
      authServer: 'default',
      refreshTokenRotation: 'STATIC',
      notes: [
        'the callback is {root_url}/login/okta: [server] root_url is set to the base URL so Grafana sends exactly that',
        'Grafana reads groups from the userinfo response: a groups claim (ID token) on a custom authorization server, so pass --groups-claim',
        'use_refresh_token: without it Grafana signs users out when the 60-minute access token expires',
      ],
    }
  },
  issuerWarning(kind) {
    return kind === 'org'
      ? 'role mapping and allowed_groups need a "groups" claim from userinfo, which a custom authorization server adds (e.g. https://{org}/oauth2/default with --groups-claim)'
      : undefined
  },
  nextSteps(format) {
    return format === 'env'
      ? ['pass grafana.env to the Grafana container (docker run --env-file grafana.env, or env_file: in compose) and restart it']
      : ['merge grafana.ini into Grafana\'s configuration (or re-run with --merge against it) and restart grafana-server']
  },
  loadRenderer: async () => (await import('./grafana-render.js')).grafanaRenderer,
}
