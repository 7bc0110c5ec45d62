import { joinUrl } from '../domain/urls.js'
import type { RenderableTarget } from './types.js'

/**
 * Galaxy (galaxyproject/galaxy) through python-social-auth's Okta backend. See targets.md §1: the refresh token is
 * mandatory on a user's first login, and `api_url` (not `url`) is what the Okta backend reads.
 */
export const galaxy: RenderableTarget = {
  name: 'galaxy',
  aliases: [],
  title: 'Galaxy',
  summary: 'Galaxy OIDC login (oidc_backends_config.xml, oidc_config.xml, galaxy.yml)',
  formats: ['native'],
  secretRefUnsupported: 'Galaxy reads the client secret literally from oidc_backends_config.xml (no variable substitution)',
  requirements({ baseUrl }) {
    return {
      applicationType: 'web',
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      redirectUris: [joinUrl(baseUrl, '/authnz/okta/callback')],
      postLogoutRedirectUris: [joinUrl(baseUrl, '')],
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkceRequired: false,
      authServer: 'org',
      refreshTokenRotation: 'STATIC',
      notes: [
        'Galaxy refuses a first login without a refresh token, so the app needs the Refresh Token grant and offline_access',
        'api_url is the org authorization server (https://{org}/oauth2); a custom one needs social-auth-core >= 4.7.0, which discovers {api_url}/.well-known/openid-configuration (commit 095b736e; earlier releases read the org root and fail with an issuer mismatch)',
        'a local Galaxy account with the same e-mail as an Okta user: set fixed_delegated_auth in galaxy.yml to link them on login (lib/galaxy/authnz/psa_authnz.py), or that user cannot sign in with Okta',
        'enable_idp_logout stays false: Galaxy sends no id_token_hint, so Okta would not redirect back',
      ],
    }
  },
  issuerWarning(kind) {
    return kind === 'custom'
      ? 'Galaxy with a custom authorization server needs social-auth-core >= 4.7.0 (before it, discovery reads the org root: issuer mismatch); check `pip show social-auth-core` in Galaxy\'s venv (Galaxy 24.x pins 4.5.4 in lib/galaxy/dependencies/pinned-requirements.txt), or use the org server (--issuer https://{org})'
      : undefined
  },
  nextSteps() {
    return [
      'copy the files into Galaxy\'s config directory (or point oidc_config_file/oidc_backends_config_file at them)',
      'merge the galaxy.yml keys into config/galaxy.yml under "galaxy:" (or re-run with --merge against it) and restart Galaxy',
    ]
  },
  loadRenderer: async () => (await import('./galaxy-render.js')).galaxyRenderer,
}
