import type { Clock } from '../infra/clock.js'
import { UsageError } from '../domain/errors.js'
import type { AppIntent } from '../domain/intent.js'
import { parseAuthServerSelection, type Change } from '../domain/provision-plan.js'
import { selectApps, type Spec, type SpecEnvironment } from '../domain/spec.js'
import type { OktaAdmin } from '../infra/okta-admin.js'
import type { ProfileStore } from '../infra/profile-store.js'
import type { SecretStore } from '../infra/secret-store.js'
import { requireTarget } from '../targets/index.js'
import type { TargetModule } from '../targets/types.js'
import type { ProvisionAppDeps, ProvisionAppInput, ProvisionAppResult } from './provision-app.js'

/**
 * `oidc-setup apply` / `plan` (issue 9 item 5): every app of a spec reconciled in one run, in one environment.
 *
 * Until the reconcile engine (src/usecases/engine, branch wt/engine) lands, each app goes through today's
 * provisionApp behind provisionInputOf(), the one adapter from an AppIntent to the engine's input; the switch-over
 * replaces that adapter and runApp() below, nothing else.
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
  result: ProvisionAppResult
  /** Fields of the intent the current engine records but does not reconcile yet (said, never silently dropped). */
  notReconciled: string[]
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
  /** With --prune: what was (or would be) deleted; without: the profiles it would delete. */
  prune: PrunedApp[]
  /** Profiles the spec applied before and no longer declares, when --prune was not given. */
  orphans: string[]
  /** Number of writes made (or planned). */
  writes: number
  dryRun: boolean
}

/** What apply needs: the edges, plus the current engine's entry points (replaced by the reconcile engine). */
export interface ApplyDeps {
  profiles: ProfileStore
  secretStore(): Promise<SecretStore>
  /** Every wait (retry backoffs) goes through it. */
  clock: Clock
  /** Connects to the org an app lives in: its connection, else the environment's orgUrl + apiToken reference. */
  connect(intent: AppIntent, environment: SpecEnvironment | undefined): Promise<{ admin: OktaAdmin; connection?: string | undefined }>
  provisionApp(input: ProvisionAppInput, deps: ProvisionAppDeps): Promise<ProvisionAppResult>
  deleteApp?(profile: string, admin: OktaAdmin, dryRun: boolean, onChange: (c: Change) => void): Promise<Omit<PrunedApp, 'profile'>>
  /** Asked before --prune deletes anything (not in a dry run); false deletes nothing. */
  confirmPrune?(profiles: string[]): Promise<boolean>
  /** A fresh random password for a test user the spec asks for. */
  randomPassword(): string
  /** Progress: each object as it is settled, per app. */
  onChange?(app: string, change: Change): void
  /** Renders an app's files after it is applied (apps with `render:`). */
  render?(intent: AppIntent, target: TargetModule): Promise<void>
}

/** The intent fields today's provisionApp cannot reconcile (they are kept in the profile all the same). */
export function notReconciledFields(intent: AppIntent): string[] {
  const out: string[] = []
  if (intent.trustedOrigins.length) {
    out.push('trustedOrigins')
  }
  if (intent.tokenLifetimes) {
    out.push('tokenLifetimes')
  }
  if (intent.issuerMode) {
    out.push('issuerMode')
  }
  if (intent.lists === 'exact') {
    out.push('lists: exact')
  }
  if (intent.render?.format === 'env' || intent.render?.secretRef) {
    out.push('render.format/secretRef')
  }
  if (intent.groupsClaim && (intent.groupsClaim.name !== 'groups' || intent.groupsClaim.filter !== undefined)) {
    out.push('groupsClaim name/filter')
  }
  return out
}

/**
 * The adapter from an AppIntent (spec entry or flags) to today's provisionApp input: the one place that maps
 * intent fields onto the engine. `testUserPassword` is the password a missing test user is created with.
 */
