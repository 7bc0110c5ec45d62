import type { ClientJwk, PublicJwk } from '../domain/client-key.js'
import type { SignOnPolicy } from '../domain/doctor.js'
import { ManagementApiError } from '../domain/errors.js'
import type { Clock } from './clock.js'
import { scopesToRequest, type OktaCredentials } from '../domain/okta-credentials.js'
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
import { createExecutor, type ExecutorBase, type HttpResponseLike } from './okta-admin/executor.js'
import { SdkOktaAdmin, type SdkClientLike } from './okta-admin/adapter.js'
import type { Json } from './okta-admin/json.js'

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
  /**
   * Creates and activates the app; the result carries the client secret for confidential clients. `jwks`: the public
   * keys of a private_key_jwt client, sent in `settings.oauthClient.jwks` — Okta refuses private_key_jwt without
   * them (management-api.yaml OpenIdConnectApplicationSettingsClientKeys).
   */
  createApp(spec: AppSpec, options?: { jwks?: PublicJwk[] | undefined }): Promise<OidcApp>
  /** Replaces the reconciled settings, keeping every other field of the app as it is. */
  updateApp(appId: string, spec: AppSpec): Promise<OidcApp>
  activateApp(appId: string): Promise<void>
  /** Deactivates then deletes; a missing app is not an error. */
  deleteApp(appId: string): Promise<void>
  listClientSecrets(appId: string): Promise<ClientSecret[]>
  /**
   * Adds an active client secret (at most two per app); the result carries its plaintext, which Okta returns only in
   * this response (spec createOAuth2ClientSecret). Not retried: a retry could add a second one.
   */
  createClientSecret(appId: string): Promise<ClientSecret>
  /** Activates or deactivates a secret (`…/lifecycle/activate|deactivate`); Okta refuses to deactivate the last active one. */
  setClientSecretStatus(appId: string, secretId: string, status: 'ACTIVE' | 'INACTIVE'): Promise<ClientSecret>
  /** Deletes an inactive secret (an active one is refused); a missing one is not an error. */
  deleteClientSecret(appId: string, secretId: string): Promise<void>
  /** The app's public keys (`GET /api/v1/apps/{appId}/credentials/jwks`, spec listJwk). */
  listJwks(appId: string): Promise<ClientJwk[]>
  /** Adds a public signing key, ACTIVE (`POST …/credentials/jwks`, spec addJwk); not retried (a retry could add it twice). */
  addJwk(appId: string, jwk: PublicJwk): Promise<ClientJwk>
  /** Activates or deactivates a key (`…/jwks/{keyId}/lifecycle/activate|deactivate`). */
  setJwkStatus(appId: string, keyId: string, status: 'ACTIVE' | 'INACTIVE'): Promise<ClientJwk>
  /** Deletes an inactive key (spec deletejwk: an active one is refused); a missing one is not an error. */
  deleteJwk(appId: string, keyId: string): Promise<void>
  listAppGroupIds(appId: string): Promise<string[]>
  /** Idempotent (PUT). */
  assignGroup(appId: string, groupId: string): Promise<void>
  isUserAssigned(appId: string, userId: string): Promise<boolean>
  /** Ids of the users assigned to the app directly or through groups (first 200). */
  listAppUserIds(appId: string): Promise<string[]>
  assignUser(appId: string, userId: string): Promise<void>
  /** Removes a group assignment; a missing one is not an error. */
  unassignGroup(appId: string, groupId: string): Promise<void>
  /** Ids of the apps a group is assigned to (paged): one read per group, however many apps (`GET /groups/{id}/apps`). */
  listGroupAppIds(groupId: string): Promise<string[]>
}

/** Custom authorization servers with their scopes, claims, policies and rules. Same failure rules as AppsAdmin. */
export interface AuthServersAdmin {
  getAuthServer(id: string): Promise<AuthServer | undefined>
  findAuthServersByName(name: string): Promise<AuthServer[]>
  /** Every custom authorization server of the org (paged). */
  listAuthServers(): Promise<AuthServer[]>
  createAuthServer(spec: AuthServerSpec): Promise<AuthServer>
  /** Deactivates then deletes; a missing server is not an error. */
  deleteAuthServer(id: string): Promise<void>
  listScopes(serverId: string): Promise<Scope[]>
  createScope(serverId: string, spec: ScopeSpec): Promise<Scope>
  deleteScope(serverId: string, scopeId: string): Promise<void>
  listClaims(serverId: string): Promise<Claim[]>
  createClaim(serverId: string, spec: ClaimSpec): Promise<Claim>
  /** Replaces a claim (PUT /api/v1/authorizationServers/{authServerId}/claims/{claimId}). */
  updateClaim(serverId: string, claimId: string, spec: ClaimSpec): Promise<Claim>
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
  /**
   * Enrolls a TOTP authenticator (`token:software:totp`, Google Authenticator) for a user: PENDING_ACTIVATION, with
   * its base32 seed (POST /api/v1/users/{userId}/factors; the seed is in `_embedded.activation.sharedSecret`).
   */
  enrollTotpFactor(userId: string): Promise<{ id: string; sharedSecret: string }>
  /** Activates an enrolled factor with a current passcode (POST …/factors/{factorId}/lifecycle/activate). */
  activateFactor(userId: string, factorId: string, passCode: string): Promise<void>
  findTrustedOrigins(origin: string): Promise<TrustedOrigin[]>
  /** Every trusted origin of the org (paged). */
  listTrustedOrigins(): Promise<TrustedOrigin[]>
  createTrustedOrigin(spec: TrustedOriginSpec): Promise<TrustedOrigin>
  updateTrustedOrigin(origin: TrustedOrigin, spec: TrustedOriginSpec): Promise<TrustedOrigin>
  deleteTrustedOrigin(id: string): Promise<void>
  /**
   * Probes read permissions with one cheap call each (apps, authorization servers, groups, trusted origins) and
   * returns what could not be confirmed; throws only when the credentials themselves are rejected.
   */
  checkAccess(): Promise<Array<{ permission: string; reason: string }>>
}

