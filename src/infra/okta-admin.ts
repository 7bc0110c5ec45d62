import { ManagementApiError, type OktaErrorDetails } from '../domain/errors.js'
import type { OktaCredentials } from '../domain/okta-credentials.js'
import type {
  AppSpec,
  AuthServer,
  AuthServerSpec,
  Claim,
  ClaimSpec,
  ClientSecret,
  Group,
  OidcApp,
  Policy,
  PolicySpec,
  Rule,
  RuleSpec,
  Scope,
  ScopeSpec,
  TrustedOrigin,
  TrustedOriginSpec,
  User,
} from '../domain/okta-model.js'

/**
 * OIDC app integrations. Reads return undefined for a missing object; every failure is a ManagementApiError
 * (exit 5). Creates are not retried by the adapter (a retry could duplicate): callers look before creating again.
 */
export interface AppsAdmin {
  /** Apps whose label equals `label` exactly (Okta's `q` is a prefix match; labels are not unique). */
  findAppsByLabel(label: string): Promise<OidcApp[]>
  getApp(appId: string): Promise<OidcApp | undefined>
  /** Every OIDC app of the org (paged). */
  listApps(): Promise<OidcApp[]>
  /** Creates and activates the app; the result carries the client secret for confidential clients. */
  createApp(spec: AppSpec): Promise<OidcApp>
  /** Replaces the reconciled settings, keeping every other field of the app as it is. */
  updateApp(appId: string, spec: AppSpec): Promise<OidcApp>
  activateApp(appId: string): Promise<void>
  /** Deactivates then deletes; a missing app is not an error. */
  deleteApp(appId: string): Promise<void>
  listClientSecrets(appId: string): Promise<ClientSecret[]>
  listAppGroupIds(appId: string): Promise<string[]>
  /** Idempotent (PUT). */
  assignGroup(appId: string, groupId: string): Promise<void>
  isUserAssigned(appId: string, userId: string): Promise<boolean>
  /** Ids of the users assigned to the app directly or through groups (first 200). */
  listAppUserIds(appId: string): Promise<string[]>
  assignUser(appId: string, userId: string): Promise<void>
}

/** Custom authorization servers with their scopes, claims, policies and rules. Same failure rules as AppsAdmin. */
export interface AuthServersAdmin {
  getAuthServer(id: string): Promise<AuthServer | undefined>
  findAuthServersByName(name: string): Promise<AuthServer[]>
  createAuthServer(spec: AuthServerSpec): Promise<AuthServer>
  /** Deactivates then deletes; a missing server is not an error. */
  deleteAuthServer(id: string): Promise<void>
  listScopes(serverId: string): Promise<Scope[]>
  createScope(serverId: string, spec: ScopeSpec): Promise<Scope>
  deleteScope(serverId: string, scopeId: string): Promise<void>
  listClaims(serverId: string): Promise<Claim[]>
  createClaim(serverId: string, spec: ClaimSpec): Promise<Claim>
  deleteClaim(serverId: string, claimId: string): Promise<void>
  listPolicies(serverId: string): Promise<Policy[]>
  /** Created at priority 1, so it is evaluated before broader policies such as the Default Policy. */
  createPolicy(serverId: string, spec: PolicySpec): Promise<Policy>
  updatePolicy(serverId: string, policy: Policy, spec: PolicySpec): Promise<Policy>
  deletePolicy(serverId: string, policyId: string): Promise<void>
  listRules(serverId: string, policyId: string): Promise<Rule[]>
  createRule(serverId: string, policyId: string, spec: RuleSpec): Promise<Rule>
  updateRule(serverId: string, policyId: string, rule: Rule, spec: RuleSpec): Promise<Rule>
}

/** Groups, users and trusted origins. Same failure rules as AppsAdmin. */
export interface DirectoryAdmin {
  /** Groups whose name equals `name` exactly; "Everyone" finds the built-in group. */
  findGroupsByName(name: string): Promise<Group[]>
  findUser(login: string): Promise<User | undefined>
  /** Creates an active user with a password (a test user). */
  createUser(spec: { login: string; firstName: string; lastName: string; password: string }): Promise<User>
  /** Deactivates then deletes a user; a missing user is not an error. */
  deleteUser(userId: string): Promise<void>
  findTrustedOrigins(origin: string): Promise<TrustedOrigin[]>
  createTrustedOrigin(spec: TrustedOriginSpec): Promise<TrustedOrigin>
  updateTrustedOrigin(origin: TrustedOrigin, spec: TrustedOriginSpec): Promise<TrustedOrigin>
  deleteTrustedOrigin(id: string): Promise<void>
  /**
   * Probes read permissions with one cheap call each (apps, authorization servers, groups, trusted origins) and
   * returns what could not be confirmed; throws only when the credentials themselves are rejected.
   */
  checkAccess(): Promise<Array<{ permission: string; reason: string }>>
}

