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
import { createOidcGateway } from './oidc/gateway.js'
import { OidcHost } from './oidc/host.js'
import { Org } from './org.js'
import { RateLimiter, type RateLimit } from './rate-limits.js'
import { logRequest, type RequestLogEntry } from './request-log.js'
import { loadState, seedState, StatePersister, type SandboxState } from './store.js'
import { asObject } from './util.js'

export type { FaultHandle, FaultSpec, Faults } from './faults.js'
export type { RateLimit } from './rate-limits.js'
export type { RequestLogEntry } from './request-log.js'
export type { SandboxState } from './store.js'
export { MESSAGES as OKTA_MESSAGES } from './oidc/policy.js'

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
}

/** A user of the sandbox and the password to sign in with. */
export interface SandboxUser {
  id: string
  login: string
  password: string | undefined
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
  /** The issuer of a custom authorization server (`default`, `aus…`), or of the org server without an argument. */
  issuer(serverId?: string): string
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
  const org = new Org(state, '')
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
  const management = createManagementApi(org, oidc, router)
  const openid = createOidcGateway(org, oidc, management)
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
  persister?.schedule()

  return {
    orgUrl: org.orgUrl,
    port,
    apiToken: state.apiToken,
    get users(): SandboxUser[] {
      return state.users.map((u) => ({ id: u.id, login: String(asObject(u.user.profile).login ?? ''), password: u.password }))
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
    issuer(serverId) {
      return org.issuer(serverId)
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
