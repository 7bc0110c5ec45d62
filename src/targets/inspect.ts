import path from 'node:path'
import { parse as parseYamlValue, parseDocument } from 'yaml'
import { ConfigError } from '../domain/errors.js'
import { directiveValue } from './apache-conf.js'
import { readEnvValue } from './env-file.js'
import { DB_CONFIG_STEPS } from './openmetadata.js'
import { checkIni, getIniValue } from './grafana-ini.js'
import { parseToml, tomlStringAt } from './oauth2-proxy-toml.js'
import { childElements, parseXml } from './xml-doc.js'
import { getYamlString } from './yaml-doc.js'
import { kubernetesAuthConfig, kubernetesFlags } from './kubernetes-inspect.js'

/** The Okta-relevant values found in a target's config file (what `doctor --config` compares with Okta). */
export interface InspectedConfig {
  issuer?: string | undefined
  clientId?: string | undefined
  redirectUris?: string[] | undefined
  jwksUrls?: string[] | undefined
  /** The literal client secret, or undefined when the file holds none or a reference such as ${VAR}. */
  clientSecret?: string | undefined
  /** What the file cannot show but the user must know to make it take effect (doctor prints these as warnings). */
  advice?: string[] | undefined
}

type Inspector = (text: string, file: string) => InspectedConfig

const isReference = (value: string | undefined): boolean => value === undefined || /^\$\{[^}]+\}$/.test(value)
const literal = (value: string | undefined): string | undefined => (isReference(value) ? undefined : value)
const trimSlash = (url: string | undefined): string | undefined => url?.replace(/\/+$/, '')

function yamlDoc(text: string, file: string): ReturnType<typeof parseDocument> {
  const doc = parseDocument(text)
  if (doc.errors.length > 0) {
    throw new ConfigError(`could not parse ${file}: ${doc.errors[0]?.message ?? 'invalid YAML'}`)
  }
  return doc
}

/** An OpenMetadata env value: OpenMetadata pastes it into its YAML, so it is read back as a YAML value. */
function omValue(text: string, name: string): unknown {
  const raw = readEnvValue(text, name)
  if (raw === undefined || raw === '') {
    return undefined
  }
  try {
    return parseYamlValue(raw) as unknown
  } catch {
    return raw
  }
}

function omString(text: string, name: string): string | undefined {
  const value = omValue(text, name)
  return typeof value === 'string' ? value : value === undefined || value === null ? undefined : String(value)
}

const galaxyBackends: Inspector = (text, file) => {
  const root = parseXml(file, text).documentElement
  const provider = (root ? childElements(root) : []).find(
    (e) => e.tagName === 'provider' && e.getAttribute('name')?.toLowerCase() === 'okta',
  )
  if (!provider) {
    throw new ConfigError(`${file} has no <provider name="okta">`, { hint: 'render it with `oidc-setup render-config --target galaxy --merge`' })
  }
  const tag = (name: string): string | undefined =>
    childElements(provider)
      .find((e) => e.tagName === name)
      ?.textContent?.trim() || undefined
  const redirect = tag('redirect_uri')
  return {
    issuer: trimSlash(tag('api_url')),
    clientId: tag('client_id'),
    redirectUris: redirect ? [redirect] : undefined,
    clientSecret: literal(tag('client_secret')),
  }
}

const pomeriumYaml: Inspector = (text, file) => {
  const doc = yamlDoc(text, file)
  const authenticate = getYamlString(doc, ['authenticate_service_url'])
  return {
    issuer: getYamlString(doc, ['idp_provider_url']),
    clientId: getYamlString(doc, ['idp_client_id']),
    redirectUris: authenticate ? [`${trimSlash(authenticate)}/oauth2/callback`] : undefined,
    clientSecret: literal(getYamlString(doc, ['idp_client_secret'])),
  }
}

const pomeriumEnv: Inspector = (text) => {
  const authenticate = readEnvValue(text, 'AUTHENTICATE_SERVICE_URL')
  return {
    issuer: readEnvValue(text, 'IDP_PROVIDER_URL') || undefined,
    clientId: readEnvValue(text, 'IDP_CLIENT_ID') || undefined,
    redirectUris: authenticate ? [`${trimSlash(authenticate)}/oauth2/callback`] : undefined,
    clientSecret: literal(readEnvValue(text, 'IDP_CLIENT_SECRET') || undefined),
  }
}

const KESTRA = ['micronaut', 'security', 'oauth2', 'clients', 'okta']