export function provisionInputOf(intent: AppIntent, target: TargetModule, testUserPassword?: string): Omit<ProvisionAppInput, 'dryRun'> {
  return {
    profile: intent.name,
    target,
    baseUrl: intent.baseUrl ? new URL(intent.baseUrl) : undefined,
    label: intent.label,
    authServer: intent.authServer ? parseAuthServerSelection(intent.authServer) : undefined,
    scopes: intent.scopes,
    groupsClaim: Boolean(intent.groupsClaim),
    assignGroups: intent.assign.groups,
    assignUsers: intent.assign.users,
    redirectUris: intent.redirectUris ?? [],
    logoutUris: intent.logoutUris ?? [],
    testUser: intent.testUser && testUserPassword ? { login: intent.testUser, password: testUserPassword } : undefined,
    settings: intent.settings,
    intent,
  }
}

/**
 * Applies (or plans) a spec's apps in one environment, app by app in spec order, each through the engine; an app
 * that fails stops the run (later apps untouched, the error names the app). Profiles record the spec file and
 * environment, so a later `--prune` deletes only apps this spec made; without --prune they are listed as orphans.
 */
export async function applySpec(input: ApplyInput, deps: ApplyDeps): Promise<ApplyResult> {
  const { spec } = input
  const selection = selectApps(spec, input.env, input.only)
  const environment = selection.environment
  const envName = environment?.name
  const apps: AppliedApp[] = []
  const admins = new Map<string, Promise<{ admin: OktaAdmin; connection?: string | undefined }>>()
  const connect = (intent: AppIntent): Promise<{ admin: OktaAdmin; connection?: string | undefined }> => {
    // One connection per org in a run: the apps of an environment usually share it.
    const key = intent.connection ?? `env:${envName ?? ''}`
    let c = admins.get(key)
    if (!c) {
      c = deps.connect(intent, environment)
      admins.set(key, c)
    }
    return c
  }
  const specTag = { file: input.specPath, ...(envName ? { env: envName } : {}) }
  for (const intent of selection.apps) {
    const appName = environment ? intent.name.slice(0, intent.name.length - environment.profileSuffix.length) : intent.name
    const target = requireTarget(intent.target)
    const { admin, connection } = await connect(intent)
    const recorded: AppIntent = { ...intent, ...(connection ? { connection } : {}) }
    const existing = await deps.profiles.get(intent.name)
    if (existing?.spec && existing.spec.file !== input.specPath && existing.appId) {
      throw new UsageError(`profile "${intent.name}" belongs to another spec (${existing.spec.file})`, {
        hint: 'rename the app in this spec, or remove it from the other spec and delete it there first',
      })
    }
    let result: ProvisionAppResult
    try {
      result = await deps.provisionApp(
        { ...provisionInputOf(recorded, target, recorded.testUser ? deps.randomPassword() : undefined), dryRun: input.dryRun },
        {
          admin,
          profiles: deps.profiles,
          secretStore: deps.secretStore,
          clock: deps.clock,
          onChange: (change) => deps.onChange?.(appName, change),
        },
      )
    } catch (error) {
      if (error instanceof Error && 'hint' in error) {
        error.message = `app "${appName}": ${error.message}`
      }
      throw error
    }
    if (!input.dryRun) {
      await deps.profiles.update(intent.name, { spec: specTag })
      if (intent.render && deps.render) {
        await deps.render(recorded, target)
      }
    }
    apps.push({ app: appName, profile: intent.name, target: target.name, orgUrl: admin.orgUrl, result, notReconciled: notReconciledFields(intent) })
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
  const writes =
    apps.reduce((n, a) => n + a.result.changes.filter((c) => c.action !== 'unchanged').length, 0) +
    prune.reduce((n, p) => n + p.changes.filter((c) => c.action !== 'unchanged').length, 0)
  return { environment: envName, apps, prune, orphans: input.prune ? [] : orphans, writes, dryRun: input.dryRun }
}
