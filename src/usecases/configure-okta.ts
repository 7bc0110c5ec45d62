import type { OktaAuth, OktaCredentials } from '../domain/okta-credentials.js'
import { secretKeys, type Profile } from '../domain/profile.js'
import type { OktaAdmin } from '../infra/okta-admin.js'
import type { ProfileStore } from '../infra/profile-store.js'
import type { SecretStore } from '../infra/secret-store.js'

/** What `okta configure` saves. */
export interface ConfigureOktaInput {
  profile: string
  orgUrl: string
  auth: OktaAuth
  /** Where the private key came from, kept in the profile for people (the key itself goes to the secret store). */
  privateKeyFile?: string | undefined
  /** Skip the verification call (offline setup). */
  verify: boolean
}

/** The outcome of `okta configure`. */
export interface ConfigureOktaResult {
  profile: string
  orgUrl: string
  authMode: OktaAuth['mode']
  verified: boolean
  /** Permissions the verification could not confirm (empty when all were). */
  unconfirmed: Array<{ permission: string; reason: string }>
  secretStore: string
}

/** What configureOkta needs. */
export interface ConfigureOktaDeps {
  profiles: ProfileStore
  /** Opens and probes the secret store. */
  secretStore(): Promise<SecretStore>
  connect(credentials: OktaCredentials): Promise<OktaAdmin>
}

/**
 * Verifies Management API credentials with one cheap call per area (before anything is saved, so a bad token is
 * never stored), then puts the token or private key in the secret store and the org URL in the profile.
 */
export async function configureOkta(input: ConfigureOktaInput, deps: ConfigureOktaDeps): Promise<ConfigureOktaResult> {
  const store = await deps.secretStore()
  let unconfirmed: ConfigureOktaResult['unconfirmed'] = []
  if (input.verify) {
    const admin = await deps.connect({ orgUrl: input.orgUrl, auth: input.auth, source: 'okta configure' })
    unconfirmed = await admin.checkAccess()
  }
  let management: NonNullable<Profile['management']>
  if (input.auth.mode === 'SSWS') {
    await store.set(secretKeys.apiToken(input.profile), input.auth.token)
    await store.delete(secretKeys.privateKey(input.profile))
    management = { authMode: 'SSWS' }
  } else {
    await store.set(secretKeys.privateKey(input.profile), input.auth.privateKey)
    await store.delete(secretKeys.apiToken(input.profile))
    management = {
      authMode: 'PrivateKey',
      clientId: input.auth.clientId,
      keyId: input.auth.keyId,
      scopes: input.auth.scopes,
      privateKeyFile: input.privateKeyFile,
    }
  }
  await deps.profiles.update(input.profile, { orgUrl: input.orgUrl, management })
  return {
    profile: input.profile,
    orgUrl: input.orgUrl,
    authMode: input.auth.mode,
    verified: input.verify,
    unconfirmed,
    secretStore: store.describe(),
  }
}
