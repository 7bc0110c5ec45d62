import { INHERIT, readEnvValue, setEnvValues, type EnvValue } from './env-file.js'
import { checkGrafanaValue, checkIni, getIniValue, iniValue, setIniValues } from './grafana-ini.js'
import { templateText } from './templates.js'
import type { RenderContext, RenderedFile, TargetRenderer } from './types.js'

const CONFIG = 'grafana.ini'
const ENV = 'grafana.env'
const OKTA = 'auth.okta'

/** The issuer's endpoints: `{org}/oauth2/v1/…` for the org server, `{issuer}/v1/…` for a custom one. */
export function oktaEndpoints(context: Pick<RenderContext, 'issuer' | 'issuerKind'>): { auth: string; token: string; api: string } {
  const base = context.issuerKind === 'org' ? `${context.issuer}/oauth2/v1` : `${context.issuer}/v1`
  return { auth: `${base}/authorize`, token: `${base}/token`, api: `${base}/userinfo` }
}

/** A JMESPath raw string literal: `'…'` with `\` and `'` escaped (jmespath.org/specification#raw-string-literals). */
function raw(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

const groupsOf = (context: RenderContext, key: string): string[] => {
  const value = context.settings[key]
  return Array.isArray(value) ? value : []
}

/**
 * role_attribute_path: the first matching of Admin, Editor, then the default role, over the `groups` of the userinfo
 * response, in the form Grafana's docs use: `contains(groups[*], 'A') && 'Admin' || … || 'Viewer'`.
 */
export function roleAttributePath(context: RenderContext): string {
  const clauses: string[] = []
  for (const [key, role] of [['adminGroups', 'Admin'], ['editorGroups', 'Editor']] as const) {
    const groups = groupsOf(context, key)
    if (groups.length) {
      const test = groups.map((g) => `contains(groups[*], ${raw(g)})`).join(' || ')
      clauses.push(`${groups.length > 1 ? `(${test})` : test} && ${raw(role)}`)
    }
  }
  clauses.push(raw(String(context.settings.defaultRole ?? 'Viewer')))
  // A lone literal is parenthesized (a JMESPath paren-expression): a value starting with a quote is one docker's
  // --env-file keeps and compose strips, so the env form could not carry `'Viewer'` as is.
  return clauses.length === 1 ? `(${clauses[0] as string})` : clauses.join(' || ')
}

/** The [section, key, value] triples this tool owns, as plain text (serialized per form). */
function owned(context: RenderContext): Array<[string, string, string]> {
  const urls = oktaEndpoints(context)
  const allowed = groupsOf(context, 'allowedGroups')
  const values: Array<[string, string, string]> = [
    ['server', 'root_url', `${context.baseUrl}/`],
    [OKTA, 'enabled', 'true'],
    [OKTA, 'client_id', context.clientId],
    [OKTA, 'scopes', context.requirements.scopes.join(' ')],
    [OKTA, 'auth_url', urls.auth],
    [OKTA, 'token_url', urls.token],
    [OKTA, 'api_url', urls.api],
    [OKTA, 'use_pkce', 'true'],
    [OKTA, 'use_refresh_token', 'true'],
    [OKTA, 'role_attribute_path', roleAttributePath(context)],
  ]
  if (allowed.length) {
    // SplitString reads a JSON list exactly (names with spaces or commas included).
    values.push([OKTA, 'allowed_groups', JSON.stringify(allowed)])
  }
  return values
}

function applyConfig(file: string, text: string, context: RenderContext): RenderedFile {
  checkIni(file, text)
  const secrets: string[] = []
  const old = getIniValue(text, OKTA, 'client_secret')
  if (old && !old.startsWith('$__env{')) {
    secrets.push(old)
  }
  const values = owned(context).map(([s, k, v]): [string, string, string] => [s, k, iniValue(`[${s}] ${k}`, v)])
  if (context.clientSecret.kind === 'literal') {
    values.push([OKTA, 'client_secret', iniValue(`[${OKTA}] client_secret`, context.clientSecret.value)])
    secrets.push(context.clientSecret.value)
  } else {
    // Grafana's env expander reads it at start-up (pkg/setting/expanders.go).
    values.push([OKTA, 'client_secret', '$__env{OKTA_CLIENT_SECRET}'])
  }
  const out = setIniValues(text, values)
  return { path: CONFIG, text: out, containsSecret: secrets.some((s) => out.includes(s)), secrets }
}

/** GF_<SECTION>_<KEY>, dots to underscores, upper case (pkg/setting applyEnvVariableOverrides); values taken raw. */
const envName = (section: string, key: string): string => `GF_${section.replace(/\./g, '_')}_${key}`.toUpperCase()

function applyEnv(text: string, context: RenderContext): RenderedFile {
  const secrets: string[] = []
  const secretName = envName(OKTA, 'client_secret')
  const old = readEnvValue(text, secretName)
  if (old) {
    secrets.push(old)
  }
  const values: Array<[string, EnvValue]> = owned(context).map(([s, k, v]) => [envName(s, k), checkGrafanaValue(envName(s, k), v)])
  if (context.clientSecret.kind === 'literal') {
    values.push([secretName, checkGrafanaValue(secretName, context.clientSecret.value)])
    secrets.push(context.clientSecret.value)
  } else {
    // A bare name: docker and compose take the value from their own environment (a ${…} would reach Grafana literally).
    values.push([secretName, INHERIT])
  }
  const out = setEnvValues(text, values)
  return { path: ENV, text: out, containsSecret: secrets.some((s) => out.includes(s)), secrets }
}

/** Renders grafana.ini's [server] root_url and [auth.okta] (edited in place) or the GF_* environment form. */
export const grafanaRenderer: TargetRenderer = {
  files: (format) => (format === 'env' ? [ENV] : [CONFIG]),
  render(context, templates) {
    return context.format === 'env'
      ? [applyEnv(templateText(templates, 'grafana', ENV), context)]
      : [applyConfig(CONFIG, templateText(templates, 'grafana', CONFIG), context)]
  },
  merge(path, existingText, context) {
    return path === ENV ? applyEnv(existingText, context) : applyConfig(path, existingText, context)
  },
}
