import { usesClientSecret } from '../../domain/app-requirements.js'
import type { AppIntent } from '../../domain/intent.js'
import { renderPlanText, summarize, type PlanItem, type PlanSummary } from '../../domain/plan.js'
import type { ManagedResource, Profile } from '../../domain/profile.js'
import { ApplyState, Phase, PlanBuilder, type EngineContext, type Op, type Unit } from './context.js'
import { Observed } from './observe.js'
import { planApps as planAppStep } from './steps/app.js'
import { planAssignments } from './steps/assignments.js'
import { planClaims } from './steps/claims.js'
import { planPolicies } from './steps/policy.js'
import { planRules } from './steps/rule.js'
import { planScopes } from './steps/scopes.js'
import { planServers } from './steps/server.js'
import { planTrustedOrigins } from './steps/trusted-origins.js'
import { unitsOf } from './units.js'

export type { EngineContext } from './context.js'
export { createOnce } from './create-once.js'

/** From this many apps in one run on, objects are listed and paged once instead of looked up app by app. */
const BULK_FROM = 3

/** What the engine found or will create for one app of the plan (ids are absent until they exist). */
export interface PlannedApp {
  name: string
  target: string
  label: string
  appId?: string | undefined
  clientId?: string | undefined
  /** `org`, or the custom server's id (absent while a new server is only planned). */
  authServerId?: string | undefined
  issuer?: string | undefined
  confidential: boolean
}

/** A reconcile plan: desired state (intents → target requirements) against what Okta holds, object by object. */
export interface Plan {
  orgUrl: string
  items: PlanItem[]
  apps: PlannedApp[]
  warnings: string[]
  summary: PlanSummary
}

/** What applying a plan did. */
export interface ApplyResult {
  orgUrl: string
  /** The plan's items as settled (ids of created objects filled in). */
  items: PlanItem[]
  apps: Array<PlannedApp & { secretStored: boolean; clientSecret?: string | undefined; testUserPassword?: string | undefined }>
  warnings: string[]
  summary: PlanSummary
}

interface PlanInternals {
  intents: AppIntent[]
  units: Unit[]
  ops: Op[]
  builder: PlanBuilder
}

const internals = new WeakMap<Plan, PlanInternals>()

/**
 * Plans every intent against what Okta holds: one step per object kind (server, app, scopes, claims, policy, rule,
 * assignments, trusted origins) over one shared, memoized view of the org, so shared objects are read and
 * reconciled once. Only reads; throws on what cannot be planned (a missing group or server, duplicates).
 */
export async function planApps(intents: readonly AppIntent[], ctx: EngineContext): Promise<Plan> {
  const units = intents.flatMap((intent) => unitsOf(intent, ctx))
  const b = new PlanBuilder(new Observed(ctx.admin, intents.length >= BULK_FROM), ctx)
  await Promise.all(intents.map(async (i) => b.previous.set(i.name, await ctx.profiles.get(i.name))))
  // The steps that depend on each other run in order; each reads what it needs, concurrently across apps.
  await Promise.all([planServers(units, b), planAppStep(units, b)])
  await Promise.all([planScopes(units, b), planClaims(units, b), planPolicies(units, b), planTrustedOrigins(units, b), planAssignments(units, b)])
  await planRules(units, b)
  const items = sortItems(b.items)
  const plan: Plan = {
    orgUrl: ctx.admin.orgUrl,
    items,
    apps: intents.map((intent) => plannedApp(intent, units, b)),
    warnings: [...new Set(b.warnings)],
    summary: summarize(items),
  }
  internals.set(plan, { intents: [...intents], units, ops: b.ops, builder: b })
  return plan
}

/**
 * Applies a plan made by planApps: the writes phase by phase (servers, apps and their secrets, scopes and claims,
 * policies, rules, assignments and origins), each phase concurrent across apps except policies and rules, which
 * Okta renumbers on every create. Creates look before they retry, so an interrupted apply converges when run
 * again. Each profile is saved with its intent, its ids and what oidc-setup owns — also when apply fails half-way.
 */
export async function applyPlan(plan: Plan, ctx: EngineContext): Promise<ApplyResult> {
  const inner = internals.get(plan)
  if (!inner) {
    throw new TypeError('applyPlan needs a plan made by planApps')
  }
  const b = inner.builder
  const st = new ApplyState()
  for (const [key, server] of b.servers) {
    if (server) {
      st.servers.set(key, server)
    }
  }
  for (const [key, app] of b.apps) {
    if (app) {
      st.apps.set(key, app)
    }
  }
  for (const [key, policy] of b.policies) {
    if (policy) {
      st.policies.set(key, policy)
    }
  }
  for (const { app, resource } of b.owned) {
    st.own(app, resource)
  }
  // Probe the keychain before creating anything, so a missing keychain cannot strand a fresh secret.
  if (inner.units.some((u) => !u.role && usesClientSecret(u.spec.tokenEndpointAuthMethod))) {
    st.secretStore = await ctx.secretStore()
  }
  const settled: PlanItem[] = []
  const done = (item: PlanItem, id: string | undefined | void): void => {
    const result = id ? { ...item, id } : item
    settled.push(result)
    ctx.onApplied?.(result)
  }
  try {
    for (const phase of [Phase.Server, Phase.App, Phase.ScopesAndClaims, Phase.Policy, Phase.Rule, Phase.Assignments, Phase.Delete]) {
      const ops = inner.ops.filter((o) => o.phase === phase)
      for (const op of ops.filter((o) => o.serial)) {
        done(op.item, await op.run(st))
      }
      await pool(
        ops.filter((o) => !o.serial),
        8,
        async (op) => done(op.item, await op.run(st)),
      )
    }
  } catch (error) {
    await saveProfiles(inner, st, ctx).catch(() => undefined)
    throw error
  }
  await saveProfiles(inner, st, ctx)
  const withOps = new Set(inner.ops.map((o) => o.item))
  const items = sortItems([...settled, ...plan.items.filter((i) => !withOps.has(i))])
  return {
    orgUrl: plan.orgUrl,
    items,
    apps: inner.intents.map((intent) => {
      const planned = plannedApp(intent, inner.units, b, st)
      return {
        ...planned,
        secretStored: st.secretStored.has(intent.name),
        clientSecret: st.secrets.get(intent.name),
        testUserPassword: st.testUserPasswords.get(intent.name),
      }
    }),
    warnings: [...new Set([...plan.warnings, ...st.warnings])],
    summary: summarize(items),
  }
}

