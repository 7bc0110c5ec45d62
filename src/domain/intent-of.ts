import type { OktaAppRequirements } from './app-requirements.js'
import type { AppIntent } from './intent.js'
import type { Profile } from './profile.js'
import { defaultAppLabel } from './provision-plan.js'

/** A profile's intent and what had to be assumed to know it (empty for profiles that kept their intent). */
export interface ProfileIntent {
  intent: AppIntent
  /** One phrase per field that a legacy profile did not record, saying what was assumed. */
  assumed: string[]
}

/**
 * The intent a profile was last applied with: the ONE way doctor, doctor --fix, re-runs, render-config --profile and
 * delete-app learn what the user asked for. A profile written since intents are kept returns `profile.intent` as
 * is. A legacy profile (written before) is reconstructed once from what it holds — its label, server, scopes beyond
 * the target's, redirect URIs that differ from the target's, settings, the claim and test user it manages — and
 * `assumed` lists what it could not know (assignments were never recorded). `requirements` are the target's for
 * the profile's base URL (without them, every stored scope and URI is taken as asked for, and said so).
 */
export function intentOf(profile: Profile, requirements?: OktaAppRequirements): ProfileIntent {
  if (profile.intent) {
    return { intent: profile.intent, assumed: [] }
  }
  const assumed: string[] = []
  const target = profile.target ?? ''
  if (!target) {
    assumed.push('the target (the profile names none)')
  }
  const intent: AppIntent = {
    name: profile.name,
    target,
    scopes: [],
    assign: { groups: [], users: [] },
    trustedOrigins: [],
    settings: { ...(profile.settings ?? {}) },
  }
  if (profile.connection) {
    intent.connection = profile.connection
  }
  if (profile.baseUrl) {
    intent.baseUrl = profile.baseUrl
  }
  const base = profile.baseUrl ? safeUrl(profile.baseUrl) : undefined
  if (profile.appLabel && profile.appLabel !== defaultAppLabel(target, base)) {
    intent.label = profile.appLabel
  }
  if (profile.authServerId) {
    intent.authServer = profile.authServerId
  } else {
    assumed.push("the authorization server (taken as the target's preference)")
  }
  const stored = profile.scopes ?? []
  if (requirements) {
    intent.scopes = stored.filter((s) => !requirements.scopes.includes(s))
    if (!sameSet(profile.redirectUris, requirements.redirectUris) && profile.redirectUris?.length) {
      intent.redirectUris = [...profile.redirectUris]
    }
    if (!sameSet(profile.postLogoutRedirectUris, requirements.postLogoutRedirectUris) && profile.postLogoutRedirectUris?.length) {
      intent.logoutUris = [...profile.postLogoutRedirectUris]
    }
  } else {
    intent.scopes = [...stored]
    if (profile.redirectUris?.length) {
      intent.redirectUris = [...profile.redirectUris]
    }
    if (profile.postLogoutRedirectUris?.length) {
      intent.logoutUris = [...profile.postLogoutRedirectUris]
    }
    assumed.push("scopes and redirect URIs (every stored one taken as asked for: the target's defaults were not known)")
  }
  const claim = profile.managed?.find((m) => m.type === 'claim')
  if (claim) {
    intent.groupsClaim = { name: claim.name }
  } else if (stored.includes('groups')) {
    intent.groupsClaim = { name: 'groups' }
    assumed.push('a groups claim (the profile requests the groups scope)')
  }
  const testUser = profile.managed?.find((m) => m.type === 'test-user')
  if (testUser) {
    intent.testUser = testUser.name
  }
  assumed.push('assignments (not recorded before intents were kept: none asked for; existing ones are kept)')
  return { intent, assumed }
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}

function sameSet(a: readonly string[] | undefined, b: readonly string[]): boolean {
  const x = new Set(a ?? [])
  return x.size === new Set(b).size && b.every((v) => x.has(v))
}
