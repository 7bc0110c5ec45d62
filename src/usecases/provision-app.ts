import { usesClientSecret } from '../domain/app-requirements.js'
import { ManagementApiError, UsageError } from '../domain/errors.js'
import { isManaged, isTransientFailure, type OidcApp } from '../domain/okta-model.js'
import { secretKeys, type ManagedResource, type Profile } from '../domain/profile.js'
import {
  APP_FIELDS,
  changedFields,
  defaultAppLabel,
  desiredApp,
  desiredGroupsClaim,
  desiredPolicy,
  desiredRule,
  desiredScopes,
  desiredTrustedOrigin,
  profileOfNote,
  requestedScopes,
  type AuthServerSelection,
  type Change,
} from '../domain/provision-plan.js'
import { MANAGED_MARKER } from '../domain/okta-model.js'
import type { OktaAdmin } from '../infra/okta-admin.js'
import type { ProfileStore } from '../infra/profile-store.js'
import type { SecretStore } from '../infra/secret-store.js'
import type { TargetModule } from '../targets/types.js'

/** What `okta create-app` provisions. */
export interface ProvisionAppInput {
  profile: string
  target: TargetModule
  baseUrl?: URL | undefined
  /** --name; else derived from the target and the base URL host. */
  label?: string | undefined
  /** --auth-server; else the target's preference. */
  authServer?: AuthServerSelection | undefined
  scopes: string[]
  groupsClaim: boolean
  assignGroups: string[]
  assignUsers: string[]
  redirectUris: string[]
  logoutUris: string[]
  /** --test-user: a user to create (when missing) with this password and assign to the app. */
  testUser?: { login: string; password: string } | undefined
  /** The target's settings (validated); kept in the profile for render-config and doctor. */
  settings?: Record<string, string | string[] | boolean> | undefined
  dryRun: boolean
}

/** The outcome: ids, issuer and every change made (or planned, with dryRun). */
export interface ProvisionAppResult {
  profile: string
  label: string
  appId: string | undefined
  clientId: string | undefined
  issuer: string | undefined
  /** `org`, `default` or the custom server's id; undefined while a new server is only planned (dry run). */
  authServerId: string | undefined
  changes: Change[]
  warnings: string[]
  /** Whether the app has a client secret, and whether it is in the secret store now. */
  confidential: boolean
  secretStored: boolean
  /** Returned only so --show-secret can print it; never logged. */
  clientSecret?: string | undefined
  /** The password of a test user created by this run (also in the secret store); only for --show-secret. */
  testUserPassword?: string | undefined
  dryRun: boolean
}

/** What provisionApp needs. */
export interface ProvisionAppDeps {
  admin: OktaAdmin
  profiles: ProfileStore
  /** Opens (and probes) the secret store; called before the first write when the app has a secret. */
  secretStore(): Promise<SecretStore>
  /** Called as each object is settled, for progress output. */
  onChange?: ((change: Change) => void) | undefined
}

const PLANNED = '(planned)'

/**
 * Creates or reconciles everything a target needs in Okta. Stateless and idempotent: every object is found by
 * exact name, compared with the desired state and written only where it differs, so a second run writes nothing
 * and an interrupted run converges. With dryRun it only reads.
 */
