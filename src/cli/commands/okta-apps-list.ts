import { listManagedApps } from '../../usecases/list-apps.js'
import { withExamples, type RegisterCommand } from '../context.js'
import { connectOkta, oktaCommand } from './okta.js'

/** `oidc-setup okta apps list`: the apps this tool manages, with their profiles. */
export const registerOktaAppsList: RegisterCommand = (program, ctx) => {
  const okta = oktaCommand(program)
  const apps =
    okta.commands.find((cmd) => cmd.name() === 'apps') ??
    withExamples(okta.command('apps').description('apps oidc-setup manages in the org'), ['oidc-setup okta apps list --json'])
  const cmd = apps
    .command('list')
    .description('list the org\'s app integrations oidc-setup created, with their profiles')
    .action(async (_options: object, command) => {
      const c = ctx.context(command)
      const admin = await connectOkta(c)
      const rows = await listManagedApps({ admin, profiles: c.deps.profiles })
      // An unreadable profile only loses its name in the PROFILE column; it is named here with the way out.
      for (const bad of (await c.deps.profiles.scan()).invalid) {
        c.out.warn(`${bad.error.message}${bad.error.hint ? `; ${bad.error.hint}` : ''}`)
      }
      if (c.globals.json) {
        c.out.json(rows)
        return
      }
      if (!rows.length) {
        c.out.info('no apps managed by oidc-setup in this org')
        return
      }
      c.out.table(
        ['LABEL', 'CLIENT ID', 'TYPE', 'STATUS', 'PROFILE'],
        rows.map((r) => [r.label, r.clientId, r.applicationType, r.status, r.profile ? `${r.profile}${r.profileHere ? '' : ' (not on this machine)'}` : '-']),
      )
    })
  withExamples(cmd, ['oidc-setup okta apps list', 'oidc-setup okta apps list --json'])
}
