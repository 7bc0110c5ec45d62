import { parseDocument } from 'yaml'
import { ConfigError } from '../domain/errors.js'
import { templateText } from './templates.js'
import { INHERIT, readEnvValue, setEnvValues, type EnvValue } from './env-file.js'
import { checkYamlValue, isSafePlain } from './values.js'
import { getYamlString, parseYaml, setYaml, setYamlDefault, stringifyYaml } from './yaml-doc.js'
import type { RenderContext, RenderedFile, TargetRenderer } from './types.js'

const CONFIG = 'openmetadata.yaml'
const ENV = 'openmetadata.env'
const AUTHN = 'authenticationConfiguration'
const AUTHZ = 'authorizerConfiguration'
const OIDC = [AUTHN, 'oidcConfiguration'] as const

/** Values of `authenticationConfiguration.oidcConfiguration` (validated against oidcClientConfig.json in tests). */
export function oidcConfiguration(context: RenderContext): Record<string, string | boolean | number> {
  return {
    id: context.clientId,
    type: 'okta',
    secret: context.clientSecret.kind === 'literal' ? context.clientSecret.value : '${OIDC_CLIENT_SECRET}',
    scope: context.requirements.scopes.join(' '),
    discoveryUri: context.discoveryUri,
    // The schema types useNonce as a string.
    useNonce: 'true',
    preferredJwsAlgorithm: 'RS256',
    responseType: 'code',
    disablePkce: true,
    callbackUrl: `${context.baseUrl}/callback`,
    serverUrl: context.baseUrl,
    clientAuthenticationMethod: context.requirements.tokenEndpointAuthMethod,
    tokenValidity: 3600,
  }
}

/** publicKeyUrls: the issuing authorization server's JWKS and OpenMetadata's own (bots and ingestion). */
function publicKeyUrls(context: RenderContext): string[] {
  return [context.jwksUri, `${context.baseUrl}/api/v1/system/config/jwks`]
}

/** The admin principals and principal domain (required settings, checked by render-config). */
function authorizerSettings(context: RenderContext): { admins: string[]; domain: string } {
  const admins = context.settings.adminPrincipals
  const domain = context.settings.principalDomain
  if (!Array.isArray(admins) || admins.length === 0 || typeof domain !== 'string') {
    throw new ConfigError('could not render OpenMetadata without adminPrincipals and principalDomain', {
      hint: 'pass --set adminPrincipals=jdoe --set principalDomain=example.com',
    })
  }
  return { admins, domain }
}

function applyConfig(file: string, text: string, context: RenderContext): RenderedFile {
  const doc = parseYaml(file, text)
  const secrets: string[] = []
  const old = getYamlString(doc, [...OIDC, 'secret'])
  if (old) {
    secrets.push(old)
  }
  setYaml(doc, file, [AUTHZ, 'className'], 'org.openmetadata.service.security.DefaultAuthorizer')
  setYaml(doc, file, [AUTHZ, 'containerRequestFilter'], 'org.openmetadata.service.security.JwtFilter')
  // Who administers OpenMetadata is the user's decision (required settings): never a placeholder such as
  // `admin` / `open-metadata.org`, which no Okta user matches once basic auth is gone.
  const { admins, domain } = authorizerSettings(context)
  setYaml(doc, file, [AUTHZ, 'adminPrincipals'], admins)
  setYaml(doc, file, [AUTHZ, 'principalDomain'], domain)
  setYaml(doc, file, [AUTHN, 'provider'], 'okta')
  setYaml(doc, file, [AUTHN, 'clientType'], 'confidential')
  setYaml(doc, file, [AUTHN, 'responseType'], 'code')
  setYaml(doc, file, [AUTHN, 'publicKeyUrls'], publicKeyUrls(context))
  setYaml(doc, file, [AUTHN, 'tokenValidationAlgorithm'], 'RS256')
  setYaml(doc, file, [AUTHN, 'authority'], context.issuer)
  setYaml(doc, file, [AUTHN, 'clientId'], context.clientId)
  setYaml(doc, file, [AUTHN, 'callbackUrl'], `${context.baseUrl}/callback`)
  setYaml(doc, file, [AUTHN, 'jwtPrincipalClaims'], ['email', 'preferred_username', 'sub'])
  setYamlDefault(doc, file, [AUTHN, 'enableSelfSignup'], true)
  for (const [key, value] of Object.entries(oidcConfiguration(context))) {
    setYaml(doc, file, [...OIDC, key], value)
  }
  if (context.clientSecret.kind === 'literal') {
    secrets.push(context.clientSecret.value)
  }
  const out = stringifyYaml(doc)
  return { path: CONFIG, text: out, containsSecret: secrets.some((s) => out.includes(s)), secrets }
}

// Characters of a plain YAML scalar that mean nothing to YAML 1.1 or 1.2 inside a value (Okta client ids and
// secrets, URLs); whether the whole reads back as the same string is checked by parsing it (numbers, nulls, dates).
const PLAIN_CANDIDATE = /^[A-Za-z0-9._~+/=@:-]+$/

/** Whether `value` written bare into `wrap` (a YAML text around it) reads back as the same string in 1.1 and 1.2. */
function plainReadsBack(value: string, wrap: (v: string) => string, pick: (doc: unknown) => unknown): boolean {
  if (!PLAIN_CANDIDATE.test(value) || value === '=' || value.endsWith(':') || value.includes(': ')) {
    return false
  }
  return (['1.1', '1.2'] as const).every((version) => {
    const doc = parseDocument(wrap(value), { version })
    return doc.errors.length === 0 && doc.warnings.length === 0 && pick(doc.toJS()) === value
  })
}

