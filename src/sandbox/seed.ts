// A new org: the default authorization server (real `aus…` id) with its policy and system scopes, Everyone, the demo
// user with a TOTP authenticator, and the signing keys.
import { generateKeyPair, type JsonWebKey } from 'node:crypto'
import { promisify } from 'node:util'
import type { GroupRecord, SandboxState, ServerRecord, UserRecord } from './store.js'
import { newTotpSecret } from './totp.js'
import { newId, now, secret, type JsonObject } from './util.js'

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
    totpFactor: { id: newId('uft'), provider: 'GOOGLE', created: t, status: 'ACTIVE' },
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