const kestraYaml: Inspector = (text, file) => {
  const doc = yamlDoc(text, file)
  return {
    issuer: getYamlString(doc, [...KESTRA, 'openid', 'issuer']),
    clientId: getYamlString(doc, [...KESTRA, 'client-id']),
    clientSecret: literal(getYamlString(doc, [...KESTRA, 'client-secret'])),
  }
}

const kestraEnv: Inspector = (text) => ({
  issuer: readEnvValue(text, 'MICRONAUT_SECURITY_OAUTH2_CLIENTS_OKTA_OPENID_ISSUER') || undefined,
  clientId: readEnvValue(text, 'MICRONAUT_SECURITY_OAUTH2_CLIENTS_OKTA_CLIENT_ID') || undefined,
  clientSecret: literal(readEnvValue(text, 'MICRONAUT_SECURITY_OAUTH2_CLIENTS_OKTA_CLIENT_SECRET') || undefined),
})

const openmetadataYaml: Inspector = (text, file) => {
  const doc = yamlDoc(text, file)
  const keys = doc.getIn(['authenticationConfiguration', 'publicKeyUrls'], false) as unknown
  const jwks =
    keys && typeof keys === 'object' && 'toJSON' in keys ? ((keys as { toJSON(): unknown }).toJSON() as unknown[]) : undefined
  const callback = getYamlString(doc, ['authenticationConfiguration', 'callbackUrl'])
  return {
    issuer: getYamlString(doc, ['authenticationConfiguration', 'authority']),
    clientId: getYamlString(doc, ['authenticationConfiguration', 'clientId']),
    redirectUris: callback ? [callback] : undefined,
    jwksUrls: jwks?.filter((v): v is string => typeof v === 'string'),
    clientSecret: literal(getYamlString(doc, ['authenticationConfiguration', 'oidcConfiguration', 'secret'])),
    advice: DB_CONFIG_STEPS,
  }
}

const openmetadataEnv: Inspector = (text) => {
  const callback = omString(text, 'AUTHENTICATION_CALLBACK_URL')
  const keys = omValue(text, 'AUTHENTICATION_PUBLIC_KEYS')
  return {
    issuer: omString(text, 'AUTHENTICATION_AUTHORITY'),
    clientId: omString(text, 'AUTHENTICATION_CLIENT_ID'),
    redirectUris: callback ? [callback] : undefined,
    jwksUrls: Array.isArray(keys) ? keys.map(String) : undefined,
    clientSecret: literal(omString(text, 'OIDC_CLIENT_SECRET')),
    advice: DB_CONFIG_STEPS,
  }
}

/** The issuer of a discovery URL (`{issuer}/.well-known/openid-configuration`). */
const issuerOfDiscovery = (url: string | undefined): string | undefined =>
  url?.replace(/\/\.well-known\/openid-configuration$/, '')

const apacheConf: Inspector = (text) => {
  const redirect = directiveValue(text, 'OIDCRedirectURI')
  return {
    issuer: issuerOfDiscovery(directiveValue(text, 'OIDCProviderMetadataURL')),
    clientId: directiveValue(text, 'OIDCClientID'),
    redirectUris: redirect ? [redirect] : undefined,
    clientSecret: literal(directiveValue(text, 'OIDCClientSecret')),
  }
}

const authjsEnv: Inspector = (text) => {
  const url = readEnvValue(text, 'AUTH_URL')
  return {
    issuer: readEnvValue(text, 'AUTH_OKTA_ISSUER') || undefined,
    clientId: readEnvValue(text, 'AUTH_OKTA_ID') || undefined,
    // AUTH_URL is Auth.js's base path; the provider's callback is {AUTH_URL}/callback/okta (lib/utils/providers.js).
    redirectUris: url ? [`${trimSlash(url)}/callback/okta`] : undefined,
    clientSecret: literal(readEnvValue(text, 'AUTH_OKTA_SECRET') || undefined),
  }
}

const oauth2ProxyCfg: Inspector = (text, file) => {
  const doc = parseToml(file, text)
  const redirect = tomlStringAt(doc, 'redirect_url')
  return {
    issuer: tomlStringAt(doc, 'oidc_issuer_url'),
    clientId: tomlStringAt(doc, 'client_id'),
    redirectUris: redirect ? [redirect] : undefined,
    clientSecret: tomlStringAt(doc, 'client_secret') || undefined,
  }
}

