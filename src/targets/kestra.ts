import { joinUrl } from '../domain/urls.js'
import type { RenderableTarget } from './types.js'

/** Kestra's permission resources are upper-case words, actions CREATE/READ/UPDATE/DELETE (EE RBAC). */
const PERMISSION = /^[A-Z][A-Z_]*:(?:CREATE|READ|UPDATE|DELETE)$/

/**
 * Kestra Enterprise SSO through Micronaut Security OAuth2; the client key `okta` is also the last segment of the
 * callback path. See targets.md §3.
 */
export const kestra: RenderableTarget = {
  name: 'kestra',
  aliases: [],
  title: 'Kestra (Enterprise SSO)',
  summary: 'Kestra EE SSO via Micronaut Security (application.yaml or env)',
  formats: ['native', 'env'],
  // Kestra's SSO docs (kestra-io/docs 07.enterprise/03.auth/sso): without kestra.security.defaultRole a user who
  // signs in through SSO for the first time has no permissions. Which role and permissions is the user's call.
  settings: [
    {
      key: 'defaultRole',
      kind: 'string',
      description: 'name of the role Kestra gives users on their first SSO login (kestra.security.defaultRole.name); without it they get no permissions',
      required: false,
      ask: true,
      validate: (v) => (/^[A-Za-z0-9 ._-]+$/.test(v) ? undefined : 'must be a role name (letters, digits, space . _ -)'),
      example: 'Viewer',
    },
    {
      key: 'defaultRolePermissions',
      kind: 'list',
      description: 'that role\'s permissions as RESOURCE:ACTION (kestra.security.defaultRole.permissions), e.g. FLOW:READ,EXECUTION:READ',
      required: false,
      ask: true,
      askAfter: 'defaultRole',
      validate: (v) => (PERMISSION.test(v) ? undefined : 'must be RESOURCE:ACTION such as FLOW:READ'),
      example: 'FLOW:READ',
    },
  ],
  // Optional so existing setups keep rendering; its absence is the first next step (never an invented role).
  requirements({ baseUrl }) {
    return {
      applicationType: 'web',
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      redirectUris: [joinUrl(baseUrl, '/oauth/callback/okta')],
      postLogoutRedirectUris: [joinUrl(baseUrl, '/logout')],
      scopes: ['openid', 'email', 'profile'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkceRequired: false,
      authServer: 'org',
      issuerMode: 'ORG_URL',
      notes: [
        'the callback path ends in the client key "okta" (micronaut.security.oauth2.clients.okta)',
        'set the app\'s ID token issuer to "Okta URL" when the org has a custom domain',
        'kestra.encryption.secret-key must be identical on every webserver',
        "Okta's sign-out returns to /logout with a GET: micronaut.security.endpoints.logout.get-allowed is rendered true (LogoutControllerConfigurationProperties defaults to false)",
      ],
    }
  },
  nextSteps(format, options) {
    const role = options?.settings?.defaultRole
    const permissions = options?.settings?.defaultRolePermissions
    return [
      ...(typeof role !== 'string' || !Array.isArray(permissions) || permissions.length === 0
        ? ['no default role rendered: users signing in through SSO get no permissions until one is set; re-run with --set defaultRole=Viewer --set defaultRolePermissions=FLOW:READ,EXECUTION:READ (your role and permissions)']
        : []),
      ...(format === 'env'
        ? [
            'pass kestra.env to the Kestra container (docker run --env-file kestra.env, or env_file: in compose)',
            'the env form cannot carry kestra.security.defaultRole (a map of lists): put it in Kestra\'s YAML (render --format native shows it)',
          ]
        : ['merge application.yaml into Kestra\'s configuration (or re-run with --merge against it) and restart Kestra']),
      ...(options?.secretRef && format === 'env'
        ? ['MICRONAUT_SECURITY_OAUTH2_CLIENTS_OKTA_CLIENT_SECRET is a bare name: export it in the shell that runs docker run/compose, which passes it on (docker does not expand ${…})']
        : []),
      'behind a TLS-terminating proxy Micronaut may build an http:// callback: set micronaut.server.host-resolution.protocol-header: X-Forwarded-Proto and host-header: X-Forwarded-Host (Micronaut HostResolutionConfiguration), only when the proxy sets those headers',
    ]
  },
  loadRenderer: async () => (await import('./kestra-render.js')).kestraRenderer,
}
