import { CliError } from '../../domain/errors.js'
import type { OktaAdmin } from '../../infra/okta-admin.js'
import { showApp } from '../../usecases/show-app.js'
import { withExamples, type RegisterCommand } from '../context.js'
import { connectOkta, oktaCommand } from './okta.js'
import { READ_SCOPES } from '../../domain/okta-credentials.js'

/** `oidc-setup okta show`: a profile and the live state of its app (never the secret). */
export const registerOktaShow: RegisterCommand = (program, ctx) => {
  const cmd = oktaCommand(program)
    .command('show')
    .description('show a profile\'s app: ids, issuer, redirect URIs, and whether Okta still matches the profile')
    .option('--offline', 'only read the local profile, do not ask Okta')
    .action(async (options: { offline?: boolean }, command) => {
      const c = ctx.context(command)
      const { deps, out, globals } = c
      let admin: OktaAdmin | undefined
      if (!options.offline) {
        try {
          admin = await connectOkta(c, undefined, READ_SCOPES)
        } catch (error) {
          if (!(error instanceof CliError)) {
            throw error
          }
          out.warn(`showing the local profile only: ${error.message}`)
        }
      }
      const result = await showApp(globals.profile, {
        profiles: deps.profiles,
        admin,
        secretStore: () => deps.secretStore({ kind: globals.secretStore }),
      })
      const p = result.profile
      if (result.drift.length) {
        out.warn(`Okta differs from the profile in: ${result.drift.join(', ')} (re-run okta create-app to reconcile)`)
      }
      if (admin && p.appId && !result.app) {
        out.warn(`app ${p.appId} no longer exists in ${admin.orgUrl}`)
      }
      if (globals.json) {
        out.json({
          profile: { ...p, management: p.management ? { authMode: p.management.authMode } : undefined },
          app: result.app ? { ...result.app, clientSecret: undefined } : null,
          drift: result.drift,
          clientSecretStored: result.clientSecretStored,
        })
        return
      }
      const rows: Array<[string, string | undefined]> = [
        ['profile', p.name],
        ['org', p.orgUrl],
        ['target', p.target],
        ['app', p.appLabel ? `${p.appLabel} (${p.appId})` : p.appId],
        ['status', result.app?.status ?? (admin ? 'missing' : 'not checked')],
        ['client id', p.clientId],
        ['client secret', result.clientSecretStored ? 'stored' : p.applicationType === 'web' || p.applicationType === 'service' ? 'missing' : 'none (public client)'],
        ['issuer', p.issuer],
        ['redirect URIs', p.redirectUris?.join(' ')],
        ['grant types', p.grantTypes?.join(' ')],
        ['scopes', p.scopes?.join(' ')],
      ]
      for (const [k, v] of rows) {
        if (v) {
          out.result(`${k}: ${v}`)
        }
      }
    })
  withExamples(cmd, ['oidc-setup okta show --profile galaxy', 'oidc-setup okta show --profile cli --json'])
}