/** Identity Engine authentication ("app sign-in") policies, read only. Same failure rules as AppsAdmin. */
export interface SignOnPoliciesAdmin {
  /**
   * The app's authentication policy (the app's `_links.accessPolicy`, spec GET /api/v1/policies/{policyId} and its
   * /rules) with its rules; undefined on Classic Engine orgs and apps without one.
   */
  getAppSignOnPolicy(appId: string): Promise<SignOnPolicy | undefined>
  /** Ids of the groups a user belongs to (`GET /api/v1/users/{userId}/groups`). */
  listUserGroupIds(userId: string): Promise<string[]>
}

/** The Okta Management API as oidc-setup uses it: domain types in and out, never SDK classes. */
export interface OktaAdmin extends AppsAdmin, AuthServersAdmin, DirectoryAdmin, Partial<SignOnPoliciesAdmin> {
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
  /** Every wait (429 resets, backoffs, eventual-consistency retries) goes through it; default the system clock. */
  clock?: Clock | undefined
  /**
   * Private-key mode: the Okta API scopes the command needs (e.g. PROVISION_SCOPES, plus okta.users.manage for a
   * test user). A call that needs one more gets a new token with it; SSWS tokens carry their admin's permissions.
   */
  scopes?: readonly string[] | undefined
}

/**
 * Builds the real adapter over @okta/okta-sdk-nodejs. The SDK (0.4 s, 130 MB) is imported here and only here, on
 * first use. The 429 executor and error bodies come from the SDK; requests go through its `client.http` JSON layer
 * because its generated model serializer silently drops fields it does not know. SSWS tokens go through the SDK as
 * they are; in private-key mode the SDK's own OAuth is switched off and every attempt is signed by
 * createServiceAppSigner (DPoP done right, exact scopes, token errors shown as Okta words them).
 */
export async function createOktaAdmin(credentials: OktaCredentials, options: OktaAdminOptions = {}): Promise<OktaAdmin> {
  const sdk = await import('@okta/okta-sdk-nodejs')
  const mod = ((sdk as unknown as { default?: typeof sdk }).default ?? sdk) as typeof sdk
  const auth = credentials.auth
  let executor: object
  if (auth.mode === 'SSWS') {
    executor = createExecutor(mod.DefaultRequestExecutor as unknown as ExecutorBase, options)
  } else {
    const { createServiceAppSigner } = await import('./okta-admin/service-app-auth.js')
    // The signer sends its token requests through the executor that calls it back (429 waits, traces).
    const via: { executor?: { fetch(request: Json): Promise<HttpResponseLike> } } = {}
    const signer = await createServiceAppSigner({
      orgUrl: credentials.orgUrl,
      clientId: auth.clientId,
      privateKey: auth.privateKey,
      keyId: auth.keyId,
      grantedScopes: auth.scopes,
      neededScopes: options.scopes,
      fetch: (request) => (via.executor as NonNullable<typeof via.executor>).fetch(request),
      trace: options.trace,
    })
    executor = createExecutor(mod.DefaultRequestExecutor as unknown as ExecutorBase, options, signer)
    via.executor = executor as NonNullable<typeof via.executor>
  }
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
          // Required by the SDK's config check only: its OAuth is switched off below.
          scopes: scopesToRequest(options.scopes ?? [], auth.scopes).join(' ') || 'okta.apps.read',
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
  if (auth.mode === 'PrivateKey') {
    // The executor's signer authorizes each attempt; the SDK's OAuth would add its own (wrong) proof and cache token
    // errors as tokens.
    ;(client.http as unknown as { oauth?: unknown }).oauth = undefined
  }
  return new SdkOktaAdmin(client, credentials.orgUrl)
}
