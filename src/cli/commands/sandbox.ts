import path from 'node:path'
import type { Command } from 'commander'
import { ConfigError, UsageError } from '../../domain/errors.js'
import { withExamples, type RegisterCommand } from '../context.js'

interface StartOptions {
  port: string
  state?: string
  autoLogin?: string
  orgProfile: string
  customDomain?: string
  apiAccessManagement: boolean
  eventualConsistency?: string
  maskClientSecrets?: boolean
}

function parseProfile(value: string): 'oie' | 'classic' {
  if (value !== 'oie' && value !== 'classic') {
    throw new UsageError(`--org-profile must be oie or classic, not "${value}"`, { hint: 'oie is an Identity Engine org (all new orgs), classic a Classic Engine one' })
  }
  return value
}

function parseCustomDomain(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(`--custom-domain must be a URL, not "${value}"`, { hint: 'e.g. --custom-domain http://localhost:0 (port 0 = the sandbox\'s port)' })
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.hash) {
    throw new UsageError(`--custom-domain must be an http(s) origin without a path, not "${value}"`, { hint: 'e.g. --custom-domain http://localhost:0' })
  }
  return url.origin
}

function parseMs(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 600_000) {
    throw new UsageError(`--eventual-consistency must be milliseconds from 0 to 600000, not "${value}"`, { hint: 'e.g. --eventual-consistency 2000' })
  }
  return Number(value)
}

function parsePort(value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new UsageError(`--port must be a number from 0 to 65535, not "${value}"`, { hint: 'use --port 0 for any free port' })
  }
  return port
}

/** `oidc-setup sandbox start`: a local Okta-compatible org on 127.0.0.1 until Ctrl-C. */
export const registerSandbox: RegisterCommand = (program, ctx) => {
  let sandbox = program.commands.find((c) => c.name() === 'sandbox')
  if (!sandbox) {
    sandbox = program
      .command('sandbox')
      .description('a local Okta-compatible org (Management API + OpenID Connect) for trying things out and for tests')
    withExamples(sandbox, ['oidc-setup sandbox start', 'oidc-setup sandbox start --json --port 0'])
  }
  const start = sandbox
    .command('start')
    .description('start the sandbox on 127.0.0.1 and print its org URL, API token and demo user; runs until Ctrl-C')
    .option('--port <n>', 'port to listen on (0 = any free port)', '0')
    .option('--state <file>', 'keep the org in this file (atomic writes, 0600) so a restart keeps apps, servers and users')
    .option('--auto-login <login>', 'complete every sign-in as this user without showing the login form (for scripts)')
    .option('--org-profile <profile>', 'oie (Identity Engine: authentication policies, two-factor sign-in) or classic', 'oie')
    .option('--custom-domain <url>', 'also answer as this custom domain (e.g. http://localhost:0); new apps get issuer_mode CUSTOM_URL')
    .option('--no-api-access-management', 'an org without API Access Management: /api/v1/authorizationServers answers 401 E0000015')
    .option('--eventual-consistency <ms>', 'deactivations, deletions and group assignments settle only after this many ms, as on Okta')
    .option('--mask-client-secrets', 'the secrets API elides client_secret outside the create response, as Okta may')
    .action(async (options: StartOptions, command: Command) => {
      const { deps, out, globals } = ctx.context(command)
      const port = parsePort(options.port)
      const orgProfile = parseProfile(options.orgProfile)
      const customDomain = options.customDomain === undefined ? undefined : parseCustomDomain(options.customDomain)
      const eventualConsistencyMs = options.eventualConsistency === undefined ? undefined : parseMs(options.eventualConsistency)
      const state = options.state === undefined ? undefined : path.resolve(deps.io.cwd, options.state)
      const { startSandbox } = await import('../../sandbox/index.js')
      let running: Awaited<ReturnType<typeof startSandbox>>
      try {
        running = await startSandbox({
          port,
          ...(state ? { state } : {}),
          ...(options.autoLogin ? { autoLogin: options.autoLogin } : {}),
          orgProfile,
          ...(customDomain ? { customDomain } : {}),
          apiAccessManagement: options.apiAccessManagement,
          ...(eventualConsistencyMs !== undefined ? { eventualConsistencyMs } : {}),
          maskClientSecrets: options.maskClientSecrets === true,
        })
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        if (code === 'EADDRINUSE') {
          throw new UsageError(`could not start the sandbox: port ${port} on 127.0.0.1 is in use`, {
            hint: 'choose another --port, or --port 0 for any free one',
          })
        }
        throw new ConfigError(`could not start the sandbox: ${error instanceof Error ? error.message : String(error)}`, {
          hint: state ? `check or remove the state file ${state}` : undefined,
          cause: error,
        })
      }
      try {
        if (options.autoLogin && !running.users.some((u) => u.login === options.autoLogin || u.id === options.autoLogin)) {
          throw new UsageError(`--auto-login: no sandbox user "${options.autoLogin}"`, {
            hint: `the seeded user is ${running.users[0]?.login ?? 'demo@example.com'}; create others with POST /api/v1/users`,
          })
        }
        const user = running.users[0]
        out.registerSecret(running.apiToken)
        if (globals.json) {
          out.json({
            orgUrl: running.orgUrl,
            apiToken: running.apiToken,
            user: { login: user?.login, password: user?.password, totpSecret: user?.totpSecret },
            orgProfile: running.mode.profile,
            ...(running.customDomainUrl ? { customDomain: running.customDomainUrl } : {}),
            apiAccessManagement: running.mode.apiAccessManagement,
            eventualConsistencyMs: running.mode.eventualConsistencyMs,
            maskClientSecrets: running.mode.maskClientSecrets,
            testLogin: `${running.orgUrl}/sandbox/v1/test-login`,
          })
        } else {
          out.result(
            [
              `orgUrl    ${running.orgUrl}`,
              `apiToken  ${running.apiToken}`,
              `login     ${user?.login ?? ''}`,
              `password  ${user?.password ?? ''}`,
              ...(user?.totpSecret ? [`totp      ${user.totpSecret} (base32 TOTP seed of the second factor)`] : []),
              ...(running.customDomainUrl ? [`custom    ${running.customDomainUrl}`] : []),
            ].join('\n'),
          )
        }
        out.success(`sandbox org running at ${running.orgUrl}${state ? ` (state in ${state})` : ' (in memory)'}, ${orgProfile === 'oie' ? 'Identity Engine' : 'Classic Engine'}`)
        out.hint(`issuers: ${running.orgUrl} (org) and ${running.issuer('default')} (default server)`)
        out.hint(`use it: oidc-setup okta configure --org-url ${running.orgUrl} (it asks for the apiToken above), or set OKTA_CLIENT_ORGURL and OKTA_CLIENT_TOKEN`)
        if (options.autoLogin) {
          out.info(`auto-login: every sign-in completes as ${options.autoLogin}`)
        }
        out.info('press Ctrl-C to stop')
        await new Promise<void>((resolve) => {
          if (deps.interrupt.aborted) {
            resolve()
            return
          }
          deps.interrupt.addEventListener('abort', () => resolve(), { once: true })
        })
        out.info('stopping the sandbox')
      } finally {
        await running.close()
      }
    })
  withExamples(start, [
    'oidc-setup sandbox start',
    'oidc-setup sandbox start --port 8080 --state ./sandbox-org.json',
    'oidc-setup sandbox start --json --auto-login demo@example.com',
    'oidc-setup sandbox start --org-profile classic --custom-domain http://localhost:0 --eventual-consistency 2000',
  ])
}
