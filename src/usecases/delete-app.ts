import { ConfigError, ManagementApiError } from '../domain/errors.js'
import { isManaged, MANAGED_MARKER, type Policy, type Rule } from '../domain/okta-model.js'
import type { PlanItem } from '../domain/plan.js'
import { secretKeys, type ManagedResource, type Profile } from '../domain/profile.js'
import { profileOfNote, type Change } from '../domain/provision-plan.js'
import type { OktaAdmin } from '../infra/okta-admin.js'
import type { ProfileStore } from '../infra/profile-store.js'
import type { SecretStore } from '../infra/secret-store.js'

/** What `okta delete-app` removes. */
export interface DeleteAppInput {
  profile: string
  dryRun: boolean
}

/** An object whose delete could not be confirmed safe (a lookup failed): it and what depends on it are kept. */
export interface Unconfirmed {
  type: string
  name: string
  reason: string
}

/** What was (or would be) removed, and what was left alone and why. */
export interface DeleteAppResult {
  profile: string
  changes: Change[]
  /** The same deletes as plan items (Terraform-style `- delete`). */
  items: PlanItem[]
  skipped: Array<{ type: string; name: string; reason: string }>
  unconfirmed: Unconfirmed[]
  dryRun: boolean
}

/** What deleteApp needs. */
export interface DeleteAppDeps {
  admin: OktaAdmin
  profiles: ProfileStore
  secretStore(): Promise<SecretStore>
  onChange?: ((change: Change) => void) | undefined
}

/** Dependents before what they depend on: the policy (and its rules) before the server, the app last but one. */
const ORDER: Array<ManagedResource['type']> = ['rule', 'policy', 'claim', 'scope', 'trusted-origin', 'app', 'test-user', 'authorization-server']

/** A lookup that failed: what could not be confirmed, and why. */
class Unknown extends Error {}

/**
 * Deactivates and deletes exactly the Okta objects oidc-setup created for a profile — those recorded in the
 * profile that still carry oidc-setup's marker — and never on a guess: a shared object (scope, claim, server,
 * trusted origin) goes only when no other profile in the config home references it and no rule outside
 * oidc-setup's own grants it. A lookup that fails stops the delete of everything that depends on it; the profile
 * keeps what was not deleted, and the run fails (exit 5) naming what could not be confirmed. Objects already gone
 * count as deleted, so a re-run finishes the job.
 */