/** The Okta Management API as oidc-setup uses it: domain types in and out, never SDK classes. */
export interface OktaAdmin extends AppsAdmin, AuthServersAdmin, DirectoryAdmin {
  readonly orgUrl: string
}

/** Options of the real adapter. */
export interface OktaAdminOptions {
  /** Redacted one-line traces (method, URL, status, time), shown with --debug. */
  trace?: ((line: string) => void) | undefined
  /** Per-attempt timeout; default 30 s. */
  requestTimeoutMs?: number | undefined
  /** Retries of transient failures (5xx, dropped connections) on idempotent calls; default 3. */
  transientRetries?: number | undefined
  /** Retries after a 429; default 8 (each waits for X-Rate-Limit-Reset). */
  rateLimitRetries?: number | undefined
  /** Backoff base for transient retries; default 200 ms. */
  backoffMs?: number | undefined
  userAgent?: string | undefined
}

type Json = Record<string, unknown>

interface HttpResponseLike {
  status: number
  headers: { get(name: string): string | null }
  text(): Promise<string>
}

interface SdkClientLike {
  baseUrl: string
  http: { http(url: string, request: Json): Promise<HttpResponseLike> }
}

/**
 * Builds the real adapter over @okta/okta-sdk-nodejs. The SDK (0.4 s, 130 MB) is imported here and only here, on
 * first use. Authentication, the 429 executor and error bodies come from the SDK; requests go through its
 * `client.http` JSON layer because its generated model serializer silently drops fields it does not know.
 */
export async function createOktaAdmin(credentials: OktaCredentials, options: OktaAdminOptions = {}): Promise<OktaAdmin> {
  const sdk = await import('@okta/okta-sdk-nodejs')
  const mod = ((sdk as unknown as { default?: typeof sdk }).default ?? sdk) as typeof sdk
  const executor = createExecutor(mod.DefaultRequestExecutor as unknown as ExecutorBase, options)
  const auth = credentials.auth
  // authorizationMode and every auth field are passed explicitly: the SDK merges ~/.okta/okta.yaml and OKTA_CLIENT_*
  // into any config, so a stray OKTA_CLIENT_AUTHORIZATIONMODE would otherwise switch modes behind our back.
  const config: Json = {
    orgUrl: credentials.orgUrl,
    cacheMiddleware: null,
    requestExecutor: executor,
    userAgent: options.userAgent ?? 'oidc-setup',
    ...(auth.mode === 'SSWS'
      ? { authorizationMode: 'SSWS', token: auth.token }
      : {
          authorizationMode: 'PrivateKey',
          clientId: auth.clientId,
          scopes: auth.scopes.join(' '),
          privateKey: auth.privateKey,
          ...(auth.keyId ? { keyId: auth.keyId } : {}),
          token: undefined,
        }),
  }
  let client: SdkClientLike
  try {
    client = new mod.Client(config as never) as unknown as SdkClientLike
  } catch (cause) {
    throw new ManagementApiError(
      `could not set up the Okta client: ${String((cause as Error).message).split('\n').slice(0, 3).join('; ')}`,
      {},
      { hint: 'run `oidc-setup okta configure`', cause },
    )
  }
  return new SdkOktaAdmin(client, credentials.orgUrl)
}

interface ExecutorBase {
  new (config: { maxRetries: number; requestTimeout: number }): {
    fetch(request: Json): Promise<HttpResponseLike>
  }
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])

/**
 * The SDK's DefaultRequestExecutor (429: wait for X-Rate-Limit-Reset, then retry) extended with: a per-attempt
 * timeout, a shared pause when X-Rate-Limit-Remaining reaches 0 (so a batch does not run into a wall of 429s),
 * retries with backoff for 5xx and dropped connections on idempotent calls (and lifecycle POSTs), and traces.
 */
