import { secretKeys, type Profile } from '../domain/profile.js'
import { parseTokenSet } from '../domain/token-set.js'
import type { ProfileStore } from '../infra/profile-store.js'
import type { SecretStore } from '../infra/secret-store.js'

/** One profile's login state; never a token value. */
export interface ProfileStatus {
  profile: string
  loggedIn: boolean
  issuer?: string | undefined
  clientId?: string | undefined
  subject?: string | undefined
  email?: string | undefined
  scopes: string[]
  /** ISO times; null when unknown. */
  accessTokenExpiresAt: string | null
  refreshTokenExpiresAt: string | null
  hasRefreshToken: boolean
  hasIdToken: boolean
  store: string
}

/** The edges `status` uses. */
export interface StatusDeps {
  profiles: ProfileStore
  secretStore(): Promise<SecretStore>
}

/** The login state of each profile, and the profiles that could not be read (reported by name, never fatal). */
export interface StatusResult {
  profiles: ProfileStatus[]
  invalid: Array<{ profile: string; message: string; hint: string | undefined }>
}

/**
 * The login state of every profile that holds a token set or belongs to the `cli` target (or of one profile when
 * `profile` is given: an invalid one is then a ConfigError). One invalid profile file never hides the others.
 */
export async function status(input: { profile?: string | undefined }, deps: StatusDeps): Promise<StatusResult> {
  const store = await deps.secretStore()
  let profiles: Profile[]
  const invalid: StatusResult['invalid'] = []
  if (input.profile !== undefined) {
    profiles = [(await deps.profiles.get(input.profile)) ?? { name: input.profile }]
  } else {
    const scanned = await deps.profiles.scan()
    profiles = scanned.profiles
    invalid.push(...scanned.invalid.map((i) => ({ profile: i.name, message: i.error.message, hint: i.error.hint })))
  }
  const rows: ProfileStatus[] = []
  for (const profile of profiles) {
    const set = parseTokenSet(await store.get(secretKeys.tokenSet(profile.name)))
    if (!set && input.profile === undefined && profile.target !== 'cli') {
      continue
    }
    const iso = (s: number | undefined): string | null => (s === undefined ? null : new Date(s * 1000).toISOString())
    rows.push({
      profile: profile.name,
      loggedIn: set !== undefined,
      issuer: set?.issuer ?? profile.issuer,
      clientId: set?.clientId ?? profile.clientId,
      subject: set?.subject,
      email: set?.email,
      scopes: set?.scopes ?? [],
      accessTokenExpiresAt: iso(set?.expiresAt),
      refreshTokenExpiresAt: iso(set?.refreshExpiresAt),
      hasRefreshToken: set?.refreshToken !== undefined,
      hasIdToken: set?.idToken !== undefined,
      store: store.describe(),
    })
  }
  return { profiles: rows, invalid }
}
