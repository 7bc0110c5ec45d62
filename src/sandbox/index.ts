/**
 * The local Okta-compatible sandbox: a subset of the Okta Management API (Okta's shapes and errors) and real OpenID
 * Connect authorization servers (oidc-provider) for the apps it holds, on 127.0.0.1.
 *
 * Loaded only by `oidc-setup sandbox start` and by tests (`await import('../sandbox/index.js')`); see README.md here for
 * how to point the Okta SDK and openid-client at it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { OktaError } from './errors.js'
import { applyFaults, FaultRegistry, type FaultSpec, type Faults } from './faults.js'
import { sendError } from './http.js'
import { createManagementApi } from './management/api.js'
import { registerApps } from './management/apps.js'
import { registerDirectory } from './management/directory.js'
import { Router } from './management/router.js'
import { registerServers } from './management/servers.js'
import { registerServiceApps } from './management/service-apps.js'
import { registerTrustedOrigins } from './management/trusted-origins.js'
import { DpopVerifier } from './dpop.js'
import { registerAccessPolicies, seedAccessPolicies } from './management/access-policies.js'
import { createOidcGateway } from './oidc/gateway.js'
import { runTestLogin, type TestLoginCredentials, type TestLoginResult } from './oidc/test-login.js'
import { newTotpSecret, totpCode } from './totp.js'
import { newId } from './util.js'
import { OidcHost } from './oidc/host.js'
import { DEFAULT_MODE, Org, type OrgMode } from './org.js'
import { RateLimiter, type RateLimit } from './rate-limits.js'
import { logRequest, type RequestLogEntry } from './request-log.js'
import { seedState } from './seed.js'
import { loadState, StatePersister, type SandboxState } from './store.js'
import { asObject } from './util.js'

export type { FaultHandle, FaultSpec, Faults } from './faults.js'
export type { RateLimit } from './rate-limits.js'
export type { RequestLogEntry } from './request-log.js'
export type { SandboxState } from './store.js'
export { MESSAGES as OKTA_MESSAGES } from './oidc/policy.js'
export type { OrgMode } from './org.js'
export type { TestLoginCredentials, TestLoginResult } from './oidc/test-login.js'
export { totpCode } from './totp.js'

/** How to start a sandbox. */
export interface SandboxOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number
  /** A JSON file the org is persisted to (atomic writes, mode 0600) and restored from. Without it: memory only. */
  state?: string
  /** Complete every authorize step as this user (login or id) without showing the sign-in form. */
  autoLogin?: string
  /** The SSWS token to accept (default: random, or the one in the state file). */
  apiToken?: string
  /** Per-path-prefix limits, e.g. `{ '/api/v1/apps': 600 }` (per minute) or `{ '/api/v1/apps': { limit: 10, windowSeconds: 1 } }`. */
  rateLimits?: Record<string, number | RateLimit>
  /** Faults in force from the start (see `faults.add`). */
  faults?: FaultSpec[]
  /** Latency added to every request, in ms. */
  latencyMs?: number
  /**
   * The kind of org: `oie` (Identity Engine, the default: every org created since 2022) has authentication policies,
   * the shared default two-factor policy on new apps and a sign-in that asks for a second factor; `classic` has none.
   */
  orgProfile?: 'oie' | 'classic'
  /**
   * The org's custom domain URL. The sandbox answers for it too (requests whose Host is the URL's host, so use a name
   * that reaches 127.0.0.1, e.g. `http://localhost:0`: port 0 stands for the sandbox's port); new apps default to
   * `issuer_mode: CUSTOM_URL`, new servers to `issuerMode: CUSTOM_URL`.
   */
  customDomain?: string
  /** Whether the org has API Access Management (custom authorization servers); default true. */
  apiAccessManagement?: boolean
  /** Okta's eventual consistency: deactivations, deletions and group assignments take this long (ms) to settle. */
  eventualConsistencyMs?: number
  /** The secrets API elides `client_secret` outside the create response (as Okta's examples show). */
  maskClientSecrets?: boolean
}

/** A user of the sandbox and the password to sign in with. */
export interface SandboxUser {
  id: string
  login: string
  password: string | undefined
  /** The base32 seed of the user's TOTP authenticator (RFC 6238), when enrolled (the demo user is). */
  totpSecret: string | undefined
}