function createExecutor(Base: ExecutorBase, options: OktaAdminOptions): object {
  const timeoutMs = options.requestTimeoutMs ?? 30_000
  const transientRetries = options.transientRetries ?? 3
  const backoffMs = options.backoffMs ?? 200
  const trace = options.trace
  let pausedUntil = 0

  class CliRequestExecutor extends Base {
    constructor() {
      // requestTimeout 0: the SDK's total budget would otherwise cut 429 waits short; the per-attempt timeout is ours.
      super({ maxRetries: options.rateLimitRetries ?? 8, requestTimeout: 0 })
      ;(this as unknown as { on(event: string, fn: (...args: unknown[]) => void): void }).on(
        'backoff',
        (request: unknown, _response: unknown, _id: unknown, delayMs: unknown) => {
          const r = request as Json
          trace?.(`${String(r.method ?? 'GET').toUpperCase()} ${redactUrl(String(r.url))} → 429 rate limited; retrying in ${String(delayMs)} ms`)
        },
      )
    }

    override async fetch(request: Json): Promise<HttpResponseLike> {
      const method = String(request.method ?? 'GET').toUpperCase()
      const url = String(request.url)
      const retryable = IDEMPOTENT.has(method) || /\/lifecycle\/[a-z]+$/.test(new URL(url).pathname)
      for (let attempt = 0; ; attempt++) {
        const wait = pausedUntil - Date.now()
        if (wait > 0) {
          trace?.(`rate limit reached; pausing ${wait} ms`)
          await sleep(wait)
        }
        if (!request.startTime) {
          request.startTime = new Date()
        }
        request.timeout = timeoutMs
        const started = Date.now()
        try {
          const response = await super.fetch(request)
          trace?.(`${method} ${redactUrl(url)} → ${response.status} (${Date.now() - started} ms)`)
          notePause(response)
          if (response.status >= 500 && response.status !== 501 && retryable && attempt < transientRetries) {
            await sleep(backoffMs * 2 ** attempt)
            continue
          }
          return response
        } catch (error) {
          trace?.(`${method} ${redactUrl(url)} failed: ${(error as Error).message} (${Date.now() - started} ms)`)
          if (isNetworkError(error) && retryable && attempt < transientRetries) {
            await sleep(backoffMs * 2 ** attempt)
            continue
          }
          throw error
        }
      }
    }
  }

  function notePause(response: HttpResponseLike): void {
    const remaining = response.headers.get('x-rate-limit-remaining')
    const reset = Number(response.headers.get('x-rate-limit-reset'))
    if (remaining === '0' && Number.isFinite(reset) && reset > 0) {
      const serverNow = Date.parse(response.headers.get('date') ?? '') || Date.now()
      // Date is truncated to whole seconds, so reset − Date never underestimates the wait; 100 ms covers jitter.
      pausedUntil = Math.max(pausedUntil, Date.now() + (reset * 1000 - serverNow) + 100)
    }
  }

  return new CliRequestExecutor()
}

function isNetworkError(error: unknown): boolean {
  const e = error as { type?: string; code?: string; name?: string } | undefined
  return e?.name === 'FetchError' || e?.type === 'system' || e?.type === 'request-timeout' || e?.name === 'AbortError'
}

function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|client_secret|code)=)[^&]*/gi, '$1[redacted]')
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** The Okta scope each API area needs, for hints on 403. */
function scopeFor(path: string, method: string): string {
  const write = method !== 'GET'
  const area = path.startsWith('/api/v1/authorizationServers')
    ? 'authorizationServers'
    : path.startsWith('/api/v1/trustedOrigins')
      ? 'trustedOrigins'
      : path.startsWith('/api/v1/groups')
        ? 'groups'
        : path.startsWith('/api/v1/users')
          ? 'users'
          : 'apps'
  return `okta.${area}.${write ? 'manage' : 'read'}`
}

/** Translates an SDK or network failure into a ManagementApiError with a clear message and hint. */
export function translateError(error: unknown, what: string, method: string, url: string): ManagementApiError {
  if (error instanceof ManagementApiError) {
    return error
  }
  const e = error as {
    name?: string
    status?: number
    errorCode?: string
    errorSummary?: string
    errorCauses?: Array<{ errorSummary?: string }>
    errorId?: string
    message?: string
    code?: string
  }
  const path = new URL(url).pathname
  if (e.name === 'OktaApiError' || (e.status !== undefined && e.errorCode !== undefined)) {
    const causes = (e.errorCauses ?? []).map((c) => c.errorSummary ?? '').filter(Boolean)
    const details: OktaErrorDetails = {
      status: e.status,
      errorCode: e.errorCode,
      errorSummary: e.errorSummary,
      errorCauses: causes,
      errorId: e.errorId,
      url,
    }
    const summary = `${e.errorSummary ?? 'error'} (${e.errorCode ?? 'HTTP'} ${e.status ?? ''})`.replace(' )', ')')
    switch (e.errorCode) {
      case 'E0000011':
        return new ManagementApiError(`could not ${what}: Okta rejected the credentials: ${summary}`, details, {
          hint: 'the API token (or service app key) is invalid, expired or revoked: run `oidc-setup okta configure` with a new one',
          cause: error,
        })
      case 'E0000006':
        return new ManagementApiError(`could not ${what}: permission denied: ${summary}`, details, {
          hint:
            `the token's admin (or service app) needs the ${scopeFor(path, method)} scope and an admin role that covers it` +
            (path.startsWith('/api/v1/authorizationServers')
              ? '; custom authorization servers also need API Access Management — or use --auth-server org'
              : ''),
          cause: error,
        })
      case 'E0000015':
        return new ManagementApiError(`could not ${what}: a required Okta feature is not enabled: ${summary}`, details, {
          hint: 'custom authorization servers need API Access Management; use --auth-server org instead',
          cause: error,
        })
      case 'E0000001':
        return new ManagementApiError(
          `could not ${what}: Okta rejected the request: ${causes.length ? causes.join('; ') : summary}`,
          details,
          { cause: error },
        )
      case 'E0000047':
        return new ManagementApiError(`could not ${what}: Okta's rate limit was still exceeded after retries`, details, {
          hint: 'wait a minute and run the command again; it only does what is still missing',
          cause: error,
        })
      default:
        return new ManagementApiError(`could not ${what}: ${summary}`, details, {
          hint:
            (e.status ?? 0) >= 500
              ? 'Okta had a transient problem; run the command again (it only does what is still missing)'
              : undefined,
          cause: error,
        })
    }
  }
  if (e.name === 'HttpError' && e.status !== undefined) {
    return new ManagementApiError(
      `could not ${what}: HTTP ${e.status} from ${redactUrl(url)}`,
      { status: e.status, url },
      {
        hint:
          e.status >= 500
            ? 'Okta had a transient problem; run the command again'
            : 'is the org URL right? it must be the Okta org itself, not a proxy or login page',
        cause: error,
      },
    )
  }
  if (isNetworkError(error)) {
    const origin = new URL(url).origin
    return new ManagementApiError(
      `could not ${what}: could not reach ${origin}: ${e.code ?? e.message ?? 'network error'}`,
      { url },
      {
        hint: 'check the org URL and your network; behind a proxy set HTTPS_PROXY (the run can be repeated safely)',
        cause: error,
      },
    )
  }
  return new ManagementApiError(`could not ${what}: ${e.message ?? String(error)}`, { url }, { cause: error })
}

