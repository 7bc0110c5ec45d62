import { ConfigError } from '../domain/errors.js'
import { joinUrl } from '../domain/urls.js'
import { readEnvValue, setEnvValues, type EnvValue } from './env-file.js'
import { templateText } from './templates.js'
import type { RenderContext, RenderedFile, TargetRenderer } from './types.js'

const ENV = 'minio.env'
const P = 'MINIO_IDENTITY_OPENID_'

function applyEnv(text: string, context: RenderContext): RenderedFile {
  const secrets: string[] = []
  const old = readEnvValue(text, `${P}CLIENT_SECRET`)
  if (old) {
    secrets.push(old)
  }
  const rolePolicy = typeof context.settings.rolePolicy === 'string' ? context.settings.rolePolicy : undefined
  const claim = typeof context.settings.claimName === 'string' ? context.settings.claimName : 'groups'
  if (rolePolicy !== undefined && context.settings.claimName !== undefined && context.settings.claimName !== 'groups') {
    // openid.go: "Role Policy (=…) and Claim Name (=…) cannot both be set".
    throw new ConfigError('MinIO takes either a claim name or a role policy, not both', {
      hint: 'leave out --set claimName=… or --set rolePolicy=…',
    })
  }
  const values: Array<[string, EnvValue]> = [
    [`${P}CONFIG_URL`, context.discoveryUri],
    [`${P}CLIENT_ID`, context.clientId],
    [`${P}DISPLAY_NAME`, 'Okta'],
    [`${P}SCOPES`, context.requirements.scopes.join(',')],
    [`${P}REDIRECT_URI`, joinUrl(context.baseUrl, '/oauth_callback')],
  ]
  const remove: string[] = []
  if (rolePolicy !== undefined) {
    values.push([`${P}ROLE_POLICY`, rolePolicy])
    remove.push(`${P}CLAIM_NAME`)
  } else {
    values.push([`${P}CLAIM_NAME`, claim])
    remove.push(`${P}ROLE_POLICY`)
  }
  if (context.clientSecret.kind === 'literal') {
    values.push([`${P}CLIENT_SECRET`, context.clientSecret.value])
    secrets.push(context.clientSecret.value)
  } else {
    // MinIO reads the variable itself: a reference in the file would reach it as literal text under docker --env-file.
    remove.push(`${P}CLIENT_SECRET`)
  }
  const out = setEnvValues(text, values, remove)
  return { path: ENV, text: out, containsSecret: secrets.some((s) => out.includes(s)), secrets }
}

/** Renders MinIO's MINIO_IDENTITY_OPENID_* environment file. */
export const minioRenderer: TargetRenderer = {
  files: () => [ENV],
  render(context, templates) {
    return [applyEnv(templateText(templates, 'minio', ENV), context)]
  },
  merge(_path, existingText, context) {
    return applyEnv(existingText, context)
  },
}
