import { status } from '../../usecases/status.js'
import { withExamples, type RegisterCommand } from '../context.js'

/** `oidc-setup status`: who is logged in with which profile, until when, and where the tokens are (never values). */
export const registerStatus: RegisterCommand = (program, ctx) => {
  const cmd = program
    .command('status')
    .description('show the login state of each profile: user, token expiry, the secret store holding the tokens, issuer, client (never tokens)')
    .action(async (_options: unknown, command) => {
      const { deps, out, globals, profileExplicit } = ctx.context(command)
      const result = await status(
        { profile: profileExplicit ? globals.profile : undefined },
        { profiles: deps.profiles, secretStore: () => deps.secretStore({ kind: globals.secretStore }) },
      )
      // A profile that cannot be read is named, with the way out; the others are still shown.
      for (const bad of result.invalid) {
        out.warn(`${bad.message}${bad.hint ? `; ${bad.hint}` : ''}`)
      }
      if (globals.json) {
        out.json({ profiles: result.profiles, invalid: result.invalid })
        return
      }
      if (!result.profiles.length) {
        out.result('not logged in with any profile (oidc-setup login --profile P)')
        return
      }
      const now = deps.clock.now().getTime()
      const when = (iso: string | null): string => {
        if (iso === null) {
          return 'unknown expiry'
        }
        const left = Math.round((Date.parse(iso) - now) / 1000)
        return left > 0 ? `expires in ${duration(left)}` : 'expired'
      }
      out.table(
        ['PROFILE', 'STATE', 'ACCESS TOKEN', 'REFRESH TOKEN', 'STORE', 'ISSUER', 'CLIENT ID'],
        result.profiles.map((row) => [
          row.profile,
          row.loggedIn ? `logged in as ${row.email ?? row.subject ?? 'unknown'}` : 'not logged in',
          row.loggedIn ? when(row.accessTokenExpiresAt) : '-',
          row.loggedIn ? (row.hasRefreshToken ? (row.refreshTokenExpiresAt ? when(row.refreshTokenExpiresAt) : 'yes') : 'none') : '-',
          row.store,
          row.issuer ?? '-',
          row.clientId ?? '-',
        ]),
      )
    })
  withExamples(cmd, ['oidc-setup status', 'oidc-setup status --profile cli --json'])
}

function duration(seconds: number): string {
  if (seconds < 120) {
    return `${seconds} s`
  }
  if (seconds < 7200) {
    return `${Math.round(seconds / 60)} min`
  }
  if (seconds < 172800) {
    return `${Math.round(seconds / 3600)} h`
  }
  return `${Math.round(seconds / 86400)} days`
}