export async function provisionApp(input: ProvisionAppInput, deps: ProvisionAppDeps): Promise<ProvisionAppResult> {
  const { admin } = deps
  const baseUrl = input.baseUrl ?? new URL('http://127.0.0.1/')
  const req = input.target.requirements({ baseUrl })
  const label = input.label ?? defaultAppLabel(input.target.name, input.baseUrl)
  const selection: AuthServerSelection = input.authServer ?? { kind: req.authServer }
  const spec = desiredApp(req, { label, redirectUris: input.redirectUris, postLogoutRedirectUris: input.logoutUris }, input.profile)
  const scopes = requestedScopes(req, input.scopes)
  const changes: Change[] = []
  const warnings: string[] = []
  const previous = await deps.profiles.get(input.profile)
  const managed: ManagedResource[] = [...(previous?.managed ?? [])]
  const adopt = (resource: ManagedResource): void => {
    if (!managed.some((m) => m.type === resource.type && m.id === resource.id)) {
      managed.push(resource)
    }
  }
  const record = (change: Change, resource?: ManagedResource): void => {
    changes.push(change)
    if (resource) {
      adopt(resource)
    }
    deps.onChange?.(change)
  }
  const confidential = usesClientSecret(spec.tokenEndpointAuthMethod)
  let store: SecretStore | undefined
  if (confidential && !input.dryRun) {
    // Probe the keychain before creating anything, so a missing keychain cannot strand a fresh secret.
    store = await deps.secretStore()
  }

  // Independent reads first, concurrently: the app by label, and the authorization server.
  const serverName = label
  // When the server id is known up front, its scopes, claims and policies are read in the same round trip as the
  // app lookup (they do not depend on the app), so a no-change re-run costs two rounds, not three.
  const readServerLists = (sid: string) =>
    Promise.all([
      requestedCustomScopes.length ? admin.listScopes(sid) : Promise.resolve([]),
      input.groupsClaim ? admin.listClaims(sid) : Promise.resolve([]),
      admin.listPolicies(sid),
    ])
  const requestedCustomScopes = desiredScopes(scopes, undefined)
  const knownServerId = selection.kind === 'default' ? 'default' : selection.kind === 'existing' ? selection.id : undefined
  const serverLists = knownServerId ? readServerLists(knownServerId) : undefined
  // Consumed later; a failure before then must not surface as an unhandled rejection.
  serverLists?.catch(() => undefined)
  const [apps, server] = await Promise.all([
    admin.findAppsByLabel(label),
    selection.kind === 'org'
      ? Promise.resolve(undefined)
      : selection.kind === 'new'
        ? admin.findAuthServersByName(serverName).then((found) => {
            if (found.length > 1) {
              throw duplicates('authorization servers', serverName, found.map((s) => s.id))
            }
            return found[0]
          })
        : admin.getAuthServer(selection.kind === 'default' ? 'default' : selection.id).then((s) => {
            if (!s) {
              const id = selection.kind === 'default' ? 'default' : selection.id
              throw new ManagementApiError(`could not find authorization server "${id}"`, { status: 404 }, {
                hint: 'list servers in the Admin Console (Security › API), or pass --auth-server org or --auth-server new',
              })
            }
            return s
          }),
  ])
  if (apps.length > 1) {
    throw duplicates('apps', label, apps.map((a) => a.id))
  }

  let authServerId: string = PLANNED
  let issuer: string | undefined
  let serverId: string | undefined
  let app: OidcApp | undefined = apps[0]
  let clientSecret: string | undefined
  let secretStored = false
  let clientId: string | undefined
  let testUserPassword: string | undefined
  // The profile, so render-config and login need no retyping; also written when a run fails half-way, so
  // delete-app knows what was already created.
  const saveProfile = async (): Promise<void> => {
    if (input.dryRun || !app) {
      return
    }
    const fields: Partial<Profile> = {
      orgUrl: admin.orgUrl,
      issuer,
      authServerId: authServerId === PLANNED ? undefined : authServerId,
      clientId: app.clientId,
      appId: app.id,
      appLabel: label,
      applicationType: spec.applicationType,
      target: input.target.name,
      baseUrl: input.baseUrl ? input.baseUrl.href.replace(/\/+$/, '') : undefined,
      redirectUris: spec.redirectUris,
      postLogoutRedirectUris: spec.postLogoutRedirectUris,
      scopes,
      grantTypes: spec.grantTypes,
      ...(input.settings && Object.keys(input.settings).length ? { settings: { ...previous?.settings, ...input.settings } } : {}),
      managed,
    }
    await deps.profiles.update(input.profile, fields)
  }
  try {
    // 1. The authorization server first: a missing feature (E0000015) should fail before anything is created.
    if (selection.kind === 'org') {
      authServerId = 'org'
      issuer = admin.orgUrl
      const custom = scopes.filter((s) => desiredScopes([s], undefined).length > 0)
      if (custom.length) {
        warnings.push(`the org authorization server cannot have custom scopes (${custom.join(', ')}); use --auth-server default or new`)
      }
      if (input.groupsClaim) {
        warnings.push('--groups-claim needs a custom authorization server; use --auth-server default or new, or set the claim on the app in the Admin Console')
      }
    } else if (selection.kind === 'new' && !server) {
      if (input.dryRun) {
        authServerId = PLANNED
        record({ type: 'authorization-server', name: serverName, action: 'create' })
      } else {
        const created = await createOnce(
          async () => (await admin.findAuthServersByName(serverName))[0],
          () =>
            admin.createAuthServer({
              name: serverName,
              description: `${MANAGED_MARKER} for ${label}`,
              audiences: [`api://${slug(label)}`],
            }),
        )
        authServerId = created.id
        serverId = created.id
        issuer = created.issuer
        record(
          { type: 'authorization-server', name: serverName, action: 'create', id: created.id },
          { type: 'authorization-server', id: created.id, name: serverName },
        )
      }
    } else {
      const s = server as NonNullable<typeof server>
      authServerId = s.id
      serverId = s.id
      issuer = s.issuer
      if (selection.kind === 'new') {
        record(
          { type: 'authorization-server', name: serverName, action: 'unchanged', id: s.id },
          isManaged(s.description) ? { type: 'authorization-server', id: s.id, name: serverName } : undefined,
        )
      }
    }

    // 2. The app.
    if (!app) {
      if (input.dryRun) {
        record({ type: 'app', name: label, action: 'create' })
      } else {
        app = await createOnce(
          async () => (await admin.findAppsByLabel(label))[0],
          () => admin.createApp(spec),
        )
        clientSecret = app.clientSecret
        record({ type: 'app', name: label, action: 'create', id: app.id }, { type: 'app', id: app.id, name: label })
      }
    } else {
      const fields = changedFields(app, spec, APP_FIELDS)
      if (app.status !== 'ACTIVE') {
        fields.push('status')
      }
      if (isManaged(app.notes) && profileOfNote(app.notes) === input.profile) {
        // Found after an interrupted run: it carries our marker for this profile, so it is ours to delete.
        adopt({ type: 'app', id: app.id, name: label })
      }
      if (fields.length && !input.dryRun) {
        const authChanged = fields.includes('tokenEndpointAuthMethod')
        if (fields.some((f) => f !== 'status')) {
          app = await admin.updateApp(app.id, spec)
        }
        if (fields.includes('status')) {
          await admin.activateApp(app.id)
        }
        if (authChanged) {
          clientSecret = app.clientSecret
        }
      }
      const change: Change = { type: 'app', name: label, action: fields.length ? 'update' : 'unchanged', id: app.id }
      if (fields.length) {
        change.fields = fields
      }
      changes.push(change)
      deps.onChange?.(change)
    }

    // 3. The client secret, straight into the secret store.
    if (confidential && app && store) {
      const key = secretKeys.clientSecret(input.profile)
      if (clientSecret) {
        await store.set(key, clientSecret)
        secretStored = true
      } else if (previous?.clientId !== app.clientId || (await store.get(key)) === undefined) {
        // Missing, or stored for another app this profile pointed at before: recover the current one.
        const secrets = await admin.listClientSecrets(app.id)
        const active = secrets.filter((s) => s.status === 'ACTIVE' && s.value).sort((a, b) => (b.created ?? '').localeCompare(a.created ?? ''))
        if (active[0]) {
          clientSecret = active[0].value
          await store.set(key, clientSecret)
          secretStored = true
        } else {
          warnings.push('could not recover the client secret (Okta returned no active secret): rotate it in the Admin Console')
        }
      } else {
        secretStored = true
      }
    }
    clientId = app?.clientId

    // 4. Scopes, groups claim, access policy and rule on a custom server.
    if (selection.kind !== 'org') {
      await reconcileServer(serverId, clientId ?? PLANNED)
    }

    async function reconcileServer(sid: string | undefined, cid: string): Promise<void> {
      const wantScopes = desiredScopes(scopes, req.applicationType === 'service' ? scopes[0] : undefined, input.profile)
      const policySpec = desiredPolicy(label, cid)
      const ruleSpec = desiredRule(spec.grantTypes, scopes)
      const [haveScopes, haveClaims, havePolicies] = sid
        ? await (sid === knownServerId && serverLists ? serverLists : readServerLists(sid))
        : [[], [], []]
      // Scopes and the claim are independent: create them concurrently.
      const independent: Array<Promise<void>> = []
      for (const want of wantScopes) {
        const have = haveScopes.find((s) => s.name === want.name)
        if (have) {
          record(
            { type: 'scope', name: want.name, action: 'unchanged', id: have.id },
            // Adopted only when this profile created it (an interrupted run); other apps' scopes stay theirs.
            sid && isManaged(have.description) && profileOfNote(have.description) === input.profile
              ? { type: 'scope', id: have.id, name: want.name, serverId: sid }
              : undefined,
          )
        } else if (input.dryRun || !sid) {
          record({ type: 'scope', name: want.name, action: 'create' })
        } else {
          independent.push(
            createOnce(
              async () => (await admin.listScopes(sid)).find((s) => s.name === want.name),
              () => admin.createScope(sid, want),
            ).then((created) =>
              record({ type: 'scope', name: want.name, action: 'create', id: created.id }, { type: 'scope', id: created.id, name: want.name, serverId: sid }),
            ),
          )
        }
      }
      if (input.groupsClaim) {
        const want = desiredGroupsClaim()
        const have = haveClaims.find((c) => c.name === want.name && c.claimType === want.claimType)
        if (have) {
          record({ type: 'claim', name: want.name, action: 'unchanged', id: have.id })
        } else if (input.dryRun || !sid) {
          record({ type: 'claim', name: want.name, action: 'create' })
        } else {
          independent.push(
            createOnce(
              async () => (await admin.listClaims(sid)).find((c) => c.name === want.name && c.claimType === want.claimType),
              () => admin.createClaim(sid, want),
            ).then((created) =>
              record({ type: 'claim', name: want.name, action: 'create', id: created.id }, { type: 'claim', id: created.id, name: want.name, serverId: sid }),
            ),
          )
        }
      }
      await Promise.all(independent)

      // Policy then rule, one at a time (Okta renumbers priorities on every create).
      const samePolicy = havePolicies.filter((p) => p.name === policySpec.name)
      if (samePolicy.length > 1) {
        throw duplicates('access policies', policySpec.name, samePolicy.map((p) => p.id))
      }
      let policy = samePolicy[0]
      let rules: Awaited<ReturnType<OktaAdmin['listRules']>> = []
      if (!policy) {
        if (input.dryRun || !sid || cid === PLANNED) {
          record({ type: 'policy', name: policySpec.name, action: 'create' })
        } else {
          policy = await createOnce(
            async () => (await admin.listPolicies(sid)).find((p) => p.name === policySpec.name),
            () => admin.createPolicy(sid, policySpec),
          )
          record({ type: 'policy', name: policySpec.name, action: 'create', id: policy.id }, { type: 'policy', id: policy.id, name: policySpec.name, serverId: sid })
        }
      } else {
        const fields = changedFields(policy, policySpec, ['status', 'clientIds'])
        if (fields.length && !input.dryRun && sid) {
          policy = await admin.updatePolicy(sid, policy, policySpec)
        }
        record(
          { type: 'policy', name: policySpec.name, action: fields.length ? 'update' : 'unchanged', id: policy.id, ...(fields.length ? { fields } : {}) },
          isManaged(policy.description) && sid ? { type: 'policy', id: policy.id, name: policySpec.name, serverId: sid } : undefined,
        )
        rules = sid ? await admin.listRules(sid, policy.id) : []
      }
      const sameRule = rules.filter((r) => r.name === ruleSpec.name)
      if (sameRule.length > 1) {
        throw duplicates('policy rules', ruleSpec.name, sameRule.map((r) => r.id))
      }
      const rule = sameRule[0]
      if (!rule) {
        if (input.dryRun || !sid || !policy) {
          record({ type: 'rule', name: ruleSpec.name, action: 'create' })
        } else {
          const pid = policy.id
          const created = await createOnce(
            async () => (await admin.listRules(sid, pid)).find((r) => r.name === ruleSpec.name),
            () => admin.createRule(sid, pid, ruleSpec),
          )
          record({ type: 'rule', name: ruleSpec.name, action: 'create', id: created.id })
        }
      } else {
        const fields = changedFields(rule, ruleSpec)
        if (fields.length && !input.dryRun && sid && policy) {
          await admin.updateRule(sid, policy.id, rule, ruleSpec)
        }
        record({ type: 'rule', name: ruleSpec.name, action: fields.length ? 'update' : 'unchanged', id: rule.id, ...(fields.length ? { fields } : {}) })
      }
    }

    // 5. Assignments and trusted origins: independent of each other.
    await Promise.all([assignGroups(), assignUsers(), trustOrigins()])

    async function assignGroups(): Promise<void> {
      if (!input.assignGroups.length) {
        return
      }
      const [groups, assigned] = await Promise.all([
        Promise.all(
          input.assignGroups.map(async (name) => {
            const found = await admin.findGroupsByName(name)
            if (found.length === 0) {
              throw new ManagementApiError(`could not find group "${name}"`, { status: 404 }, { hint: 'group names match exactly, case included' })
            }
            if (found.length > 1) {
              throw duplicates('groups', name, found.map((g) => g.id))
            }
            return found[0] as NonNullable<(typeof found)[0]>
          }),
        ),
        app ? admin.listAppGroupIds(app.id) : Promise.resolve([] as string[]),
      ])
      await Promise.all(
        groups.map(async (group) => {
          if (assigned.includes(group.id)) {
            record({ type: 'group-assignment', name: group.name, action: 'unchanged', id: group.id })
            return
          }
          if (!input.dryRun && app) {
            await admin.assignGroup(app.id, group.id)
          }
          record({ type: 'group-assignment', name: group.name, action: 'create', id: group.id })
        }),
      )
    }

    async function assignUsers(): Promise<void> {
      const logins = [...new Set([...input.assignUsers, ...(input.testUser ? [input.testUser.login] : [])])]
      await Promise.all(
        logins.map(async (login) => {
          let user = await admin.findUser(login)
          if (!user && input.testUser?.login === login) {
            const testUser = input.testUser
            if (input.dryRun) {
              record({ type: 'test-user', name: login, action: 'create' })
              record({ type: 'user-assignment', name: login, action: 'create' })
              return
            }
            // The password is stored before the user exists, so an interrupted run never strands an unknown password.
            const passwordStore = store ?? (await deps.secretStore())
            await passwordStore.set(secretKeys.testUserPassword(input.profile), testUser.password)
            user = await createOnce(
              () => admin.findUser(login),
              () => admin.createUser({ login, firstName: 'Test', lastName: 'User', password: testUser.password }),
            )
            testUserPassword = testUser.password
            record({ type: 'test-user', name: login, action: 'create', id: user.id }, { type: 'test-user', id: user.id, name: login })
          } else if (user && input.testUser?.login === login) {
            record({ type: 'test-user', name: login, action: 'unchanged', id: user.id })
          }
          if (!user) {
            throw new ManagementApiError(`could not find user "${login}"`, { status: 404 }, { hint: 'pass the user\'s Okta login, e.g. an email address' })
          }
          if (app && (await admin.isUserAssigned(app.id, user.id))) {
            record({ type: 'user-assignment', name: login, action: 'unchanged', id: user.id })
            return
          }
          if (!input.dryRun && app) {
            const appId = app.id
            await createOnce(
              async () => ((await admin.isUserAssigned(appId, user.id)) ? user : undefined),
              async () => {
                await admin.assignUser(appId, user.id)
                return user
              },
            )
          }
          record({ type: 'user-assignment', name: login, action: 'create', id: user.id })
        }),
      )
    }

    async function trustOrigins(): Promise<void> {
      await Promise.all(
        (req.trustedOrigins ?? []).map(async (origin) => {
          const want = desiredTrustedOrigin(label, origin)
          const found = await admin.findTrustedOrigins(origin)
          const have = found[0]
          if (!have) {
            if (input.dryRun) {
              record({ type: 'trusted-origin', name: origin, action: 'create' })
              return
            }
            const created = await createOnce(
              async () => (await admin.findTrustedOrigins(origin))[0],
              () => admin.createTrustedOrigin(want),
            )
            record({ type: 'trusted-origin', name: origin, action: 'create', id: created.id }, { type: 'trusted-origin', id: created.id, name: origin })
            return
          }
          const missing = want.scopes.filter((s) => !have.scopes.includes(s))
          if (missing.length && !input.dryRun) {
            await admin.updateTrustedOrigin(have, { ...want, name: have.name, scopes: [...new Set([...have.scopes, ...want.scopes])] })
          }
          record(
            { type: 'trusted-origin', name: origin, action: missing.length ? 'update' : 'unchanged', id: have.id, ...(missing.length ? { fields: ['scopes'] } : {}) },
            have.name === want.name ? { type: 'trusted-origin', id: have.id, name: origin } : undefined,
          )
        }),
      )
    }

  } catch (error) {
    await saveProfile().catch(() => undefined)
    throw error
  }
  if (app && previous?.appId && previous.appId !== app.id && !input.dryRun) {
    warnings.push(
      `profile "${input.profile}" pointed at app ${previous.appLabel ?? previous.appId}; it now points at "${label}" (delete-app removes both, as both were made for it)`,
    )
  }
  await saveProfile()

  return {
    profile: input.profile,
    label,
    appId: app?.id,
    clientId,
    issuer,
    authServerId: authServerId === PLANNED ? undefined : authServerId,
    changes,
    warnings,
    confidential,
    secretStored,
    clientSecret,
    testUserPassword,
    dryRun: input.dryRun,
  }
}

/**
 * Runs a create, and when it fails transiently (5xx, dropped connection: it may have happened anyway) looks for
 * the object before trying again, so a retry can never make a duplicate.
 */
export async function createOnce<T>(find: () => Promise<T | undefined>, create: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create()
    } catch (error) {
      if (!isTransientFailure(error) || attempt >= attempts) {
        throw error
      }
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt))
      const existing = await find()
      if (existing !== undefined) {
        return existing
      }
    }
  }
}

function duplicates(what: string, name: string, ids: string[]): UsageError {
  return new UsageError(`found ${ids.length} ${what} named "${name}" (${ids.join(', ')}); refusing to guess which one to use`, {
    hint: 'pass --name with a label no other app uses, or delete the duplicates in the Admin Console',
  })
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'app'
}
