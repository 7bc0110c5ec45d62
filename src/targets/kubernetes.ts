import { cliTarget } from './presets.js'
import type { RenderableTarget, TargetSetting } from './types.js'

// Sources (kubernetes/website content/en/docs/reference/access-authn-authz/authentication.md, "OpenID Connect Tokens"):
// - the API server authenticates the ID token (not the access token) of the OAuth2 token response; its `aud` must
//   hold --oidc-client-id / jwt[].issuer.audiences, so the client id of the app kubectl signs in with IS the audience:
//   one public native app serves both (what kubelogin users register), no second "server" app is needed;
// - legacy flags --oidc-issuer-url, --oidc-client-id, --oidc-username-claim (default sub; claims other than email
//   are prefixed with "{issuer}#" unless --oidc-username-prefix is given; "-" disables prefixing),
//   --oidc-groups-claim, --oidc-groups-prefix;
// - structured AuthenticationConfiguration (--authentication-config): jwt[].issuer.{url,audiences},
//   claimMappings.username.{claim,prefix} and claimMappings.groups.{claim,prefix}; "if username.claim is set,
//   username.prefix is required. Explicitly set it to "" if no prefix is desired" (the same for groups); with
//   claim email, email_verified must be true when present; --authentication-config together with any --oidc-* flag
//   makes the API server exit.
// - feature-gates/StructuredAuthenticationConfiguration.md: beta (v1beta1) 1.30–1.33, stable from 1.34
//   (apiserver.config.k8s.io/v1, docs/reference/config-api/apiserver-config.v1).
// Okta: a groups claim (custom authorization server, --groups-claim, optionally with a filter) returns at most 100
// groups (developer.okta.com/docs/guides/customize-tokens-groups-claim/).

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/

const noControl = (what: string) => (value: string): string | undefined => (CONTROL.test(value) ? `${what} without control characters` : undefined)

/** Kubernetes object names (RBAC names may hold `:`, e.g. system:aggregate-to-view); kubeconfig names likewise. */
const checkName = (value: string): string | undefined =>
  /^[a-z0-9]([-a-z0-9.:]{0,251}[a-z0-9])?$/.test(value) ? undefined : 'a lowercase Kubernetes name such as view or my-cluster'

const checkProfile = (value: string): string | undefined =>
  /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value) ? undefined : 'an oidc-setup profile name (letters, digits, . _ -)'

const checkClaim = (value: string): string | undefined => (/^[A-Za-z0-9_.:-]{1,100}$/.test(value) ? undefined : 'a claim name such as groups')

const USERNAME_CLAIMS = ['email', 'sub', 'preferred_username']

/** A prefix: `-` means none (the legacy flag's spelling; rendered as "" in the structured configuration). */
const checkPrefix = (value: string): string | undefined =>
  CONTROL.test(value) || /\s/.test(value) ? 'a prefix without spaces or control characters, e.g. oidc: (or - for none)' : undefined

