import { ConfigError } from '../domain/errors.js'
import { templateText } from './templates.js'
import { checkValue } from './values.js'
import type { RenderContext, RenderedFile, TargetRenderer } from './types.js'

const CONFIG = 'oidc-config.json'
const ROLE = 'oidc-role.json'
const SCRIPT = 'vault-oidc.sh'

const str = (context: RenderContext, key: string, fallback: string): string => {
  const v = context.settings[key]
  return typeof v === 'string' ? v : fallback
}

/** The body of `vault write auth/<mount>/config` (POST /v1/auth/<mount>/config); the secret only when literal. */
export function configBody(context: RenderContext): Record<string, unknown> {
  const body: Record<string, unknown> = {
    oidc_discovery_url: context.issuer,
    oidc_client_id: context.clientId,
    default_role: str(context, 'role', 'okta'),
  }
  if (context.clientSecret.kind === 'literal') {
    body.oidc_client_secret = context.clientSecret.value
  }
  return body
}

/** The body of `vault write auth/<mount>/role/<role>`. */
export function roleBody(context: RenderContext): Record<string, unknown> {
  const policies = context.settings.policies
  return {
    role_type: 'oidc',
    bound_audiences: [context.clientId],
    allowed_redirect_uris: context.requirements.redirectUris,
    user_claim: 'email',
    groups_claim: 'groups',
    // Vault always requests openid; these are the others.
    oidc_scopes: context.requirements.scopes.filter((s) => s !== 'openid'),
    token_policies: Array.isArray(policies) ? policies : ['default'],
  }
}

/** Merges the owned keys into an existing JSON object body (other keys are kept). */
function jsonFile(path: string, text: string, values: Record<string, unknown>, secret?: string): RenderedFile {
  let existing: unknown
  try {
    existing = JSON.parse(text)
  } catch (error) {
    throw new ConfigError(`could not parse ${path} as JSON: ${(error as Error).message}`, { hint: `fix ${path}, or render without --merge` })
  }
  if (existing === null || typeof existing !== 'object' || Array.isArray(existing)) {
    throw new ConfigError(`could not merge into ${path}: it is not a JSON object`)
  }
  const old = (existing as Record<string, unknown>).oidc_client_secret
  const merged: Record<string, unknown> = { ...(existing as Record<string, unknown>), ...values }
  if (secret === undefined) {
    delete merged.oidc_client_secret
  }
  for (const [key, value] of Object.entries(merged)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string') {
        checkValue(`${path} ${key}`, v)
      }
    }
  }
  const out = `${JSON.stringify(merged, null, 2)}\n`
  const secrets = [...(typeof old === 'string' && old ? [old] : []), ...(secret ? [secret] : [])]
  return { path, text: out, containsSecret: secrets.some((s) => out.includes(JSON.stringify(s).slice(1, -1))), secrets }
}

/** A POSIX shell word that is exactly `value`: single-quoted, with `'` as `'\''`. */
export function shellWord(name: string, value: string): string {
  checkValue(name, value)
  return `'${value.replace(/'/g, "'\\''")}'`
}

/** key=value arguments of `vault write`; lists are comma-separated (TypeCommaStringSlice), so no entry holds a comma. */
function args(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(([key, value]) => {
      if (Array.isArray(value)) {
        const bad = value.find((v) => String(v).includes(','))
        if (bad !== undefined) {
          throw new ConfigError(`could not render ${key} for the vault CLI: "${String(bad)}" contains a comma, which separates list entries`)
        }
        return `  ${key}=${shellWord(key, value.join(','))}`
      }
      return `  ${key}=${shellWord(key, String(value))}`
    })
    .join(' \\\n')
}

function script(template: string, context: RenderContext): RenderedFile {
  const mount = str(context, 'mount', 'oidc')
  const role = str(context, 'role', 'okta')
  const config = { ...configBody(context) }
  delete config.oidc_client_secret
  const text = `${template.replace(/\n*$/, '\n')}
if ! vault auth list -format=json | grep -q ${shellWord('mount', `"${mount}/"`)}; then
  vault auth enable -path=${shellWord('mount', mount)} oidc
fi

# The client secret comes from the environment, never from this file.
vault write ${shellWord('path', `auth/${mount}/config`)} \\
${args(config)} \\
  oidc_client_secret="$OKTA_CLIENT_SECRET"

vault write ${shellWord('path', `auth/${mount}/role/${role}`)} \\
${args(roleBody(context))}

echo "sign in with: vault login -method=oidc -path=${mount} role=${role}" >&2
`
  return { path: SCRIPT, text, containsSecret: false, secrets: [] }
}

function renderFile(name: string, text: string, context: RenderContext, templates: ReadonlyMap<string, string>): RenderedFile {
  const secret = context.clientSecret.kind === 'literal' ? context.clientSecret.value : undefined
  if (name === CONFIG) {
    return jsonFile(CONFIG, text, configBody(context), secret)
  }
  if (name === ROLE) {
    return jsonFile(ROLE, text, roleBody(context))
  }
  // The script is generated whole from its template.
  return script(templateText(templates, 'vault', SCRIPT), context)
}

/** Renders the Vault OIDC auth method's config and role request bodies and a vault CLI script that applies them. */
export const vaultRenderer: TargetRenderer = {
  files: () => [CONFIG, ROLE, SCRIPT],
  render(context, templates) {
    return [CONFIG, ROLE, SCRIPT].map((name) => renderFile(name, templateText(templates, 'vault', name), context, templates))
  },
  merge(path, existingText, context, templates) {
    return renderFile(path, existingText, context, templates)
  },
}
