import { ConfigError, ManagementApiError, UsageError } from '../domain/errors.js'
import type { AppIntent } from '../domain/intent.js'
import { isManaged, type OidcApp } from '../domain/okta-model.js'
import type { Profile } from '../domain/profile.js'
import { profileOfNote } from '../domain/provision-plan.js'
import type { Clock } from '../infra/clock.js'
import type { OktaAdmin } from '../infra/okta-admin.js'
import type { ProfileStore } from '../infra/profile-store.js'
import type { SecretStore } from '../infra/secret-store.js'
import type { TargetModule } from '../targets/types.js'
import { planApps, type Plan } from './engine/index.js'

/** What `okta adopt` takes under management. */
export interface AdoptAppInput {
  /** Exactly one of clientId and label. */
  clientId?: string | undefined
  label?: string | undefined
  target: TargetModule
  profile: string
}

/** The profile and intent written, and the first plan: only what the target needs changed. */
export interface AdoptAppResult {
  profile: string
  appId: string
  clientId: string
  label: string
  intent: AppIntent
  plan: Plan
}

/** What adoptApp needs. */
export interface AdoptAppDeps {
  admin: OktaAdmin
  profiles: ProfileStore
  secretStore(): Promise<SecretStore>
  clock: Clock
}

/**
 * Takes an app made by hand under management: reads it, writes a profile whose intent describes it as it is
 * (its label, the base URL of its first redirect URI; its other URIs and assignments kept as they are), records it as managed, and plans — so
 * the first plan shows only what the target needs changed. Nothing in Okta changes until the intent is applied
 * (`doctor --fix`, `apply`); the first apply writes oidc-setup's marker into the app's notes.
 */
export async function adoptApp(input: AdoptAppInput, deps: AdoptAppDeps): Promise<AdoptAppResult> {
  const { admin } = deps
  const app = await findApp(input, admin)
  const owner = isManaged(app.notes) ? profileOfNote(app.notes) : undefined
  if (owner && owner !== input.profile) {
    throw new UsageError(`app "${app.label}" (${app.id}) is already managed by profile "${owner}"`, {
      hint: `use --profile ${owner}; oidc-setup never manages one app from two profiles`,
    })
  }
  const profiles = await deps.profiles.list()
  const other = profiles.find((p) => p.name !== input.profile && p.appId === app.id)
  if (other) {
    throw new UsageError(`app "${app.label}" (${app.id}) is already managed by profile "${other.name}"`, {
      hint: `use --profile ${other.name}; oidc-setup never manages one app from two profiles`,
    })
  }
  const existing = profiles.find((p) => p.name === input.profile)
  if (existing?.appId && existing.appId !== app.id) {
    throw new ConfigError(`profile "${input.profile}" already manages app ${existing.appLabel ?? existing.appId}`, {
      hint: 'pass --profile NAME with a new profile name',
    })
  }
  const first = app.redirectUris[0]
  const baseUrl = first && /^https?:/.test(first) ? new URL(first).origin : undefined
  const intent: AppIntent = {
    name: input.profile,
    target: input.target.name,
    baseUrl,
    label: app.label,
    scopes: [],
    assign: { groups: [], users: [] },
    // The target's own URIs: the plan adds only the ones it lacks; the app's others are kept (lists: keep).
    trustedOrigins: [],
    settings: {},
  }
  const profile: Partial<Profile> = {
    orgUrl: admin.orgUrl,
    appId: app.id,
    clientId: app.clientId,
    appLabel: app.label,
    applicationType: app.applicationType,
    target: input.target.name,
    baseUrl,
    redirectUris: app.redirectUris,
    postLogoutRedirectUris: app.postLogoutRedirectUris,
    grantTypes: app.grantTypes,
    intent,
    managed: [{ type: 'app', id: app.id, name: app.label }],
  }
  // The profile first: the plan reads it to know the app is this profile's now (its first apply writes the marker).
  await deps.profiles.update(input.profile, profile)
  const plan = await planApps([intent], {
    admin,
    profiles: deps.profiles,
    secretStore: deps.secretStore,
    clock: deps.clock,
    target: () => input.target,
  })
  const planned = plan.apps[0]
  await deps.profiles.update(input.profile, { issuer: planned?.issuer, authServerId: planned?.authServerId })
  return { profile: input.profile, appId: app.id, clientId: app.clientId, label: app.label, intent, plan }
}

async function findApp(input: AdoptAppInput, admin: OktaAdmin): Promise<OidcApp> {
  if (Boolean(input.clientId) === Boolean(input.label)) {
    throw new UsageError('pass exactly one of --client-id and --label')
  }
  if (input.label) {
    const found = await admin.findAppsByLabel(input.label)
    if (found.length > 1) {
      throw new UsageError(`found ${found.length} OIDC apps labelled "${input.label}" (${found.map((a) => a.id).join(', ')}); refusing to guess`, {
        hint: 'pass --client-id instead',
      })
    }
    if (!found[0]) {
      throw new ManagementApiError(`found no OIDC app labelled "${input.label}"`, { status: 404 }, {
        hint: 'labels match exactly; only OpenID Connect apps can be adopted',
      })
    }
    return found[0]
  }
  const id = input.clientId as string
  // An OIDC app's id is usually its client id; otherwise find it among the org's apps.
  const byId = await admin.getApp(id)
  const app = byId?.clientId === id || byId?.id === id ? byId : (await admin.listApps()).find((a) => a.clientId === id)
  if (!app) {
    throw new ManagementApiError(`found no app with client id "${id}"`, { status: 404 }, { hint: 'copy the client id from the app\'s General tab in the Admin Console' })
  }
  if (app.signOnMode !== undefined && app.signOnMode !== 'OPENID_CONNECT') {
    throw new UsageError(`app "${app.label}" (${app.id}) is a ${app.signOnMode} app, not OpenID Connect: it cannot be adopted`, {
      hint: 'oidc-setup manages OIDC app integrations only',
    })
  }
  return app
}
