import { joinUrl } from '../domain/urls.js'
import type { RenderableTarget, TargetSettings } from './types.js'

/** Characters a group name cannot hold in `Require claim`: the line is an ap_expr string, then split into words. */
// eslint-disable-next-line no-control-regex -- control characters cannot be matched in a Require line
const GROUP_UNSAFE = /["'\\%$\u0000-\u001F\u007F]/

/** The groups of the `requireGroups` setting. */
export function apacheGroups(settings: TargetSettings | undefined): string[] {
  const value = settings?.requireGroups
  return Array.isArray(value) ? value : []
}

/**
 * Apache httpd with mod_auth_openidc (OpenIDC/mod_auth_openidc; Debian apache2 + libapache2-mod-auth-openidc
 * 2.4.12). OIDCRedirectURI is a vanity URL that "must ONLY point to a path on your server protected by this module
 * but must NOT point to any actual content" (auth_openidc.conf), so it is `{base}/redirect_uri` inside the
 * protected `<Location>`; logout is `{base}/redirect_uri?logout={url}`.
 */
export const apache: RenderableTarget = {
  name: 'apache',
  aliases: ['httpd', 'mod_auth_openidc'],
  title: 'Apache httpd (mod_auth_openidc)',
  summary: 'Apache httpd + mod_auth_openidc (oidc.conf to Include); redirect URI {base}/redirect_uri',
  formats: ['native'],
  settings: [
    {
      key: 'requireGroups',
      kind: 'list',
      description: 'Okta groups allowed in (Require claim groups:…; any one of them); everyone signed in when unset',
      required: false,
      validate: (v) => (GROUP_UNSAFE.test(v) ? 'quotes, backslashes, % and $ cannot be matched in a Require line' : undefined),
      example: 'Everyone',
    },
    {
      key: 'remoteUserClaim',
      kind: 'string',
      description: 'the claim REMOTE_USER is set from (OIDCRemoteUserClaim)',
      required: false,
      default: 'email',
      validate: (v) => (/^[A-Za-z0-9_.:-]+@?$/.test(v) ? undefined : 'must be a claim name such as email or sub'),
      example: 'preferred_username',
    },
  ],
  requirements({ baseUrl, settings }) {
    const groups = apacheGroups(settings).length > 0
    return {
      applicationType: 'web',
      // mod_auth_openidc refreshes access tokens only when asked (OIDCRefreshAccessTokenBeforeExpiry): code flow only.
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      redirectUris: [joinUrl(baseUrl, '/redirect_uri')],
      postLogoutRedirectUris: [joinUrl(baseUrl, '')],
      scopes: ['openid', 'email', 'profile', ...(groups ? ['groups'] : [])],
      // The default of the OIDC spec and of mod_auth_openidc (OIDCProviderTokenEndpointAuth).
      tokenEndpointAuthMethod: 'client_secret_basic',
      // Rendered as OIDCPKCEMethod S256.
      pkceRequired: true,
      authServer: 'org',
      notes: [
        'OIDCRedirectURI {base}/redirect_uri is a vanity URL inside the protected <Location>: it must not serve content',
        ...(groups
          ? ['Require claim groups:… needs a groups claim: the org server returns it for the groups scope; a custom server needs a "groups" claim']
          : []),
        'OIDCCryptoPassphrase is generated once and kept on re-render; it must be the same on every server behind one cache',
      ],
    }
  },
  nextSteps(format, options) {
    void format
    return [
      'enable the module (a2enmod auth_openidc), Include oidc.conf in your <VirtualHost>, then apache2ctl configtest && systemctl reload apache2',
      ...(options?.secretRef
        ? ['oidc.conf reads ${OKTA_CLIENT_SECRET} and ${OIDC_CRYPTO_PASSPHRASE} from httpd\'s environment: export both in /etc/apache2/envvars (or the unit\'s Environment=); an unset one stays literal and httpd warns "config variable … is not defined"']
        : []),
      'behind a TLS-terminating proxy add OIDCXForwardedHeaders X-Forwarded-Proto X-Forwarded-Host so the redirect URI stays https',
    ]
  },
  loadRenderer: async () => (await import('./apache-render.js')).apacheRenderer,
}
