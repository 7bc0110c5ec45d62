import { deleteApp } from '../../usecases/delete-app.js'
import { UsageError } from '../../domain/errors.js'
import { confirmDestructive } from '../confirm.js'
import { withExamples, type RegisterCommand } from '../context.js'
import { connectOkta, describeChange, oktaCommand } from './okta.js'

/** `oidc-setup okta delete-app`: removes exactly what create-app made for a profile. */
export const registerOktaDeleteApp: RegisterCommand = (program, ctx) => {
  const cmd = oktaCommand(program)
    .command('delete-app')
    .description('deactivate and delete the Okta objects create-app made for a profile (and nothing else); asks first, --yes off a terminal')
    .option('--dry-run', 'list what would be deleted and delete nothing')
    .action(async (options: { dryRun?: boolean }, command) => {
      const c = ctx.context(command)
      const { deps, out, globals, profileExplicit } = c
      if (!profileExplicit) {
        throw new UsageError('okta delete-app needs an explicit --profile', {
          hint: 'pass --profile NAME (oidc-setup profiles list shows the profiles and their apps)',
        })
      }
      const dryRun = Boolean(options.dryRun)
      const admin = await connectOkta(c)
      const useCaseDeps = {
        admin,
        profiles: deps.profiles,
        secretStore: () => deps.secretStore({ kind: globals.secretStore }),
      }
      if (!dryRun && !globals.yes) {
        // The confirmation lists exactly what the delete will remove: the use case's own dry run.
        const plan = await deleteApp({ profile: globals.profile, dryRun: true }, useCaseDeps)
        const ok = await confirmDestructive(c, {
          action: `delete ${plan.changes.length} Okta object(s) of profile "${globals.profile}" in ${admin.orgUrl}`,
          items: plan.changes.map((ch) => `${ch.type} "${ch.name}"${ch.id ? ` ${ch.id}` : ''}`),
          preview: `oidc-setup okta delete-app --profile ${globals.profile} --dry-run`,
        })
        if (!ok) {
          out.notice('nothing deleted')
          return
        }
      }
      if (!dryRun) {
        out.setInterruptAccount(
          `some Okta objects of profile "${globals.profile}" may already be deleted; run \`oidc-setup okta delete-app --profile ${globals.profile} --dry-run\` to see what remains, and without --dry-run to finish`,
        )
      }
      const result = await deleteApp(
        { profile: globals.profile, dryRun },
        {
          ...useCaseDeps,
          // A dry run deletes nothing, so its lines carry no ✓.
          onChange: (change) => (dryRun ? out.info(`- ${describeChange(change, true)}`) : out.success(describeChange(change, false))),
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
      if (!dryRun) {
        out.hint(`profile "${result.profile}" now keeps only how to reach the org; \`oidc-setup profiles remove ${result.profile}\` forgets it`)
      }
    })
  withExamples(cmd, [
    'oidc-setup okta delete-app --profile galaxy --dry-run',
    'oidc-setup okta delete-app --profile galaxy --yes',
  ])
}
