import { usesClientSecret } from '../../domain/app-requirements.js'
import { ConfigError } from '../../domain/errors.js'
import { secretKeys } from '../../domain/profile.js'
import { checkHttpUrl, checkIssuer } from '../../domain/urls.js'
import { templatesDir } from '../../infra/templates.js'
import { requireRenderableTarget } from '../../targets/index.js'
import { checkRenderOptions, renderConfig, type RenderConfigResult } from '../../usecases/render-config.js'
import { resolveSettings } from '../../targets/settings.js'
import type { ActionContext } from '../context.js'
import type { RenderFormat, SecretSource } from '../../targets/types.js'
import { askMissingSettings } from './target-settings.js'

/**
 * Chains `okta create-app --render DIR` into render-config with what create-app just wrote to the profile and the
 * secret store. Existing files are merged (only the keys oidc-setup owns change), so re-running is safe.
 */
export async function renderAfterCreate(
  c: ActionContext,
  profileName: string,
  targetName: string,
  dir: string,
  options: { nextSteps?: boolean; format?: RenderFormat | undefined; secretRef?: 'env' | undefined } = {},
): Promise<RenderConfigResult> {
  const { deps, out, globals } = c
  const target = requireRenderableTarget(targetName)
  // A spec's `render: { format, secretRef }` (issue 9): the same checks as render-config's flags.
  const format: RenderFormat = options.format ?? 'native'
  const secretRef = options.secretRef === 'env'
  checkRenderOptions(target, format, secretRef)
  const profile = await deps.profiles.get(profileName)
  if (!profile?.issuer || !profile.clientId || !profile.baseUrl) {
    throw new ConfigError(`profile "${profileName}" lacks the issuer, client id or base URL to render from`)
  }
  const { randomBytes } = await import('node:crypto')
  // A public client (e.g. kubernetes: PKCE) has no secret: its files never hold one.
  const publicClient = !usesClientSecret(target.requirements({ baseUrl: new URL(profile.baseUrl) }).tokenEndpointAuthMethod)
  let clientSecret: SecretSource = { kind: 'env' }
  if (!secretRef && !publicClient) {
    const store = await deps.secretStore({ kind: globals.secretStore })
    const secret = await store.get(secretKeys.clientSecret(profileName))
    if (!secret) {
      throw new ConfigError(`no client secret for profile "${profileName}" in the ${store.describe()}`, {
        hint: 're-run okta create-app (it recovers the secret from Okta)',
      })
    }
    out.registerSecret(secret)
    clientSecret = { kind: 'literal', value: secret }
  }
  const settings = await askMissingSettings(
    target,
    resolveSettings(target, [{ source: `profile "${profileName}"`, values: profile.settings }]),
    c.interactive ? deps.prompt : undefined,
  )
  if (JSON.stringify(settings) !== JSON.stringify(profile.settings ?? {})) {
    await deps.profiles.update(profileName, { settings })
  }
  const result = await renderConfig(
    {
      target,
      issuer: checkIssuer('the profile issuer', profile.issuer),
      clientId: profile.clientId,
      clientSecret,
      baseUrl: checkHttpUrl('the profile base URL', profile.baseUrl),
      outDir: dir,
      format,
      existing: 'merge',
      mode: 'write',
      settings,
    },
    {
      fs: deps.fs,
      cwd: deps.io.cwd,
      templatesDir: templatesDir(),
      randomBase64: (n) => randomBytes(n).toString('base64'),
    },
  )
  for (const file of result.files) {
    out.success(`${file.path}: ${file.action}${file.containsSecret ? ' (0600, holds the client secret)' : ''}`)
  }
  if (options.nextSteps !== false) {
    for (const line of target.nextSteps(format, { secretRef, settings })) {
      out.info(`  ${line}`)
    }
  }
  return result
}