const oauth2ProxyEnv: Inspector = (text) => {
  const redirect = readEnvValue(text, 'OAUTH2_PROXY_REDIRECT_URL')
  return {
    issuer: readEnvValue(text, 'OAUTH2_PROXY_OIDC_ISSUER_URL') || undefined,
    clientId: readEnvValue(text, 'OAUTH2_PROXY_CLIENT_ID') || undefined,
    redirectUris: redirect ? [redirect] : undefined,
    clientSecret: literal(readEnvValue(text, 'OAUTH2_PROXY_CLIENT_SECRET') || undefined),
  }
}

/** Grafana derives its callback from [server] root_url (always ending in /) + login/okta. */
const grafanaRedirect = (root: string | undefined): string[] | undefined =>
  root ? [`${root.endsWith('/') ? root : `${root}/`}login/okta`] : undefined

/** Grafana's issuer as written: auth_url minus /v1/authorize, and minus /oauth2 for the org server. */
const grafanaIssuer = (authUrl: string | undefined): string | undefined =>
  authUrl?.replace(/\/v1\/authorize$/, '').replace(/^(https?:\/\/[^/]+)\/oauth2$/, '$1')

const grafanaIni: Inspector = (text, file) => {
  checkIni(file, text)
  return {
    issuer: grafanaIssuer(getIniValue(text, 'auth.okta', 'auth_url')),
    clientId: getIniValue(text, 'auth.okta', 'client_id') || undefined,
    redirectUris: grafanaRedirect(getIniValue(text, 'server', 'root_url')),
    clientSecret: literal(getIniValue(text, 'auth.okta', 'client_secret')?.replace(/^\$__env\{([^}]+)\}$/, '${$1}') || undefined),
  }
}

const grafanaEnv: Inspector = (text) => ({
  issuer: grafanaIssuer(readEnvValue(text, 'GF_AUTH_OKTA_AUTH_URL')),
  clientId: readEnvValue(text, 'GF_AUTH_OKTA_CLIENT_ID') || undefined,
  redirectUris: grafanaRedirect(readEnvValue(text, 'GF_SERVER_ROOT_URL')),
  clientSecret: literal(readEnvValue(text, 'GF_AUTH_OKTA_CLIENT_SECRET') || undefined),
})
/** The text of a double-quoted Ruby string as ruby-literal.ts writes it. */
function rubyText(quoted: string): string {
  const named: Record<string, string> = { n: '\n', t: '\t', r: '\r' }
  return quoted
    .slice(1, -1)
    .replace(/\\(x[0-9a-f]{2}|.)/g, (_, e: string) => (e.length === 3 ? String.fromCharCode(parseInt(e.slice(1), 16)) : (named[e] ?? e)))
}

const gitlabRb: Inspector = (text) => {
  // The managed block is written by gitlab-render.ts with one `'key' => 'value'` pair per line.
  const value = (key: string): string | undefined => {
    const m = text.match(new RegExp(`"${key}" => ("(?:[^"\\\\]|\\\\.)*")`))
    return m?.[1] ? rubyText(m[1]) : undefined
  }
  const redirect = value('redirect_uri')
  return { issuer: value('issuer'), clientId: value('identifier'), redirectUris: redirect ? [redirect] : undefined, clientSecret: value('secret') }
}

const gitlabSecret: Inspector = (text, file) => {
  const doc = yamlDoc(text, file)
  const provider = getYamlString(doc, ['stringData', 'provider'])
  if (!provider) {
    return {}
  }
  const inner = yamlDoc(provider, `${file} (stringData.provider)`)
  const redirect = getYamlString(inner, ['args', 'client_options', 'redirect_uri'])
  return {
    issuer: getYamlString(inner, ['args', 'issuer']),
    clientId: getYamlString(inner, ['args', 'client_options', 'identifier']),
    redirectUris: redirect ? [redirect] : undefined,
    clientSecret: literal(getYamlString(inner, ['args', 'client_options', 'secret'])),
  }
}

const harborJson: Inspector = (text, file) => {
  let body: Record<string, unknown>
  try {
    body = JSON.parse(text) as Record<string, unknown>
  } catch {
    throw new ConfigError(`could not parse ${file} as JSON`)
  }
  const s = (k: string): string | undefined => (typeof body[k] === 'string' ? (body[k] as string) : undefined)
  return { issuer: s('oidc_endpoint'), clientId: s('oidc_client_id'), clientSecret: s('oidc_client_secret') }
}

