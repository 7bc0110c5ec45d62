import { connectionSecretKeys, type Connection } from '../domain/connection.js'
import type { OktaAuth, OktaCredentials } from '../domain/okta-credentials.js'
import { secretKeys } from '../domain/profile.js'
import type { ConnectionStore } from '../infra/connection-store.js'
import type { OktaAdmin } from '../infra/okta-admin.js'
import type { ProfileStore } from '../infra/profile-store.js'
import type { SecretStore } from '../infra/secret-store.js'

/** What `okta configure` saves. */
export interface ConfigureOktaInput {
  /** The connection to write (`--org NAME`). */
  connection: string
  /** A profile to point at the connection (an explicit --profile), migrating its legacy credentials away. */
  profile?: string | undefined
  orgUrl: string
  auth: OktaAuth
  /** Where the private key came from, kept in the connection for people (the key itself goes to the secret store). */
  privateKeyFile?: string | undefined
  /** Skip the verification call (offline setup). */
  verify: boolean
}

/** The outcome of `okta configure`. */
export interface ConfigureOktaResult {
  connection: string
  /** The profile now referencing the connection, if one was named. */
  profile: string | undefined
  orgUrl: string
  authMode: OktaAuth['mode']
  verified: boolean
  /** Permissions the verification could not confirm (empty when all were). */
  unconfirmed: Array<{ permission: string; reason: string }>
  secretStore: string
}

/** What configureOkta needs. */
export interface ConfigureOktaDeps {
  connections: ConnectionStore
  profiles: ProfileStore
  /** Opens and probes the secret store. */
  secretStore(): Promise<SecretStore>
  connect(credentials: OktaCredentials): Promise<OktaAdmin>
}

/**
 * Verifies Management API credentials with one cheap call per area (before anything is saved, so a bad token is
 * never stored), then puts the token or private key in the secret store and the org URL in the connection. A
 * named profile is pointed at the connection; credentials it held itself (written before connections) are removed
 * from it, so the connection is the one place they live.
 */
export async function configureOkta(input: ConfigureOktaInput, deps: ConfigureOktaDeps): Promise<ConfigureOktaResult> {
  const store = await deps.secretStore()
  let unconfirmed: ConfigureOktaResult['unconfirmed'] = []
  if (input.verify) {
    const admin = await deps.connect({ orgUrl: input.orgUrl, auth: input.auth, source: 'okta configure' })
    unconfirmed = await admin.checkAccess()
  }
  const name = input.connection
  let management: Connection['management']
  if (input.auth.mode === 'SSWS') {
    await store.set(connectionSecretKeys.apiToken(name), input.auth.token)
    await store.delete(connectionSecretKeys.privateKey(name))
    management = { authMode: 'SSWS' }
  } else {
    await store.set(connectionSecretKeys.privateKey(name), input.auth.privateKey)
    await store.delete(connectionSecretKeys.apiToken(name))
    management = {
      authMode: 'PrivateKey',
      clientId: input.auth.clientId,
      keyId: input.auth.keyId,
      scopes: input.auth.scopes,
      privateKeyFile: input.privateKeyFile,
    }
  }
  await deps.connections.put({ name, orgUrl: input.orgUrl, management })
  if (input.profile) {
    const { management: legacy, ...rest } = (await deps.profiles.get(input.profile)) ?? { name: input.profile }
    await deps.profiles.put({ ...rest, connection: name })
    if (legacy) {
      await store.delete(secretKeys.apiToken(input.profile))
      await store.delete(secretKeys.privateKey(input.profile))
    }
  }
  return {
    connection: name,
    profile: input.profile,
    orgUrl: input.orgUrl,
    authMode: input.auth.mode,
    verified: input.verify,
    unconfirmed,
    secretStore: store.describe(),
  }
}