class SdkOktaAdmin implements OktaAdmin {
  /** Last JSON seen per app id, so an update replaces only the fields oidc-setup owns. */
  private readonly rawApps = new Map<string, Json>()

  constructor(
    private readonly client: SdkClientLike,
    readonly orgUrl: string,
  ) {}

  private async call(
    what: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown; next?: string | undefined }> {
    const url = path.startsWith('http') ? path : `${this.client.baseUrl}${path}`
    let response: HttpResponseLike
    try {
      response = await this.client.http.http(url, {
        method: method.toLowerCase(),
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
    } catch (error) {
      throw translateError(error, what, method, url)
    }
    const text = await response.text()
    let json: unknown
    try {
      json = text ? JSON.parse(text) : undefined
    } catch (cause) {
      throw new ManagementApiError(`could not ${what}: the response from ${url} is not JSON`, { status: response.status, url }, { cause })
    }
    return { status: response.status, json, next: nextLink(response.headers.get('link')) }
  }

  private async get(what: string, path: string): Promise<Json | undefined> {
    try {
      return (await this.call(what, 'GET', path)).json as Json
    } catch (error) {
      if (error instanceof ManagementApiError && error.details.status === 404) {
        return undefined
      }
      throw error
    }
  }

  private async list(what: string, path: string): Promise<Json[]> {
    const all: Json[] = []
    let next: string | undefined = path
    while (next) {
      const page: { json: unknown; next?: string | undefined } = await this.call(what, 'GET', next)
      all.push(...((page.json as Json[] | undefined) ?? []))
      next = page.next
    }
    return all
  }

  private async send(what: string, method: string, path: string, body?: unknown): Promise<Json> {
    return ((await this.call(what, method, path, body)).json as Json | undefined) ?? {}
  }

  private async remove(what: string, path: string): Promise<void> {
    try {
      await this.call(what, 'DELETE', path)
    } catch (error) {
      if (error instanceof ManagementApiError && error.details.status === 404) {
        return
      }
      throw error
    }
  }

  private remember(json: Json): OidcApp {
    const app = appFromJson(json)
    this.rawApps.set(app.id, json)
    return app
  }

  // apps

  async findAppsByLabel(label: string): Promise<OidcApp[]> {
    const apps = await this.list(`look up app "${label}"`, `/api/v1/apps?q=${encodeURIComponent(label)}&limit=200`)
    return apps.filter((a) => a.label === label && a.signOnMode === 'OPENID_CONNECT').map((a) => this.remember(a))
  }

  async getApp(appId: string): Promise<OidcApp | undefined> {
    const json = await this.get(`read app ${appId}`, `/api/v1/apps/${enc(appId)}`)
    return json ? this.remember(json) : undefined
  }

  async listApps(): Promise<OidcApp[]> {
    const apps = await this.list('list apps', `/api/v1/apps?limit=200`)
    return apps.filter((a) => a.signOnMode === 'OPENID_CONNECT').map((a) => this.remember(a))
  }

  async createApp(spec: AppSpec): Promise<OidcApp> {
    const body = appToJson(spec, {
      name: 'oidc_client',
      signOnMode: 'OPENID_CONNECT',
    })
    return this.remember(await this.send(`create app "${spec.label}"`, 'POST', '/api/v1/apps?activate=true', body))
  }

  async updateApp(appId: string, spec: AppSpec): Promise<OidcApp> {
    let raw = this.rawApps.get(appId)
    if (!raw) {
      raw = await this.get(`read app ${appId}`, `/api/v1/apps/${enc(appId)}`)
    }
    const body = appToJson(spec, raw ?? {})
    return this.remember(await this.send(`update app "${spec.label}"`, 'PUT', `/api/v1/apps/${enc(appId)}`, body))
  }

  async activateApp(appId: string): Promise<void> {
    await this.send(`activate app ${appId}`, 'POST', `/api/v1/apps/${enc(appId)}/lifecycle/activate`)
  }

  async deleteApp(appId: string): Promise<void> {
    try {
      await this.send(`deactivate app ${appId}`, 'POST', `/api/v1/apps/${enc(appId)}/lifecycle/deactivate`)
    } catch (error) {
      if (error instanceof ManagementApiError && error.details.status === 404) {
        return
      }
      throw error
    }
    await this.remove(`delete app ${appId}`, `/api/v1/apps/${enc(appId)}`)
  }

  async listClientSecrets(appId: string): Promise<ClientSecret[]> {
    const list = await this.list(`read the client secrets of app ${appId}`, `/api/v1/apps/${enc(appId)}/credentials/secrets`)
    return list.map((s) => ({
      id: str(s.id),
      status: str(s.status),
      value: str(s.client_secret),
      created: s.created === undefined ? undefined : str(s.created),
    }))
  }

  async listAppGroupIds(appId: string): Promise<string[]> {
    const list = await this.list(`list the groups of app ${appId}`, `/api/v1/apps/${enc(appId)}/groups?limit=200`)
    return list.map((g) => str(g.id))
  }

  async assignGroup(appId: string, groupId: string): Promise<void> {
    await this.send(`assign group ${groupId} to app ${appId}`, 'PUT', `/api/v1/apps/${enc(appId)}/groups/${enc(groupId)}`, {})
  }

  async isUserAssigned(appId: string, userId: string): Promise<boolean> {
    return (await this.get(`read the assignment of user ${userId}`, `/api/v1/apps/${enc(appId)}/users/${enc(userId)}`)) !== undefined
  }

  async listAppUserIds(appId: string): Promise<string[]> {
    const list = await this.list(`list the users of app ${appId}`, `/api/v1/apps/${enc(appId)}/users?limit=200`)
    return list.map((u) => str(u.id))
  }

  async assignUser(appId: string, userId: string): Promise<void> {
    await this.send(`assign user ${userId} to app ${appId}`, 'POST', `/api/v1/apps/${enc(appId)}/users`, {
      id: userId,
      scope: 'USER',
    })
  }

  // authorization servers

  async getAuthServer(id: string): Promise<AuthServer | undefined> {
    const json = await this.get(`read authorization server "${id}"`, `/api/v1/authorizationServers/${enc(id)}`)
    return json ? authServerFromJson(json) : undefined
  }

  async findAuthServersByName(name: string): Promise<AuthServer[]> {
    const list = await this.list(
      `look up authorization server "${name}"`,
      `/api/v1/authorizationServers?q=${encodeURIComponent(name)}&limit=200`,
    )
    return list.filter((s) => s.name === name).map(authServerFromJson)
  }

  async createAuthServer(spec: AuthServerSpec): Promise<AuthServer> {
    return authServerFromJson(
      await this.send(`create authorization server "${spec.name}"`, 'POST', '/api/v1/authorizationServers', spec),
    )
  }

  async deleteAuthServer(id: string): Promise<void> {
    try {
      await this.send(`deactivate authorization server ${id}`, 'POST', `/api/v1/authorizationServers/${enc(id)}/lifecycle/deactivate`)
    } catch (error) {
      if (error instanceof ManagementApiError && error.details.status === 404) {
        return
      }
      throw error
    }
    await this.remove(`delete authorization server ${id}`, `/api/v1/authorizationServers/${enc(id)}`)
  }

  async listScopes(serverId: string): Promise<Scope[]> {
    const list = await this.list(`list the scopes of authorization server ${serverId}`, `/api/v1/authorizationServers/${enc(serverId)}/scopes?limit=200`)
    return list.map(scopeFromJson)
  }

  async createScope(serverId: string, spec: ScopeSpec): Promise<Scope> {
    return scopeFromJson(
      await this.send(`create scope "${spec.name}"`, 'POST', `/api/v1/authorizationServers/${enc(serverId)}/scopes`, spec),
    )
  }

  async deleteScope(serverId: string, scopeId: string): Promise<void> {
    await this.remove(`delete scope ${scopeId}`, `/api/v1/authorizationServers/${enc(serverId)}/scopes/${enc(scopeId)}`)
  }

  async listClaims(serverId: string): Promise<Claim[]> {
    const list = await this.list(`list the claims of authorization server ${serverId}`, `/api/v1/authorizationServers/${enc(serverId)}/claims`)
    return list.map(claimFromJson)
  }

  async createClaim(serverId: string, spec: ClaimSpec): Promise<Claim> {
    const body: Json = {
      name: spec.name,
      status: spec.status,
      claimType: spec.claimType,
      valueType: spec.valueType,
      value: spec.value,
      alwaysIncludeInToken: spec.alwaysIncludeInToken,
      conditions: { scopes: spec.scopes },
      ...(spec.groupFilterType ? { group_filter_type: spec.groupFilterType } : {}),
    }
    return claimFromJson(
      await this.send(`create claim "${spec.name}"`, 'POST', `/api/v1/authorizationServers/${enc(serverId)}/claims`, body),
    )
  }

  async deleteClaim(serverId: string, claimId: string): Promise<void> {
    await this.remove(`delete claim ${claimId}`, `/api/v1/authorizationServers/${enc(serverId)}/claims/${enc(claimId)}`)
  }

  async listPolicies(serverId: string): Promise<Policy[]> {
    const list = await this.list(`list the policies of authorization server ${serverId}`, `/api/v1/authorizationServers/${enc(serverId)}/policies`)
    return list.map(policyFromJson)
  }

  async createPolicy(serverId: string, spec: PolicySpec): Promise<Policy> {
    return policyFromJson(
      await this.send(
        `create access policy "${spec.name}"`,
        'POST',
        `/api/v1/authorizationServers/${enc(serverId)}/policies`,
        policyToJson(spec, 1),
      ),
    )
  }

  async updatePolicy(serverId: string, policy: Policy, spec: PolicySpec): Promise<Policy> {
    return policyFromJson(
      await this.send(
        `update access policy "${spec.name}"`,
        'PUT',
        `/api/v1/authorizationServers/${enc(serverId)}/policies/${enc(policy.id)}`,
        policyToJson(spec, policy.priority),
      ),
    )
  }

  async deletePolicy(serverId: string, policyId: string): Promise<void> {
    await this.remove(`delete access policy ${policyId}`, `/api/v1/authorizationServers/${enc(serverId)}/policies/${enc(policyId)}`)
  }

  async listRules(serverId: string, policyId: string): Promise<Rule[]> {
    const list = await this.list(
      `list the rules of access policy ${policyId}`,
      `/api/v1/authorizationServers/${enc(serverId)}/policies/${enc(policyId)}/rules`,
    )
    return list.map(ruleFromJson)
  }

  async createRule(serverId: string, policyId: string, spec: RuleSpec): Promise<Rule> {
    return ruleFromJson(
      await this.send(
        `create rule "${spec.name}"`,
        'POST',
        `/api/v1/authorizationServers/${enc(serverId)}/policies/${enc(policyId)}/rules`,
        ruleToJson(spec, 1),
      ),
    )
  }

  async updateRule(serverId: string, policyId: string, rule: Rule, spec: RuleSpec): Promise<Rule> {
    return ruleFromJson(
      await this.send(
        `update rule "${spec.name}"`,
        'PUT',
        `/api/v1/authorizationServers/${enc(serverId)}/policies/${enc(policyId)}/rules/${enc(rule.id)}`,
        ruleToJson(spec, rule.priority),
      ),
    )
  }

  // directory

  async findGroupsByName(name: string): Promise<Group[]> {
    const path =
      name.toLowerCase() === 'everyone'
        ? `/api/v1/groups?filter=${encodeURIComponent('type eq "BUILT_IN"')}`
        : `/api/v1/groups?q=${encodeURIComponent(name)}&limit=200`
    const list = await this.list(`look up group "${name}"`, path)
    return list.map(groupFromJson).filter((g) => g.name === name || (name.toLowerCase() === 'everyone' && g.type === 'BUILT_IN' && g.name === 'Everyone'))
  }

  async findUser(login: string): Promise<User | undefined> {
    const json = await this.get(`look up user "${login}"`, `/api/v1/users/${enc(login)}`)
    if (!json) {
      return undefined
    }
    const profile = (json.profile ?? {}) as Json
    return { id: str(json.id), login: str(profile.login), status: str(json.status) }
  }

  async createUser(spec: { login: string; firstName: string; lastName: string; password: string }): Promise<User> {
    const json = await this.send(`create user "${spec.login}"`, 'POST', '/api/v1/users?activate=true', {
      profile: { login: spec.login, email: spec.login, firstName: spec.firstName, lastName: spec.lastName },
      credentials: { password: { value: spec.password } },
    })
    return { id: str(json.id), login: str(obj(json.profile).login), status: str(json.status) }
  }

  async deleteUser(userId: string): Promise<void> {
    try {
      await this.send(`deactivate user ${userId}`, 'POST', `/api/v1/users/${enc(userId)}/lifecycle/deactivate`)
    } catch (error) {
      if (error instanceof ManagementApiError && error.details.status === 404) {
        return
      }
      throw error
    }
    await this.remove(`delete user ${userId}`, `/api/v1/users/${enc(userId)}`)
  }

  async findTrustedOrigins(origin: string): Promise<TrustedOrigin[]> {
    const list = await this.list(
      `look up trusted origin ${origin}`,
      `/api/v1/trustedOrigins?q=${encodeURIComponent(origin)}&limit=200`,
    )
    return list.map(originFromJson).filter((o) => o.origin === origin)
  }

  async createTrustedOrigin(spec: TrustedOriginSpec): Promise<TrustedOrigin> {
    return originFromJson(await this.send(`create trusted origin ${spec.origin}`, 'POST', '/api/v1/trustedOrigins', originToJson(spec)))
  }

  async updateTrustedOrigin(origin: TrustedOrigin, spec: TrustedOriginSpec): Promise<TrustedOrigin> {
    return originFromJson(
      await this.send(`update trusted origin ${spec.origin}`, 'PUT', `/api/v1/trustedOrigins/${enc(origin.id)}`, originToJson(spec)),
    )
  }

  async deleteTrustedOrigin(id: string): Promise<void> {
    await this.remove(`delete trusted origin ${id}`, `/api/v1/trustedOrigins/${enc(id)}`)
  }

  async checkAccess(): Promise<Array<{ permission: string; reason: string }>> {
    const probes: Array<[string, string]> = [
      ['okta.apps.read', '/api/v1/apps?limit=1'],
      ['okta.authorizationServers.read', '/api/v1/authorizationServers?limit=1'],
      ['okta.groups.read', `/api/v1/groups?filter=${encodeURIComponent('type eq "BUILT_IN"')}`],
      ['okta.trustedOrigins.read', '/api/v1/trustedOrigins?limit=1'],
    ]
    // The first probe runs alone: a rejected token should fail once, clearly, not four times.
    const missing: Array<{ permission: string; reason: string }> = []
    const [first, ...rest] = probes
    const check = async ([permission, path]: [string, string]): Promise<void> => {
      try {
        await this.call(`check ${permission}`, 'GET', path)
      } catch (error) {
        if (error instanceof ManagementApiError && (error.details.status === 403 || error.details.status === 404 || error.details.errorCode === 'E0000015')) {
          missing.push({ permission, reason: `${error.details.errorSummary ?? 'denied'} (${error.details.errorCode ?? error.details.status})` })
          return
        }
        throw error
      }
    }
    if (first) {
      await check(first)
    }
    await Promise.all(rest.map(check))
    return missing
  }
}

function enc(value: string): string {
  return encodeURIComponent(value)
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value)
}

function strs(value: unknown): string[] {
  return Array.isArray(value) ? value.map(str) : []
}

function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {}
}

