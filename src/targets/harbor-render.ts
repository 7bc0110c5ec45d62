import { ConfigError } from '../domain/errors.js'
import { templateText } from './templates.js'
import { checkValue } from './values.js'
import type { RenderContext, RenderedFile, TargetRenderer } from './types.js'

const BODY = 'harbor-oidc.json'
const SCRIPT = 'harbor-oidc.sh'

type Json = Record<string, unknown>

function parseBody(text: string): Json {
  try {
    const value = JSON.parse(text) as unknown
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Json
    }
  } catch {
    // fall through to the error below
  }
  throw new ConfigError(`could not parse ${BODY} as a JSON object`, { hint: `fix ${BODY}, or render to a new file without --merge` })
}

/** The configurations API body: only the keys oidc-setup owns change, others (e.g. self_registration) stay. */
function applyBody(text: string, context: RenderContext): RenderedFile {
  const body = parseBody(text)
  const secrets: string[] = []
  if (typeof body.oidc_client_secret === 'string' && body.oidc_client_secret) {
    secrets.push(body.oidc_client_secret)
  }
  if (context.clientSecret.kind !== 'literal') {
    throw new ConfigError('Harbor needs the client secret itself in its configurations body')
  }
  const str = (name: string, value: string): string => checkValue(name, value)
  const settings = context.settings
  const adminGroup = typeof settings.adminGroup === 'string' ? settings.adminGroup : undefined
  const groupFilter = typeof settings.groupFilter === 'string' ? settings.groupFilter : undefined
  Object.assign(body, {
    auth_mode: 'oidc_auth',
    oidc_name: 'Okta',
    oidc_endpoint: str('oidc_endpoint', context.issuer),
    oidc_client_id: str('oidc_client_id', context.clientId),
    oidc_client_secret: str('oidc_client_secret', context.clientSecret.value),
    oidc_scope: context.requirements.scopes.join(','),
    oidc_user_claim: 'preferred_username',
    oidc_groups_claim: 'groups',
    oidc_verify_cert: true,
    oidc_auto_onboard: settings.autoOnboard !== false,
  })
  if (adminGroup !== undefined) {
    body.oidc_admin_group = str('oidc_admin_group', adminGroup)
  }
  if (groupFilter !== undefined) {
    body.oidc_group_filter = str('oidc_group_filter', groupFilter)
  }
  secrets.push(context.clientSecret.value)
  const out = `${JSON.stringify(body, null, 2)}\n`
  return { path: BODY, text: out, containsSecret: true, secrets }
}

/** Renders Harbor's PUT /api/v2.0/configurations body and the script that sends it. */
export const harborRenderer: TargetRenderer = {
  files: () => [BODY, SCRIPT],
  render(context, templates) {
    const script = templateText(templates, 'harbor', SCRIPT)
    return [
      applyBody(templateText(templates, 'harbor', BODY), context),
      { path: SCRIPT, text: script, containsSecret: false, secrets: [] },
    ]
  },
  merge(path, existingText, context, templates) {
    return path === BODY
      ? applyBody(existingText, context)
      : { path: SCRIPT, text: templateText(templates, 'harbor', SCRIPT), containsSecret: false, secrets: [] }
  },
}