export async function deleteApp(input: DeleteAppInput, deps: DeleteAppDeps): Promise<DeleteAppResult> {
  const { admin } = deps
  const profile = await deps.profiles.get(input.profile)
  // A profile whose app is gone may still record objects a failed delete kept: a re-run finishes them.
  if (!profile?.appId && !profile?.managed?.length) {
    throw new ConfigError(`profile "${input.profile}" has no Okta app to delete`, {
      hint: '`oidc-setup okta apps list` shows the apps oidc-setup manages and their profiles',
    })
  }
  const others = (await deps.profiles.list()).filter((p) => p.name !== input.profile)
  const sorted = [...(profile.managed ?? [])].sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type))
  const changes: Change[] = []
  const items: PlanItem[] = []
  const skipped: DeleteAppResult['skipped'] = []
  const unconfirmed: Unconfirmed[] = []
  const kept: ManagedResource[] = []
  const ownPolicies = new Set(sorted.filter((r) => r.type === 'policy').map((r) => r.id))
  const memo = new Map<string, Promise<unknown>>()
  const read = <T>(key: string, what: string, fn: () => Promise<T>): Promise<T> => {
    let p = memo.get(key) as Promise<T> | undefined
    if (!p) {
      p = fn().catch((error: unknown) => {
        throw new Unknown(`could not ${what}: ${(error as Error).message}`)
      })
      memo.set(key, p)
    }
    return p
  }
  const policies = (sid: string): Promise<Policy[]> => read(`policies:${sid}`, `list the policies of authorization server ${sid}`, () => admin.listPolicies(sid))
  const rules = (sid: string, pid: string): Promise<Rule[]> => read(`rules:${pid}`, `list the rules of policy ${pid}`, () => admin.listRules(sid, pid))
  /** Other profiles of this config home that use the server (their app is on it). */
  const profilesOn = (sid: string): Profile[] => others.filter((p) => p.authServerId === sid || p.intent?.authServer === sid)
  /** Policies outside this profile's own whose rules grant a scope: a failed read is unknown, never unused. */
  const grantedElsewhere = async (sid: string, scope: string): Promise<string[]> => {
    const found: string[] = []
    for (const policy of (await policies(sid)).filter((p) => !ownPolicies.has(p.id))) {
      if ((await rules(sid, policy.id)).some((rule) => rule.scopes.includes(scope))) {
        found.push(`policy "${policy.name}"`)
      }
    }
    return found
  }
  /** Servers with something left on them (kept, skipped or unconfirmed) are not deleted. */
  const leftOn = new Set<string>()
  const keep = (r: ManagedResource, reason: string, why: 'skipped' | 'unconfirmed'): void => {
    kept.push(r)
    if (r.serverId) {
      leftOn.add(r.serverId)
    }
    ;(why === 'skipped' ? skipped : unconfirmed).push({ type: r.type, name: r.name, reason })
  }
  let appDeleted = false

  for (const r of sorted) {
    if (r.type === 'rule') {
      // Rules go with their policy.
      continue
    }
    try {
      const skip = await check(r)
      if (skip) {
        keep(r, skip, 'skipped')
        continue
      }
      if (!input.dryRun) {
        await remove(r)
      }
    } catch (error) {
      keep(r, error instanceof Unknown ? error.message : `could not delete it: ${(error as Error).message}`, 'unconfirmed')
      continue
    }
    if (r.type === 'app') {
      appDeleted = true
    }
    const change: Change = { type: r.type, name: r.name, action: 'delete', id: r.id }
    changes.push(change)
    items.push({ app: input.profile, kind: r.type, name: r.name, action: 'delete', id: r.id, values: { id: r.id, ...(r.serverId ? { serverId: r.serverId } : {}) } })
    deps.onChange?.(change)
  }

  /** Why an object must stay (undefined: safe to delete); throws Unknown when that cannot be confirmed. */
  async function check(r: ManagedResource): Promise<string | undefined> {
    switch (r.type) {
      case 'app': {
        const app = await read(`app:${r.id}`, `read app ${r.id}`, () => admin.getApp(r.id))
        if (app && isManaged(app.notes) && (profileOfNote(app.notes) ?? input.profile) !== input.profile) {
          return `its admin notes say it is managed for profile "${profileOfNote(app.notes)}"`
        }
        if (app && !isManaged(app.notes)) {
          return `its admin notes no longer say "${MANAGED_MARKER} (profile ${input.profile})"`
        }
        return undefined
      }
      case 'authorization-server': {
        const users = profilesOn(r.id)
        if (users.length) {
          return `still used by profile ${users.map((p) => `"${p.name}"`).join(', ')}`
        }
        if (leftOn.has(r.id)) {
          return 'objects on it were kept (see above)'
        }
        const server = await read(`server:${r.id}`, `read authorization server ${r.id}`, () => admin.getAuthServer(r.id))
        return server && !isManaged(server.description) ? 'its description no longer carries the oidc-setup marker' : undefined
      }
      case 'policy': {
        const policy = (await policies(r.serverId ?? '')).find((p) => p.id === r.id)
        return policy && !isManaged(policy.description) ? 'its description no longer carries the oidc-setup marker' : undefined
      }
      case 'scope': {
        const sid = r.serverId ?? ''
        const scope = (await read(`scopes:${sid}`, `list the scopes of authorization server ${sid}`, () => admin.listScopes(sid))).find((s) => s.id === r.id)
        if (!scope) {
          return undefined
        }
        if (!isManaged(scope.description)) {
          return 'its description no longer carries the oidc-setup marker'
        }
        const users = profilesOn(sid).filter((p) => p.scopes?.includes(r.name) || p.intent?.scopes.includes(r.name))
        if (users.length) {
          return `still requested by profile ${users.map((p) => `"${p.name}"`).join(', ')}`
        }
        const granting = await grantedElsewhere(sid, r.name)
        return granting.length ? `still used by ${granting.join(', ')}` : undefined
      }
      case 'claim': {
        const users = profilesOn(r.serverId ?? '').filter((p) => p.intent?.groupsClaim || p.scopes?.includes('groups'))
        return users.length ? `still used by profile ${users.map((p) => `"${p.name}"`).join(', ')}` : undefined
      }
      case 'trusted-origin': {
        const found = (await read(`origin:${r.name}`, `look up trusted origin ${r.name}`, () => admin.findTrustedOrigins(r.name))).find((o) => o.id === r.id)
        if (found && !found.name.startsWith('oidc-setup:')) {
          return 'it was renamed, so it may be in use by something else'
        }
        const users = others.filter((p) => p.managed?.some((m) => m.type === 'trusted-origin' && m.id === r.id))
        return users.length ? `still used by profile ${users.map((p) => `"${p.name}"`).join(', ')}` : undefined
      }
      default:
        return undefined
    }
  }

  async function remove(r: ManagedResource): Promise<void> {
    const sid = r.serverId ?? ''
    switch (r.type) {
      case 'app':
        return admin.deleteApp(r.id)
      case 'authorization-server':
        return admin.deleteAuthServer(r.id)
      case 'policy':
        return admin.deletePolicy(sid, r.id)
      case 'scope':
        return admin.deleteScope(sid, r.id)
      case 'claim':
        return admin.deleteClaim(sid, r.id)
      case 'trusted-origin':
        return admin.deleteTrustedOrigin(r.id)
      case 'test-user':
        return admin.deleteUser(r.id)
      case 'rule':
        return undefined
    }
  }

  if (!input.dryRun) {
    const store = await deps.secretStore()
    if (appDeleted) {
      await store.delete(secretKeys.clientSecret(input.profile))
      // A deleted app's private_key_jwt keys (issue 15) verify nothing any more.
      await store.delete(secretKeys.clientPrivateKey(input.profile))
      // Tokens of a deleted client are dead; keeping them would only make `token` fail later.
      await store.delete(secretKeys.tokenSet(input.profile))
    }
    if (sorted.some((r) => r.type === 'test-user') && !kept.some((r) => r.type === 'test-user')) {
      await store.delete(secretKeys.testUserPassword(input.profile))
      await store.delete(secretKeys.testUserTotp(input.profile))
    }
    if (appDeleted) {
      // Keep how the Management API is reached, and what could not be deleted; forget the app.
      await deps.profiles.put({
        name: input.profile,
        orgUrl: profile.orgUrl,
        management: profile.management,
        connection: profile.connection,
        ...(kept.length ? { managed: kept } : {}),
      })
    } else {
      await deps.profiles.update(input.profile, { managed: kept })
    }
  }
  if (unconfirmed.length) {
    throw new ManagementApiError(
      `could not confirm that ${unconfirmed.length} object(s) of profile "${input.profile}" are safe to delete, so they were kept: ${unconfirmed.map((u) => `${u.type} "${u.name}" (${u.reason})`).join('; ')}`,
      {},
      { hint: `nothing shared was deleted on a guess; run \`oidc-setup okta delete-app --profile ${input.profile}\` again when Okta answers` },
    )
  }
  return { profile: input.profile, changes, items, skipped, unconfirmed, dryRun: input.dryRun }
}