/**
 * OpenMetadata pastes each variable into its YAML text (`clientId: ${AUTHENTICATION_CLIENT_ID:-""}`) before
 * parsing (Dropwizard's EnvironmentVariableSubstitutor), so a text value must itself be a YAML scalar. It must be a
 * plain one: a YAML quote would be kept by docker's --env-file and stripped by compose (see env-file.ts), so a value
 * that needs quoting in YAML is refused with the reason.
 */
export function omScalar(name: string, value: string, inList = false): string {
  checkYamlValue(name, value)
  const readsBack = inList
    ? plainReadsBack(value, (v) => `k: [${v}]\n`, (d) => (d as { k?: unknown[] }).k?.[0])
    : plainReadsBack(value, (v) => `k: ${v}\n`, (d) => (d as { k?: unknown }).k)
  if (isSafePlain(value) || readsBack) {
    return value
  }
  throw new ConfigError(`could not render ${name} in openmetadata.env: OpenMetadata reads it as YAML, where it needs quotes`, {
    hint: "docker's --env-file keeps quotes that compose strips, so no quoting reads the same for both; use --format native (openmetadata.yaml quotes any value safely)",
  })
}

/** A YAML flow sequence of scalars for list variables such as AUTHENTICATION_PUBLIC_KEYS. */
function omList(name: string, values: string[]): string {
  return `[${values.map((v) => omScalar(name, v, true)).join(',')}]`
}

function applyEnv(text: string, context: RenderContext): RenderedFile {
  const secrets: string[] = []
  const old = readEnvValue(text, 'OIDC_CLIENT_SECRET')
  if (old) {
    secrets.push(old)
  }
  let secret: EnvValue = INHERIT
  if (context.clientSecret.kind === 'literal') {
    secret = omScalar('OIDC_CLIENT_SECRET', context.clientSecret.value)
    secrets.push(context.clientSecret.value, secret)
  }
  const callback = `${context.baseUrl}/callback`
  const values: Array<[string, EnvValue]> = [
    ['AUTHENTICATION_PROVIDER', 'okta'],
    ['AUTHENTICATION_CLIENT_TYPE', 'confidential'],
    ['AUTHENTICATION_RESPONSE_TYPE', 'code'],
    ['AUTHENTICATION_AUTHORITY', omScalar('AUTHENTICATION_AUTHORITY', context.issuer)],
    ['AUTHENTICATION_CLIENT_ID', omScalar('AUTHENTICATION_CLIENT_ID', context.clientId)],
    ['AUTHENTICATION_CALLBACK_URL', omScalar('AUTHENTICATION_CALLBACK_URL', callback)],
    ['AUTHENTICATION_PUBLIC_KEYS', omList('AUTHENTICATION_PUBLIC_KEYS', publicKeyUrls(context))],
    ['AUTHENTICATION_JWT_PRINCIPAL_CLAIMS', '[email,preferred_username,sub]'],
    ['OIDC_CLIENT_ID', omScalar('OIDC_CLIENT_ID', context.clientId)],
    ['OIDC_TYPE', 'okta'],
    ['OIDC_CLIENT_SECRET', secret],
    ['OIDC_SCOPE', context.requirements.scopes.join(' ')],
    ['OIDC_DISCOVERY_URI', omScalar('OIDC_DISCOVERY_URI', context.discoveryUri)],
    ['OIDC_CALLBACK', omScalar('OIDC_CALLBACK', callback)],
    ['OIDC_SERVER_URL', omScalar('OIDC_SERVER_URL', context.baseUrl)],
    ['OIDC_CLIENT_AUTH_METHOD', context.requirements.tokenEndpointAuthMethod],
    ['AUTHORIZER_CLASS_NAME', 'org.openmetadata.service.security.DefaultAuthorizer'],
    ['AUTHORIZER_REQUEST_FILTER', 'org.openmetadata.service.security.JwtFilter'],
  ]
  let out = setEnvValues(text, values)
  const { admins, domain } = authorizerSettings(context)
  out = setEnvValues(out, [
    ['AUTHORIZER_ADMIN_PRINCIPALS', omList('AUTHORIZER_ADMIN_PRINCIPALS', admins)],
    ['AUTHORIZER_PRINCIPAL_DOMAIN', omScalar('AUTHORIZER_PRINCIPAL_DOMAIN', domain)],
  ])
  // Suggested only where the file does not set it yet.
  const defaults: Array<[string, EnvValue]> = []
  if (readEnvValue(out, 'AUTHENTICATION_ENABLE_SELF_SIGNUP') === undefined) {
    defaults.push(['AUTHENTICATION_ENABLE_SELF_SIGNUP', 'true'])
  }
  out = setEnvValues(out, defaults)
  return { path: ENV, text: out, containsSecret: secrets.some((s) => out.includes(s)), secrets }
}

/** Renders OpenMetadata's authentication/authorizer configuration (yaml Document API) or its docker env form. */
export const openmetadataRenderer: TargetRenderer = {
  files: (format) => (format === 'env' ? [ENV] : [CONFIG]),
  render(context, templates) {
    return context.format === 'env'
      ? [applyEnv(templateText(templates, 'openmetadata', ENV), context)]
      : [applyConfig(CONFIG, templateText(templates, 'openmetadata', CONFIG), context)]
  },
  merge(path, existingText, context) {
    return path === ENV ? applyEnv(existingText, context) : applyConfig(path, existingText, context)
  },
}
