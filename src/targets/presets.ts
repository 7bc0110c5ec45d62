import { DEFAULT_LOGIN_PORTS, loopbackRedirectUri } from '../domain/loopback.js'
import type { OktaAppRequirements, RequirementsInput, TargetModule } from './types.js'

/**
 * Targets that only need an Okta app (no config files to render): the generic OAuth client shapes, and `cli`, the
 * app `oidc-setup login` itself uses.
 */

const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access']

function base(input: RequirementsInput): string {
  return input.baseUrl.href.replace(/\/+$/, '')
}

/** The app `oidc-setup login` signs in with: native, public, PKCE, refresh and device grants, loopback redirects. */
export const cliTarget: TargetModule = {
  name: 'cli',
  aliases: [],
  title: 'oidc-setup login (CLI)',
  summary: 'the native app `oidc-setup login` uses: PKCE, refresh token, device grant, loopback redirect URIs',
  requirements(): OktaAppRequirements {
    return {
      applicationType: 'native',
      grantTypes: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      responseTypes: ['code'],
      // Okta matches redirect URIs exactly, port included: register exactly the ports `login` tries.
      redirectUris: DEFAULT_LOGIN_PORTS.map(loopbackRedirectUri),
      postLogoutRedirectUris: [],
      scopes: OIDC_SCOPES,
      tokenEndpointAuthMethod: 'none',
      pkceRequired: true,
      authServer: 'default',
      refreshTokenRotation: 'ROTATE',
      notes: [
        `redirect URIs are the loopback ports oidc-setup login tries (${DEFAULT_LOGIN_PORTS.join(', ')}): Okta has no any-port rule for loopback`,
        'public client (no secret): PKCE protects the code; the device grant covers machines without a browser',
      ],
    }
  },
}

/** A confidential server-side web app. */
export const webTarget: TargetModule = {
  name: 'web',
  aliases: [],
  title: 'Web application (confidential)',
  summary: 'a server-side web app: authorization code + refresh token, client secret, {base}/callback',
  requirements(input): OktaAppRequirements {
    return {
      applicationType: 'web',
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      redirectUris: [`${base(input)}/callback`],
      postLogoutRedirectUris: [`${base(input)}/`],
      scopes: OIDC_SCOPES,
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkceRequired: false,
      authServer: 'default',
      refreshTokenRotation: 'STATIC',
      notes: ['override the callback path with --redirect-uri when your framework uses another one'],
    }
  },
}

/** A single-page app in the browser. */
export const spaTarget: TargetModule = {
  name: 'spa',
  aliases: ['browser'],
  title: 'Single-page app (browser)',
  summary: 'a browser app: public client with PKCE, rotating refresh tokens, trusted origin for CORS',
  requirements(input): OktaAppRequirements {
    return {
      applicationType: 'browser',
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      redirectUris: [`${base(input)}/callback`],
      postLogoutRedirectUris: [`${base(input)}/`],
      scopes: OIDC_SCOPES,
      tokenEndpointAuthMethod: 'none',
      pkceRequired: true,
      authServer: 'default',
      refreshTokenRotation: 'ROTATE',
      trustedOrigins: [input.baseUrl.origin],
      notes: ['the base URL origin becomes a trusted origin (CORS + redirect) so the browser can call the token endpoint'],
    }
  },
}

/** A native (desktop or mobile) app with a private-use URI scheme. */
export const nativeTarget: TargetModule = {
  name: 'native',
  aliases: ['mobile', 'desktop'],
  title: 'Native app (desktop or mobile)',
  summary: 'a native app: public client with PKCE, private-use scheme redirect derived from the base URL host',
  requirements(input): OktaAppRequirements {
    const scheme = input.baseUrl.hostname.split('.').reverse().join('.')
    return {
      applicationType: 'native',
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      redirectUris: [`${scheme}:/callback`],
      postLogoutRedirectUris: [`${scheme}:/`],
      scopes: OIDC_SCOPES,
      tokenEndpointAuthMethod: 'none',
      pkceRequired: true,
      authServer: 'default',
      refreshTokenRotation: 'ROTATE',
      notes: [`redirect URI uses the private-use scheme ${scheme}: (RFC 8252 §7.1), the reversed base URL host`],
    }
  },
}

/** The custom scope a service (client credentials) app gets; also the server's default scope when created. */
export const SERVICE_SCOPE = 'api:access'

/** A machine-to-machine client. */
export const serviceTarget: TargetModule = {
  name: 'service',
  aliases: ['m2m'],
  title: 'Service (machine to machine)',
  summary: `a service: client credentials with a client secret and the custom scope ${SERVICE_SCOPE}`,
  requirements(): OktaAppRequirements {
    return {
      applicationType: 'service',
      grantTypes: ['client_credentials'],
      responseTypes: ['token'],
      redirectUris: [],
      postLogoutRedirectUris: [],
      scopes: [SERVICE_SCOPE],
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkceRequired: false,
      authServer: 'default',
      notes: [
        `client credentials cannot use OpenID scopes: the custom scope ${SERVICE_SCOPE} is created on the authorization server`,
        'the org authorization server cannot mint tokens for your own APIs: use default or a custom server',
      ],
    }
  },
}

/** The non-rendering presets, in the order `targets` lists them. */
export const presetTargets: TargetModule[] = [cliTarget, webTarget, spaTarget, nativeTarget, serviceTarget]

/** Presets for which --base-url is optional (their redirect URIs do not depend on it). */
export const BASE_URL_OPTIONAL: ReadonlySet<string> = new Set(['cli', 'service'])
