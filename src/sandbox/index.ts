/**
 * The local Okta-compatible sandbox: a subset of the Okta Management API (Okta's shapes and errors) and real OpenID
 * Connect authorization servers (oidc-provider) for the apps it holds, on 127.0.0.1.
 *
 * Loaded only by `oidc-setup sandbox start` and by tests (`await import('../sandbox/index.js')`); see README.md here for
 * how to point the Okta SDK and openid-client at it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { Readable } from 'node:stream'
import { OktaError, invalidToken, malformedBody, notFound } from './errors.js'
import { registerApps } from './management/apps.js'
import { registerDirectory } from './management/directory.js'
import { Router, type ApiResponse } from './management/router.js'
import { registerServers } from './management/servers.js'
import { forbidden, registerServiceApps, requiredScope, scopeSatisfied } from './management/service-apps.js'
import { MESSAGES as OKTA_MESSAGES, OidcHost, ORG_SERVER } from './oidc.js'
import { Org, oauthSettings } from './org.js'
import { ensureSigningKey, loadState, seedState, StatePersister, type SandboxState } from './store.js'
import {
  FaultRegistry,
  RateLimiter,
  type FaultSpec,
  type Faults,
  type RateLimit,
  type RequestLogEntry,
} from './traffic.js'
import { asObject, asStringArray } from './util.js'

export type { FaultHandle, FaultSpec, Faults, RateLimit, RequestLogEntry } from './traffic.js'
export { MESSAGES as OKTA_MESSAGES } from './oidc.js'

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

const MAX_BODY = 1024 * 1024
/** Entries the request log keeps (oldest dropped beyond). */
const REQUEST_LOG_LIMIT = 100_000

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const length = Number(req.headers['content-length'] ?? NaN)
  if (Number.isFinite(length) && length > limit) {
    throw new BodyTooLarge()
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) {
      throw new BodyTooLarge()
    }
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) {
    return
  }
  for (const [k, v] of Object.entries(headers)) {
    res.setHeader(k, v)
  }
  res.statusCode = status
  if (status === 204 || body === undefined) {
    res.end()
    return
  }
  const text = JSON.stringify(body)
  res.setHeader('Content-Type', 'application/json')
  res.setHeader('Content-Length', Buffer.byteLength(text))
  res.end(text)
}

