import { generateKeyPair, type JsonWebKey } from 'node:crypto'
import { promisify } from 'node:util'
import { nodeFileSystem } from '../infra/fs.js'
import { newTotpSecret } from './totp.js'
import { newId, now, secret, type JsonObject } from './util.js'

/** A client secret of an app (`/credentials/secrets`). */
export interface SecretRecord {
  id: string
  status: 'ACTIVE' | 'INACTIVE'
  client_secret: string
  created: string
  lastUpdated: string
}

/** A group assigned to an app. */
export interface GroupAssignmentRecord {
  groupId: string
  priority: number
  profile: JsonObject
  lastUpdated: string
}

/** A user assigned directly to an app. */
export interface UserAssignmentRecord {
  userId: string
  scope: 'USER'
  profile: JsonObject
  created: string
  lastUpdated: string
}

/** An Okta API scope granted to an app (`/api/v1/apps/{appId}/grants`), for OAuth 2.0 service apps. */
export interface ScopeGrantRecord {
  id: string
  issuer: string
  scopeId: string
  created: string
  lastUpdated: string
}

/** An admin role assigned to an app's client (`/oauth2/v1/clients/{clientId}/roles`). */
export interface RoleRecord {
  id: string
  type: string
  created: string
  lastUpdated: string
}

/** An OIDC app integration. `app` is the Okta JSON representation without `_links` and without the secret. */
export interface AppRecord {
  id: string
  app: JsonObject
  secrets: SecretRecord[]
  groups: GroupAssignmentRecord[]
  users: UserAssignmentRecord[]
  /** Okta API scopes granted (optional: absent in state files from before). */
  grants?: ScopeGrantRecord[]
  /** Admin roles of the client. */
  roles?: RoleRecord[]
  /** Identity Engine: the authentication policy (`rst…`) the app uses; absent for service apps and on Classic. */
  accessPolicyId?: string
}

/** Scope, claim, policy and rule records are kept as their Okta JSON (with `id`). */
export interface PolicyRecord {
  policy: JsonObject
  rules: JsonObject[]
}

/** A custom authorization server (including `default`). */
export interface ServerRecord {
  id: string
  server: JsonObject
  scopes: JsonObject[]
  claims: JsonObject[]
  policies: PolicyRecord[]
}

/** A group; `members` are user ids (Everyone's membership is implicit). */
export interface GroupRecord {
  id: string
  group: JsonObject
  members: string[]
}

/** A user and their password. */
export interface UserRecord {
  id: string
  user: JsonObject
  password: string | undefined
  /** The base32 seed of an enrolled TOTP authenticator (`token:software:totp`). */
  totpSecret?: string
}

/** An Identity Engine authentication policy (`/api/v1/policies?type=ACCESS_POLICY`) and its rules, as Okta JSON. */
export interface AccessPolicyRecord {
  policy: JsonObject
  rules: JsonObject[]
}

/** A trusted origin. */
export interface TrustedOriginRecord {
  id: string
  origin: JsonObject
}

/** Everything the org holds; persisted as JSON with `--state`. */
export interface SandboxState {
  version: 1
  apiToken: string
  cookieKey: string
  /** Private signing JWKs, per authorization server (`org` for the org server). */
  keys: Record<string, JsonWebKey & { kid: string }>
  apps: AppRecord[]
  servers: ServerRecord[]
  groups: GroupRecord[]
  users: UserRecord[]
  trustedOrigins: TrustedOriginRecord[]
  /** Identity Engine authentication policies (created at start on an `oie` org). */
  accessPolicies?: AccessPolicyRecord[]
  /** oidc-provider artifacts (tokens, grants, sessions) by `{server}:{model}:{id}`; only in the state file. */
  oidc?: Record<string, { payload: JsonObject; expiresAt: number | undefined }>
}

/** The system scopes every authorization server has. */
export const SYSTEM_SCOPES: Array<{ name: string; displayName: string; description: string }> = [
  { name: 'openid', displayName: 'openid', description: 'Signals that a request is an OpenID request.' },
  { name: 'profile', displayName: 'profile', description: "Allows this application to access your profile information." },
  { name: 'email', displayName: 'email', description: 'Allows this application to access your email address.' },
  { name: 'address', displayName: 'address', description: 'Allows this application to access your address.' },
  { name: 'phone', displayName: 'phone', description: 'Allows this application to access your phone number.' },
  { name: 'offline_access', displayName: 'offline_access', description: 'Allows this application to access your information while you are signed out.' },
  { name: 'device_sso', displayName: 'device_sso', description: 'Allows this application to use Native SSO.' },
]

/** The seeded demo user. */
export const DEMO_LOGIN = 'demo@example.com'

const generateKeyPairAsync = promisify(generateKeyPair)

/** A fresh RS256 signing key as a private JWK with a kid. */
export async function newSigningKey(kid = secret(24)): Promise<JsonWebKey & { kid: string }> {
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 })
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } as JsonWebKey & {
    kid: string
  }
}

const pendingKeys = new Map<string, Promise<void>>()

/**
 * Makes sure a server has its signing key. Keys are generated in the background when a server is created (RSA key
 * generation takes 50–300 ms, which a Management API create should not pay) and awaited before the server's first
 * OpenID request; a state file written before a key was ready gets one here.
 */
