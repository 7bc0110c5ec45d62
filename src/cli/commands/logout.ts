import { UsageError } from '../../domain/errors.js'
import { logout } from '../../usecases/logout.js'
import { withExamples, type RegisterCommand } from '../context.js'

/** `oidc-setup logout`: revoke and forget a profile's tokens. */
export const registerLogout: RegisterCommand = (program, ctx) => {
  const cmd = program
    .command('logout')
    .description('revoke the refresh and access tokens at the server (RFC 7009) and delete them from the secret store')
    .option('--all', 'every profile that holds tokens')
    .option('--end-session', "also end the browser session at the authorization server (opens its end-session URL)")
    .action(async (options: { all?: boolean; endSession?: boolean }, command) => {
      const { deps, out, globals, profileExplicit } = ctx.context(command)
      if (options.all && profileExplicit) {
        throw new UsageError('--all and --profile exclude each other')
      }
      const results = await logout(
        { profiles: options.all ? 'all' : [globals.profile], endSession: Boolean(options.endSession) },
        {
          profiles: deps.profiles,
          secretStore: () => deps.secretStore({ kind: globals.secretStore }),
          oidc: deps.oidc,
          browser: deps.browser,
          warn: (message) => out.warn(message),
        },
      )
      for (const r of results) {
        if (r.endSessionUrl && !r.browserOpened) {
          out.info(`open this URL to end the browser session:\n\n  ${r.endSessionUrl}\n`)
        }
      }
      if (globals.json) {
        out.json({
          profiles: results.map((r) => ({
            profile: r.profile,
            loggedOut: r.hadTokens,
            revoked: r.revoked,
            revocationSkipped: r.revocationSkipped ?? null,
            endSessionUrl: r.endSessionUrl ?? null,
          })),
        })
        return
      }
      if (!results.length) {
        out.result('no profile holds tokens; nothing to do')
      }
      for (const r of results) {
        out.result(
          r.hadTokens
            ? `logged out of profile ${r.profile}${r.revoked.length ? ` (revoked: ${r.revoked.join(', ').replace(/_/g, ' ')})` : ' (not revoked at the server)'}`
            : `profile ${r.profile} holds no tokens; nothing to do`,
        )
      }
    })
  withExamples(cmd, ['oidc-setup logout --profile cli', 'oidc-setup logout --all', 'oidc-setup logout --profile cli --end-session'])
}