/** A running sandbox. */
export interface Sandbox {
  /** `http://127.0.0.1:{port}`: the Okta org URL, also the org authorization server's issuer. */
  readonly orgUrl: string
  readonly port: number
  /** The SSWS API token (`Authorization: SSWS {apiToken}`). */
  readonly apiToken: string
  /** Users and their passwords; the first is the seeded demo user. */
  readonly users: SandboxUser[]
  /** Every request received, in order (live; the newest 100,000 are kept; `clearRequestLog()` empties it). */
  readonly requestLog: RequestLogEntry[]
  clearRequestLog(): void
  /** Fault injection at runtime. */
  readonly faults: Faults
  /** Sets the rate limit of the bucket for a path prefix (a number is per minute; ≤0 or Infinity lifts it). */
  setRateLimit(pathPrefix: string, limit: number | RateLimit): void
  /** Turns auto-login on (a login or user id) or off (undefined). */
  setAutoLogin(login: string | undefined): void
  /**
   * The issuer of a custom authorization server (`default`, `aus…`), or of the org server without an argument; with
   * `'custom'`, the one the custom domain answers with.
   */
  issuer(serverId?: string, domain?: 'org' | 'custom'): string
  /** The kind of org and its features, as started. */
  readonly mode: OrgMode
  /** The custom domain's URL (port resolved), when the org has one. */
  readonly customDomainUrl: string | undefined
  /** The current TOTP code of a user (login or id) with an enrolled authenticator. */
  totp(login: string, at?: number): string
  /** Enrolls a TOTP authenticator for a user (login or id) and returns its base32 seed. */
  enrollTotp(login: string): string
  /**
   * The sandbox-only test sign-in (see README.md): follows an authorization URL as a browser would, signs the user in
   * with the password and, when the app's authentication policy asks for it, a TOTP code, and returns the redirect to
   * the client's redirect_uri (with `code` and `state`, or `error`) without fetching it.
   */
  testLogin(authorizationUrl: string | URL, credentials: TestLoginCredentials): Promise<TestLoginResult>
  /** The org's state (read-only use: assertions in tests). */
  readonly state: SandboxState
  /** Stops listening, drops open connections and writes the state file (when persisted). */
  close(): Promise<void>
}

/** Hides oidc-provider's import-time "Unsupported runtime" notice on Node 20 (it runs there; the notice is advice). */
async function importOidcProvider(): Promise<typeof import('oidc-provider')> {
  const write = process.stderr.write.bind(process.stderr)
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (String(chunk).includes('oidc-provider WARNING: Unsupported runtime')) {
      return true
    }
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest)
  }) as typeof process.stderr.write
  try {
    return await import('oidc-provider')
  } finally {
    process.stderr.write = write
  }
}

