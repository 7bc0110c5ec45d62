// The OpenID side of the sandbox: one oidc-provider instance per authorization server (the org server at the org URL
// and each custom server at {org}/oauth2/{id}), whose clients are the org's apps, read live from the org state.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { GrantLike, InteractionDetails, KoaContextLike, Provider } from 'oidc-provider'
import { mintAccessToken, opaqueIdOf } from './access-tokens.js'
import { activeSecret } from './management/apps.js'
import { OKTA_API_SCOPES } from './management/service-apps.js'
import { clientIdOf, grantTypesOf, oauthCredentials, oauthSettings, type Org } from './org.js'
import type { AppRecord, ServerRecord, UserRecord } from './store.js'
import { asObject, asStringArray, type JsonObject } from './util.js'

type OidcModule = typeof import('oidc-provider')

/** The key of the org authorization server in maps keyed by server id. */
export const ORG_SERVER = 'org'

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
const PROVIDER_GRANTS = new Set(['authorization_code', 'refresh_token', 'client_credentials', DEVICE_GRANT])

/** Okta's messages for the cases where it differs from a generic OP. */
export const MESSAGES = {
  policy: 'Policy evaluation failed for this request, please check the policy configurations.',
  notAssigned: 'User is not assigned to the client application.',
  scopes: 'One or more scopes are not configured for the authorization server resource.',
}

const STANDARD_CLAIMS: Record<string, string[]> = {
  openid: ['sub'],
  profile: ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
}

