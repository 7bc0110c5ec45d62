import { deleteApp } from '../../usecases/delete-app.js'
import { UsageError } from '../../domain/errors.js'
import { withExamples, type RegisterCommand } from '../context.js'
import { connectOkta, describeChange, oktaCommand } from './okta.js'
import { PROVISION_SCOPES } from '../../domain/okta-credentials.js'

/** `oidc-setup okta delete-app`: removes exactly what create-app made for a profile. */
export const registerOktaDeleteApp: RegisterCommand = (program, ctx) => {
  const cmd = oktaCommand(program)
    .command('delete-app')
    .description('deactivate and delete the Okta objects create-app made for a profile (and nothing else)')
    .option('--dry-run', 'list what would be deleted and delete nothing')
    .action(async (options: { dryRun?: boolean }, command) => {
      const c = ctx.context(command)
      const { deps, out, globals, interactive, profileExplicit } = c
      if (!profileExplicit) {
        throw new UsageError('okta delete-app needs an explicit --profile', {
          hint: 'pass --profile NAME (oidc-setup okta apps list shows which profile owns which app)',
        })
      }
      const dryRun = Boolean(options.dryRun)
      if (!dryRun && interactive) {
        const ok = await deps.prompt.confirm(`Delete the Okta app of profile "${globals.profile}" and everything created with it?`, false)
        if (!ok) {
          out.info('nothing deleted')
          return
        }
      }
      const admin = await connectOkta(c, undefined, PROVISION_SCOPES)
      const result = await deleteApp(
        { profile: globals.profile, dryRun },
        {
          admin,
          profiles: deps.profiles,
          secretStore: () => deps.secretStore({ kind: globals.secretStore }),
          onChange: (change) => out.success(describeChange(change, dryRun)),
        },
      )
      if (!result.changes.length && !result.skipped.length) {
        out.warn(`profile "${result.profile}" records no Okta objects created by oidc-setup; nothing was deleted in Okta`)
      }
      for (const s of result.skipped) {
        out.warn(`left ${s.type} "${s.name}" alone: ${s.reason}`)
      }
      if (globals.json) {
        out.json({
          profile: result.profile,
          dryRun,
          changes: result.changes.map((ch) => ({ type: ch.type, name: ch.name, action: ch.action, id: ch.id ?? null })),
          skipped: result.skipped,
        })
      } else {
        out.result(`${dryRun ? 'would delete' : 'deleted'} ${result.changes.length} object(s) of profile ${result.profile}`)
      }
    })
  withExamples(cmd, [
    'oidc-setup okta delete-app --profile galaxy --dry-run',
    'oidc-setup okta delete-app --profile galaxy --yes',
  ])
}
