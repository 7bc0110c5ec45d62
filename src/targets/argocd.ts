import { joinUrl } from '../domain/urls.js'
import type { RenderableTarget } from './types.js'

// Sources: argoproj/argo-cd@37ee0097 docs/operator-manual/user-management/okta.md (Web app {url}/auth/callback; the
// CLI's own app with http://localhost:8085/auth/callback and sign-out http://localhost:8085; groups claim in the ID
// token), util/settings/settings.go OIDCConfig (issuer, clientID, clientSecret, cliClientID, requestedScopes,
// requestedIDTokenClaims), user-management/index.md ($<secret>:<key> references; the Secret must carry
// app.kubernetes.io/part-of: argocd), docs/operator-manual/rbac.md (policy.csv `g, <group>, <role>`, policy.default).

/** Casbin's policy.csv is CSV: a group name must not hold the separators or quotes. */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const checkGroup = (value: string): string | undefined => (/[,"\u0000-\u001F\u007F]/.test(value) ? 'a group name without commas, quotes or control characters' : undefined)

const checkRole = (value: string): string | undefined => (/^role:[A-Za-z0-9_.-]+$/.test(value) ? undefined : 'an Argo CD role such as role:readonly')

/** Argo CD's built-in OIDC: the server's Web app, and the argocd CLI's own public app as a companion (`cli`). */
export const argocd: RenderableTarget = {
  name: 'argocd',
  aliases: ['argo-cd'],
  title: 'Argo CD',
  summary: 'Argo CD SSO (built-in OIDC) with the argocd CLI as a companion app; argocd-cm, argocd-rbac-cm and a Secret',
  formats: ['native'],
  secretRefUnsupported:
    'argocd-cm already references the secret ($argocd-okta-oidc:clientSecret); the rendered Secret manifest holds it (0600). To keep it out of files, create that Secret with kubectl create secret generic instead',
  settings: [
    { key: 'adminGroups', kind: 'list', description: 'Okta groups mapped to role:admin in policy.csv', required: false, validate: checkGroup, example: 'argocd-admins' },
    { key: 'readonlyGroups', kind: 'list', description: 'Okta groups mapped to role:readonly in policy.csv', required: false, validate: checkGroup, example: 'argocd-viewers' },
    { key: 'defaultPolicy', kind: 'string', description: 'policy.default: the role of every signed-in user', required: false, default: 'role:readonly', validate: checkRole, example: 'role:readonly' },
  ],
  requirements({ baseUrl }) {
    return {
      applicationType: 'web',
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      redirectUris: [joinUrl(baseUrl, '/auth/callback')],
      postLogoutRedirectUris: [joinUrl(baseUrl, '')],
      scopes: ['openid', 'profile', 'email'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkceRequired: false,
      authServer: 'default',
      notes: [
        'the groups claim must be in the ID token (Argo CD reads groups from it): a custom authorization server with --groups-claim',
        'the argocd CLI signs in through its own public app (companion "cli"): http://localhost:8085/auth/callback; both apps need the access policy',
      ],
    }
  },
  companions() {
    return [
      {
        role: 'cli',
        requirements: {
          applicationType: 'browser',
          grantTypes: ['authorization_code'],
          responseTypes: ['code'],
          redirectUris: ['http://localhost:8085/auth/callback'],
          postLogoutRedirectUris: ['http://localhost:8085'],
          scopes: ['openid', 'profile', 'email'],
          tokenEndpointAuthMethod: 'none',
          pkceRequired: true,
          authServer: 'default',
          notes: ['argocd login --sso listens on localhost:8085 (okta.md: a Single-Page Application integration, public, PKCE)'],
        },
      },
    ]
  },
  issuerWarning(kind) {
    return kind === 'org' ? 'Argo CD maps Okta groups through a groups claim in the ID token: use a custom authorization server (e.g. https://{org}/oauth2/default) with --groups-claim' : undefined
  },
  nextSteps() {
    return ['kubectl -n argocd apply -f argocd-okta-secret.yaml -f argocd-cm.yaml -f argocd-rbac-cm.yaml (or merge the keys into yours); Argo CD picks them up without a restart']
  },
  loadRenderer: async () => (await import('./argocd-render.js')).argocdRenderer,
}
