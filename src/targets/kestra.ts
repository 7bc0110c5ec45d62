import { joinUrl } from '../domain/urls.js'
import type { RenderableTarget } from './types.js'

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
      ],
    }
  },
  nextSteps(format) {
    return format === 'env'
      ? ['pass kestra.env to the Kestra container (docker run --env-file kestra.env, or env_file: in compose)']
      : ['merge application.yaml into Kestra\'s configuration (or re-run with --merge against it) and restart Kestra']
  },
  loadRenderer: async () => (await import('./kestra-render.js')).kestraRenderer,
}