const minioEnv: Inspector = (text) => {
  const config = readEnvValue(text, 'MINIO_IDENTITY_OPENID_CONFIG_URL')
  const redirect = readEnvValue(text, 'MINIO_IDENTITY_OPENID_REDIRECT_URI')
  return {
    issuer: config?.replace(/\/\.well-known\/openid-configuration$/, ''),
    clientId: readEnvValue(text, 'MINIO_IDENTITY_OPENID_CLIENT_ID') || undefined,
    redirectUris: redirect ? [redirect] : undefined,
    clientSecret: literal(readEnvValue(text, 'MINIO_IDENTITY_OPENID_CLIENT_SECRET') || undefined),
  }
}

const JENKINS = ['jenkins', 'securityRealm', 'oic']
const jenkinsYaml: Inspector = (text, file) => {
  const doc = yamlDoc(text, file)
  const wellKnown = getYamlString(doc, [...JENKINS, 'serverConfiguration', 'wellKnown', 'wellKnownOpenIDConfigurationUrl'])
  return {
    issuer: wellKnown?.replace(/\/\.well-known\/openid-configuration$/, ''),
    clientId: getYamlString(doc, [...JENKINS, 'clientId']),
    clientSecret: literal(getYamlString(doc, [...JENKINS, 'clientSecret'])?.replace(/\^\$\{/g, '${')),
  }
}

const backstageYaml: Inspector = (text, file) => {
  const doc = yamlDoc(text, file)
  const env = getYamlString(doc, ['auth', 'environment']) ?? 'development'
  const block = ['auth', 'providers', 'okta', env]
  const audience = getYamlString(doc, [...block, 'audience'])
  const server = getYamlString(doc, [...block, 'authServerId'])
  return {
    issuer: audience ? `${trimSlash(audience)}${server ? `/oauth2/${server}` : ''}` : undefined,
    clientId: getYamlString(doc, [...block, 'clientId']),
    clientSecret: literal(getYamlString(doc, [...block, 'clientSecret'])),
  }
}

function jsonObject(text: string, file: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, unknown>
    }
  } catch {
    // reported below
  }
  throw new ConfigError(`could not parse ${file} as a JSON object`, { hint: 'render it again with `oidc-setup render-config --target vault`' })
}

const jsonString = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined)

const vaultConfig: Inspector = (text, file) => {
  const body = jsonObject(text, file)
  return {
    issuer: jsonString(body.oidc_discovery_url),
    clientId: jsonString(body.oidc_client_id),
    clientSecret: jsonString(body.oidc_client_secret),
  }
}

const vaultRole: Inspector = (text, file) => {
  const body = jsonObject(text, file)
  const list = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : undefined)
  return { clientId: list(body.bound_audiences)?.[0], redirectUris: list(body.allowed_redirect_uris) }
}

const argocdCm: Inspector = (text, file) => {
  const doc = yamlDoc(text, file)
  const url = getYamlString(doc, ['data', 'url'])
  const inner = getYamlString(doc, ['data', 'oidc.config'])
  const oidc = inner === undefined ? undefined : yamlDoc(inner, `${file} (data.oidc.config)`)
  return {
    issuer: oidc ? getYamlString(oidc, ['issuer']) : undefined,
    clientId: oidc ? getYamlString(oidc, ['clientID']) : undefined,
    redirectUris: url ? [`${trimSlash(url) ?? ''}/auth/callback`] : undefined,
  }
}

const INSPECTORS: Record<string, Record<string, Inspector>> = {
  gitlab: { 'gitlab.rb': gitlabRb, 'gitlab-openid-connect-secret.yaml': gitlabSecret },
  harbor: { 'harbor-oidc.json': harborJson },
  minio: { '.env': minioEnv },
  jenkins: { 'jenkins.yaml': jenkinsYaml, 'jenkins.yml': jenkinsYaml },
  backstage: { 'app-config.yaml': backstageYaml, 'app-config.production.yaml': backstageYaml },
  galaxy: { 'oidc_backends_config.xml': galaxyBackends },
  pomerium: { 'config.yaml': pomeriumYaml, '.env': pomeriumEnv },
  kestra: { 'application.yaml': kestraYaml, 'application.yml': kestraYaml, '.env': kestraEnv },
  openmetadata: { 'openmetadata.yaml': openmetadataYaml, '.env': openmetadataEnv },
  apache: { 'oidc.conf': apacheConf },
  authjs: { '.env.local': authjsEnv, '.env': authjsEnv },
  'oauth2-proxy': { 'oauth2-proxy.cfg': oauth2ProxyCfg, '.env': oauth2ProxyEnv },
  argocd: { 'argocd-cm.yaml': argocdCm },
  kubernetes: { 'authentication-config.yaml': kubernetesAuthConfig, 'apiserver-oidc-flags.txt': kubernetesFlags },
  vault: { 'oidc-config.json': vaultConfig, 'oidc-role.json': vaultRole },
  grafana: { 'grafana.ini': grafanaIni, 'custom.ini': grafanaIni, '.env': grafanaEnv },
}