/** The plan as text, Terraform-style, grouped per app, with values; never a secret. */
export function renderPlan(plan: Pick<Plan, 'items'>): string {
  return renderPlanText(plan.items)
}

/** The plan as one JSON document (`--json`): the same items with their values, grouped per app. */
export function planJson(plan: Plan | ApplyResult): Record<string, unknown> {
  const groups = [...new Set(plan.items.map((i) => i.app))]
  return {
    orgUrl: plan.orgUrl,
    summary: plan.summary,
    changes: plan.summary.create + plan.summary.update + plan.summary.delete > 0,
    apps: plan.apps.map((a) => ({ ...a, clientSecret: undefined, testUserPassword: undefined })),
    plan: groups.map((app) => ({ app, items: plan.items.filter((i) => i.app === app) })),
    warnings: plan.warnings,
  }
}

function plannedApp(intent: AppIntent, units: readonly Unit[], b: PlanBuilder, st?: ApplyState): PlannedApp {
  const u = units.find((x) => x.key === intent.name) as Unit
  const app = st?.apps.get(u.key) ?? b.apps.get(u.key)
  const server = u.server.kind === 'custom' ? (st?.servers.get(u.server.key) ?? b.servers.get(u.server.key)) : undefined
  return {
    name: intent.name,
    target: u.target.name,
    label: u.label,
    appId: app?.id,
    clientId: app?.clientId,
    authServerId: u.server.kind === 'org' ? 'org' : server?.id,
    issuer: u.server.kind === 'org' ? b.ctx.admin.orgUrl : server?.issuer,
    confidential: usesClientSecret(u.spec.tokenEndpointAuthMethod),
  }
}

/** Saves each intent's profile: its ids, its intent, its companions and every object oidc-setup owns for it. */
async function saveProfiles(inner: PlanInternals, st: ApplyState, ctx: EngineContext): Promise<void> {
  const b = inner.builder
  for (const intent of inner.intents) {
    const main = inner.units.find((u) => u.key === intent.name) as Unit
    const app = st.apps.get(main.key)
    if (!app) {
      continue
    }
    const previous = b.previous.get(intent.name)
    const managed: ManagedResource[] = [...(previous?.managed ?? [])]
    for (const r of st.managed.get(intent.name) ?? []) {
      if (!managed.some((m) => m.type === r.type && m.id === r.id)) {
        managed.push(r)
      }
    }
    const planned = plannedApp(intent, inner.units, b, st)
    const companions: NonNullable<Profile['companions']> = {}
    for (const u of inner.units.filter((x) => x.app === intent.name && x.role)) {
      const c = st.apps.get(u.key)
      if (c && u.role) {
        companions[u.role] = { appId: c.id, clientId: c.clientId, label: u.label }
      }
    }
    const fields: Partial<Profile> = {
      orgUrl: ctx.admin.orgUrl,
      issuer: planned.issuer,
      authServerId: planned.authServerId,
      clientId: app.clientId,
      appId: app.id,
      appLabel: main.label,
      applicationType: main.spec.applicationType,
      target: main.target.name,
      baseUrl: intent.baseUrl,
      redirectUris: main.spec.redirectUris,
      postLogoutRedirectUris: main.spec.postLogoutRedirectUris,
      scopes: main.scopes,
      grantTypes: main.spec.grantTypes,
      ...(Object.keys(intent.settings).length ? { settings: { ...previous?.settings, ...intent.settings } } : {}),
      ...(Object.keys(companions).length ? { companions } : {}),
      ...(intent.connection ? { connection: intent.connection } : {}),
      ...(st.secretHashes.has(main.key) ? { clientSecretHash: st.secretHashes.get(main.key) } : {}),
      intent: { ...intent },
      managed,
    }
    await ctx.profiles.update(intent.name, fields)
  }
}

/** Items grouped per app in a stable order: kinds in apply order, names alphabetically. */
function sortItems(items: readonly PlanItem[]): PlanItem[] {
  const kinds = ['authorization-server', 'app', 'client-secret', 'scope', 'claim', 'policy', 'rule', 'group-assignment', 'test-user', 'user-assignment', 'trusted-origin']
  return [...items].sort((a, b) => (a.app === b.app ? 0 : a.app < b.app ? -1 : 1) || kinds.indexOf(a.kind) - kinds.indexOf(b.kind) || a.name.localeCompare(b.name))
}

/** Runs `work` over `items`, at most `size` at a time; the first failure rejects once the running ones settle. */
async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  let failure: { error: unknown } | undefined
  const worker = async (): Promise<void> => {
    while (next < items.length && !failure) {
      const item = items[next++] as T
      try {
        await work(item)
      } catch (error) {
        failure ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker))
  if (failure) {
    throw failure.error
  }
}