export const KUBERNETES_SETTINGS: readonly TargetSetting[] = [
  { key: 'clusterName', kind: 'string', description: 'the cluster\'s name in kubeconfig.yaml', required: false, default: 'kubernetes', validate: checkName, example: 'prod' },
  { key: 'loginProfile', kind: 'string', description: 'the oidc-setup profile whose ID token kubectl sends (oidc-setup login --profile P)', required: false, default: 'kubernetes', validate: checkProfile, example: 'kubernetes' },
  {
    key: 'usernameClaim',
    kind: 'string',
    description: `the ID token claim that becomes the Kubernetes username (${USERNAME_CLAIMS.join(', ')})`,
    required: false,
    default: 'email',
    validate: (v) => (USERNAME_CLAIMS.includes(v) ? undefined : `one of ${USERNAME_CLAIMS.join(', ')}`),
    example: 'email',
  },
  { key: 'usernamePrefix', kind: 'string', description: 'prefix of usernames, keeping them apart from system: users (- for none)', required: false, default: 'oidc:', validate: checkPrefix, example: 'oidc:' },
  { key: 'groupsClaim', kind: 'string', description: 'the ID token claim holding the Okta groups (the groups claim oidc-setup adds is "groups")', required: false, default: 'groups', validate: checkClaim, example: 'groups' },
  { key: 'groupsPrefix', kind: 'string', description: 'prefix of group names in RBAC (- for none)', required: false, default: 'oidc:', validate: checkPrefix, example: 'oidc:' },
  { key: 'bindGroups', kind: 'list', description: 'Okta groups bound to clusterRole by clusterrolebinding.yaml', required: false, validate: noControl('a group name'), example: 'k8s-viewers' },
  { key: 'clusterRole', kind: 'string', description: 'the ClusterRole the groups are bound to (view by default; cluster-admin only on purpose)', required: false, default: 'view', validate: checkName, example: 'view' },
  {
    key: 'authConfigVersion',
    kind: 'string',
    description: 'apiVersion of authentication-config.yaml: v1 (Kubernetes 1.34+) or v1beta1 (1.30–1.33)',
    required: false,
    default: 'v1',
    validate: (v) => (v === 'v1' || v === 'v1beta1' ? undefined : 'v1 or v1beta1'),
    example: 'v1beta1',
  },
]

/**
 * Kubernetes' OIDC authenticator with developers signing in through `oidc-setup login`: one native public app
 * (PKCE, the loopback redirect URIs of the `cli` preset) whose client id is the API server's audience, and whose
 * ID token kubectl sends through the exec credential plugin `oidc-setup token`.
 */
export const kubernetes: RenderableTarget = {
  name: 'kubernetes',
  aliases: ['k8s', 'kubectl'],
  title: 'Kubernetes (kube-apiserver OIDC + kubectl)',
  summary: 'the API server\'s OIDC authenticator (AuthenticationConfiguration or --oidc-* flags), a kubeconfig using oidc-setup token, a ClusterRoleBinding',
  formats: ['native'],
  settings: KUBERNETES_SETTINGS,
  requirements(input) {
    // The `cli` preset's app (native, PKCE, refresh and device grants, the loopback ports `oidc-setup login` tries),
    // whose client id is also the API server's audience.
    return {
      ...cliTarget.requirements(input),
      notes: [
        'kube-apiserver authenticates the ID token: its aud is this app\'s client id, which is the audience in the rendered files',
        'groups: a groups claim in the ID token on a custom authorization server (--groups-claim); Okta puts at most 100 groups in it, so filter it',
        'the base URL is the API server URL (kubeconfig.yaml\'s cluster server)',
      ],
    }
  },
  issuerWarning(kind) {
    return kind === 'org'
      ? 'RBAC on Okta groups needs a "groups" claim in the ID token, which a custom authorization server adds (e.g. https://{org}/oauth2/default with --groups-claim)'
      : undefined
  },
  nextSteps(_format, options) {
    const profile = typeof options?.settings?.loginProfile === 'string' ? options.settings.loginProfile : 'kubernetes'
    const groups = options?.settings?.bindGroups
    return [
      'kube-apiserver: pass --authentication-config=/etc/kubernetes/authentication-config.yaml, OR the flags in apiserver-oidc-flags.txt (never both: the API server exits)',
      `developers: oidc-setup login --profile ${profile}, then kubectl --kubeconfig kubeconfig.yaml get ns (add the cluster's certificate-authority-data first)`,
      Array.isArray(groups) && groups.length > 0
        ? 'kubectl apply -f clusterrolebinding.yaml (binds the Okta groups, prefixed, to the ClusterRole)'
        : 'clusterrolebinding.yaml binds nobody yet: re-render with --set bindGroups=GROUP, or add subjects yourself',
    ]
  },
  loadRenderer: async () => (await import('./kubernetes-render.js')).kubernetesRenderer,
}
