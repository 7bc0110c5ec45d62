import { ConfigError } from '../domain/errors.js'
import { INHERIT, readEnvValue, setEnvValues, type EnvValue } from './env-file.js'
import { parseToml, setTomlValues, tomlStringAt, type TomlValue } from './oauth2-proxy-toml.js'
import { templateText } from './templates.js'
import type { RenderContext, RenderedFile, TargetRenderer } from './types.js'

const CONFIG = 'oauth2-proxy.cfg'
const ENV = 'oauth2-proxy.env'
const SECRET_BYTES = 32

/**
 * A fresh cookie secret in the form oauth2-proxy's docs generate (`base64.urlsafe_b64encode(os.urandom(32))`):
 * SecretBytes() decodes it as URL-safe base64 into a 32-byte AES-256 key (pkg/encryption/utils.go).
 */
export function cookieSecret(context: RenderContext): string {
  return context.randomBase64(SECRET_BYTES).replace(/\+/g, '-').replace(/\//g, '_')
}

function keepOrGenerate(existing: string | undefined, context: RenderContext): string {
  return existing !== undefined && existing !== '' ? existing : cookieSecret(context)
}

function list(context: RenderContext, key: string): string[] {
  const value = context.settings[key]
  return Array.isArray(value) ? value : []
}

/** The values every form sets, by config key (the env form upper-cases them behind OAUTH2_PROXY_). */
function owned(context: RenderContext): Array<[string, TomlValue]> {
  const values: Array<[string, TomlValue]> = [
    ['provider', 'oidc'],
    ['oidc_issuer_url', context.issuer],
    ['client_id', context.clientId],
    ['scope', context.requirements.scopes.join(' ')],
    ['code_challenge_method', 'S256'],
    ['redirect_url', context.requirements.redirectUris[0] ?? `${context.baseUrl}/oauth2/callback`],
    ['email_domains', list(context, 'emailDomains')],
    ['upstreams', list(context, 'upstreams')],
  ]
  const groups = list(context, 'allowedGroups')
  if (groups.length) {
    values.push(['allowed_groups', groups])
  }
  if (context.baseUrl.startsWith('http://')) {
    // Browsers drop Secure cookies on plain http (except localhost in some): only for an http base URL.
    values.push(['cookie_secure', false])
  }
  return values
}

function applyConfig(file: string, text: string, context: RenderContext): RenderedFile {
  const doc = parseToml(file, text)
  const secrets: string[] = []
  const old = tomlStringAt(doc, 'client_secret')
  if (old) {
    secrets.push(old)
  }
  const values = owned(context)
  const remove: string[] = []
  let cookie = tomlStringAt(doc, 'cookie_secret')
  if (context.clientSecret.kind === 'literal') {
    cookie = keepOrGenerate(cookie, context)
    values.push(['client_secret', context.clientSecret.value], ['cookie_secret', cookie])
    secrets.push(context.clientSecret.value)
  } else {
    // The environment wins over the file (load.go: viper AutomaticEnv): OAUTH2_PROXY_CLIENT_SECRET and
    // OAUTH2_PROXY_COOKIE_SECRET supply them, and an empty key in the file would only shadow nothing.
    remove.push('client_secret')
    if (!cookie) {
      remove.push('cookie_secret')
    }
  }
  if (cookie) {
    secrets.push(cookie)
  }
  const out = setTomlValues(file, text, values, remove)
  // The result must read back as TOML (a serializer bug must never reach the file).
  parseToml(file, out)
  return { path: CONFIG, text: out, containsSecret: secrets.some((s) => out.includes(s)), secrets }
}

/** OAUTH2_PROXY_<KEY>; lists are comma-separated (viper's StringToSliceHookFunc(",")), so no entry may hold one. */
function envValue(key: string, value: TomlValue): EnvValue {
  if (typeof value === 'boolean') {
    return String(value)
  }
  if (Array.isArray(value)) {
    const bad = value.find((v) => v.includes(','))
    if (bad !== undefined) {
      throw new ConfigError(`could not render OAUTH2_PROXY_${key.toUpperCase()}: "${bad}" contains a comma, which the env form uses to separate entries`, {
        hint: 'use --format native, where lists are TOML arrays',
      })
    }
    return value.join(',')
  }
  return value
}

function applyEnv(text: string, context: RenderContext): RenderedFile {
  const name = (key: string): string => `OAUTH2_PROXY_${key.toUpperCase()}`
  const secrets: string[] = []
  const old = readEnvValue(text, name('client_secret'))
  if (old) {
    secrets.push(old)
  }
  const values: Array<[string, EnvValue]> = owned(context).map(([key, value]) => [name(key), envValue(key, value)])
  if (context.clientSecret.kind === 'literal') {
    const cookie = keepOrGenerate(readEnvValue(text, name('cookie_secret')), context)
    values.push([name('client_secret'), context.clientSecret.value], [name('cookie_secret'), cookie])
    secrets.push(context.clientSecret.value, cookie)
  } else {
    // Bare names: docker and compose take the values from their own environment (a ${…} would reach oauth2-proxy literally).
    values.push([name('client_secret'), INHERIT], [name('cookie_secret'), INHERIT])
  }
  const out = setEnvValues(text, values)
  return { path: ENV, text: out, containsSecret: secrets.some((s) => out.includes(s)), secrets }
}

/** Renders oauth2-proxy's TOML config file (edited in place) or its OAUTH2_PROXY_* environment form. */
export const oauth2ProxyRenderer: TargetRenderer = {
  files: (format) => (format === 'env' ? [ENV] : [CONFIG]),
  render(context, templates) {
    return context.format === 'env'
      ? [applyEnv(templateText(templates, 'oauth2-proxy', ENV), context)]
      : [applyConfig(CONFIG, templateText(templates, 'oauth2-proxy', CONFIG), context)]
  },
  merge(path, existingText, context) {
    return path === ENV ? applyEnv(existingText, context) : applyConfig(path, existingText, context)
  },
}
