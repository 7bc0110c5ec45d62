import type { AppIntent } from '../../domain/intent.js'
import type { Profile } from '../../domain/profile.js'
import type { TargetModule } from '../../targets/types.js'

/** A profile's intent, and what had to be assumed to get it (for doctor to say so). */
export interface ProfileIntent {
  intent: AppIntent
  /** Empty when the profile kept the intent it was applied with. */
  assumed: string[]
}

/**
 * The intent a profile was last applied with; for profiles written before intents were kept, reconstructed once
 * from what they hold (label, server, scopes, redirect URIs), never from the target's defaults where the profile
 * says otherwise. To be replaced by the spec side's `intentOf(profile)`.
 */
export function intentOfProfile(profile: Profile, target: TargetModule): ProfileIntent {
  if (profile.intent) {
    return { intent: { ...profile.intent, name: profile.name }, assumed: [] }
  }
  const baseUrl = profile.baseUrl ? new URL(profile.baseUrl) : undefined
  const req = target.requirements({ baseUrl: baseUrl ?? new URL('http://127.0.0.1/'), settings: profile.settings ?? {} })
  const scopes = profile.scopes ?? []
  const sameList = (a: readonly string[] | undefined, b: readonly string[]): boolean =>
    a !== undefined && a.length === b.length && a.every((v) => b.includes(v))
  const intent: AppIntent = {
    name: profile.name,
    target: target.name,
    baseUrl: profile.baseUrl,
    label: profile.appLabel,
    authServer: profile.authServerId,
    scopes: scopes.filter((s) => !req.scopes.includes(s)),
    // doctor checks a groups claim when the profile's scopes include `groups`; --fix must be able to make it.
    groupsClaim: scopes.includes('groups') ? { name: 'groups' } : undefined,
    assign: { groups: [], users: [] },
    redirectUris: profile.redirectUris?.length && !sameList(profile.redirectUris, req.redirectUris) ? profile.redirectUris : undefined,
    logoutUris:
      profile.postLogoutRedirectUris?.length && !sameList(profile.postLogoutRedirectUris, req.postLogoutRedirectUris)
        ? profile.postLogoutRedirectUris
        : undefined,
    trustedOrigins: [],
    settings: profile.settings ?? {},
  }
  return {
    intent,
    assumed: [
      'the profile was written before intents were kept: its intent was reconstructed from its label, server, scopes and redirect URIs',
      'assignments made earlier are kept as they are (not known to the profile)',
    ],
  }
}