function sendError(res: ServerResponse, error: OktaError): void {
  sendJson(res, error.status, error.body(), error.headers)
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
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
  registerServiceApps(router, org)
  const faults = new FaultRegistry(options.faults ?? [], options.latencyMs ?? 0)
  const limiter = new RateLimiter(options.rateLimits ?? {})
  const requestLog: RequestLogEntry[] = []
  const sockets = new Set<Socket>()

  async function management(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase()
    const auth = req.headers.authorization ?? ''
    const bearer = /^(?:Bearer|DPoP) (.+)$/i.exec(auth)
    if (bearer) {
      // OAuth 2.0 for Okta: an org-server token of an active service app with the scope and an admin role.
      const token = oidc.orgAccessToken((bearer[1] ?? '').trim())
      const app = token ? org.appByClientId(token.clientId) : undefined
      if (!token || !app || app.app.status !== 'ACTIVE') {
        throw invalidToken()
      }
      const needed = requiredScope(method, url.pathname)
      if (!scopeSatisfied(token.scopes, needed)) {
        throw forbidden(`The access token does not have the ${needed} scope.`)
      }
      if (!app.roles?.length) {
        throw forbidden('The client has no admin role; assign one with POST /oauth2/v1/clients/{clientId}/roles.')
      }
    } else if (!auth.startsWith('SSWS ') || auth.slice(5).trim() !== state.apiToken) {
      throw invalidToken()
    }
    const match = router.match(method, url.pathname)
    if (match.kind === 'none') {
      throw notFound(url.pathname, 'Resource')
    }
    if (match.kind === 'method') {
      const error = new OktaError(405, 'E0000022', 'The endpoint does not support the provided HTTP method', [
        { errorSummary: `${method} is not supported on ${url.pathname}` },
      ], { Allow: match.allowed.join(', ') })
      throw error
    }
    let body: unknown
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      let raw: Buffer
      try {
        raw = await readBody(req, MAX_BODY)
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          throw new OktaError(413, 'E0000003', 'The request body was not well-formed.', [
            { errorSummary: 'The request body is larger than 1 MB.' },
          ])
        }
        throw error
      }
      if (raw.length > 0) {
        const type = String(req.headers['content-type'] ?? '')
        if (!/^application\/(.+\+)?json\b/i.test(type)) {
          throw new OktaError(415, 'E0000003', 'The request body was not well-formed.', [
            { errorSummary: `Unsupported Content-Type "${type || '(none)'}"; send application/json.` },
          ])
        }
        try {
          body = JSON.parse(raw.toString('utf8'))
        } catch (error) {
          throw malformedBody(error instanceof Error ? error.message : undefined)
        }
      }
    }
    const answer: ApiResponse = await match.handler({
      method,
      path: url.pathname,
      query: url.searchParams,
      body,
      params: match.params,
      orgUrl: org.orgUrl,
    })
    sendJson(res, answer.status, answer.body, answer.headers)
  }

  /** Okta refuses unknown scopes (invalid_scope) where oidc-provider drops them, so they are checked on the way in. */
  function scopeError(key: string, scope: string | null): string | undefined {
    const unknown = oidc.unknownScopes(key, (scope ?? '').split(' ').filter(Boolean))
    return unknown.length ? OKTA_MESSAGES.scopes : undefined
  }

  /** The client a token-endpoint request names (client_id, HTTP Basic, or a client assertion's issuer). */
  function clientIdOfRequest(req: IncomingMessage, form: URLSearchParams): string | undefined {
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')
    if (basic) {
      const user = Buffer.from(basic[1] ?? '', 'base64').toString('utf8').split(':')[0] ?? ''
      try {
        return decodeURIComponent(user)
      } catch {
        return user
      }
    }
    if (form.get('client_id')) {
      return form.get('client_id') ?? undefined
    }
    const assertion = form.get('client_assertion')?.split('.')[1]
    if (assertion) {
      try {
        const iss = (JSON.parse(Buffer.from(assertion, 'base64url').toString('utf8')) as { iss?: unknown }).iss
        return typeof iss === 'string' ? iss : undefined
      } catch {
        return undefined
      }
    }
    return undefined
  }

  /** Okta's answer when a client uses a grant type it is not configured for, or undefined when it may. */
  function grantRefusal(req: IncomingMessage, form: URLSearchParams, grantType: string): Record<string, string> | undefined {
    const app = org.appByClientId(clientIdOfRequest(req, form) ?? '')
    if (!app || !grantType) {
      return undefined
    }
    const grants = asStringArray(oauthSettings(app).grant_types) ?? []
    if (grants.includes(grantType)) {
      return undefined
    }
    return {
      error: 'unauthorized_client',
      error_description: `The client is not authorized to use the provided grant type. Configured grant types: [${grants.join(', ')}].`,
    }
  }

  /** An unread copy of a request whose body was already read (oidc-provider parses bodies itself). */
  function replay(req: IncomingMessage, raw: Buffer): IncomingMessage {
    const copy = Readable.from([raw]) as Readable & Record<string, unknown>
    for (const field of ['headers', 'rawHeaders', 'method', 'httpVersion', 'httpVersionMajor', 'httpVersionMinor', 'socket', 'trailers']) {
      copy[field] = (req as unknown as Record<string, unknown>)[field]
    }
    copy.connection = req.socket
    return copy as unknown as IncomingMessage
  }

  async function toProvider(key: string, req: IncomingMessage, res: ServerResponse, mount: string, innerPath: string, search: string): Promise<void> {
    if (key === ORG_SERVER || org.state.servers.some((s) => s.id === key)) {
      await ensureSigningKey(state, key)
    }
    const provider = oidc.provider(key)
    if (!provider) {
      throw notFound(key, 'AuthorizationServer')
    }
    let query = search
    let target: IncomingMessage = req
    if (innerPath.endsWith('/v1/authorize') && req.method === 'GET') {
      const params = new URLSearchParams(search)
      const description = scopeError(key, params.get('scope'))
      const app = org.appByClientId(params.get('client_id') ?? '')
      const redirect = params.get('redirect_uri') ?? ''
      if (description && app && app.app.status === 'ACTIVE' && (asStringArray(oauthSettings(app).redirect_uris) ?? []).includes(redirect)) {
        const to = new URL(redirect)
        to.searchParams.set('error', 'invalid_scope')
        to.searchParams.set('error_description', description)
        if (params.has('state')) {
          to.searchParams.set('state', params.get('state') ?? '')
        }
        to.searchParams.set('iss', org.issuer(key === ORG_SERVER ? undefined : key))
        res.statusCode = 303
        res.setHeader('Location', to.href)
        res.end()
        return
      }
      // oidc-provider drops offline_access unless prompt=consent (OpenID Connect Core §11); Okta issues refresh tokens
      // without it. Asking for consent keeps the scope; the sandbox grants it silently (consent_method TRUSTED).
      if ((params.get('scope') ?? '').split(' ').includes('offline_access') && !params.has('prompt')) {
        params.set('prompt', 'consent')
        query = `?${params.toString()}`
      }
    }
    const custom = key !== ORG_SERVER
    if (custom && innerPath.endsWith('/v1/userinfo')) {
      const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')
      const opaque = bearer ? oidc.opaqueAccessToken(key, (bearer[1] ?? '').trim()) : undefined
      if (opaque) {
        req.headers.authorization = `Bearer ${opaque}`
      }
    }
    if (req.method === 'POST' && innerPath.endsWith('/v1/device/authorize')) {
      const raw = await readBody(req, 64 * 1024)
      const refused = grantRefusal(req, new URLSearchParams(raw.toString('utf8')), 'urn:ietf:params:oauth:grant-type:device_code')
      if (refused) {
        sendJson(res, 400, refused, { 'Cache-Control': 'no-store' })
        return
      }
      target = replay(req, raw)
    }
    if (custom && req.method === 'POST' && (innerPath.endsWith('/v1/introspect') || innerPath.endsWith('/v1/revoke'))) {
      let raw = await readBody(req, 64 * 1024)
      const form = new URLSearchParams(raw.toString('utf8'))
      const opaque = oidc.opaqueAccessToken(key, form.get('token') ?? '')
      if (opaque) {
        form.set('token', opaque)
        raw = Buffer.from(form.toString())
        req.headers['content-length'] = String(raw.length)
      }
      target = replay(req, raw)
    }
    if (innerPath.endsWith('/v1/token') && req.method === 'POST') {
      if (custom) {
        // Okta's custom servers issue JWT access tokens: swap the opaque one in the response for its JWT form.
        const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse
        res.end = ((chunk?: unknown) => {
          if (res.statusCode === 200 && chunk !== undefined && typeof chunk !== 'function') {
            try {
              const body = JSON.parse(String(chunk)) as Record<string, unknown>
              const jwt = typeof body.access_token === 'string' ? oidc.jwtAccessToken(key, body.access_token) : undefined
              if (jwt) {
                body.access_token = jwt
                const text = JSON.stringify(body)
                res.setHeader('Content-Length', Buffer.byteLength(text))
                return end(text)
              }
            } catch {
              // not JSON: pass through
            }
          }
          return end(chunk)
        }) as typeof res.end
      }
      let raw = await readBody(req, 64 * 1024)
      const form = new URLSearchParams(raw.toString('utf8'))
      const successor = form.get('grant_type') === 'refresh_token' ? oidc.refreshTokenWithinLeeway(key, form.get('refresh_token') ?? '') : undefined
      if (successor) {
        form.set('refresh_token', successor)
        raw = Buffer.from(form.toString())
        req.headers['content-length'] = String(raw.length)
      }
      const refused = grantRefusal(req, form, form.get('grant_type') ?? '')
      if (refused) {
        sendJson(res, 400, refused, { 'Cache-Control': 'no-store' })
        return
      }
      const description = form.get('grant_type') === 'client_credentials' ? scopeError(key, form.get('scope')) : undefined
      if (description) {
        sendJson(res, 400, { error: 'invalid_scope', error_description: description }, { 'Cache-Control': 'no-store' })
        return
      }
      target = replay(req, raw)
    }
    // oidc-provider derives its mount path (/oauth2/{id}) from originalUrl minus url.
    ;(target as IncomingMessage & { originalUrl?: string }).originalUrl = `${mount}${innerPath}${query}`
    target.url = `${innerPath}${query}`
    provider.callback()(target, res)
  }

  async function oidcOrPage(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname
    const signin = /^\/signin\/([^/]+)\/([^/]+)$/.exec(path)
    if (signin) {
      let form: URLSearchParams | undefined
      if (req.method === 'POST') {
        const raw = await readBody(req, 64 * 1024)
        form = new URLSearchParams(raw.toString('utf8'))
      }
      await oidc.interaction(signin[1] ?? '', req, res, form)
      return
    }
    if (path === '/.well-known/openid-configuration' || path === '/.well-known/oauth-authorization-server') {
      await toProvider(ORG_SERVER, req, res, '', '/.well-known/openid-configuration', url.search)
      return
    }
    if (/^\/oauth2\/v1\/clients\/[^/]+\/roles(\/|$)/.test(path)) {
      await management(req, res, url)
      return
    }
    if (path.startsWith('/oauth2/v1/') || path === '/activate') {
      await toProvider(ORG_SERVER, req, res, '', path, url.search)
      return
    }
    const custom = /^\/oauth2\/([^/]+)(\/.*)?$/.exec(path)
    if (custom) {
      let key = custom[1] ?? ''
      try {
        key = decodeURIComponent(key)
      } catch {
        // keep it as sent; it will not name a server
      }
      let inner = custom[2] ?? '/'
      if (inner === '/.well-known/oauth-authorization-server') {
        inner = '/.well-known/openid-configuration'
      }
      await toProvider(key, req, res, `/oauth2/${custom[1] ?? ''}`, inner, url.search)
      return
    }
    if (path === '/' || path === '') {
      res.setHeader('Content-Type', 'text/html; charset=utf-8')
      res.end(
        '<!DOCTYPE html><title>oidc-setup sandbox</title><h1>oidc-setup sandbox</h1><p>A local Okta-compatible org. Management API under <code>/api/v1</code>, OpenID discovery at <code>/.well-known/openid-configuration</code> and <code>/oauth2/default/.well-known/openid-configuration</code>.</p>',
      )
      return
    }
    throw notFound(path, 'Resource')
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now()
    const method = (req.method ?? 'GET').toUpperCase()
    let url: URL
    try {
      url = new URL(req.url ?? '/', org.orgUrl)
    } catch {
      url = new URL('/', org.orgUrl)
    }
    const entry: RequestLogEntry = { method, path: url.pathname, url: `${url.pathname}${url.search}`, status: 0, time: started, durationMs: 0 }
    requestLog.push(entry)
    if (requestLog.length > REQUEST_LOG_LIMIT) {
      // A long-running sandbox keeps the newest entries only.
      requestLog.splice(0, requestLog.length - REQUEST_LOG_LIMIT * 0.9)
    }
    res.once('finish', () => {
      entry.status = res.statusCode
      entry.durationMs = Date.now() - started
    })
    res.once('close', () => {
      entry.durationMs = Date.now() - started
    })

    const fired = faults.take(method, url.pathname)
    const latency = faults.latencyMs + fired.reduce((sum, f) => sum + (f.kind === 'latency' ? (f.latencyMs ?? 0) : 0), 0)
    if (latency > 0) {
      await sleep(latency)
    }
    if (fired.some((f) => f.kind === 'drop' && f.when !== 'after')) {
      req.socket.destroy()
      return
    }
    if (fired.some((f) => f.kind === 'drop' && f.when === 'after')) {
      // The request is handled (a create happens) but the client never sees the answer.
      const drop = (): ServerResponse => {
        req.socket.destroy()
        return res
      }
      res.writeHead = drop as unknown as typeof res.writeHead
      res.write = (() => (drop(), true)) as unknown as typeof res.write
      res.end = drop as unknown as typeof res.end
    }
    const decision = limiter.count(url.pathname)
    for (const [k, v] of Object.entries(decision.headers)) {
      res.setHeader(k, v)
    }
    const injected429 = fired.find((f) => f.kind === 'rateLimit')
    if (injected429 || !decision.allowed) {
      sendError(
        res,
        new OktaError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.', [], injected429 ? limiter.exhausted(url.pathname) : {}),
      )
      return
    }
    const injectedError = fired.find((f) => f.kind === 'error')
    if (injectedError) {
      const status = injectedError.status ?? 500
      sendError(
        res,
        status >= 500
          ? new OktaError(status, 'E0000009', 'Internal Server Error')
          : new OktaError(status, 'E0000001', 'Api validation failed: injected fault'),
      )
      return
    }
    try {
      if (url.pathname.startsWith('/api/v1/') || url.pathname === '/api/v1') {
        await management(req, res, url)
      } else {
        await oidcOrPage(req, res, url)
      }
    } catch (error) {
      if (error instanceof OktaError) {
        sendError(res, error)
      } else {
        sendError(res, new OktaError(500, 'E0000009', 'Internal Server Error', [{ errorSummary: error instanceof Error ? error.message : String(error) }]))
      }
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
