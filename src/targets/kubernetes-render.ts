import { type Document, isMap, isScalar, isSeq, type Node, visit, YAMLMap, YAMLSeq } from 'yaml'
import { ConfigError } from '../domain/errors.js'
import { templateText } from './templates.js'
import { checkValue, checkYamlValue, isSafePlain } from './values.js'
import { parseYaml, setYaml, stringifyYaml } from './yaml-doc.js'
import type { RenderContext, RenderedFile, TargetRenderer } from './types.js'

// Keys and their sources are listed in kubernetes.ts. Further sources:
// - kubeconfig exec: kubernetes/client-go tools/clientcmd/api/v1/types.go ExecConfig (command, args, apiVersion,
//   installHint, provideClusterInfo, interactiveMode: Never | IfAvailable | Always, required with
//   client.authentication.k8s.io/v1); `oidc-setup token` never reads stdin (it refreshes, or fails with a hint to
//   log in), so interactiveMode is Never: kubectl then runs it in pipes and CI as well. provideClusterInfo false:
//   the plugin needs nothing of the cluster (KUBERNETES_EXEC_INFO stays small).
// - ClusterRoleBinding: rbac.authorization.k8s.io/v1 (kubernetes/website docs/reference/access-authn-authz/rbac.md:
//   subjects kind Group with apiGroup rbac.authorization.k8s.io; roleRef immutable; the `view` ClusterRole is
//   read-only and excludes Secrets, which is why it is the default rather than cluster-admin).

export const AUTH_CONFIG = 'authentication-config.yaml'
export const FLAGS = 'apiserver-oidc-flags.txt'
export const KUBECONFIG = 'kubeconfig.yaml'
export const BINDING = 'clusterrolebinding.yaml'
const FILES = [AUTH_CONFIG, FLAGS, KUBECONFIG, BINDING]

const str = (context: RenderContext, key: string, fallback: string): string => {
  const v = context.settings[key]
  return typeof v === 'string' ? v : fallback
}

/** A prefix setting as the API server takes it: `-` is none (""). */
const prefix = (context: RenderContext, key: string): string => {
  const v = str(context, key, 'oidc:')
  return v === '-' ? '' : v
}

/** The values every file is rendered from (settings with defaults applied). */
export function kubernetesValues(context: RenderContext) {
  const profile = str(context, 'loginProfile', 'kubernetes')
  const cluster = str(context, 'clusterName', 'kubernetes')
  const groups = context.settings.bindGroups
  return {
    issuer: context.issuer,
    clientId: context.clientId,
    usernameClaim: str(context, 'usernameClaim', 'email'),
    usernamePrefix: prefix(context, 'usernamePrefix'),
    groupsClaim: str(context, 'groupsClaim', 'groups'),
    groupsPrefix: prefix(context, 'groupsPrefix'),
    apiVersion: `apiserver.config.k8s.io/${str(context, 'authConfigVersion', 'v1')}`,
    server: context.baseUrl,
    profile,
    cluster,
    user: `okta-${profile}`,
    contextName: `okta@${cluster}`,
    clusterRole: str(context, 'clusterRole', 'view'),
    bindGroups: Array.isArray(groups) ? groups : [],
  }
}

/** The jwt[] entry of the AuthenticationConfiguration (the keys this tool owns). */
export function jwtAuthenticator(context: RenderContext): Record<string, unknown> {
  const v = kubernetesValues(context)
  return {
    issuer: { url: v.issuer, audiences: [v.clientId] },
    claimMappings: {
      username: { claim: v.usernameClaim, prefix: v.usernamePrefix },
      groups: { claim: v.groupsClaim, prefix: v.groupsPrefix },
    },
  }
}

/** The exec credential plugin of the kubeconfig user. */
export function execConfig(context: RenderContext): Record<string, unknown> {
  const v = kubernetesValues(context)
  return {
    apiVersion: 'client.authentication.k8s.io/v1',
    command: 'oidc-setup',
    // --id-token: the OIDC authenticator checks aud against the client id; Okta's access token has the server's aud.
    args: ['token', '--profile', v.profile, '--id-token', '--format', 'exec-credential'],
    installHint: `oidc-setup signs you in to Okta: install it, then run oidc-setup login --profile ${v.profile}`,
    interactiveMode: 'Never',
    provideClusterInfo: false,
  }
}