function nextLink(header: string | null): string | undefined {
  if (!header) {
    return undefined
  }
  for (const part of header.split(',')) {
    const m = part.match(/<([^>]+)>\s*;\s*rel="?next"?/)
    if (m?.[1]) {
      return m[1]
    }
  }
  return undefined
}

function appFromJson(json: Json): OidcApp {
  const settings = obj(json.settings)
  const oauth = obj(settings.oauthClient)
  const creds = obj(obj(json.credentials).oauthClient)
  const rotation = obj(oauth.refresh_token).rotation_type
  const notes = obj(settings.notes).admin
  return {
    id: str(json.id),
    label: str(json.label),
    status: str(json.status),
    clientId: str(creds.client_id) || str(json.id),
    clientSecret: typeof creds.client_secret === 'string' ? creds.client_secret : undefined,
    applicationType: str(oauth.application_type) as OidcApp['applicationType'],
    grantTypes: strs(oauth.grant_types),
    responseTypes: strs(oauth.response_types),
    redirectUris: strs(oauth.redirect_uris),
    postLogoutRedirectUris: strs(oauth.post_logout_redirect_uris),
    tokenEndpointAuthMethod: (str(creds.token_endpoint_auth_method) || 'client_secret_basic') as OidcApp['tokenEndpointAuthMethod'],
    pkceRequired: creds.pkce_required === true,
    refreshTokenRotation: rotation === 'ROTATE' || rotation === 'STATIC' ? rotation : undefined,
    // Okta shows issuer_mode only where a custom domain exists; without one the issuer is the Okta URL.
    issuerMode: (str(oauth.issuer_mode) || 'ORG_URL') as OidcApp['issuerMode'],
    notes: typeof notes === 'string' ? notes : undefined,
  }
}

