import { status } from '../../usecases/status.js'
import { withExamples, type RegisterCommand } from '../context.js'

/** `oidc-setup status`: who is logged in with which profile, and until when (never token values). */
export const registerStatus: RegisterCommand = (program, ctx) => {
  const cmd = program
    .command('status')
    .description('show the login state of each profile: issuer, client, user, scopes, token expiry, secret store (never tokens)')
    .action(async (_options: unknown, command) => {
      const { deps, out, globals, profileExplicit } = ctx.context(command)
      const rows = await status(
        { profile: profileExplicit ? globals.profile : undefined },
        { profiles: deps.profiles, secretStore: () => deps.secretStore({ kind: globals.secretStore }) },
      )
      if (globals.json) {
        out.json({ profiles: rows })
        return
      }
      if (!rows.length) {
        out.result('not logged in with any profile (oidc-setup login --profile P)')
        return
      }
      const now = deps.clock.now().getTime()
      const when = (iso: string | null): string => {
        if (iso === null) {
          return 'unknown'
        }
        const left = Math.round((Date.parse(iso) - now) / 1000)
        return `${iso} (${left > 0 ? `in ${duration(left)}` : 'expired'})`
      }
      for (const row of rows) {
        out.result(`${row.profile}: ${row.loggedIn ? `logged in as ${row.email ?? row.subject ?? 'unknown'}` : 'not logged in'}`)
        out.result(`  issuer     ${row.issuer ?? '-'}`)
        out.result(`  client id  ${row.clientId ?? '-'}`)
        if (row.loggedIn) {
          out.result(`  subject    ${row.subject ?? '-'}`)
          out.result(`  scopes     ${row.scopes.join(' ') || '-'}`)
          out.result(`  access     expires ${when(row.accessTokenExpiresAt)}`)
          out.result(`  refresh    ${row.hasRefreshToken ? `expires ${when(row.refreshTokenExpiresAt)}` : 'none'}`)
          out.result(`  store      ${row.store}`)
        }
      }
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
