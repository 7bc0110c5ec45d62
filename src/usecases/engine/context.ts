import type { AppIntent } from '../../domain/intent.js'
import type { AppSpec, AuthServer, OidcApp, Policy } from '../../domain/okta-model.js'
import type { PlanItem } from '../../domain/plan.js'
import type { ManagedResource, Profile } from '../../domain/profile.js'
import type { Clock } from '../../infra/clock.js'
import type { OktaAdmin } from '../../infra/okta-admin.js'
import type { ProfileStore } from '../../infra/profile-store.js'
import type { SecretStore } from '../../infra/secret-store.js'
import type { OktaAppRequirements, TargetModule } from '../../targets/types.js'
import type { Observed } from './observe.js'

/** What the engine needs: the Okta org, the config home, the secret store, the clock, the target registry. */
export interface EngineContext {
  admin: OktaAdmin
  profiles: ProfileStore
  /** Opens (and probes) the secret store; called before the first write of an app with a secret. */
  secretStore(): Promise<SecretStore>
  clock: Clock
  /** Resolves a canonical target name. */
  target(name: string): TargetModule
  /** The password of a test user the run creates (`AppIntent.testUser`); asked only when one is created. */
  testUserPassword?: ((app: string) => string) | undefined
  /** Called as each object is settled during apply (progress output). */
  onApplied?: ((item: PlanItem) => void) | undefined
}

/** The authorization server a unit uses. `key` identifies it across units (so a shared server is read once). */
export type ServerRef =
  | { kind: 'org' }
  | { kind: 'custom'; key: string; id?: string | undefined; name?: string | undefined; create?: { label: string } | undefined }

/** One Okta app to reconcile: an intent's main app, or one of its target's companion apps. */
export interface Unit {
  /** Unique per run: the intent name, or `name/role` for a companion. */
  key: string
  /** The plan group: the intent (profile) name. */
  app: string
  intent: AppIntent
  target: TargetModule
  /** The companion role, for companion apps. */
  role?: string | undefined
  label: string
  req: OktaAppRequirements
  spec: AppSpec
  /** Every scope the app requests (target + intent). */
  scopes: string[]
  server: ServerRef
  lists: 'keep' | 'exact'
}

/** The order of apply: each phase may use what earlier phases created. */
export enum Phase {
  Server = 0,
  App = 1,
  ScopesAndClaims = 2,
  Policy = 3,
  Rule = 4,
  Assignments = 5,
  Delete = 6,
}

/** A write the plan will make, bound to the item it settles. */
export interface Op {
  phase: Phase
  /** Runs alone (Okta renumbers policy and rule priorities on each create). */
  serial?: boolean | undefined
  item: PlanItem
  /** Performs the write; returns the id of what it created, when it created something. */
  run(state: ApplyState): Promise<string | undefined | void>
}

/** What apply learns as it goes: objects created in earlier phases, managed resources per profile. */
export class ApplyState {
  readonly servers = new Map<string, AuthServer>()
  readonly apps = new Map<string, OidcApp>()
  readonly policies = new Map<string, Policy>()
  /** New client secrets by unit key (only to store them; never logged). */
  readonly secrets = new Map<string, string>()
  readonly managed = new Map<string, ManagedResource[]>()
  readonly testUserPasswords = new Map<string, string>()
  /** Okta's `secret_hash` of each client secret stored by this run, by unit key. */
  readonly secretHashes = new Map<string, string>()
  /** Units whose client secret is in the secret store now. */
  readonly secretStored = new Set<string>()
  readonly warnings: string[] = []
  secretStore?: SecretStore | undefined
  private secretQueue: Promise<unknown> = Promise.resolve()

  /**
   * Runs secret-store work one at a time: a file store's read-modify-write would otherwise lose entries when many
   * apps store their secrets at once.
   */
  serialSecrets<T>(work: () => Promise<T>): Promise<T> {
    const next = this.secretQueue.then(work, work)
    this.secretQueue = next.catch(() => undefined)
    return next
  }

  /** Records an object oidc-setup created (or found carrying its marker for this profile). */
  own(app: string, resource: ManagedResource): void {
    const list = this.managed.get(app) ?? []
    if (!list.some((m) => m.type === resource.type && m.id === resource.id)) {
      list.push(resource)
    }
    this.managed.set(app, list)
  }
}

/** Collects plan items and the writes that settle them, in one pass over the steps. */
export class PlanBuilder {
  readonly items: PlanItem[] = []
  readonly ops: Op[] = []
  readonly warnings: string[] = []
  /** Resources to record as managed even when nothing is written (found after an interrupted run). */
  readonly owned: Array<{ app: string; resource: ManagedResource }> = []

  /** What was found in Okta, by server key / unit key (undefined: still to be created). */
  readonly servers = new Map<string, AuthServer | undefined>()
  readonly apps = new Map<string, OidcApp | undefined>()
  readonly policies = new Map<string, Policy | undefined>()
  /** The profiles as they were before the run, by name. */
  readonly previous = new Map<string, Profile | undefined>()

  constructor(
    readonly obs: Observed,
    readonly ctx: EngineContext,
  ) {}

  add(item: PlanItem, op?: Omit<Op, 'item'>): PlanItem {
    this.items.push(item)
    if (op) {
      this.ops.push({ ...op, item })
    }
    return item
  }
}
