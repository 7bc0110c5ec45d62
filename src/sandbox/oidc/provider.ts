// One oidc-provider instance per authorization server, configured the way Okta behaves: its scopes and claims,
// Okta's policy checks and token lifetimes, exact redirect URIs, and the sandbox's pages.
import type { GrantLike, KoaContextLike, Provider } from 'oidc-provider'
import type { AppRecord, ServerRecord, UserRecord } from '../store.js'
import { asObject, type JsonObject } from '../util.js'
import { oauthCredentials, oauthSettings } from '../org.js'
import { corsAllowed } from '../management/trusted-origins.js'
import { adapterFor } from './adapter.js'
import type { OidcHost } from './host.js'
import { escapeHtml, page } from './pages.js'
import { evaluatePolicy, MESSAGES, ORG_SERVER } from './policy.js'

/** Builds the provider for the server `key` (`org` or a custom server's id). */
export function buildProvider(host: OidcHost, key: string, server: ServerRecord | undefined, issuer: string): Provider {
  const { Provider: ProviderClass, errors, interactionPolicy } = host.mod
  const org = host.org
  const storage = host.storage
  const stored = host.stored
  const clientMetadata = (app: AppRecord): JsonObject | undefined => host.clientMetadata(app)
  const accountClaims = (srv: ServerRecord | undefined, user: UserRecord): JsonObject => host.accountClaims(srv, user)
  const ruleFor = (srv: ServerRecord | undefined, clientId: string, grantType: string): JsonObject | undefined =>
    host.ruleFor(srv, clientId, grantType)
  const scopesOf = (srv: ServerRecord | undefined): string[] => host.scopesOf(srv)
  const prefix = key === ORG_SERVER ? '/oauth2' : ''
  const jwk = org.state.keys[key]

  const Adapter = adapterFor(key, org, storage, stored, clientMetadata)

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

  const provider = new ProviderClass(issuer, {
    adapter: Adapter,
    jwks: { keys: jwk ? [jwk] : [] },
    cookies: {
      keys: [org.state.cookieKey],
      names: { session: `sid_${key}`, interaction: `ia_${key}`, resume: `ir_${key}` },
    },
    scopes: host.scopesOf(server),
    claims: host.claimsConfig(server),
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
    // Okta allows browser calls only from ACTIVE trusted origins with the CORS scope (gateway.ts drops the CORS headers
    // for others before they are sent; this keeps oidc-provider's own decision the same).
    clientBasedCORS: (_ctx: KoaContextLike, origin: string) => corsAllowed(org, origin),
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
