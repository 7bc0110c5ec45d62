import { joinUrl } from '../domain/urls.js'
import type { RenderableTarget } from './types.js'

/**
 * Jenkins with the OpenID Connect Authentication plugin (jenkinsci/oic-auth-plugin, 4.x) through Configuration as
 * Code: `jenkins.securityRealm.oic` with `serverConfiguration.wellKnown.wellKnownOpenIDConfigurationUrl` and
 * `scopesOverride`, `clientId`, `clientSecret`, `userNameField`, `groupsFieldName`, `pkceEnabled`,
 * `logoutFromOpenidProvider`, `postLogoutRedirectUrl` (docs/configuration/README.md, "JCasC configuration
 * reference"). Without `scopesOverride` the plugin requests every scope the discovery document lists. The plugin's
 * callback is `{root}/securityRealm/finishLogin`.
 */
export const jenkins: RenderableTarget = {
  name: 'jenkins',
  aliases: [],
  title: 'Jenkins (oic-auth plugin)',
  summary: 'Jenkins OpenID Connect Authentication plugin via Configuration as Code (jenkins.yaml)',
  formats: ['native'],
  settings: [
    {
      key: 'groupsClaim',
      kind: 'boolean',
      required: false,
      default: false,
      description: 'map the ID token\'s "groups" claim to Jenkins groups (groupsFieldName; needs --groups-claim)',
      example: 'true',
    },
  ],
  requirements({ baseUrl, settings }) {
    return {
      applicationType: 'web',
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      redirectUris: [joinUrl(baseUrl, '/securityRealm/finishLogin')],
      postLogoutRedirectUris: [joinUrl(baseUrl, '/')],
      scopes: ['openid', 'profile', 'email'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkceRequired: true,
      authServer: settings?.groupsClaim === true ? 'default' : 'org',
      notes: [
        'the callback is {Jenkins root URL}/securityRealm/finishLogin: set Jenkins\' root URL (jenkins.location.url) to the base URL',
        'keep a way in before switching realms: the plugin\'s escape hatch (escapeHatchEnabled) or script console access',
      ],
    }
  },
  nextSteps() {
    return [
      'put jenkins.yaml where Configuration as Code reads it (CASC_JENKINS_CONFIG) and reload it (Manage Jenkins › Configuration as Code)',
      'set OKTA_CLIENT_SECRET in Jenkins\' environment when the file references it (--secret-ref env)',
    ]
  },
  loadRenderer: async () => (await import('./jenkins-render.js')).jenkinsRenderer,
}
