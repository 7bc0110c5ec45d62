import { ConfigError } from '../domain/errors.js'
import { joinUrl } from '../domain/urls.js'
import { rubyLiteral, type RubyValue } from './ruby-literal.js'
import { templateText } from './templates.js'
import { Scalar, stringify } from 'yaml'
import { ensureMap, parseYaml, setYaml, stringifyYaml } from './yaml-doc.js'
import type { RenderContext, RenderedFile, TargetRenderer } from './types.js'

const RB = 'gitlab.rb'
const VALUES = 'gitlab-values.yaml'
const SECRET = 'gitlab-openid-connect-secret.yaml'
/** The Secret's name and key the Helm values point at (charts/gitlab doc: globals.md "omniauth" providers). */
const SECRET_NAME = 'gitlab-openid-connect'
const SECRET_KEY = 'provider'
const BEGIN = '# >>> oidc-setup: Okta sign-in (openid_connect); managed block, re-render with --merge'
const END = '# <<< oidc-setup'

const list = (context: RenderContext, key: string): string[] => {
  const v = context.settings[key]
  return Array.isArray(v) ? v : []
}

/** The provider entry as gitlab-org/gitlab doc/administration/auth/oidc.md documents it. */
function provider(context: RenderContext): { [key: string]: RubyValue } {
  const secret = context.clientSecret
  const groupArgs: { [key: string]: RubyValue } = {}
  const groups: Array<[string, string]> = [
    ['requiredGroups', 'required_groups'],
    ['adminGroups', 'admin_groups'],
    ['externalGroups', 'external_groups'],
  ]
  for (const [key, arg] of groups) {
    if (list(context, key).length) {
      groupArgs[arg] = list(context, key)
    }
  }
  if (Object.keys(groupArgs).length) {
    groupArgs.groups_attribute = 'groups'
  }
  return {
    name: 'openid_connect',
    label: String(context.settings.label ?? 'Okta'),
    args: {
      name: 'openid_connect',
      scope: context.requirements.scopes,
      response_type: 'code',
      issuer: context.issuer,
      discovery: true,
      client_auth_method: 'basic',
      uid_field: 'sub',
      pkce: true,
      ...groupArgs,
      client_options: {
        identifier: context.clientId,
        secret: secret.kind === 'literal' ? secret.value : { env: 'OKTA_CLIENT_SECRET' },
        redirect_uri: joinUrl(context.baseUrl, '/users/auth/openid_connect/callback'),
      },
    },
  }
}

function block(context: RenderContext): string {
  const lines = [
    BEGIN,
    `gitlab_rails['omniauth_enabled'] = true`,
    // Just-in-time accounts for Okta users (oidc.md "Configure the common settings").
    `gitlab_rails['omniauth_allow_single_sign_on'] = ['openid_connect']`,
    `gitlab_rails['omniauth_block_auto_created_users'] = ${context.settings.blockAutoCreatedUsers === false ? 'false' : 'true'}`,
    `gitlab_rails['omniauth_providers'] = ${rubyLiteral('omniauth_providers', [provider(context)])}`,
    END,
  ]
  return `${lines.join('\n')}\n`
}

/** Whether the text assigns omniauth_providers itself (outside our block), which ours would silently replace. */
const FOREIGN_PROVIDERS = /^\s*gitlab_rails\[\s*['"]omniauth_providers['"]\s*\]\s*=/m

function applyRb(text: string, context: RenderContext): RenderedFile {
  const start = text.indexOf(BEGIN)
  const end = start >= 0 ? text.indexOf(END, start) : -1
  if (start >= 0 && end < 0) {
    throw new ConfigError(`${RB} has the oidc-setup start marker but no end marker ("${END}")`, {
      hint: 'restore the end marker line, or remove the partial block and render again',
    })
  }
  const before = start >= 0 ? text.slice(0, start) : text
  const after = start >= 0 ? text.slice(text.indexOf('\n', end) + 1 || text.length) : ''
  if (FOREIGN_PROVIDERS.test(before) || FOREIGN_PROVIDERS.test(after)) {
    throw new ConfigError(`${RB} already sets gitlab_rails['omniauth_providers'] outside the oidc-setup block`, {
      hint: 'GitLab keeps one providers list: move your other providers into it by hand, or render to a new file (--out DIR) and merge the openid_connect entry yourself',
    })
  }
  const head = before === '' || before.endsWith('\n') ? before : `${before}\n`
  const out = `${head}${start < 0 && head !== '' && !head.endsWith('\n\n') ? '\n' : ''}${block(context)}${after}`
  const secrets = context.clientSecret.kind === 'literal' ? [context.clientSecret.value] : []
  return { path: RB, text: out, containsSecret: secrets.some((s) => out.includes(s)), secrets }
}

function applyValues(file: string, text: string, context: RenderContext): RenderedFile {
  const doc = parseYaml(file, text)
  const base = ['global', 'appConfig', 'omniauth']
  setYaml(doc, file, [...base, 'enabled'], true)
  setYaml(doc, file, [...base, 'allowSingleSignOn'], ['openid_connect'])
  setYaml(doc, file, [...base, 'blockAutoCreatedUsers'], context.settings.blockAutoCreatedUsers !== false)
  // providers: [{ secret, key }] (charts/gitlab doc/charts/globals.md, "providers").
  const providers = doc.createNode([{ secret: SECRET_NAME, key: SECRET_KEY }])
  doc.setIn([...base, 'providers'], providers)
  return { path: VALUES, text: stringifyYaml(doc), containsSecret: false, secrets: [] }
}

function applySecret(file: string, text: string, context: RenderContext): RenderedFile {
  const doc = parseYaml(file, text)
  // A block literal keeps the provider readable; yaml falls back to a quoted scalar when a value needs it.
  const value = new Scalar(stringify(toPlain(provider(context)), { lineWidth: 0 }))
  value.type = Scalar.BLOCK_LITERAL
  ensureMap(doc, file, ['stringData']).set(SECRET_KEY, value)
  const out = stringifyYaml(doc)
  const secrets = context.clientSecret.kind === 'literal' ? [context.clientSecret.value] : []
  return { path: SECRET, text: out, containsSecret: secrets.some((s) => out.includes(s)), secrets }
}

/** The provider as plain data for YAML (the chart's Secret holds the same hash as YAML). */
function toPlain(value: RubyValue): unknown {
  if (Array.isArray(value)) {
    return value.map(toPlain)
  }
  if (typeof value === 'object') {
    if ('env' in value && typeof value.env === 'string' && Object.keys(value).length === 1) {
      throw new ConfigError('the Helm provider Secret cannot reference an environment variable')
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v as RubyValue)]))
  }
  return value
}

/** Renders GitLab's gitlab.rb block (a Ruby-literal serializer) and the Helm chart's values and provider Secret. */
export const gitlabRenderer: TargetRenderer = {
  files: () => [RB, VALUES, SECRET],
  render(context, templates) {
    return [
      applyRb(templateText(templates, 'gitlab', RB), context),
      applyValues(VALUES, templateText(templates, 'gitlab', VALUES), context),
      applySecret(SECRET, templateText(templates, 'gitlab', SECRET), context),
    ]
  },
  merge(path, existingText, context) {
    return path === RB ? applyRb(existingText, context) : path === VALUES ? applyValues(path, existingText, context) : applySecret(path, existingText, context)
  },
}
