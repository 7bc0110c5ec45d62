import type { AppIntent } from '../domain/intent.js'
import { isWrite, type PlanItem } from '../domain/plan.js'
import type { AuthServerSelection, Change } from '../domain/provision-plan.js'
import type { Clock } from '../infra/clock.js'
import type { OktaAdmin } from '../infra/okta-admin.js'
import type { ProfileStore } from '../infra/profile-store.js'
import type { SecretStore } from '../infra/secret-store.js'
import type { TargetModule } from '../targets/types.js'
import { applyPlan, planApps, type Plan, type PlannedApp } from './engine/index.js'

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
  /** The whole intent when the caller has one (a spec entry, flags built into a spec); else built from the fields above. */
  intent?: AppIntent | undefined
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
  /** The plan with values (what was, or with dryRun would be, done). */
  plan: Plan
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
  /** Every wait (retry backoffs) goes through it. */
  clock: Clock
  /** Called with the plan before anything is written. */
  onPlan?: ((plan: Plan) => void) | undefined
  /** Called as each object is settled, for progress output. */
  onChange?: ((change: Change) => void) | undefined
}

/** The intent the flags of `okta create-app` / `setup` describe. */
export function intentOfInput(input: Omit<ProvisionAppInput, 'dryRun'>): AppIntent {
  const server = input.authServer
  return {
    name: input.profile,
    target: input.target.name,
    baseUrl: input.baseUrl ? input.baseUrl.href.replace(/\/+$/, '') : undefined,
    label: input.label,
    authServer: server ? (server.kind === 'existing' ? server.id : server.kind) : undefined,
    scopes: input.scopes,
    groupsClaim: input.groupsClaim ? { name: 'groups' } : undefined,
    assign: { groups: input.assignGroups, users: input.assignUsers },
    redirectUris: input.redirectUris.length ? input.redirectUris : undefined,
    logoutUris: input.logoutUris.length ? input.logoutUris : undefined,
    trustedOrigins: [],
    settings: input.settings ?? {},
    testUser: input.testUser?.login,
  }
}

/** A plan item as the one-line change `okta create-app` reports (the fields that are written). */
export function changeOf(item: PlanItem): Change {
  const fields = (item.changes ?? []).filter(isWrite).map((c) => c.field)
  return { type: item.kind, name: item.name, action: item.action, ...(item.id ? { id: item.id } : {}), ...(fields.length ? { fields } : {}) }
}

/**
 * Creates or reconciles everything a target needs in Okta, through the reconcile engine (one intent). Idempotent:
 * every object is found by exact name, compared with the desired state and written only where it differs, so a
 * second run writes nothing and an interrupted run converges. With dryRun it only reads.
 */
export async function provisionApp(input: ProvisionAppInput, deps: ProvisionAppDeps): Promise<ProvisionAppResult> {
  return provisionIntent(input.intent ?? intentOfInput(input), input.target, input.dryRun, deps, input.testUser?.password)
}

/** provisionApp for an intent (doctor --fix, adopt's first apply): plan, then unless dryRun apply. */
export async function provisionIntent(
  intent: AppIntent,
  target: TargetModule,
  dryRun: boolean,
  deps: ProvisionAppDeps,
  testUserPassword?: string,
): Promise<ProvisionAppResult> {
  const ctx = {
    admin: deps.admin,
    profiles: deps.profiles,
    secretStore: deps.secretStore,
    clock: deps.clock,
    target: () => target,
    testUserPassword: () => testUserPassword ?? '',
    onApplied: deps.onChange ? (item: PlanItem) => deps.onChange?.(changeOf(item)) : undefined,
  }
  const plan = await planApps([intent], ctx)
  deps.onPlan?.(plan)
  const settled = (app: PlannedApp | undefined, items: readonly PlanItem[], warnings: string[]): ProvisionAppResult => ({
    profile: intent.name,
    label: app?.label ?? '',
    appId: app?.appId,
    clientId: app?.clientId,
    issuer: app?.issuer,
    authServerId: app?.authServerId,
    changes: items.map(changeOf),
    plan,
    warnings,
    confidential: app?.confidential ?? false,
    secretStored: false,
    dryRun,
  })
  if (dryRun) {
    for (const item of plan.items) {
      deps.onChange?.(changeOf(item))
    }
    return settled(plan.apps[0], plan.items, plan.warnings)
  }
  const previous = await deps.profiles.get(intent.name)
  const result = await applyPlan(plan, ctx)
  const app = result.apps[0]
  const warnings = [...result.warnings]
  if (app?.appId && previous?.appId && previous.appId !== app.appId) {
    warnings.push(
      `profile "${intent.name}" pointed at app ${previous.appLabel ?? previous.appId}; it now points at "${app.label}" (delete-app removes both, as both were made for it)`,
    )
  }
  return {
    ...settled(app, result.items, warnings),
    secretStored: app?.secretStored ?? false,
    clientSecret: app?.clientSecret,
    testUserPassword: app?.testUserPassword,
  }
}
