import { ConfigError } from '../domain/errors.js'
import { isManaged, MANAGED_MARKER } from '../domain/okta-model.js'
import { secretKeys, type ManagedResource } from '../domain/profile.js'
import { profileOfNote, type Change } from '../domain/provision-plan.js'
import type { OktaAdmin } from '../infra/okta-admin.js'
import type { ProfileStore } from '../infra/profile-store.js'
import type { SecretStore } from '../infra/secret-store.js'

/** What `okta delete-app` removes. */
export interface DeleteAppInput {
  profile: string
  dryRun: boolean
}

/** What was (or would be) removed, and what was left alone and why. */
export interface DeleteAppResult {
  profile: string
  changes: Change[]
  skipped: Array<{ type: string; name: string; reason: string }>
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

/**
 * Deactivates and deletes exactly the Okta objects `okta create-app` created for a profile — those recorded in
 * the profile that still carry oidc-setup's marker — and nothing else; then forgets the app in the profile and
 * the client secret in the secret store. Objects already gone count as deleted, so a re-run after an
 * interruption finishes the job.
 */
export async function deleteApp(input: DeleteAppInput, deps: DeleteAppDeps): Promise<DeleteAppResult> {
  const { admin } = deps
  const profile = await deps.profiles.get(input.profile)
  if (!profile?.appId) {
    throw new ConfigError(`profile "${input.profile}" has no Okta app to delete`, {
      hint: '`oidc-setup okta apps list` shows the apps oidc-setup manages and their profiles',
    })
  }
  const managed = [...(profile.managed ?? [])]
  const changes: Change[] = []
  const skipped: DeleteAppResult['skipped'] = []
  const done = (change: Change): void => {
    changes.push(change)
    deps.onChange?.(change)
  }
  const sorted = managed.sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type))
  const scopesByServer = new Map<string, Awaited<ReturnType<OktaAdmin['listScopes']>>>()
  const policiesByServer = new Map<string, Awaited<ReturnType<OktaAdmin['listPolicies']>>>()
  const ownPolicies = new Set(sorted.filter((r) => r.type === 'policy').map((r) => r.id))
  /** Names of other policies on a server whose rules grant a scope (so deleting it would break them). */
  const otherRulesUsing = async (serverId: string, scope: string): Promise<string[]> => {
    const policies = await admin.listPolicies(serverId).catch(() => [])
    const users: string[] = []
    for (const policy of policies.filter((p) => !ownPolicies.has(p.id))) {
      const rules = await admin.listRules(serverId, policy.id).catch(() => [])
      if (rules.some((rule) => rule.scopes.includes(scope))) {
        users.push(`policy "${policy.name}"`)
      }
    }
    return users
  }
  for (const r of sorted) {
    const change: Change = { type: r.type, name: r.name, action: 'delete', id: r.id }
    switch (r.type) {
      case 'app': {
        const app = await admin.getApp(r.id)
        if (!app) {
          break
        }
        if (!isManaged(app.notes) || (profileOfNote(app.notes) ?? input.profile) !== input.profile) {
          skipped.push({ type: r.type, name: r.name, reason: `its admin notes no longer say "${MANAGED_MARKER} (profile ${input.profile})"` })
          continue
        }
        if (!input.dryRun) {
          await admin.deleteApp(r.id)
        }
        break
      }
      case 'authorization-server': {
        const server = await admin.getAuthServer(r.id)
        if (server && !isManaged(server.description)) {
          skipped.push({ type: r.type, name: r.name, reason: 'its description no longer carries the oidc-setup marker' })
          continue
        }
        if (server && !input.dryRun) {
          await admin.deleteAuthServer(r.id)
        }
        break
      }
      case 'policy': {
        const sid = r.serverId ?? ''
        const policies = policiesByServer.get(sid) ?? (await admin.listPolicies(sid).catch(() => []))
        policiesByServer.set(sid, policies)
        const policy = policies.find((p) => p.id === r.id)
        if (policy && !isManaged(policy.description)) {
          skipped.push({ type: r.type, name: r.name, reason: 'its description no longer carries the oidc-setup marker' })
          continue
        }
        if (policy && !input.dryRun) {
          await admin.deletePolicy(sid, r.id)
        }
        break
      }
      case 'scope': {
        const sid = r.serverId ?? ''
        const scopes = scopesByServer.get(sid) ?? (await admin.listScopes(sid).catch(() => []))
        scopesByServer.set(sid, scopes)
        const scope = scopes.find((s) => s.id === r.id)
        if (scope && !isManaged(scope.description)) {
          skipped.push({ type: r.type, name: r.name, reason: 'its description no longer carries the oidc-setup marker' })
          continue
        }
        if (scope) {
          const users = await otherRulesUsing(sid, r.name)
          if (users.length) {
            skipped.push({ type: r.type, name: r.name, reason: `still used by ${users.join(', ')}` })
            continue
          }
        }
        if (scope && !input.dryRun) {
          await admin.deleteScope(sid, r.id)
        }
        break
      }
      case 'claim': {
        if (!input.dryRun && r.serverId) {
          await admin.deleteClaim(r.serverId, r.id)
        }
        break
      }
      case 'trusted-origin': {
        const found = (await admin.findTrustedOrigins(r.name)).find((o) => o.id === r.id)
        if (found && !found.name.startsWith('oidc-setup:')) {
          skipped.push({ type: r.type, name: r.name, reason: 'it was renamed, so it may be in use by something else' })
          continue
        }
        if (found && !input.dryRun) {
          await admin.deleteTrustedOrigin(r.id)
        }
        break
      }
      case 'test-user': {
        if (!input.dryRun) {
          await admin.deleteUser(r.id)
        }
        break
      }
      case 'rule':
        // Rules go with their policy.
        continue
    }
    done(change)
  }
  if (!input.dryRun) {
    const store = await deps.secretStore()
    await store.delete(secretKeys.clientSecret(input.profile))
    // Tokens of a deleted client are dead; keeping them would only make `token` fail later.
    await store.delete(secretKeys.tokenSet(input.profile))
    if (sorted.some((r) => r.type === 'test-user')) {
      await store.delete(secretKeys.testUserPassword(input.profile))
    }
    // Keep how the Management API is reached; forget the app.
    await deps.profiles.put({ name: input.profile, orgUrl: profile.orgUrl, management: profile.management })
  }
  return { profile: input.profile, changes, skipped, dryRun: input.dryRun }
}
