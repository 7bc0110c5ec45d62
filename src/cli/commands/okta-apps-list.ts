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
      const admin = await connectOkta(c, undefined, ['okta.apps.read'])
      const rows = await listManagedApps({ admin, profiles: c.deps.profiles })
      if (c.globals.json) {
        c.out.json(rows)
        return
      }
      if (!rows.length) {
        c.out.info('no apps managed by oidc-setup in this org')
        return
      }
      for (const r of rows) {
        const profile = r.profile ? `${r.profile}${r.profileHere ? '' : ' (not on this machine)'}` : '-'
        c.out.result(`${r.label}\t${r.clientId}\t${r.applicationType}\t${r.status}\tprofile: ${profile}`)
      }
    })
  withExamples(cmd, ['oidc-setup okta apps list', 'oidc-setup okta apps list --json'])
}