/** A node for a plain value whose strings are checked and styled like setYaml's (bare only when YAML 1.1 agrees). */
function safeNode(doc: Document, name: string, value: unknown): Node {
  const node = doc.createNode(value) as Node
  visit(node, {
    Scalar(_key, scalar) {
      if (typeof scalar.value === 'string') {
        checkYamlValue(name, scalar.value)
        scalar.type = isSafePlain(scalar.value) ? 'PLAIN' : 'QUOTE_DOUBLE'
      }
    },
  })
  return node
}

function seqAt(doc: Document, file: string, key: string): YAMLSeq {
  if (!isMap(doc.contents)) {
    throw new ConfigError(`could not merge into ${file}: the top level is not a mapping`, { hint: `fix ${file}, or render to a new file without --merge` })
  }
  const current = doc.contents.get(key, true)
  if (isSeq(current)) {
    current.flow = false
    return current
  }
  if (current !== undefined && !(isScalar(current) && current.value === null)) {
    throw new ConfigError(`could not merge into ${file}: ${key} is not a list`, { hint: `fix ${file}, or render to a new file without --merge` })
  }
  const seq = new YAMLSeq(doc.schema)
  doc.contents.set(key, seq)
  return seq
}

/**
 * Finds the entry of list `key` that `match`es (or appends a new one) and sets only the owned paths in it, so other
 * entries and the user's other keys (certificateAuthority, claimValidationRules, …) stay.
 */
function upsert(doc: Document, file: string, key: string, match: (item: YAMLMap) => boolean, owned: Array<[string[], unknown]>): void {
  const seq = seqAt(doc, file, key)
  let item = seq.items.find((i): i is YAMLMap => isMap(i) && match(i))
  if (!item) {
    item = new YAMLMap(doc.schema)
    seq.items.push(item)
  }
  for (const [path, value] of owned) {
    item.setIn(path, safeNode(doc, `${key}[].${path.join('.')}`, value))
  }
}

const named = (name: string) => (item: YAMLMap): boolean => item.get('name') === name

function applyAuthConfig(text: string, context: RenderContext): RenderedFile {
  const doc = parseYaml(AUTH_CONFIG, text)
  const v = kubernetesValues(context)
  setYaml(doc, AUTH_CONFIG, ['apiVersion'], v.apiVersion)
  setYaml(doc, AUTH_CONFIG, ['kind'], 'AuthenticationConfiguration')
  const jwt = jwtAuthenticator(context) as { issuer: { url: string; audiences: string[] }; claimMappings: { username: unknown; groups: unknown } }
  // One authenticator per issuer (issuer.url must be unique across authenticators).
  upsert(doc, AUTH_CONFIG, 'jwt', (i) => i.getIn(['issuer', 'url']) === v.issuer, [
    [['issuer', 'url'], jwt.issuer.url],
    [['issuer', 'audiences'], jwt.issuer.audiences],
    [['claimMappings', 'username'], jwt.claimMappings.username],
    [['claimMappings', 'groups'], jwt.claimMappings.groups],
  ])
  return { path: AUTH_CONFIG, text: stringifyYaml(doc), containsSecret: false, secrets: [] }
}

