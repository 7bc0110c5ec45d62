import { ConfigError, ErrorCode, UsageError } from '../../domain/errors.js'
import { DEFAULT_LOGIN_PORTS, LOOPBACK_CALLBACK_PATH } from '../../domain/loopback.js'
import { commandBrowser } from '../../infra/browser-command.js'
import { checkIssuerUrl } from '../../infra/oidc.js'
import { DEFAULT_LOGIN_SCOPES, login, type LoginInput } from '../../usecases/login.js'
import { withExamples, type RegisterCommand } from '../context.js'
import { collect } from './okta.js'

interface LoginOptions {
  issuer?: string
  clientId?: string
  scope?: string[]
  port?: string[]
  browser: boolean
  browserCommand?: string
  device?: boolean
  timeout: string
}

/** Parses --port values: integers 1-65535. */
export function parsePorts(values: string[]): number[] {
  return values.map((v) => {
    const n = Number(v)
    if (!Number.isInteger(n) || n < 1 || n > 65535) {
      throw new UsageError(`--port must be a port number (1-65535), not "${v}"`)
    }
    return n
  })
}

function registeredPorts(redirectUris: string[] | undefined): number[] {
  const ports: number[] = []
  for (const uri of redirectUris ?? []) {
    const m = /^http:\/\/127\.0\.0\.1:(\d+)(\/[^?#]*)$/.exec(uri)
    if (m && m[2] === LOOPBACK_CALLBACK_PATH) {
      ports.push(Number(m[1]))
    }
  }
  return ports
}

/** `oidc-setup login`: browser sign-in (authorization code + PKCE on a loopback port) or the device grant. */
export const registerLogin: RegisterCommand = (program, ctx) => {
  const cmd = program
    .command('login')
    .description('sign in at the authorization server (browser + loopback redirect, or --device) and keep the tokens in the secret store')
    .option('--issuer <url>', 'issuer URL (with --client-id, instead of a profile)')
    .option('--client-id <id>', 'client id of a public (PKCE) app (with --issuer)')
    .option('--scope <scope>', `scope to request (repeatable; default: the profile's, else ${DEFAULT_LOGIN_SCOPES.join(' ')})`, collect)
    .option('--port <port>', `loopback port to try (repeatable, in order; default: the profile's redirect URIs, else ${DEFAULT_LOGIN_PORTS.join(', ')})`, collect)
    .option('--no-browser', 'do not open a browser; print the URL to open by hand')
    .option('--browser-command <command>', 'run this command with the authorization URL as its last argument instead of the system browser')
    .option('--device', 'device authorization grant: print a code to enter on another device (no browser here)')
    .option('--timeout <seconds>', 'give up waiting for the sign-in after this many seconds (exit 4)', '300')
    .action(async (options: LoginOptions, command) => {
      const c = ctx.context(command)
      const { deps, out, globals } = c
      // Every flag is checked before anything is stored or sent.
      const timeout = Number(options.timeout)
      if (!Number.isFinite(timeout) || timeout <= 0) {
        throw new UsageError(`--timeout must be a positive number of seconds, not "${options.timeout}"`)
      }
      if ((options.issuer === undefined) !== (options.clientId === undefined)) {
        throw new UsageError('--issuer and --client-id go together', { hint: 'pass both, or neither and --profile P' })
      }
      if (options.device && options.browserCommand) {
        throw new UsageError('--device and --browser-command exclude each other')
      }
      const ports = options.port ? parsePorts(options.port) : undefined
      const profile = await deps.profiles.get(globals.profile)
      let issuer: string
      let clientId: string
      if (options.issuer !== undefined && options.clientId !== undefined) {
        issuer = checkIssuerUrl(options.issuer.replace(/\/+$/, '')).href.replace(/\/+$/, '')
        clientId = options.clientId
        if (profile?.clientId && (profile.clientId !== clientId || (profile.issuer && profile.issuer !== issuer))) {
          throw new UsageError(`profile "${globals.profile}" belongs to client ${profile.clientId} at ${profile.issuer ?? '(no issuer)'}`, {
            hint: 'pass another --profile NAME for this issuer and client, or drop --issuer/--client-id to use the profile',
          })
        }
      } else {
        if (!profile) {
          throw new ConfigError(`profile "${globals.profile}" does not exist`, {
          code: ErrorCode.profileNotFound,
            hint: 'create the app with `oidc-setup okta create-app --target cli --profile NAME`, or pass --issuer URL --client-id ID',
          })
        }
        if (!profile.issuer || !profile.clientId) {
          throw new ConfigError(`profile "${globals.profile}" has no issuer or client id`, {
            hint: 'run `oidc-setup okta create-app --target cli` for it, or pass --issuer URL --client-id ID',
          })
        }
        issuer = profile.issuer
        clientId = profile.clientId
        checkIssuerUrl(issuer)
      }
      const scopes = options.scope
        ? options.scope.flatMap((s) => s.split(/\s+/)).filter(Boolean)
        : profile?.scopes?.includes('openid')
          ? profile.scopes
          : DEFAULT_LOGIN_SCOPES
      const input: LoginInput = {
        profile: globals.profile,
        issuer,
        clientId,
        scopes,
        ports: ports ?? (registeredPorts(profile?.redirectUris).length ? registeredPorts(profile?.redirectUris) : DEFAULT_LOGIN_PORTS),
        openBrowser: options.browser,
        timeoutMs: timeout * 1000,
        device: Boolean(options.device),
      }
      const browser = options.browserCommand
        ? commandBrowser(options.browserCommand, deps.io, (code) => {
            if (code !== 0 && code !== null) {
              out.warn(`--browser-command exited with ${code}; still waiting for the sign-in`)
            }
          })
        : deps.browser
      const { startLoopbackServer } = await import('../../infra/loopback-server.js')
      const result = await login(input, {
        oidc: deps.oidc,
        startListener: startLoopbackServer,
        browser,
        secretStore: () => deps.secretStore({ kind: globals.secretStore, probe: true }),
        clock: deps.clock,
        interrupt: deps.interrupt,
        events: {
          authorizationUrl(url, redirectUri) {
            out.info(`waiting for the sign-in on ${redirectUri}`)
            out.info(`open this URL to sign in:\n\n  ${url}\n`)
          },
          browserNotOpened(reason) {
            out.info(reason === 'disabled' ? '(--no-browser: open the URL above yourself)' : 'could not open a browser here; open the URL above in a browser on this machine')
          },
          device(device) {
            out.info(`on any device, open ${device.verificationUri} and enter the code ${device.userCode}`)
            if (device.verificationUriComplete) {
              out.info(`or open ${device.verificationUriComplete}`)
            }
            out.info(`waiting up to ${Math.min(timeout, device.expiresIn)} s for the sign-in`)
          },
        },
      })
      if (!profile) {
        await deps.profiles.update(globals.profile, { issuer, clientId, scopes })
      }
      const expiry = result.expiresAt ? new Date(result.expiresAt * 1000).toISOString() : null
      if (globals.json) {
        out.json({
          profile: result.profile,
          issuer: result.issuer,
          clientId: result.clientId,
          subject: result.subject ?? null,
          email: result.email ?? null,
          scopes: result.scopes,
          accessTokenExpiresAt: expiry,
          refreshToken: result.hasRefreshToken,
          store: result.store,
        })
      } else {
        out.success(`signed in as ${result.email ?? result.subject ?? 'unknown user'} (profile ${result.profile})`)
        out.info(`tokens kept in the ${result.store}${result.hasRefreshToken ? '' : ' (no refresh token: request offline_access)'}`)
        out.info(`scripts get a fresh access token with: oidc-setup token${result.profile === 'default' ? '' : ` --profile ${result.profile}`}`)
      }
    })
  withExamples(cmd, [
    'oidc-setup login --profile cli',
    'oidc-setup login --issuer https://example.okta.com/oauth2/default --client-id 0oa1b2c3d4 --profile work',
    'oidc-setup login --profile cli --no-browser --timeout 600',
    'oidc-setup login --profile cli --device',
    "oidc-setup login --profile cli --browser-command 'firefox --private-window'",
  ])
}
