import { templateText } from './templates.js'
import { INHERIT, readEnvValue, setEnvValues, type EnvValue } from './env-file.js'
import { getYamlString, parseYaml, setYaml, stringifyYaml } from './yaml-doc.js'
import type { RenderContext, RenderedFile, TargetRenderer } from './types.js'

const CONFIG = 'application.yaml'
const ENV = 'kestra.env'
const CLIENT = ['micronaut', 'security', 'oauth2', 'clients', 'okta'] as const
const ENV_PREFIX = 'MICRONAUT_SECURITY_OAUTH2_CLIENTS_OKTA_'

function applyConfig(file: string, text: string, context: RenderContext): RenderedFile {
  const doc = parseYaml(file, text)
  const secrets: string[] = []
  const old = getYamlString(doc, [...CLIENT, 'client-secret'])
  if (old) {
    secrets.push(old)
  }
  setYaml(doc, file, ['micronaut', 'security', 'oauth2', 'enabled'], true)
  setYaml(doc, file, [...CLIENT, 'client-id'], context.clientId)
  if (context.clientSecret.kind === 'literal') {
    setYaml(doc, file, [...CLIENT, 'client-secret'], context.clientSecret.value)
    secrets.push(context.clientSecret.value)
  } else {
    // Micronaut resolves ${…} placeholders from the environment.
    setYaml(doc, file, [...CLIENT, 'client-secret'], '${OKTA_CLIENT_SECRET}')
  }
  setYaml(doc, file, [...CLIENT, 'openid', 'issuer'], context.issuer)
  // Okta's end-session redirect comes back to /logout as a GET (LogoutControllerConfigurationProperties: false).
  setYaml(doc, file, ['micronaut', 'security', 'endpoints', 'logout', 'get-allowed'], true)
  const role = context.settings.defaultRole
  const permissions = context.settings.defaultRolePermissions
  if (typeof role === 'string' && Array.isArray(permissions)) {
    setYaml(doc, file, ['kestra', 'security', 'defaultRole', 'name'], role)
    // Replaced as a whole: a permission the user dropped must not survive a merge.
    doc.deleteIn(['kestra', 'security', 'defaultRole', 'permissions'])
    const byResource = new Map<string, string[]>()
    for (const p of permissions) {
      const [resource = '', action = ''] = p.split(':')
      byResource.set(resource, [...(byResource.get(resource) ?? []), action])
    }
    for (const [resource, actions] of byResource) {
      setYaml(doc, file, ['kestra', 'security', 'defaultRole', 'permissions', resource], actions)
    }
  }
  const out = stringifyYaml(doc)
  return { path: CONFIG, text: out, containsSecret: secrets.some((s) => out.includes(s)), secrets }
}

function applyEnv(text: string, context: RenderContext): RenderedFile {
  const secrets: string[] = []
  const old = readEnvValue(text, `${ENV_PREFIX}CLIENT_SECRET`)
  if (old) {
    secrets.push(old)
  }
  const secret: EnvValue =
    context.clientSecret.kind === 'literal' ? context.clientSecret.value : INHERIT
  if (typeof secret === 'string') {
    secrets.push(secret)
  }
  const out = setEnvValues(text, [
    ['MICRONAUT_SECURITY_OAUTH2_ENABLED', 'true'],
    [`${ENV_PREFIX}CLIENT_ID`, context.clientId],
    [`${ENV_PREFIX}CLIENT_SECRET`, secret],
    [`${ENV_PREFIX}OPENID_ISSUER`, context.issuer],
    ['MICRONAUT_SECURITY_ENDPOINTS_LOGOUT_GET_ALLOWED', 'true'],
  ])
  return { path: ENV, text: out, containsSecret: secrets.some((s) => out.includes(s)), secrets }
}

/** Renders Kestra's micronaut.security.oauth2 block (yaml Document API) or its environment-variable form. */
export const kestraRenderer: TargetRenderer = {
  files: (format) => (format === 'env' ? [ENV] : [CONFIG]),
  render(context, templates) {
    return context.format === 'env'
      ? [applyEnv(templateText(templates, 'kestra', ENV), context)]
      : [applyConfig(CONFIG, templateText(templates, 'kestra', CONFIG), context)]
  },
  merge(path, existingText, context) {
    return path === ENV ? applyEnv(existingText, context) : applyConfig(path, existingText, context)
  },
}
