import { ConfigError, ErrorCode } from '../domain/errors.js'
import type { OidcApp } from '../domain/okta-model.js'
import { secretKeys, type Profile } from '../domain/profile.js'
import type { OktaAdmin } from '../infra/okta-admin.js'
import type { ProfileStore } from '../infra/profile-store.js'
import type { SecretStore } from '../infra/secret-store.js'

/** A profile with the live state of its Okta app. */
export interface ShowAppResult {
  profile: Profile
  /** The app as Okta has it now; undefined when it is gone (or Okta was not asked). */
  app: OidcApp | undefined
  /** Settings where the profile and Okta disagree. */
  drift: string[]
  clientSecretStored: boolean
}

/** Reads a profile and, when credentials are available, its app from Okta (never the secret itself). */
export async function showApp(
  profileName: string,
  deps: { profiles: ProfileStore; admin: OktaAdmin | undefined; secretStore(): Promise<SecretStore> },
): Promise<ShowAppResult> {
  const profile = await deps.profiles.get(profileName)
  if (!profile) {
    throw new ConfigError(`no profile "${profileName}"`, { hint: 'create one with `oidc-setup okta create-app`', code: ErrorCode.profileNotFound })
  }
  const app = profile.appId && deps.admin ? await deps.admin.getApp(profile.appId) : undefined
  const drift: string[] = []
  if (app) {
    const same = (a: string[] | undefined, b: string[]): boolean => [...(a ?? [])].sort().join(' ') === [...b].sort().join(' ')
    const checks: Array<[string, boolean]> = [
      ['redirectUris', same(profile.redirectUris, app.redirectUris)],
      ['grantTypes', same(profile.grantTypes, app.grantTypes)],
      ['clientId', profile.clientId === app.clientId],
      ['status', app.status === 'ACTIVE'],
    ]
    drift.push(...checks.filter(([, ok]) => !ok).map(([name]) => name))
  }
  const store = await deps.secretStore()
  const clientSecretStored = (await store.get(secretKeys.clientSecret(profileName))) !== undefined
  return { profile, app, drift, clientSecretStored }
}
