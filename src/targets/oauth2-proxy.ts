import { joinUrl } from '../domain/urls.js'
import type { RenderableTarget } from './types.js'

// Sources (oauth2-proxy/oauth2-proxy@14af2951, 2026-07-30): docs/docs/configuration/overview.md (keys, env names,
// cookie secret), docs/docs/configuration/providers/openid_connect.md (Okta), pkg/apis/options/*.go (cfg tags),
// pkg/apis/options/load.go (TOML through viper, OAUTH2_PROXY_ env prefix, unknown keys refused),
// pkg/encryption/utils.go SecretBytes (cookie secret forms), pkg/middleware/stored_session.go (session expiry).

/** Upstream URL schemes oauth2-proxy accepts (`--upstream`: http(s), file:// paths, static://status). */
function checkUpstream(value: string): string | undefined {
  return /^(?:https?:\/\/[^\s/]+|file:\/\/\/?\S*|static:\/\/\d{3})\S*$/.test(value)
    ? undefined
    : 'an upstream is an http(s):// URL, a file:// path or static://<status>'
}

function checkDomain(value: string): string | undefined {
  return value === '*' || /^[A-Za-z0-9.-]+$/.test(value) ? undefined : 'an email domain such as example.com, or * for any'
}

/**
 * oauth2-proxy with the generic `oidc` provider, in front of any app. The base URL is the proxy's external URL (the
 * callback is `{base}/oauth2/callback`). Okta ID tokens last 60 minutes and oauth2-proxy drops a session once its ID
 * token expired, so the session is refreshed (refresh token grant, offline_access, cookie_refresh).
 */
export const oauth2Proxy: RenderableTarget = {
  name: 'oauth2-proxy',
  aliases: ['oauth2proxy'],
  title: 'oauth2-proxy',
  summary: 'the generic OIDC proxy in front of any app (oauth2-proxy.cfg or env); --base-url is the proxy URL',
  formats: ['native', 'env'],
  settings: [
    {
      key: 'upstreams',
      kind: 'list',
      description: 'what oauth2-proxy protects: the upstream URL(s) it forwards authenticated requests to',
      required: true,
      validate: checkUpstream,
      example: 'http://127.0.0.1:8080/',
    },
    {
      key: 'emailDomains',
      kind: 'list',
      description: 'email domains allowed to sign in (* for any user Okta lets through)',
      required: false,
      default: ['*'],
      validate: checkDomain,
      example: 'example.com',
    },
    {
      key: 'allowedGroups',
      kind: 'list',
      description: 'Okta groups allowed through (from the ID token groups claim); empty: every assigned user',
      required: false,
      example: 'Engineering',
    },
  ],
  requirements({ baseUrl, settings }) {
    const groups = Array.isArray(settings?.allowedGroups) && settings.allowedGroups.length > 0
    return {
      applicationType: 'web',
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      redirectUris: [joinUrl(baseUrl, '/oauth2/callback')],
      postLogoutRedirectUris: [joinUrl(baseUrl, '/')],
      scopes: ['openid', 'email', 'profile', 'offline_access'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkceRequired: true,
      authServer: 'default',
      refreshTokenRotation: 'STATIC',
      notes: [
        'the base URL is the proxy\'s external URL; the callback is {base}/oauth2/callback',
        'Okta ID tokens last 60 minutes and oauth2-proxy drops a session whose ID token expired: cookie_refresh renews it with the refresh token',
        'scope is set explicitly: with allowed_groups and no scope, oauth2-proxy would request a "groups" scope Okta does not have',
        ...(groups ? ['allowed_groups needs a groups claim in the ID token: use a custom authorization server with --groups-claim'] : []),
      ],
    }
  },
  issuerWarning(kind) {
    return kind === 'org'
      ? 'allowed_groups needs a "groups" claim in the ID token, which only a custom authorization server adds for you (e.g. https://{org}/oauth2/default with --groups-claim)'
      : undefined
  },
  nextSteps(format) {
    return format === 'env'
      ? ['pass oauth2-proxy.env to the container (docker run --env-file oauth2-proxy.env, or env_file: in compose); set OAUTH2_PROXY_HTTP_ADDRESS=0.0.0.0:4180 inside a container']
      : ['start the proxy with this file: oauth2-proxy --config oauth2-proxy.cfg (check it first with --config-test)']
  },
  loadRenderer: async () => (await import('./oauth2-proxy-render.js')).oauth2ProxyRenderer,
}
