import { joinUrl } from '../domain/urls.js'
import type { RenderableTarget, TargetSetting } from './types.js'

const groupList = (key: string, description: string): TargetSetting => ({
  key,
  kind: 'list',
  required: false,
  description,
  example: 'gitlab-admins',
})

/**
 * GitLab (Omnibus gitlab.rb or the Helm chart) through OmniAuth's `openid_connect` strategy
 * (gitlab-org/gitlab doc/administration/auth/oidc.md, v18.11: provider `name: openid_connect`, `args` with issuer,
 * `discovery: true`, `client_auth_method`, `uid_field`, `pkce`, `client_options.identifier|secret|redirect_uri`;
 * callback `/users/auth/openid_connect/callback`). Group-based access (`groups_attribute`, `required_groups`,
 * `admin_groups`, `external_groups`, `auditor_groups`) is the same page's "Configure users based on OIDC group
 * membership", a Premium/Ultimate feature that needs a groups claim in the ID token.
 */
export const gitlab: RenderableTarget = {
  name: 'gitlab',
  aliases: [],
  title: 'GitLab (self-managed)',
  summary: 'GitLab OmniAuth openid_connect provider (Omnibus gitlab.rb and the Helm chart Secret)',
  formats: ['native'],
  secretRefUnsupported:
    "the Helm chart reads the provider, client secret included, from a Kubernetes Secret; for gitlab.rb alone, replace the secret with ENV.fetch('OKTA_CLIENT_SECRET') by hand",
  settings: [
    groupList('requiredGroups', 'Okta groups a user must be in to sign in (GitLab Premium; needs --groups-claim)'),
    groupList('adminGroups', 'Okta groups whose members are GitLab administrators (GitLab Premium; needs --groups-claim)'),
    groupList('externalGroups', 'Okta groups whose members are external users (GitLab Premium; needs --groups-claim)'),
    {
      key: 'blockAutoCreatedUsers',
      kind: 'boolean',
      required: false,
      default: true,
      description: 'new Okta users wait for an admin\'s approval (GitLab\'s default, omniauth_block_auto_created_users)',
      example: 'false',
    },
    { key: 'label', kind: 'string', required: false, default: 'Okta', description: 'the sign-in button\'s label', example: 'Okta' },
  ],
  requirements({ baseUrl, settings }) {
    const groups = ['requiredGroups', 'adminGroups', 'externalGroups'].some((k) => Array.isArray(settings?.[k]) && (settings[k] as string[]).length > 0)
    return {
      applicationType: 'web',
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      redirectUris: [joinUrl(baseUrl, '/users/auth/openid_connect/callback')],
      postLogoutRedirectUris: [joinUrl(baseUrl, '/')],
      scopes: ['openid', 'profile', 'email'],
      // client_auth_method 'basic' (HTTP Basic) is the strategy's default per oidc.md; Okta calls it client_secret_basic.
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkceRequired: true,
      authServer: groups ? 'default' : 'org',
      notes: [
        'uid_field is "sub": Okta\'s user id never changes, unlike the email or login',
        'GitLab reads the issuer\'s discovery document (discovery: true); the issuer must be exactly what Okta publishes',
        ...(groups ? ['group rules need a "groups" claim in the ID token (--groups-claim on a custom server) and GitLab Premium'] : []),
      ],
    }
  },
  nextSteps() {
    return [
      'Omnibus: copy the oidc-setup block of gitlab.rb into /etc/gitlab/gitlab.rb (or render with --merge --out /etc/gitlab), then `sudo gitlab-ctl reconfigure`',
      'Helm: `kubectl apply -f gitlab-openid-connect-secret.yaml` and merge gitlab-values.yaml into your values (global.appConfig.omniauth), then `helm upgrade`',
    ]
  },
  loadRenderer: async () => (await import('./gitlab-render.js')).gitlabRenderer,
}
