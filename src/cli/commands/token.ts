import { UsageError } from '../../domain/errors.js'
import { execCredential } from '../../domain/token-set.js'
import { lockTokenRefresh } from '../../infra/token-lock.js'
import { getToken } from '../../usecases/get-token.js'
import { withExamples, type RegisterCommand } from '../context.js'

interface TokenOptions {
  idToken?: boolean
  format?: string
  minValidity: string
}

const FORMATS = ['raw', 'json', 'exec-credential'] as const

/** `oidc-setup token`: a valid token on stdout for scripts (refreshed when needed). */
export const registerToken: RegisterCommand = (program, ctx) => {
  const cmd = program
    .command('token')
    .description('print a valid access token (or ID token) of a logged-in profile, refreshing it when it is about to expire')
    .option('--id-token', 'print the ID token instead of the access token')
    .option('--format <format>', `output: ${FORMATS.join(', ')} (a Kubernetes ExecCredential for kubectl); default raw, json with --json`)
    .option('--min-validity <seconds>', 'refresh when the token expires within this many seconds', '60')
    .action(async (options: TokenOptions, command) => {
      const { deps, out, globals } = ctx.context(command)
      const format = options.format ?? (globals.json ? 'json' : 'raw')
      if (!(FORMATS as readonly string[]).includes(format)) {
        throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}"`)
      }
      const minValidity = Number(options.minValidity)
      if (!Number.isFinite(minValidity) || minValidity < 0) {
        throw new UsageError(`--min-validity must be a number of seconds (0 or more), not "${options.minValidity}"`)
      }
      const kind = options.idToken ? 'id' : 'access'
      const result = await getToken(
        { profile: globals.profile, kind, minValiditySeconds: minValidity },
        {
          profileExists: async (profile) => (await deps.profiles.get(profile)) !== undefined,
          secretStore: () => deps.secretStore({ kind: globals.secretStore }),
          clock: deps.clock,
          oidc: deps.oidc,
          lock: (profile) => lockTokenRefresh(deps.configHome, profile),
        },
      )
      out.registerSecret(result.token)
      for (const warning of result.warnings) {
        out.warn(warning)
      }
      const expiresAt = result.expiresAt === undefined ? null : new Date(result.expiresAt * 1000).toISOString()
      if (format === 'exec-credential') {
        out.data(JSON.stringify(execCredential(result.token, result.expiresAt)))
      } else if (format === 'json') {
        out.json({ token: result.token, type: kind, expiresAt, refreshed: result.refreshed })
      } else {
        out.data(result.token)
      }
    })
  withExamples(cmd, [
    'oidc-setup token --profile cli',
    'curl -H "Authorization: Bearer $(oidc-setup token --profile cli)" https://api.example.com/me',
    'oidc-setup token --profile cli --id-token --min-validity 300',
    'oidc-setup token --profile cli --format exec-credential   # as a kubectl exec credential plugin',
  ])
}