/** A flag value for a POSIX shell: bare when safe, else single-quoted. Control characters are refused. */
export function shellWord(name: string, value: string): string {
  checkValue(name, value)
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/.test(value)) {
    throw new ConfigError(`could not render ${name}: it contains a control or line-break character`)
  }
  return /^[A-Za-z0-9._:/@%+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`
}

/** The legacy --oidc-* flags, one per line (authentication.md "Using flags"). */
export function oidcFlags(context: RenderContext): string[] {
  const v = kubernetesValues(context)
  const flag = (name: string, value: string): string => `--${name}=${shellWord(`--${name}`, value)}`
  return [
    flag('oidc-issuer-url', v.issuer),
    flag('oidc-client-id', v.clientId),
    flag('oidc-username-claim', v.usernameClaim),
    // "-" disables prefixing; without the flag a claim other than email would be prefixed with "{issuer}#".
    flag('oidc-username-prefix', v.usernamePrefix === '' ? '-' : v.usernamePrefix),
    flag('oidc-groups-claim', v.groupsClaim),
    // No groups prefix is the flag left out (an empty value is the default).
    ...(v.groupsPrefix === '' ? [] : [flag('oidc-groups-prefix', v.groupsPrefix)]),
  ]
}

function applyFlags(text: string, context: RenderContext): RenderedFile {
  // Keeps every line that is not an --oidc-* flag (comments, other flags), then the flags this tool owns.
  const kept = text.split('\n').filter((line) => line !== '' && !/^\s*--oidc-/.test(line))
  return { path: FLAGS, text: `${[...kept, ...oidcFlags(context)].join('\n')}\n`, containsSecret: false, secrets: [] }
}

function applyKubeconfig(text: string, context: RenderContext): RenderedFile {
  const doc = parseYaml(KUBECONFIG, text)
  const v = kubernetesValues(context)
  setYaml(doc, KUBECONFIG, ['apiVersion'], 'v1')
  setYaml(doc, KUBECONFIG, ['kind'], 'Config')
  upsert(doc, KUBECONFIG, 'clusters', named(v.cluster), [
    [['name'], v.cluster],
    [['cluster', 'server'], v.server],
  ])
  upsert(doc, KUBECONFIG, 'users', named(v.user), [
    [['name'], v.user],
    [['user', 'exec'], execConfig(context)],
  ])
  upsert(doc, KUBECONFIG, 'contexts', named(v.contextName), [
    [['name'], v.contextName],
    [['context', 'cluster'], v.cluster],
    [['context', 'user'], v.user],
  ])
  setYaml(doc, KUBECONFIG, ['current-context'], v.contextName)
  return { path: KUBECONFIG, text: stringifyYaml(doc), containsSecret: false, secrets: [] }
}

/** The binding's subjects: each Okta group with the groups prefix the API server adds. */
export function bindingSubjects(context: RenderContext): Array<Record<string, string>> {
  const v = kubernetesValues(context)
  return v.bindGroups.map((g) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: `${v.groupsPrefix}${g}` }))
}

function applyBinding(text: string, context: RenderContext): RenderedFile {
  const doc = parseYaml(BINDING, text)
  const v = kubernetesValues(context)
  setYaml(doc, BINDING, ['apiVersion'], 'rbac.authorization.k8s.io/v1')
  setYaml(doc, BINDING, ['kind'], 'ClusterRoleBinding')
  setYaml(doc, BINDING, ['metadata', 'name'], `okta-${v.clusterRole}`)
  setYaml(doc, BINDING, ['roleRef', 'apiGroup'], 'rbac.authorization.k8s.io')
  setYaml(doc, BINDING, ['roleRef', 'kind'], 'ClusterRole')
  setYaml(doc, BINDING, ['roleRef', 'name'], v.clusterRole)
  const subjects = bindingSubjects(context)
  if (subjects.length > 0 && isMap(doc.contents)) {
    doc.contents.set('subjects', safeNode(doc, 'subjects', subjects))
  }
  return { path: BINDING, text: stringifyYaml(doc), containsSecret: false, secrets: [] }
}

const APPLY: Record<string, (text: string, context: RenderContext) => RenderedFile> = {
  [AUTH_CONFIG]: applyAuthConfig,
  [FLAGS]: applyFlags,
  [KUBECONFIG]: applyKubeconfig,
  [BINDING]: applyBinding,
}

/** Renders the API server's authentication (structured and as flags), a kubeconfig and a ClusterRoleBinding. */
export const kubernetesRenderer: TargetRenderer = {
  files: () => FILES,
  render(context, templates) {
    return FILES.map((name) => (APPLY[name] as (t: string, c: RenderContext) => RenderedFile)(templateText(templates, 'kubernetes', name), context))
  },
  merge(path, existingText, context) {
    const apply = APPLY[path]
    if (!apply) {
      throw new ConfigError(`could not merge into ${path}: kubernetes renders ${FILES.join(', ')}`)
    }
    return apply(existingText, context)
  },
}
