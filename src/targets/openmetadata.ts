import { joinUrl } from '../domain/urls.js'
import type { RenderableTarget } from './types.js'

/**
 * What to do because OpenMetadata keeps its security settings in the database once it has started
 * (SecurityConfigurationManager.initialize reads openmetadata_settings first; #31786, #26159). Before 2.1 the
 * stored row must be deleted; from 2.1 the config source setting decides (configSource.security:
 * ${SECURITY_CONFIG_SOURCE:-AUTO}; ENV applies the file, and replacing a provider configured in the UI also needs
 * SECURITY_CONFIG_SOURCE_CONFIRM_PROVIDER_CHANGE=true — OpenMetadata's config-source design, openmetadata-service
 * config/source/ConfigSourceGroup).
 */
export const DB_CONFIG_STEPS = [
  'if this server has started before, its database keeps the old security settings and ignores this file: before 2.1 run ./bootstrap/openmetadata-ops.sh remove-security-config --force (in the server container) and restart',
  'on OpenMetadata 2.1+ instead set SECURITY_CONFIG_SOURCE=ENV (plus SECURITY_CONFIG_SOURCE_CONFIRM_PROVIDER_CHANGE=true when the provider was set in the UI) and restart',
]

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
  settings: [
    {
      key: 'adminPrincipals',
      kind: 'list',
      description:
        'user names of the first OpenMetadata admins (the part of their Okta e-mail before @): authorizerConfiguration.adminPrincipals',
      required: true,
      validate: (v) => (/^[A-Za-z0-9._+-]+$/.test(v) ? undefined : 'must be a user name (the part of the e-mail before @)'),
      example: 'jdoe',
    },
    {
      key: 'principalDomain',
      kind: 'string',
      description: "your users' e-mail domain: authorizerConfiguration.principalDomain",
      required: true,
      validate: (v) =>
        /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(v)
          ? undefined
          : 'must be a domain name such as example.com',
      example: 'example.com',
    },
  ],
  requirements({ baseUrl }) {
    return {
      applicationType: 'web',
      // No offline_access (below), so Okta issues no refresh token: registering the grant would only widen the app.
      // Current servers keep their own session without the IdP's refresh token (OidcProviderTokenRefresher).
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      redirectUris: [joinUrl(baseUrl, '/callback'), joinUrl(baseUrl, '/silent-callback')],
      postLogoutRedirectUris: [joinUrl(baseUrl, '')],
      scopes: ['openid', 'email', 'profile'],
      tokenEndpointAuthMethod: 'client_secret_post',
      pkceRequired: false,
      authServer: 'default',
      issuerMode: 'ORG_URL',
      notes: [
        'use a custom authorization server (e.g. default): OpenMetadata expects publicKeyUrls to hold {issuer}/v1/keys',
        'do not request offline_access: it locked users out (OpenMetadata #30304)',
        'adminPrincipals and principalDomain are required settings: with basic auth removed, only they make an Okta user an admin',
        'on an install that has started once, the security settings stored in the database win over this file (OpenMetadata #31786, #26159)',
      ],
    }
  },
  issuerWarning(kind) {
    return kind === 'org'
      ? 'OpenMetadata expects a custom authorization server (e.g. https://{org}/oauth2/default): its security settings check that publicKeyUrls hold {issuer}/v1/keys, which the org server does not serve'
      : undefined
  },
  nextSteps(format, options) {
    return [
      format === 'env'
        ? 'start OpenMetadata with these variables: docker compose --env-file openmetadata.env up -d'
        : 'merge openmetadata.yaml into conf/openmetadata.yaml (or re-run with --merge against it)',
      ...(options?.secretRef && format === 'env'
        ? ['OIDC_CLIENT_SECRET is a bare name: export it in the shell that runs docker compose, which takes it from there']
        : []),
      ...DB_CONFIG_STEPS,
    ]
  },
  loadRenderer: async () => (await import('./openmetadata-render.js')).openmetadataRenderer,
}