/** Writes the reconciled fields into an app's JSON, keeping every other field (PUT replaces the whole app). */
function appToJson(spec: AppSpec, base: Json): Json {
  const json: Json = { ...base }
  delete json._links
  delete json._embedded
  const settings = { ...obj(json.settings) }
  const oauth: Json = {
    ...obj(settings.oauthClient),
    application_type: spec.applicationType,
    grant_types: spec.grantTypes,
    response_types: spec.responseTypes,
    redirect_uris: spec.redirectUris,
    post_logout_redirect_uris: spec.postLogoutRedirectUris,
  }
  if (spec.refreshTokenRotation) {
    oauth.refresh_token = { rotation_type: spec.refreshTokenRotation, leeway: 30 }
  } else {
    delete oauth.refresh_token
  }
  if (spec.issuerMode) {
    oauth.issuer_mode = spec.issuerMode
  }
  if (!('consent_method' in oauth)) {
    oauth.consent_method = 'TRUSTED'
  }
  settings.oauthClient = oauth
  if (spec.notes !== undefined && obj(settings.notes).admin === undefined) {
    settings.notes = { ...obj(settings.notes), admin: spec.notes }
  }
  const credentials = { ...obj(json.credentials) }
  const oauthCreds: Json = { ...obj(credentials.oauthClient) }
  delete oauthCreds.client_secret
  oauthCreds.token_endpoint_auth_method = spec.tokenEndpointAuthMethod
  oauthCreds.pkce_required = spec.pkceRequired
  if (!('autoKeyRotation' in oauthCreds)) {
    oauthCreds.autoKeyRotation = true
  }
  credentials.oauthClient = oauthCreds
  return { ...json, label: spec.label, credentials, settings }
}

