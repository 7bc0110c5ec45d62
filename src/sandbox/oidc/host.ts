// The OpenID side of the sandbox: one oidc-provider instance per authorization server (the org server at the org URL
// and each custom server at {org}/oauth2/{id}), whose clients are the org's apps, read live from the org state.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Provider } from 'oidc-provider'
import { mintAccessToken, opaqueIdOf } from '../access-tokens.js'
import { activeSecret } from '../management/app-credentials.js'
import { activeJwks } from '../management/app-jwks.js'
import { OKTA_API_SCOPES } from '../management/service-apps.js'
import { clientIdOf, grantTypesOf, oauthCredentials, oauthSettings, type Domain, type Org } from '../org.js'
import type { AppRecord, ServerRecord, UserRecord } from '../store.js'
import { asObject, asStringArray, type JsonObject } from '../util.js'
import type { Stored } from './adapter.js'
import { DEVICE_GRANT, evaluatePolicy, expressionValue, groupClaimValue, ORG_SERVER } from './policy.js'
import { buildProvider } from './provider.js'
import { signIn } from './sign-in.js'

export type { Stored } from './adapter.js'
export { MESSAGES, ORG_SERVER, evaluatePolicy } from './policy.js'

type OidcModule = typeof import('oidc-provider')

const PROVIDER_GRANTS = new Set(['authorization_code', 'refresh_token', 'client_credentials', DEVICE_GRANT])

const STANDARD_CLAIMS: Record<string, string[]> = {
  openid: ['sub'],
  profile: ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
}

/** Scopes of the org authorization server: the system scopes, `groups`, and the Okta API scopes. */
const ORG_SCOPES = ['openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'groups', 'device_sso', ...OKTA_API_SCOPES]

/** The sandbox's OpenID providers, created lazily per server and rebuilt when that server's scopes or claims change. */
export class OidcHost {
  private readonly providers = new Map<string, { signature: string; provider: Provider }>()
  /** oidc-provider's artifacts by `{server}:{model}:{id}`. */
  readonly storage: Map<string, Stored>

  constructor(
    readonly org: Org,
    readonly mod: OidcModule,
    readonly autoLogin: () => string | undefined,
    saved: Record<string, Stored> = {},
    /** Called after every write to the storage (persists it with --state). */
    readonly stored: () => void = () => undefined,
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
  server(key: string): ServerRecord | undefined {
    return key === ORG_SERVER ? undefined : this.org.state.servers.find((s) => s.id === key)
  }

  private signature(key: string, domain: Domain): string {
    const server = this.server(key)
    return JSON.stringify([this.org.orgUrl, this.issuer(key, domain), server?.scopes.map((s) => s.name), server?.claims])
  }

  /**
   * The issuer a server answers with on a domain: the org server's is the domain's URL; a custom server's follows its
   * `issuerMode` (spec AuthorizationServer.issuerMode: ORG_URL, CUSTOM_URL, or DYNAMIC = the domain asked).
   */
  issuer(key: string, domain: Domain): string {
    if (key === ORG_SERVER) {
      return this.org.issuer(undefined, domain)
    }
    const mode = this.server(key)?.server.issuerMode
    return this.org.issuer(key, mode === 'CUSTOM_URL' ? 'custom' : mode === 'DYNAMIC' ? domain : 'org')
  }

  /**
   * The provider for a server key on a domain (one instance per issuer: with a custom domain the org is reachable at
   * both URLs; tokens, grants and sessions are shared), or undefined when the server does not exist or is inactive.
   */
  provider(key: string, domain: Domain = 'org'): Provider | undefined {
    const server = this.server(key)
    if (key !== ORG_SERVER && (!server || server.server.status !== 'ACTIVE')) {
      return undefined
    }
    const signature = this.signature(key, domain)
    const cached = this.providers.get(`${key}|${domain}`)
    if (cached && cached.signature === signature) {
      return cached.provider
    }
    const provider = buildProvider(this, key, server, this.issuer(key, domain))
    this.providers.set(`${key}|${domain}`, { signature, provider })
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
  jwtAccessToken(key: string, opaque: string, issuer?: string): string | undefined {
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
      return mintAccessToken(this.org, server, jwk, token, claims, issuer)
    }
    return undefined
  }

  /** The opaque token behind a JWT access token of a custom server (for userinfo, introspect, revoke), or undefined. */
  opaqueAccessToken(key: string, value: string): string | undefined {
    const server = this.server(key)
    return server ? opaqueIdOf(this.org, server, this.org.state.keys[key], value) : undefined
  }

  /** The client and scopes of a live access token the org server issued (OAuth 2.0 for Okta), or undefined. */
  orgAccessToken(token: string): { clientId: string; scopes: Set<string>; jkt: string | undefined } | undefined {
    for (const model of ['ClientCredentials', 'AccessToken']) {
      const stored = this.storage.get(`${ORG_SERVER}:${model}:${token}`)
      if (!stored || (stored.expiresAt !== undefined && stored.expiresAt < Date.now())) {
        continue
      }
      const clientId = stored.payload.clientId
      if (typeof clientId === 'string') {
        const jkt = stored.payload['x-sandbox-jkt']
        return { clientId, scopes: new Set(String(stored.payload.scope ?? '').split(' ').filter(Boolean)), jkt: typeof jkt === 'string' ? jkt : undefined }
      }
    }
    return undefined
  }

  /** Binds an org-server access token to a DPoP key (the token response then says `token_type: DPoP`). */
  bindAccessToken(token: string, jkt: string): boolean {
    for (const model of ['ClientCredentials', 'AccessToken']) {
      const stored = this.storage.get(`${ORG_SERVER}:${model}:${token}`)
      if (stored) {
        stored.payload['x-sandbox-jkt'] = jkt
        this.stored()
        return true
      }
    }
    return false
  }

  scopesOf(server: ServerRecord | undefined): string[] {
    return server ? server.scopes.map((s) => String(s.name)) : ORG_SCOPES
  }

  claimsConfig(server: ServerRecord | undefined): Record<string, string[]> {
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

  accountClaims(server: ServerRecord | undefined, user: UserRecord): JsonObject {
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

  clientMetadata(app: AppRecord): JsonObject | undefined {
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
        metadata.jwks = activeJwks(app)
      }
    }
    return metadata
  }

  ruleFor(server: ServerRecord | undefined, clientId: string, grantType: string): JsonObject | undefined {
    if (!server) {
      return undefined
    }
    return evaluatePolicy(this.org, server, clientId, grantType, [])?.rule
  }

  /** Serves `/signin/{key}/{uid}` (see sign-in.ts). */
  interaction(key: string, domain: Domain, req: IncomingMessage, res: ServerResponse, form: URLSearchParams | undefined): Promise<void> {
    return signIn(this, key, domain, req, res, form)
  }
}