/** Scopes of the org authorization server: the system scopes, `groups`, and the Okta API scopes. */
const ORG_SCOPES = ['openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'groups', 'device_sso', ...OKTA_API_SCOPES]

/** A stored oidc-provider artifact (token, grant, session, interaction). */
export interface Stored {
  payload: JsonObject
  expiresAt: number | undefined
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem;color:#1d1d21}
input{display:block;width:100%;padding:.5rem;margin:.25rem 0 1rem;box-sizing:border-box}
button{padding:.6rem 1.2rem;background:#1662dd;color:#fff;border:0;border-radius:4px}.error{color:#b00}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`
}

/** One rule that matched, with the token lifetimes it grants. */
export interface PolicyMatch {
  policy: JsonObject
  rule: JsonObject
}

/**
 * Evaluates a custom server's access policies like Okta: active policies in priority order whose clients include the
 * client (or ALL_CLIENTS), then their active rules in priority order; a rule matches when it allows the grant type, every
 * requested scope (or `*`) and, when a user is known, includes the user or one of their groups (or EVERYONE).
 */
export function evaluatePolicy(
  org: Org,
  server: ServerRecord,
  clientId: string,
  grantType: string,
  scopes: string[],
  userId?: string,
): PolicyMatch | undefined {
  const policies = server.policies
    .filter((p) => p.policy.status === 'ACTIVE')
    .filter((p) => {
      const include = asStringArray(asObject(asObject(p.policy.conditions).clients).include) ?? []
      return include.includes('ALL_CLIENTS') || include.includes(clientId)
    })
    .sort((a, b) => Number(a.policy.priority) - Number(b.policy.priority))
  const groupIds = userId ? new Set(org.groupsOf(userId).flatMap((g) => (g.group.type === 'BUILT_IN' ? [g.id, 'EVERYONE'] : [g.id]))) : undefined
  for (const p of policies) {
    const rules = p.rules.filter((r) => r.status === 'ACTIVE').sort((a, b) => Number(a.priority) - Number(b.priority))
    for (const rule of rules) {
      const conditions = asObject(rule.conditions)
      const grants = asStringArray(asObject(conditions.grantTypes).include) ?? []
      const grantOk = grants.includes(grantType) || (grantType === 'refresh_token' && grants.some((g) => g === 'authorization_code' || g === DEVICE_GRANT))
      if (!grantOk) {
        continue
      }
      const allowed = asStringArray(asObject(conditions.scopes).include) ?? []
      if (!allowed.includes('*') && !scopes.every((s) => allowed.includes(s))) {
        continue
      }
      if (userId && groupIds) {
        const people = asObject(conditions.people)
        const users = asObject(people.users)
        const groups = asObject(people.groups)
        const excludedUser = (asStringArray(users.exclude) ?? []).includes(userId)
        const excludedGroup = (asStringArray(groups.exclude) ?? []).some((g) => groupIds.has(g))
        const included =
          (asStringArray(users.include) ?? []).includes(userId) || (asStringArray(groups.include) ?? []).some((g) => groupIds.has(g))
        if (!included || excludedUser || excludedGroup) {
          continue
        }
      }
      return { policy: p.policy, rule }
    }
  }
  return undefined
}

function groupClaimValue(org: Org, userId: string, claim: JsonObject): string[] {
  const names = org.groupsOf(userId).map((g) => String(asObject(g.group.profile).name ?? ''))
  const value = String(claim.value ?? '')
  switch (claim.group_filter_type) {
    case 'STARTS_WITH':
      return names.filter((n) => n.toLowerCase().startsWith(value.toLowerCase()))
    case 'EQUALS':
      return names.filter((n) => n === value)
    case 'CONTAINS':
      return names.filter((n) => n.toLowerCase().includes(value.toLowerCase()))
    case 'REGEX':
      try {
        const re = new RegExp(`^(?:${value})$`)
        return names.filter((n) => re.test(n))
      } catch {
        return []
      }
    default:
      return names
  }
}

function expressionValue(user: UserRecord, expression: string): unknown {
  const literal = /^"(.*)"$/.exec(expression)
  if (literal) {
    return literal[1]
  }
  const m = /^(?:user|appuser)\.(?:profile\.)?([A-Za-z0-9_]+)$/.exec(expression.trim())
  if (m?.[1]) {
    if (m[1] === 'id') {
      return user.id
    }
    return asObject(user.user.profile)[m[1]] ?? null
  }
  return null
}

/** The sandbox's OpenID providers, created lazily per server and rebuilt when that server's scopes or claims change. */
export class OidcHost {
  private readonly providers = new Map<string, { signature: string; provider: Provider }>()
  private readonly storage: Map<string, Stored>

  constructor(
    private readonly org: Org,
    private readonly mod: OidcModule,
    private readonly autoLogin: () => string | undefined,
    saved: Record<string, Stored> = {},
    private readonly stored: () => void = () => undefined,
  ) {
    this.storage = new Map(Object.entries(saved))
  }

  /** Tokens, grants and sessions that have not expired, for the state file. */
  exportStorage(): Record<string, Stored> {
    const now = Date.now()
    const out: Record<string, Stored> = {}
    for (const [k, v] of this.storage) {
      if (v.expiresAt === undefined || v.expiresAt > now) {
        out[k] = v
      }
    }
    return out
  }

  /** The custom server, or undefined for the org server. */
  private server(key: string): ServerRecord | undefined {
    return key === ORG_SERVER ? undefined : this.org.state.servers.find((s) => s.id === key)
  }

  private signature(key: string): string {
    const server = this.server(key)
    return JSON.stringify([this.org.orgUrl, server?.scopes.map((s) => s.name), server?.claims])
  }

  /** The provider for a server key, or undefined when the server does not exist or is inactive. */
  provider(key: string): Provider | undefined {
    const server = this.server(key)
    if (key !== ORG_SERVER && (!server || server.server.status !== 'ACTIVE')) {
      return undefined
    }
    const signature = this.signature(key)
    const cached = this.providers.get(key)
    if (cached && cached.signature === signature) {
      return cached.provider
    }
    const provider = this.build(key, server)
    this.providers.set(key, { signature, provider })
    return provider
  }

  /** The requested scopes the server does not have (oidc-provider would drop them silently; Okta refuses). */
  unknownScopes(key: string, scopes: string[]): string[] {
    const known = new Set(this.scopesOf(this.server(key)))
    return scopes.filter((s) => !known.has(s))
  }

  /**
   * Okta's refresh-token leeway: after rotation the previous refresh token stays usable for the app's `leeway` seconds
   * (default 30). oidc-provider would treat the reuse as a replay and revoke the grant, so within the leeway the
   * sandbox hands it the newest refresh token of the same grant instead. Returns that token, or undefined.
   */
  refreshTokenWithinLeeway(key: string, token: string): string | undefined {
    const prefix = `${key}:RefreshToken:`
    const stored = this.storage.get(`${prefix}${token}`)
    const consumed = stored?.payload.consumed
    if (!stored || typeof consumed !== 'number') {
      return undefined
    }
    const app = this.org.appByClientId(String(stored.payload.clientId ?? ''))
    const leeway = app ? Number(asObject(oauthSettings(app).refresh_token).leeway ?? 30) : 0
    if (Date.now() / 1000 - consumed > leeway) {
      return undefined
    }
    let newest: { id: string; iat: number } | undefined
    for (const [k, s] of this.storage) {
      if (!k.startsWith(prefix) || s.payload.grantId !== stored.payload.grantId || s.payload.consumed !== undefined) {
        continue
      }
      if (s.expiresAt !== undefined && s.expiresAt < Date.now()) {
        continue
      }
      const iat = Number(s.payload.iat ?? 0)
      if (!newest || iat >= newest.iat) {
        newest = { id: k.slice(prefix.length), iat }
      }
    }
    return newest?.id
  }

  /** The Okta-shaped JWT for an opaque access token of a custom server, or undefined. */
  jwtAccessToken(key: string, opaque: string): string | undefined {
    const server = this.server(key)
    const jwk = this.org.state.keys[key]
    if (!server || !jwk) {
      return undefined
    }
    for (const model of ['AccessToken', 'ClientCredentials']) {
      const stored = this.storage.get(`${key}:${model}:${opaque}`)
      if (!stored) {
        continue
      }
      const p = stored.payload
      const token = {
        id: opaque,
        clientId: String(p.clientId ?? ''),
        accountId: typeof p.accountId === 'string' ? p.accountId : undefined,
        scope: String(p.scope ?? ''),
        iat: Number(p.iat ?? Math.floor(Date.now() / 1000)),
        exp: Number(p.exp ?? Math.floor(Date.now() / 1000) + 3600),
      }
      const user = token.accountId ? this.org.state.users.find((u) => u.id === token.accountId) : undefined
      const scopes = new Set(token.scope.split(' '))
      const claims: JsonObject = {}
      for (const claim of server.claims) {
        const conditions = asStringArray(asObject(claim.conditions).scopes) ?? []
        if (claim.status !== 'ACTIVE' || claim.claimType !== 'RESOURCE' || (conditions.length && !conditions.some((c) => scopes.has(c)))) {
          continue
        }
        if (claim.valueType === 'GROUPS') {
          if (user) {
            claims[String(claim.name)] = groupClaimValue(this.org, user.id, claim)
          }
        } else if (user) {
          claims[String(claim.name)] = expressionValue(user, String(claim.value ?? ''))
        }
      }
      return mintAccessToken(this.org, server, jwk, token, claims)
    }
    return undefined
  }

  /** The opaque token behind a JWT access token of a custom server (for userinfo, introspect, revoke), or undefined. */
  opaqueAccessToken(key: string, value: string): string | undefined {
    const server = this.server(key)
    return server ? opaqueIdOf(this.org, server, this.org.state.keys[key], value) : undefined
  }

  /** The client and scopes of a live access token the org server issued (OAuth 2.0 for Okta), or undefined. */
  orgAccessToken(token: string): { clientId: string; scopes: Set<string> } | undefined {
    for (const model of ['ClientCredentials', 'AccessToken']) {
      const stored = this.storage.get(`${ORG_SERVER}:${model}:${token}`)
      if (!stored || (stored.expiresAt !== undefined && stored.expiresAt < Date.now())) {
        continue
      }
      const clientId = stored.payload.clientId
      if (typeof clientId === 'string') {
        return { clientId, scopes: new Set(String(stored.payload.scope ?? '').split(' ').filter(Boolean)) }
      }
    }
    return undefined
  }

  private scopesOf(server: ServerRecord | undefined): string[] {
    return server ? server.scopes.map((s) => String(s.name)) : ORG_SCOPES
  }

  private claimsConfig(server: ServerRecord | undefined): Record<string, string[]> {
    const claims: Record<string, string[]> = {}
    for (const [scope, names] of Object.entries(STANDARD_CLAIMS)) {
      claims[scope] = [...names]
    }
    if (!server) {
      claims.groups = ['groups']
      return claims
    }
    for (const scope of server.scopes) {
      claims[String(scope.name)] ??= []
    }
    for (const claim of server.claims) {
      if (claim.status !== 'ACTIVE' || claim.claimType !== 'IDENTITY') {
        continue
      }
      const scopes = asStringArray(asObject(claim.conditions).scopes) ?? []
      for (const scope of scopes.length ? scopes : ['openid']) {
        ;(claims[scope] ??= []).push(String(claim.name))
      }
    }
    return claims
  }

  private accountClaims(server: ServerRecord | undefined, user: UserRecord): JsonObject {
    const profile = asObject(user.user.profile)
    const name = [profile.firstName, profile.lastName].filter((x) => typeof x === 'string' && x).join(' ')
    const claims: JsonObject = {
      sub: user.id,
      name: name || profile.login,
      given_name: profile.firstName ?? undefined,
      family_name: profile.lastName ?? undefined,
      preferred_username: profile.login,
      email: profile.email,
      email_verified: true,
      locale: 'en_US',
      zoneinfo: 'America/Los_Angeles',
      updated_at: Math.floor(Date.parse(String(user.user.lastUpdated)) / 1000),
    }
    if (!server) {
      claims.groups = this.org.groupsOf(user.id).map((g) => String(asObject(g.group.profile).name ?? ''))
      return claims
    }
    for (const claim of server.claims) {
      if (claim.status !== 'ACTIVE' || claim.claimType !== 'IDENTITY') {
        continue
      }
      claims[String(claim.name)] =
        claim.valueType === 'GROUPS' ? groupClaimValue(this.org, user.id, claim) : expressionValue(user, String(claim.value ?? ''))
    }
    return claims
  }

  private clientMetadata(app: AppRecord): JsonObject | undefined {
    if (app.app.status !== 'ACTIVE') {
      return undefined
    }
    const settings = oauthSettings(app)
    const creds = oauthCredentials(app)
    const grants = grantTypesOf(app).filter((g) => PROVIDER_GRANTS.has(g))
    const method = String(creds.token_endpoint_auth_method ?? 'client_secret_basic')
    const metadata: JsonObject = {
      client_id: clientIdOf(app),
      client_name: app.app.label,
      application_type: settings.application_type === 'native' ? 'native' : 'web',
      grant_types: grants,
      response_types: grants.includes('authorization_code') ? ['code'] : [],
      redirect_uris: asStringArray(settings.redirect_uris) ?? [],
      post_logout_redirect_uris: asStringArray(settings.post_logout_redirect_uris) ?? [],
      token_endpoint_auth_method: method,
    }
    if (method.startsWith('client_secret')) {
      metadata.client_secret = activeSecret(app) ?? ''
    }
    if (method === 'private_key_jwt') {
      if (typeof settings.jwks_uri === 'string') {
        metadata.jwks_uri = settings.jwks_uri
      } else {
        metadata.jwks = settings.jwks
      }
    }
    return metadata
  }

  private ruleFor(server: ServerRecord | undefined, clientId: string, grantType: string): JsonObject | undefined {
    if (!server) {
      return undefined
    }
    return evaluatePolicy(this.org, server, clientId, grantType, [])?.rule
  }

  private build(key: string, server: ServerRecord | undefined): Provider {
    const { Provider: ProviderClass, errors, interactionPolicy } = this.mod
    const org = this.org
    const storage = this.storage
    const stored = this.stored
    const clientMetadata = (app: AppRecord): JsonObject | undefined => this.clientMetadata(app)
    const accountClaims = (srv: ServerRecord | undefined, user: UserRecord): JsonObject => this.accountClaims(srv, user)
    const ruleFor = (srv: ServerRecord | undefined, clientId: string, grantType: string): JsonObject | undefined =>
      this.ruleFor(srv, clientId, grantType)
    const scopesOf = (srv: ServerRecord | undefined): string[] => this.scopesOf(srv)
    const prefix = key === ORG_SERVER ? '/oauth2' : ''
    const jwk = org.state.keys[key]

    class Adapter {
      constructor(private readonly model: string) {}
      private k(id: string): string {
        return `${key}:${this.model}:${id}`
      }
      async upsert(id: string, payload: JsonObject, expiresIn?: number): Promise<void> {
        storage.set(this.k(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined })
        stored()
      }
      async find(id: string): Promise<JsonObject | undefined> {
        if (this.model === 'Client') {
          const app = org.appByClientId(id)
          return app ? clientMetadata(app) : undefined
        }
        const stored = storage.get(this.k(id))
        if (!stored) {
          return undefined
        }
        if (stored.expiresAt !== undefined && stored.expiresAt < Date.now()) {
          storage.delete(this.k(id))
          return undefined
        }
        return stored.payload
      }
      private async findBy(field: string, value: string): Promise<JsonObject | undefined> {
        const start = `${key}:${this.model}:`
        for (const [k, stored] of storage) {
          if (k.startsWith(start) && stored.payload[field] === value) {
            return this.find(k.slice(start.length))
          }
        }
        return undefined
      }
      findByUserCode(userCode: string): Promise<JsonObject | undefined> {
        return this.findBy('userCode', userCode)
      }
      findByUid(uid: string): Promise<JsonObject | undefined> {
        return this.findBy('uid', uid)
      }
      async consume(id: string): Promise<void> {
        const entry = storage.get(this.k(id))
        if (entry) {
          entry.payload.consumed = Math.floor(Date.now() / 1000)
          stored()
        }
      }
      async destroy(id: string): Promise<void> {
        storage.delete(this.k(id))
        stored()
      }
      async revokeByGrantId(grantId: string): Promise<void> {
        for (const [k, entry] of storage) {
          if (k.startsWith(`${key}:`) && entry.payload.grantId === grantId) {
            storage.delete(k)
          }
        }
        stored()
      }
    }

    const policy = interactionPolicy.base()
    // Okta evaluates its policies on every authorization request, so every request passes the sign-in step (which
    // completes at once when the browser already has a session or auto-login is on).
    policy.get('login')?.checks.push(
      new interactionPolicy.Check('okta_policy', 'the sandbox evaluates Okta policies on each request', (ctx) =>
        ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
      ),
    )
    // Okta has no per-request consent for native apps (consent_method TRUSTED): drop oidc-provider's native-client check.
    const consentChecks = policy.get('consent')?.checks
    const nativeCheck = consentChecks?.findIndex((c) => c.reason === 'native_client_prompt') ?? -1
    if (consentChecks && nativeCheck >= 0) {
      consentChecks.splice(nativeCheck, 1)
    }
    const appOf = (clientId: string | undefined): AppRecord | undefined => (clientId ? org.appByClientId(clientId) : undefined)
    const minutes = (rule: JsonObject | undefined, field: string, fallback: number): number => {
      const value = asObject(asObject(rule?.actions).token)[field]
      return typeof value === 'number' && value > 0 ? value : fallback
    }

    const provider = new ProviderClass(org.issuer(key === ORG_SERVER ? undefined : key), {
      adapter: Adapter,
      jwks: { keys: jwk ? [jwk] : [] },
      cookies: {
        keys: [org.state.cookieKey],
        names: { session: `sid_${key}`, interaction: `ia_${key}`, resume: `ir_${key}` },
      },
      scopes: this.scopesOf(server),
      claims: this.claimsConfig(server),
      conformIdTokenClaims: false,
      allowOmittingSingleRegisteredRedirectUri: false,
      features: {
        devInteractions: { enabled: false },
        // Okta ignores a DPoP proof from clients that do not require DPoP; the Okta SDK always sends one to the
        // token endpoint. Sender-constrained tokens are out of the sandbox's scope.
        dPoP: { enabled: false },
        deviceFlow: {
          enabled: true,
          userCodeInputSource: async (ctx: KoaContextLike & { body: string }, form: string, _out: unknown, err?: Error) => {
            const message = err ? '<p class="error">That code is not valid. Try again.</p>' : '<p>Enter the code displayed on your device.</p>'
            ctx.body = page('Activate your device', `${message}${form}<button type="submit" form="op.deviceInputForm">Next</button>`)
          },
          userCodeConfirmSource: async (ctx: KoaContextLike & { body: string }, form: string, client: { clientName?: string; clientId: string }, _info: unknown, userCode: string) => {
            ctx.body = page(
              'Activate your device',
              `<p>Sign in to <b>${escapeHtml(client.clientName ?? client.clientId)}</b> on the device showing <code>${escapeHtml(userCode)}</code>.</p>${form}<button type="submit" form="op.deviceConfirmForm">Continue</button>`,
            )
          },
          successSource: async (ctx: KoaContextLike & { body: string }) => {
            ctx.body = page('Device activated', '<p>Your device is now signed in. You can close this window.</p>')
          },
        },
        revocation: {
          enabled: true,
          allowedPolicy: async (_ctx: KoaContextLike, client: { clientId: string }, token: { clientId?: string }) => token.clientId === client.clientId,
        },
        introspection: {
          enabled: true,
          allowedPolicy: async (_ctx: KoaContextLike, client: { clientId: string; clientAuthMethod: string }, token: { clientId?: string }) =>
            client.clientAuthMethod !== 'none' || token.clientId === client.clientId,
        },
        userinfo: { enabled: true },
        clientCredentials: { enabled: true },
        rpInitiatedLogout: {
          enabled: true,
          // Okta signs out at once: the confirmation form submits itself.
          logoutSource: async (ctx: KoaContextLike & { body: string }, form: string) => {
            ctx.body = page(
              'Signing out',
              `${form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>')}<button type="submit" form="op.logoutForm">Sign out</button><script>document.forms[0].submit()</script>`,
            )
          },
          postLogoutSuccessSource: async (ctx: KoaContextLike & { body: string }) => {
            ctx.body = page('Signed out', '<p>You have been signed out.</p>')
          },
        },
      },
      routes: {
        authorization: `${prefix}/v1/authorize`,
        token: `${prefix}/v1/token`,
        userinfo: `${prefix}/v1/userinfo`,
        jwks: `${prefix}/v1/keys`,
        revocation: `${prefix}/v1/revoke`,
        introspection: `${prefix}/v1/introspect`,
        device_authorization: `${prefix}/v1/device/authorize`,
        end_session: `${prefix}/v1/logout`,
        code_verification: key === ORG_SERVER ? '/activate' : '/v1/device/activate',
        pushed_authorization_request: `${prefix}/v1/par`,
        registration: `${prefix}/v1/clients`,
        backchannel_authentication: `${prefix}/v1/bc/authorize`,
        challenge: `${prefix}/v1/challenge`,
        credential: `${prefix}/v1/credential`,
      },
      pkce: {
        required: (_ctx: KoaContextLike, client: { clientId: string }) => {
          const app = appOf(client.clientId)
          return app ? oauthCredentials(app).pkce_required === true : true
        },
      },
      issueRefreshToken: async (_ctx: KoaContextLike, client: { clientId: string; grantTypeAllowed(t: string): boolean }, code: { scopes: Set<string> }) =>
        client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
      rotateRefreshToken: (ctx: KoaContextLike) => {
        const app = appOf(ctx.oidc.client?.clientId)
        return app ? asObject(oauthSettings(app).refresh_token).rotation_type === 'ROTATE' : true
      },
      loadExistingGrant: async (ctx: KoaContextLike): Promise<GrantLike | undefined> => {
        const client = ctx.oidc.client
        const accountId = ctx.oidc.session?.accountId
        if (!client || !accountId) {
          return undefined
        }
        const grantId = (ctx.oidc.result?.consent as { grantId?: string } | undefined)?.grantId ?? ctx.oidc.session?.grantIdFor(client.clientId)
        let grant = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined
        if (!grant || grant.accountId !== accountId) {
          grant = new ctx.oidc.provider.Grant({ accountId, clientId: client.clientId })
        }
        // Apps created through /api/v1/apps have consent_method TRUSTED: the requested scopes are granted silently.
        grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '))
        grant.addOIDCClaims([...ctx.oidc.requestParamClaims])
        await grant.save()
        return grant
      },
      findAccount: async (_ctx: KoaContextLike, id: string) => {
        const user = org.state.users.find((u) => u.id === id)
        if (!user) {
          return undefined
        }
        return { accountId: id, claims: async () => accountClaims(server, user) }
      },
      interactions: {
        url: (_ctx: KoaContextLike, interaction: { uid: string }) => `/signin/${key}/${interaction.uid}`,
        policy,
      },
      ttl: {
        AccessToken: (ctx: KoaContextLike, _token: unknown, client: { clientId: string }) =>
          minutes(ruleFor(server, client.clientId, String(ctx.oidc.params?.grant_type ?? 'authorization_code')), 'accessTokenLifetimeMinutes', 60) * 60,
        ClientCredentials: (ctx: KoaContextLike, _token: unknown, client: { clientId: string }) => {
          const scopes = String(ctx.oidc.params?.scope ?? '').split(' ').filter(Boolean)
          const known = new Set(scopesOf(server))
          if (scopes.some((s) => !known.has(s))) {
            throw new errors.InvalidScope(MESSAGES.scopes)
          }
          if (!server) {
            // OAuth 2.0 for Okta: Okta API scopes must have been granted to the app (/api/v1/apps/{id}/grants).
            const granted = new Set((appOf(client.clientId)?.grants ?? []).map((g) => g.scopeId))
            const missing = scopes.filter((s) => s.startsWith('okta.') && !granted.has(s))
            if (missing.length) {
              throw new errors.InvalidScope(`The following scopes are not allowed: ${missing.join(', ')}`)
            }
            return 3600
          }
          const match = evaluatePolicy(org, server, client.clientId, 'client_credentials', scopes)
          if (!match) {
            throw new errors.AccessDenied(MESSAGES.policy)
          }
          return minutes(match.rule, 'accessTokenLifetimeMinutes', 60) * 60
        },
        RefreshToken: (ctx: KoaContextLike, _token: unknown, client: { clientId: string }) => {
          const rule = ruleFor(server, client.clientId, String(ctx.oidc.params?.grant_type ?? 'authorization_code'))
          const lifetime = minutes(rule, 'refreshTokenLifetimeMinutes', 0)
          return (lifetime || minutes(rule, 'refreshTokenWindowMinutes', 10080)) * 60
        },
        IdToken: 3600,
        AuthorizationCode: 300,
        DeviceCode: 600,
        Interaction: 3600,
        Session: 14 * 24 * 3600,
        Grant: 14 * 24 * 3600,
      },
      renderError: async (ctx: KoaContextLike & { type: string; body: string }, out: Record<string, string>) => {
        ctx.type = 'html'
        ctx.body = page(
          'Sign-in error',
          `<p class="error"><b>${escapeHtml(out.error ?? 'error')}</b></p><p>${escapeHtml(out.error_description ?? '')}</p>`,
        )
      },
      clientBasedCORS: () => true,
    })
    // Okta matches redirect URIs exactly; oidc-provider would let native apps use any loopback port (RFC 8252 §7.3).
    provider.Client.prototype.redirectUriAllowed = function (this: { redirectUris: string[] }, value: string) {
      return this.redirectUris.includes(value)
    }
    provider.Client.prototype.postLogoutRedirectUriAllowed = function (this: { postLogoutRedirectUris: string[] }, value: string) {
      return this.postLogoutRedirectUris.includes(value)
    }
    return provider
  }

  /** Serves `/signin/{key}/{uid}`: the sign-in page, auto-login, and Okta's checks before the code is issued. */
  async interaction(key: string, req: IncomingMessage, res: ServerResponse, form: URLSearchParams | undefined): Promise<void> {
    const provider = this.provider(key)
    if (!provider) {
      this.html(res, 404, page('Not found', '<p>This authorization server does not exist or is inactive.</p>'))
      return
    }
    let details: InteractionDetails
    try {
      details = await provider.interactionDetails(req, res)
    } catch {
      this.html(res, 400, page('Sign-in expired', '<p>This sign-in request has expired or its cookie is missing. Start again from the application.</p>'))
      return
    }
    const server = this.server(key)
    const clientId = details.params.client_id ?? ''
    if (details.prompt.name === 'consent' && details.session?.accountId) {
      // Only reached for prompt=consent (added for offline_access, see index.ts): TRUSTED apps consent silently.
      const grant = new provider.Grant({ accountId: details.session.accountId, clientId })
      grant.addOIDCScope(details.params.scope ?? 'openid')
      const grantId = await grant.save()
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true })
      return
    }
    const app = this.org.appByClientId(clientId)
    const scopes = (details.params.scope ?? '').split(' ').filter(Boolean)
    const grantType = details.params.response_type === undefined ? DEVICE_GRANT : 'authorization_code'
    const fail = (error: string, description: string): Promise<void> =>
      provider.interactionFinished(req, res, { error, error_description: description }, { mergeWithLastSubmission: false })

    const known = new Set(this.scopesOf(server))
    if (scopes.some((s) => !known.has(s))) {
      await fail('invalid_scope', MESSAGES.scopes)
      return
    }
    if (server && !evaluatePolicy(this.org, server, clientId, grantType, scopes)) {
      await fail('access_denied', MESSAGES.policy)
      return
    }
    let user: UserRecord | undefined
    let formError: string | undefined
    const auto = this.autoLogin()
    if (form) {
      const candidate = this.org.findUser(form.get('username') ?? '')
      if (candidate && candidate.password !== undefined && candidate.password === form.get('password') && candidate.user.status === 'ACTIVE') {
        user = candidate
      } else {
        formError = 'Unable to sign in'
      }
    } else if (auto) {
      user = this.org.findUser(auto)
    } else if (details.session?.accountId) {
      user = this.org.state.users.find((u) => u.id === details.session?.accountId)
    }
    if (user && user.user.status !== 'ACTIVE') {
      // Staged, suspended or deactivated users cannot sign in (auto-login and existing sessions included).
      user = undefined
      formError = 'Unable to sign in'
    }
    if (!user) {
      this.html(res, formError ? 401 : 200, this.loginPage(key, details.uid, app, formError, form?.get('username') ?? details.params.login_hint ?? ''))
      return
    }
    if (!app || !this.org.isAssigned(app, user.id)) {
      await fail('access_denied', MESSAGES.notAssigned)
      return
    }
    if (server && !evaluatePolicy(this.org, server, clientId, grantType, scopes, user.id)) {
      await fail('access_denied', MESSAGES.policy)
      return
    }
    user.user.lastLogin = new Date().toISOString()
    this.org.changed()
    await provider.interactionFinished(req, res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false })
  }

  private loginPage(key: string, uid: string, app: AppRecord | undefined, error: string | undefined, username: string): string {
    return page(
      'Sign In',
      `<p>to <b>${escapeHtml(String(app?.app.label ?? 'the application'))}</b> (oidc-setup sandbox)</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/signin/${escapeHtml(key)}/${escapeHtml(uid)}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" value="${escapeHtml(username)}" autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit" id="sign-in">Sign In</button></form>`,
    )
  }

  private html(res: ServerResponse, status: number, body: string): void {
    res.statusCode = status
    res.setHeader('Content-Type', 'text/html; charset=utf-8')
    res.setHeader('Cache-Control', 'no-store')
    res.end(body)
  }
}
