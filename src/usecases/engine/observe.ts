import { ManagementApiError, UsageError } from '../../domain/errors.js'
import type { AuthServer, Claim, Group, OidcApp, Policy, Rule, Scope, TrustedOrigin, User } from '../../domain/okta-model.js'
import type { OktaAdmin } from '../../infra/okta-admin.js'

/**
 * What Okta holds, read lazily and at most once per object: every lookup is memoized (concurrent callers share one
 * request). In bulk mode (several apps in one run) apps, trusted origins and group assignments are listed and paged
 * once for the whole run instead of looked up app by app, so reads grow with the number of distinct servers,
 * policies and groups, not with the number of apps.
 */
export class Observed {
  private readonly memo = new Map<string, Promise<unknown>>()

  constructor(
    private readonly admin: OktaAdmin,
    /** List and page instead of looking up one object at a time. */
    readonly bulk: boolean,
  ) {}

  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined
    if (!p) {
      p = read()
      // A failed read is not remembered: a later caller (a retry) reads again.
      p.catch(() => this.memo.delete(key))
      this.memo.set(key, p)
    }
    return p
  }

  /** Forgets what was read (after writes, before re-reading a shared list). */
  forget(prefix: string): void {
    for (const key of [...this.memo.keys()]) {
      if (key.startsWith(prefix)) {
        this.memo.delete(key)
      }
    }
  }

  /** The OIDC apps labelled exactly `label` (refuses to guess between duplicates). */
  async appByLabel(label: string): Promise<OidcApp | undefined> {
    const found = this.bulk
      ? (await this.once('apps', () => this.admin.listApps())).filter((a) => a.label === label)
      : await this.once(`app:${label}`, () => this.admin.findAppsByLabel(label))
    if (found.length > 1) {
      throw duplicates('apps', label, found.map((a) => a.id))
    }
    return found[0]
  }

  /** An app by id (adopt, delete). */
  appById(id: string): Promise<OidcApp | undefined> {
    return this.once(`app-id:${id}`, () => this.admin.getApp(id))
  }

  /** A custom server by id, else by exact name; undefined when neither exists. */
  async server(ref: { id?: string | undefined; name?: string | undefined }): Promise<AuthServer | undefined> {
    if (ref.id) {
      const byId = await this.once(`server-id:${ref.id}`, () => this.admin.getAuthServer(ref.id as string))
      if (byId || !ref.name) {
        return byId
      }
    }
    const name = ref.name ?? ''
    const found = await this.once(`server-name:${name}`, () => this.admin.findAuthServersByName(name))
    if (found.length > 1) {
      throw duplicates('authorization servers', name, found.map((s) => s.id))
    }
    return found[0]
  }

  scopes(serverId: string): Promise<Scope[]> {
    return this.once(`scopes:${serverId}`, () => this.admin.listScopes(serverId))
  }

  claims(serverId: string): Promise<Claim[]> {
    return this.once(`claims:${serverId}`, () => this.admin.listClaims(serverId))
  }

  policies(serverId: string): Promise<Policy[]> {
    return this.once(`policies:${serverId}`, () => this.admin.listPolicies(serverId))
  }

  rules(serverId: string, policyId: string): Promise<Rule[]> {
    return this.once(`rules:${serverId}:${policyId}`, () => this.admin.listRules(serverId, policyId))
  }

  /** The one group named exactly `name` (an error when missing or ambiguous). */
  async group(name: string): Promise<Group> {
    const found = await this.once(`group:${name}`, () => this.admin.findGroupsByName(name))
    if (found.length === 0) {
      throw new ManagementApiError(`could not find group "${name}"`, { status: 404 }, { hint: 'group names match exactly, case included' })
    }
    if (found.length > 1) {
      throw duplicates('groups', name, found.map((g) => g.id))
    }
    return found[0] as Group
  }

  /** Whether a group is assigned to an app: per group in bulk mode, per app otherwise. */
  async groupAssigned(appId: string, groupId: string): Promise<boolean> {
    if (this.bulk) {
      return (await this.once(`group-apps:${groupId}`, () => this.admin.listGroupAppIds(groupId))).includes(appId)
    }
    return (await this.appGroupIds(appId)).includes(groupId)
  }

  /** Every group assigned to an app (one read per app: used only where the app's whole list matters). */
  appGroupIds(appId: string): Promise<string[]> {
    return this.once(`app-groups:${appId}`, () => this.admin.listAppGroupIds(appId))
  }

  user(login: string): Promise<User | undefined> {
    return this.once(`user:${login}`, () => this.admin.findUser(login))
  }

  userAssigned(appId: string, userId: string): Promise<boolean> {
    return this.once(`user-assigned:${appId}:${userId}`, () => this.admin.isUserAssigned(appId, userId))
  }

  /** The trusted origin for exactly this origin URL, if any. */
  async trustedOrigin(origin: string): Promise<TrustedOrigin | undefined> {
    const found = this.bulk
      ? (await this.once('origins', () => this.admin.listTrustedOrigins())).filter((o) => o.origin === origin)
      : await this.once(`origin:${origin}`, () => this.admin.findTrustedOrigins(origin))
    return found[0]
  }
}

/** The error for several objects of one name: oidc-setup never guesses which one is meant. */
export function duplicates(what: string, name: string, ids: string[]): UsageError {
  return new UsageError(`found ${ids.length} ${what} named "${name}" (${ids.join(', ')}); refusing to guess which one to use`, {
    hint: 'pass --name with a label no other app uses, or delete the duplicates in the Admin Console',
  })
}