/** The syntax a file is written in, from its name (the names render-config writes). */
type Syntax = 'xml' | 'json' | 'env' | 'ruby' | 'apache' | 'ini' | 'cfg' | 'yaml'

function syntaxOfName(base: string): Syntax | undefined {
  if (base === '.env' || base.endsWith('.env') || base.startsWith('.env.')) {
    return 'env'
  }
  const ext = path.extname(base)
  return ({ '.xml': 'xml', '.json': 'json', '.rb': 'ruby', '.conf': 'apache', '.ini': 'ini', '.cfg': 'cfg', '.yaml': 'yaml', '.yml': 'yaml' } as const)[ext]
}

/** The syntax a file's content is written in: for a file whose name says nothing (renamed, copied, `-` …). */
function syntaxOfContent(text: string): Syntax {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() && !/^\s*#/.test(l))
  const first = lines[0]?.trim() ?? ''
  if (first.startsWith('<')) {
    return 'xml'
  }
  if (first.startsWith('{')) {
    return 'json'
  }
  if (lines.some((l) => /^\s*OIDC[A-Za-z]+\s/.test(l))) {
    return 'apache'
  }
  if (lines.some((l) => /^\s*gitlab_rails\[/.test(l))) {
    return 'ruby'
  }
  if (lines.length && lines.every((l) => /^(export\s+)?[A-Za-z_][A-Za-z0-9_]*=/.test(l))) {
    return 'env'
  }
  if (lines.some((l) => /^\s*\[[^\]]+\]\s*$/.test(l))) {
    return 'ini'
  }
  if (lines.some((l) => /^\s*[a-z_]+\s*=\s*["[]/.test(l))) {
    return 'cfg'
  }
  return 'yaml'
}

/**
 * Reads the Okta-relevant values of a target's config file. The file kind is found by its name — the native file
 * names render-config writes (oidc_backends_config.xml, config.yaml, application.yaml, openmetadata.yaml …) or any
 * `*.env` / `.env` file for the env form — and, for a name that says nothing (a renamed or copied file), by its
 * content: its syntax, then the first of the target's readers of that syntax that finds the client in it.
 * Returns undefined for a file that holds nothing doctor compares (such as Galaxy's oidc_config.xml).
 */
export function inspectConfigFile(target: string, file: string, text: string): InspectedConfig | undefined {
  const table = INSPECTORS[target]
  if (!table) {
    throw new ConfigError(`target "${target}" has no config files to check`)
  }
  const base = path.basename(file)
  const inspector = table[base] ?? (syntaxOfName(base) === 'env' ? table['.env'] ?? table['.env.local'] : undefined)
  if (inspector) {
    return inspector(text, file)
  }
  if (
    (target === 'galaxy' && (base === 'oidc_config.xml' || base.startsWith('galaxy.y'))) ||
    (target === 'gitlab' && base === 'gitlab-values.yaml') ||
    ((target === 'harbor' || target === 'vault') && base.endsWith('.sh')) ||
    (target === 'argocd' && (base === 'argocd-rbac-cm.yaml' || base === 'argocd-okta-secret.yaml')) ||
    (target === 'kubernetes' && (base === 'kubeconfig.yaml' || base === 'clusterrolebinding.yaml'))
  ) {
    return undefined
  }
  const syntax = syntaxOfContent(text)
  const readers = [...new Set(Object.entries(table).filter(([name]) => syntaxOfName(name) === syntax).map(([, read]) => read))]
  for (const read of readers) {
    try {
      const found = read(text, file)
      if (found.clientId || found.issuer) {
        return found
      }
    } catch {
      // not this kind: try the next reader of the same syntax
    }
  }
  throw new ConfigError(`could not tell what kind of ${target} file ${file} is (by its name or its ${syntax} content)`, {
    hint: `pass the files render-config wrote: ${Object.keys(table).join(', ')}`,
  })
}