/** Starts a sandbox org on 127.0.0.1 and resolves when it is listening. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  // Loading oidc-provider and generating the signing keys (thread pool) overlap: both dominate start-up.
  const [mod, state] = await Promise.all([
    importOidcProvider(),
    (async () => (options.state ? await loadState(options.state) : undefined) ?? (await seedState(options.apiToken)))(),
  ])
  if (options.apiToken) {
    state.apiToken = options.apiToken
  }
  const mode: OrgMode = {
    profile: options.orgProfile ?? DEFAULT_MODE.profile,
    customDomain: options.customDomain,
    apiAccessManagement: options.apiAccessManagement ?? true,
    eventualConsistencyMs: Math.max(0, options.eventualConsistencyMs ?? 0),
    maskClientSecrets: options.maskClientSecrets === true,
  }
  let customDomain: URL | undefined
  if (mode.customDomain !== undefined) {
    try {
      customDomain = new URL(mode.customDomain)
    } catch {
      throw new Error(`customDomain must be a URL (http://localhost:0, https://login.example.com), not "${mode.customDomain}"`)
    }
    if (customDomain.pathname !== '/' || customDomain.search || customDomain.hash) {
      throw new Error(`customDomain must be an origin without a path, not "${mode.customDomain}"`)
    }
  }
  const org = new Org(state, '', mode)
  seedAccessPolicies(org)
  const saved = state.oidc ?? {}
  delete state.oidc
  let autoLogin = options.autoLogin
  let persister: StatePersister | undefined
  const oidc = new OidcHost(org, mod, () => autoLogin, saved, () => persister?.schedule())
  if (options.state) {
    const file = options.state
    const writer = new StatePersister(file, () => ({ ...org.state, oidc: oidc.exportStorage() }))
    org.onChange(() => writer.schedule())
    persister = writer
  }
  const router = new Router()
  registerApps(router, org)
  registerServers(router, org)
  registerDirectory(router, org)
  registerTrustedOrigins(router, org)
  registerServiceApps(router, org)
  registerAccessPolicies(router, org)
  const dpop = new DpopVerifier()
  const management = createManagementApi(org, oidc, router, dpop)
  const openid = createOidcGateway(org, oidc, management, dpop)
  const faults = new FaultRegistry(options.faults ?? [], options.latencyMs ?? 0)
  const limiter = new RateLimiter(options.rateLimits ?? {})
  const requestLog: RequestLogEntry[] = []
  const sockets = new Set<Socket>()

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase()
    let url: URL
    try {
      url = new URL(req.url ?? '/', org.orgUrl)
    } catch {
      url = new URL('/', org.orgUrl)
    }
    logRequest(requestLog, req, res, url)
    // Okta names every answer with a request id (support cases and the System Log refer to it).
    res.setHeader('X-Okta-Request-Id', newId('req'))
    if (await applyFaults(faults, limiter, req, res, method, url.pathname)) {
      return
    }
    try {
      await (url.pathname.startsWith('/api/v1/') || url.pathname === '/api/v1' ? management : openid)(req, res, url)
    } catch (error) {
      sendError(
        res,
        error instanceof OktaError
          ? error
          : new OktaError(500, 'E0000009', 'Internal Server Error', [{ errorSummary: error instanceof Error ? error.message : String(error) }]),
      )
    }
  }

  const server = createServer({ keepAlive: true }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) {
        res.statusCode = 500
      }
      res.end()
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  server.on('clientError', (_error, socket) => {
    socket.destroy()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  org.orgUrl = `http://127.0.0.1:${port}`
  if (customDomain) {
    if (customDomain.port === '0') {
      customDomain.port = String(port)
    }
    org.customUrl = customDomain.origin
  }
  const userOf = (login: string) => {
    const user = org.findUser(login)
    if (!user) {
      throw new Error(`no sandbox user "${login}"`)
    }
    return user
  }
  persister?.schedule()

  return {
    orgUrl: org.orgUrl,
    port,
    apiToken: state.apiToken,
    get users(): SandboxUser[] {
      return state.users.map((u) => ({ id: u.id, login: String(asObject(u.user.profile).login ?? ''), password: u.password, totpSecret: u.totpSecret }))
    },
    requestLog,
    clearRequestLog() {
      requestLog.length = 0
    },
    faults,
    setRateLimit(prefix, limit) {
      limiter.set(prefix, limit)
    },
    setAutoLogin(login) {
      autoLogin = login
    },
    issuer(serverId, domain) {
      return serverId === undefined ? org.issuer(undefined, domain) : oidc.issuer(org.findServer(serverId)?.id ?? serverId, domain ?? 'org')
    },
    mode,
    customDomainUrl: org.customUrl,
    totp(login, at) {
      const secret = userOf(login).totpSecret
      if (!secret) {
        throw new Error(`sandbox user "${login}" has no TOTP authenticator (enrollTotp() gives one)`)
      }
      return totpCode(secret, at)
    },
    enrollTotp(login) {
      const user = userOf(login)
      user.totpSecret = newTotpSecret()
      user.totpFactor = { id: newId('uft'), provider: 'GOOGLE', created: new Date().toISOString(), status: 'ACTIVE' }
      org.changed()
      return user.totpSecret
    },
    testLogin(authorizationUrl, credentials) {
      return runTestLogin(org, authorizationUrl, credentials)
    },
    state,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) {
          socket.destroy()
        }
      })
      await persister?.flush()
    },
  }
}