export function ensureSigningKey(state: SandboxState, serverKey: string, kid?: string): Promise<void> {
  if (state.keys[serverKey]) {
    return Promise.resolve()
  }
  let pending = pendingKeys.get(`${state.cookieKey}:${serverKey}`)
  if (!pending) {
    pending = newSigningKey(kid).then((key) => {
      state.keys[serverKey] ??= key
    })
    pendingKeys.set(`${state.cookieKey}:${serverKey}`, pending)
    void pending.finally(() => pendingKeys.delete(`${state.cookieKey}:${serverKey}`)).catch(() => undefined)
  }
  return pending
}

/** The system scope records of a new server. */
export function systemScopes(): JsonObject[] {
  return SYSTEM_SCOPES.map((s) => ({
    id: newId('scp'),
    name: s.name,
    displayName: s.displayName,
    description: s.description,
    system: true,
    metadataPublish: 'ALL_CLIENTS',
    consent: 'IMPLICIT',
    optional: false,
    default: false,
  }))
}

/** Builds the initial org: the default server with its policy, Everyone, a demo user. */
export async function seedState(apiToken: string | undefined): Promise<SandboxState> {
  const [orgKey, defaultKey] = await Promise.all([newSigningKey(), newSigningKey()])
  const t = now()
  const everyone: GroupRecord = {
    id: newId('00g'),
    group: {
      created: t,
      lastUpdated: t,
      lastMembershipUpdated: t,
      objectClass: ['okta:user_group'],
      type: 'BUILT_IN',
      profile: { name: 'Everyone', description: 'All users in your organization' },
    },
    members: [],
  }
  const demo: UserRecord = {
    id: newId('00u'),
    password: `Sandbox-${secret(9)}`,
    totpSecret: newTotpSecret(),
    user: {
      status: 'ACTIVE',
      created: t,
      activated: t,
      statusChanged: t,
      lastLogin: null,
      lastUpdated: t,
      passwordChanged: t,
      type: { id: newId('oty') },
      profile: { firstName: 'Demo', lastName: 'User', email: DEMO_LOGIN, login: DEMO_LOGIN, mobilePhone: null, secondEmail: null },
      credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
    },
  }
  const policyId = newId('00p')
  // The default server has a real id; `default` is an alias Okta resolves in paths and issuers
  // (https://developer.okta.com/docs/concepts/auth-servers/#default-custom-authorization-server).
  const defaultServerId = newId('aus')
  const defaultServer: ServerRecord = {
    id: defaultServerId,
    server: {
      name: 'default',
      description: 'Default Authorization Server for your Applications',
      audiences: ['api://default'],
      issuerMode: 'ORG_URL',
      status: 'ACTIVE',
      created: t,
      lastUpdated: t,
      default: true,
      credentials: { signing: { rotationMode: 'AUTO', lastRotated: t, nextRotation: nextRotation(), kid: defaultKey.kid, use: 'sig' } },
    },
    scopes: systemScopes(),
    claims: [],
    policies: [
      {
        policy: {
          id: policyId,
          type: 'OAUTH_AUTHORIZATION_POLICY',
          name: 'Default Policy',
          description: 'Default policy description',
          priority: 1,
          system: false,
          status: 'ACTIVE',
          created: t,
          lastUpdated: t,
          conditions: { clients: { include: ['ALL_CLIENTS'] } },
        },
        rules: [
          {
            id: newId('0pr'),
            type: 'RESOURCE_ACCESS',
            name: 'Default Policy Rule',
            priority: 1,
            system: false,
            status: 'ACTIVE',
            created: t,
            lastUpdated: t,
            conditions: {
              people: { groups: { include: ['EVERYONE'] } },
              grantTypes: {
                include: [
                  'authorization_code',
                  'client_credentials',
                  'implicit',
                  'password',
                  'urn:ietf:params:oauth:grant-type:device_code',
                ],
              },
              scopes: { include: ['*'] },
            },
            actions: {
              token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 },
            },
          },
        ],
      },
    ],
  }
  return {
    version: 1,
    apiToken: apiToken ?? `00${secret(30)}`,
    cookieKey: secret(32),
    keys: { org: orgKey, [defaultServerId]: defaultKey },
    apps: [],
    servers: [defaultServer],
    groups: [everyone],
    users: [demo],
    trustedOrigins: [],
  }
}

/** When a signing key would next rotate (90 days out, as Okta reports). */
export function nextRotation(): string {
  return new Date(Date.now() + 90 * 24 * 3600 * 1000).toISOString()
}

/** Reads a persisted state, or undefined when the file does not exist. */
export async function loadState(file: string): Promise<SandboxState | undefined> {
  const text = await nodeFileSystem.readText(file)
  if (text === undefined) {
    return undefined
  }
  let parsed: SandboxState
  try {
    parsed = JSON.parse(text) as SandboxState
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error })
  }
  if (parsed?.version !== 1 || !Array.isArray(parsed.apps) || !parsed.keys) {
    throw new Error(`${file} is not a sandbox state file`)
  }
  return parsed
}

/**
 * Persists state after each change: writes are serialised and coalesced, each one atomic (temp file + rename), the
 * file 0600 because it holds secrets.
 */
export class StatePersister {
  private pending: Promise<void> = Promise.resolve()
  private dirty = false

  constructor(
    private readonly file: string,
    private readonly snapshot: () => SandboxState,
  ) {}

  /** Schedules a write of the current state. */
  schedule(): void {
    if (this.dirty) {
      return
    }
    this.dirty = true
    this.pending = this.pending.then(async () => {
      this.dirty = false
      await nodeFileSystem.writeTextAtomic(this.file, `${JSON.stringify(this.snapshot())}\n`, { mode: 0o600 })
    })
  }

  /** Resolves when every scheduled write is on disk. */
  async flush(): Promise<void> {
    await this.pending
  }
}