function authServerFromJson(json: Json): AuthServer {
  return {
    id: str(json.id),
    name: str(json.name),
    description: json.description === undefined ? undefined : str(json.description),
    audiences: strs(json.audiences),
    issuer: str(json.issuer),
    status: str(json.status),
  }
}

function scopeFromJson(json: Json): Scope {
  return {
    id: str(json.id),
    name: str(json.name),
    description: json.description === undefined ? undefined : str(json.description),
    default: json.default === true,
    system: json.system === true,
    metadataPublish: json.metadataPublish === 'ALL_CLIENTS' ? 'ALL_CLIENTS' : 'NO_CLIENTS',
    consent: (str(json.consent) || 'IMPLICIT') as Scope['consent'],
  }
}

function claimFromJson(json: Json): Claim {
  const filter = str(json.group_filter_type)
  return {
    id: str(json.id),
    name: str(json.name),
    claimType: str(json.claimType) as Claim['claimType'],
    valueType: str(json.valueType) as Claim['valueType'],
    value: str(json.value),
    groupFilterType: filter ? (filter as Claim['groupFilterType']) : undefined,
    alwaysIncludeInToken: json.alwaysIncludeInToken === true,
    status: str(json.status) === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE',
    scopes: strs(obj(json.conditions).scopes),
  }
}

