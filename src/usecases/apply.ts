import type { Clock } from '../infra/clock.js'
import { UsageError } from '../domain/errors.js'
import type { AppIntent } from '../domain/intent.js'
import { SHARED, type PlanItem } from '../domain/plan.js'
import type { Change } from '../domain/provision-plan.js'
import { selectApps, type Spec, type SpecEnvironment } from '../domain/spec.js'
import type { OktaAdmin } from '../infra/okta-admin.js'
import type { ProfileStore } from '../infra/profile-store.js'
import type { SecretStore } from '../infra/secret-store.js'
import { requireTarget } from '../targets/index.js'
import type { TargetModule } from '../targets/types.js'
import { applyPlan, planApps, type EngineContext, type Plan, type PlannedApp } from './engine/index.js'

/**
 * `oidc-setup apply` / `plan` (issue 9 item 5): every app of a spec reconciled in one run, in one environment,
 * through one plan per org: shared objects (a custom server, a scope, a group) are read and reconciled once, and
 * reads are listed and paged per object kind rather than looked up app by app.
 */

/** What apply reconciles. */
export interface ApplyInput {
  spec: Spec
  /** `--env NAME` (required when the spec has several environments). */
  env?: string | undefined
  /** `--only NAME…`: a subset of the spec's apps (by their name in the spec). */
  only: string[]
  /** Plan only: read Okta, write nothing (plan, apply --dry-run). */
  dryRun: boolean
  /** `--prune`: delete the apps this spec applied earlier that it no longer declares. */
  prune: boolean
  /** The spec file's absolute path: recorded in each profile, so --prune knows which apps the spec owns. */
  specPath: string
}

/** One app's outcome. */
export interface AppliedApp {
  /** The app's name in the spec. */
  app: string
  /** The profile it is kept in (the name, plus the environment's suffix). */
  profile: string
  target: string
  orgUrl: string
  planned: PlannedApp
  /** Whether its client secret is in the secret store (after apply). */
  secretStored: boolean
  /** This app's plan items (objects shared with other apps are in ApplyResult.shared). */
  items: PlanItem[]
}

/** A profile this spec applied before and no longer declares. */
export interface PrunedApp {
  profile: string
  changes: Change[]
  skipped: Array<{ type: string; name: string; reason: string }>
}

/** What apply did (or, dry, would do). */
export interface ApplyResult {
  environment: string | undefined
  apps: AppliedApp[]
  /** Objects several apps of one org share (reconciled once), per org. */
  shared: Array<{ orgUrl: string; items: PlanItem[] }>
  /** With --prune: what was (or would be) deleted. */
  prune: PrunedApp[]
  /** Profiles the spec applied before and no longer declares, when --prune was not given. */
  orphans: string[]
  /** Number of writes made (or planned). */
  writes: number
  warnings: string[]
  dryRun: boolean
}

/** What apply needs: the edges. */
export interface ApplyDeps {
  profiles: ProfileStore
  secretStore(): Promise<SecretStore>
  /** Every wait (retry backoffs) goes through it. */
  clock: Clock
  /** Connects to the org an app lives in: its connection, else the environment's orgUrl + apiToken reference. */
  connect(intent: AppIntent, environment: SpecEnvironment | undefined): Promise<{ admin: OktaAdmin; connection?: string | undefined }>
  deleteApp?(profile: string, admin: OktaAdmin, dryRun: boolean, onChange: (c: Change) => void): Promise<Omit<PrunedApp, 'profile'>>
  /** Asked before --prune deletes anything (not in a dry run); false deletes nothing. */
  confirmPrune?(profiles: string[]): Promise<boolean>
  /** A fresh random password for a test user the spec asks for. */
  randomPassword(): string
  /** The plan of one org, before anything is written. */
  onPlan?(plan: Plan): void
  /** Progress: each object as it is settled. */
  onApplied?(item: PlanItem): void
  /** Progress of --prune. */
  onChange?(app: string, change: Change): void
  /** A secret the run handled (a new client secret, a test user's password): for redaction, never printed. */
  onSecret?(value: string): void
  /** Renders an app's files after it is applied (apps with `render:`). */
  render?(intent: AppIntent, target: TargetModule): Promise<void>
}

/**
 * Applies (or plans) a spec's apps in one environment: one plan per org over all its apps, then (unless dry) one
 * apply. Profiles record the spec file and environment, so a later `--prune` deletes only apps this spec made;
 * without --prune they are listed as orphans.
 */
