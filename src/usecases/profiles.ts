import { ConfigError, ErrorCode } from '../domain/errors.js'
import { secretKeys, type Profile } from '../domain/profile.js'
import type { ProfileStore } from '../infra/profile-store.js'
import type { SecretStore } from '../infra/secret-store.js'

/** The edges the `profiles` commands use. */
export interface ProfilesDeps {
  profiles: ProfileStore
  secretStore(): Promise<SecretStore>
}

/** The names of a profile's secret-store entries, for people ("client secret", "tokens"). */
export type SecretName = keyof typeof secretKeys

// Partial: a secret kind added later is still listed (under its key name) and removed with the profile.
const SECRET_LABELS: Partial<Record<SecretName, string>> = {
  clientSecret: 'client secret',
  apiToken: 'Okta API token',
  privateKey: 'Okta service app private key',
  tokenSet: 'login tokens',
  testUserPassword: 'test user password',
}

/** What a profile's secret entry is called for people. */
export function secretLabel(name: SecretName): string {
  return SECRET_LABELS[name] ?? name
}

/** One line of `profiles list`. */
export interface ProfileSummary {
  name: string
  target: string | null
  orgUrl: string | null
  issuer: string | null
  clientId: string | null
  appId: string | null
  updatedAt: string | null
}

/** Every profile: the readable ones, and the unreadable ones by name with what is wrong. */
export interface ProfileList {
  profiles: ProfileSummary[]
  invalid: Array<{ name: string; message: string; hint: string | null }>
}

/** Lists the profiles without touching the secret store or the network. */
export async function listProfiles(deps: Pick<ProfilesDeps, 'profiles'>): Promise<ProfileList> {
  const { profiles, invalid } = await deps.profiles.scan()
  return {
    profiles: profiles.map((p) => ({
      name: p.name,
      target: p.target ?? null,
      orgUrl: p.orgUrl ?? null,
      issuer: p.issuer ?? null,
      clientId: p.clientId ?? null,
      appId: p.appId ?? null,
      updatedAt: p.updatedAt ?? null,
    })),
    invalid: invalid.map((i) => ({ name: i.name, message: i.error.message, hint: i.error.hint ?? null })),
  }
}

/** A profile, where it lives and which of its secrets are stored where (never their values). */
export interface ProfileDetails {
  profile: Profile
  file: string
  store: string
  secrets: SecretName[]
}

async function storedSecrets(name: string, store: SecretStore): Promise<SecretName[]> {
  const present: SecretName[] = []
  for (const [key, entry] of Object.entries(secretKeys) as Array<[SecretName, (p: string) => string]>) {
    if ((await store.get(entry(name))) !== undefined) {
      present.push(key)
    }
  }
  return present
}

function notFound(name: string): ConfigError {
  return new ConfigError(`no profile "${name}"`, { hint: '`oidc-setup profiles list` shows the profiles', code: ErrorCode.profileNotFound })
}

/** Reads one profile (an invalid one is a ConfigError naming it) and which secrets it has in the store. */
export async function showProfile(name: string, deps: ProfilesDeps): Promise<ProfileDetails> {
  const profile = await deps.profiles.get(name)
  if (!profile) {
    throw notFound(name)
  }
  const store = await deps.secretStore()
  return { profile, file: deps.profiles.pathOf(name), store: store.describe(), secrets: await storedSecrets(name, store) }
}

/** Exactly what `profiles remove` deletes, for the confirmation; nothing is changed. */
export interface ProfileRemovalPlan {
  name: string
  file: string
  /** False when the profile file cannot be read: it is removed all the same (that is the way out). */
  readable: boolean
  store: string
  secrets: SecretName[]
  /** The Okta app the profile records: removing the profile does not delete it. */
  appId: string | null
  orgUrl: string | null
}

/** Plans the removal of one profile and its secrets; a missing profile is a ConfigError. */
export async function planProfileRemoval(name: string, deps: ProfilesDeps): Promise<ProfileRemovalPlan> {
  let profile: Profile | undefined
  let readable = true
  try {
    profile = await deps.profiles.get(name)
    if (!profile) {
      throw notFound(name)
    }
  } catch (error) {
    if (!(error instanceof ConfigError) || error.code !== ErrorCode.profileInvalid) {
      throw error
    }
    readable = false
  }
  const store = await deps.secretStore()
  return {
    name,
    file: deps.profiles.pathOf(name),
    readable,
    store: store.describe(),
    secrets: await storedSecrets(name, store),
    appId: profile?.appId ?? null,
    orgUrl: profile?.orgUrl ?? null,
  }
}

/**
 * Deletes the profile's secrets (only this profile's entries; every other profile's stay) and then its file. Safe to
 * re-run after an interruption: both steps are idempotent.
 */
export async function removeProfile(plan: ProfileRemovalPlan, deps: ProfilesDeps): Promise<void> {
  const store = await deps.secretStore()
  for (const secret of plan.secrets) {
    await store.delete(secretKeys[secret](plan.name))
  }
  await deps.profiles.remove(plan.name)
}