function policyFromJson(json: Json): Policy {
  return {
    id: str(json.id),
    name: str(json.name),
    description: str(json.description),
    status: str(json.status) === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE',
    priority: typeof json.priority === 'number' ? json.priority : 0,
    system: json.system === true,
    clientIds: strs(obj(obj(obj(json.conditions).clients)).include),
  }
}

function policyToJson(spec: PolicySpec, priority: number): Json {
  return {
    type: 'OAUTH_AUTHORIZATION_POLICY',
    name: spec.name,
    description: spec.description,
    priority,
    status: spec.status,
    conditions: { clients: { include: spec.clientIds } },
  }
}

function ruleFromJson(json: Json): Rule {
  const conditions = obj(json.conditions)
  const people = obj(conditions.people)
  const token = obj(obj(json.actions).token)
  return {
    id: str(json.id),
    name: str(json.name),
    status: str(json.status) === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE',
    priority: typeof json.priority === 'number' ? json.priority : 0,
    system: json.system === true,
    grantTypes: strs(obj(conditions.grantTypes).include),
    scopes: strs(obj(conditions.scopes).include),
    groups: strs(obj(people.groups).include),
    users: strs(obj(people.users).include),
    accessTokenLifetimeMinutes: Number(token.accessTokenLifetimeMinutes ?? 0),
    refreshTokenLifetimeMinutes: Number(token.refreshTokenLifetimeMinutes ?? 0),
    refreshTokenWindowMinutes: Number(token.refreshTokenWindowMinutes ?? 0),
  }
}

function ruleToJson(spec: RuleSpec, priority: number): Json {
  const people: Json = {}
  if (spec.groups.length) {
    people.groups = { include: spec.groups }
  }
  if (spec.users.length) {
    people.users = { include: spec.users }
  }
  return {
    type: 'RESOURCE_ACCESS',
    name: spec.name,
    priority,
    status: spec.status,
    conditions: { people, grantTypes: { include: spec.grantTypes }, scopes: { include: spec.scopes } },
    actions: {
      token: {
        accessTokenLifetimeMinutes: spec.accessTokenLifetimeMinutes,
        refreshTokenLifetimeMinutes: spec.refreshTokenLifetimeMinutes,
        refreshTokenWindowMinutes: spec.refreshTokenWindowMinutes,
      },
    },
  }
}

function groupFromJson(json: Json): Group {
  return { id: str(json.id), name: str(obj(json.profile).name), type: str(json.type) }
}

function originFromJson(json: Json): TrustedOrigin {
  const scopes = Array.isArray(json.scopes) ? json.scopes.map((s) => str(obj(s).type)) : []
  return {
    id: str(json.id),
    name: str(json.name),
    origin: str(json.origin),
    scopes: scopes.filter((s): s is 'CORS' | 'REDIRECT' => s === 'CORS' || s === 'REDIRECT'),
  }
}

function originToJson(spec: TrustedOriginSpec): Json {
  return { name: spec.name, origin: spec.origin, scopes: spec.scopes.map((type) => ({ type })) }
}