export async function applySpec(input: ApplyInput, deps: ApplyDeps): Promise<ApplyResult> {
  const { spec } = input
  const selection = selectApps(spec, input.env, input.only)
  const environment = selection.environment
  const envName = environment?.name
  const admins = new Map<string, Promise<{ admin: OktaAdmin; connection?: string | undefined }>>()
  const keyOf = (intent: AppIntent): string => intent.connection ?? `env:${envName ?? ''}`
  const connect = (intent: AppIntent): Promise<{ admin: OktaAdmin; connection?: string | undefined }> => {
    // One connection per org in a run: the apps of an environment usually share it.
    let c = admins.get(keyOf(intent))
    if (!c) {
      c = deps.connect(intent, environment)
      admins.set(keyOf(intent), c)
    }
    return c
  }
  const appName = (profile: string): string => (environment ? profile.slice(0, profile.length - environment.profileSuffix.length) : profile)
  for (const intent of selection.apps) {
    requireTarget(intent.target)
    const existing = await deps.profiles.get(intent.name)
    if (existing?.spec && existing.spec.file !== input.specPath && existing.appId) {
      throw new UsageError(`profile "${intent.name}" belongs to another spec (${existing.spec.file})`, {
        hint: 'rename the app in this spec, or remove it from the other spec and delete it there first',
      })
    }
  }
  const groups = new Map<string, AppIntent[]>()
  for (const intent of selection.apps) {
    groups.set(keyOf(intent), [...(groups.get(keyOf(intent)) ?? []), intent])
  }

  const specTag = { file: input.specPath, ...(envName ? { env: envName } : {}) }
  const apps: AppliedApp[] = []
  const shared: ApplyResult['shared'] = []
  const warnings: string[] = []
  let writes = 0
  for (const intents of groups.values()) {
    const { admin, connection } = await connect(intents[0] as AppIntent)
    const recorded = intents.map((i): AppIntent => ({ ...i, ...(connection ? { connection } : {}) }))
    const passwords = new Map<string, string>()
    const ctx: EngineContext = {
      admin,
      profiles: deps.profiles,
      secretStore: deps.secretStore,
      clock: deps.clock,
      target: requireTarget,
      testUserPassword: (app) => {
        let pw = passwords.get(app)
        if (!pw) {
          pw = deps.randomPassword()
          deps.onSecret?.(pw)
          passwords.set(app, pw)
        }
        return pw
      },
      onApplied: deps.onApplied,
    }
    const plan = await planApps(recorded, ctx)
    deps.onPlan?.(plan)
    let items = plan.items
    let planned: Array<PlannedApp & { secretStored?: boolean }> = plan.apps
    if (!input.dryRun) {
      const result = await applyPlan(plan, ctx)
      items = result.items
      planned = result.apps
      for (const a of result.apps) {
        if (a.clientSecret) {
          deps.onSecret?.(a.clientSecret)
        }
      }
      warnings.push(...result.warnings)
      for (const intent of recorded) {
        await deps.profiles.update(intent.name, { spec: specTag })
        if (intent.render && deps.render) {
          await deps.render(intent, requireTarget(intent.target))
        }
      }
    } else {
      warnings.push(...plan.warnings)
    }
    writes += items.filter((i) => i.action !== 'unchanged').length
    const common = items.filter((i) => i.app === SHARED)
    if (common.length) {
      shared.push({ orgUrl: admin.orgUrl, items: common })
    }
    for (const intent of recorded) {
      const p = planned.find((a) => a.name === intent.name) as PlannedApp & { secretStored?: boolean }
      apps.push({
        app: appName(intent.name),
        profile: intent.name,
        target: p.target,
        orgUrl: admin.orgUrl,
        planned: p,
        secretStored: Boolean(p.secretStored),
        items: items.filter((i) => i.app === intent.name),
      })
    }
  }

  // Apps this spec applied earlier (same file, same environment) that it no longer declares.
  const declared = new Set(selectApps(spec, input.env).apps.map((a) => a.name))
  const orphans = input.only.length
    ? []
    : (await deps.profiles.list())
        .filter((p) => p.spec?.file === input.specPath && (p.spec.env ?? undefined) === envName && p.appId && !declared.has(p.name))
        .map((p) => p.name)
  const prune: PrunedApp[] = []
  const go = input.prune && orphans.length > 0 && (input.dryRun || (await deps.confirmPrune?.(orphans)) !== false)
  if (go) {
    if (!deps.deleteApp) {
      throw new UsageError('--prune is not available in this build')
    }
    for (const name of orphans) {
      const profile = await deps.profiles.get(name)
      const { admin } = await connect({ name, target: profile?.target ?? '', scopes: [], assign: { groups: [], users: [] }, trustedOrigins: [], settings: {}, ...(profile?.connection ? { connection: profile.connection } : {}) })
      const done = await deps.deleteApp(name, admin, input.dryRun, (change) => deps.onChange?.(name, change))
      prune.push({ profile: name, ...done })
    }
  }
  writes += prune.reduce((n, p) => n + p.changes.filter((c) => c.action !== 'unchanged').length, 0)
  return { environment: envName, apps, shared, prune, orphans: input.prune ? [] : orphans, writes, warnings: [...new Set(warnings)], dryRun: input.dryRun }
}
