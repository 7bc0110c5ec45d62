import { ConfigError, UsageError } from '../domain/errors.js'
import type { AppIntent } from '../domain/intent.js'
import type { Clock } from '../infra/clock.js'
import type { OktaAdmin } from '../infra/okta-admin.js'
import type { ProfileStore } from '../infra/profile-store.js'
import type { SecretStore } from '../infra/secret-store.js'
import type { TargetModule } from '../targets/types.js'
import { applyPlan, planApps, type ApplyResult, type Plan } from './engine/index.js'
import { intentOfProfile } from './engine/intent-of-profile.js'

/** What `doctor --fix` repairs: one profile, reconciled to the intent it was applied with. */
export interface DoctorFixInput {
  profile: string
  /** --target, when the profile names none (or to override it). */
  target?: string | undefined
  /** --groups-claim: also want a groups claim (added to the intent). */
  groupsClaim?: boolean | undefined
}

/** The repair plan and where its intent came from. */
export interface DoctorFixPlan {
  intent: AppIntent
  /** What had to be assumed (legacy profile); empty when the profile kept its intent. */
  assumed: string[]
  plan: Plan
}

/** What doctor --fix needs. */
export interface DoctorFixDeps {
  admin: OktaAdmin
  profiles: ProfileStore
  secretStore(): Promise<SecretStore>
  clock: Clock
  target(name: string): TargetModule
  onApplied?: Parameters<typeof applyPlan>[1]['onApplied']
}

/**
 * Plans the repair of a profile's setup from the profile's own intent — custom redirect URIs, the groups claim,
 * the label and server it was made with — never from the target's defaults. Only reads.
 */
export async function planDoctorFix(input: DoctorFixInput, deps: DoctorFixDeps): Promise<DoctorFixPlan> {
  const profile = await deps.profiles.get(input.profile)
  if (!profile) {
    throw new ConfigError(`no profile "${input.profile}"`, { hint: 'create it with `oidc-setup setup` or `oidc-setup okta create-app`' })
  }
  const targetName = input.target ?? profile.intent?.target ?? profile.target
  if (!targetName) {
    throw new UsageError(`profile "${profile.name}" names no target`, { hint: 'pass --target NAME' })
  }
  const { intent, assumed } = intentOfProfile(profile, deps.target(targetName))
  const wanted: AppIntent = input.groupsClaim && !intent.groupsClaim ? { ...intent, groupsClaim: { name: 'groups' } } : intent
  return { intent: wanted, assumed, plan: await planApps([wanted], engineContext(deps)) }
}

/** Applies a repair plan made by planDoctorFix (the profile keeps the intent it was repaired to). */
export async function applyDoctorFix(fix: DoctorFixPlan, deps: DoctorFixDeps): Promise<ApplyResult> {
  return applyPlan(fix.plan, engineContext(deps))
}

function engineContext(deps: DoctorFixDeps): Parameters<typeof planApps>[1] {
  return {
    admin: deps.admin,
    profiles: deps.profiles,
    secretStore: deps.secretStore,
    clock: deps.clock,
    target: deps.target,
    onApplied: deps.onApplied,
  }
}
