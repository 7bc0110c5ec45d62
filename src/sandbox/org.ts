import { notFound } from './errors.js'
import type { AppRecord, GroupRecord, SandboxState, ServerRecord, UserRecord } from './store.js'
import { asObject, asStringArray, type JsonObject } from './util.js'

/** How the org behaves: the kind of org and the Okta features it has (`sandbox start --org-profile …`). */
export interface OrgMode {
  /** Identity Engine (every org created since 2022) or Classic Engine. */
  profile: 'oie' | 'classic'
  /** The custom domain's URL (origin), when the org has one. */
  customDomain: string | undefined
  /** Whether the org has API Access Management (custom authorization servers). */
  apiAccessManagement: boolean
  /** How long writes take to be visible everywhere (0: at once). */
  eventualConsistencyMs: number
  /** Whether the secrets API elides `client_secret` outside the create response. */
  maskClientSecrets: boolean
}

/** The mode of a sandbox started without options: a new Identity Engine org. */
export const DEFAULT_MODE: OrgMode = {
  profile: 'oie',
  customDomain: undefined,
  apiAccessManagement: true,
  eventualConsistencyMs: 0,
  maskClientSecrets: false,
}

/** Which of the org's domains a request came in on. */
export type Domain = 'org' | 'custom'

/**
 * The org: its state plus lookups the Management API and the OpenID side share. Every mutation ends with
 * `changed()`, which persists the state (with --state) and lets the OpenID side see the change at once.
 */
export class Org {
  private readonly listeners: Array<() => void> = []

  constructor(
    readonly state: SandboxState,
    public orgUrl: string,
    readonly mode: OrgMode = DEFAULT_MODE,
  ) {}

  private readonly recent = new Map<string, number>()

  /** Notes a write whose effects settle only after `eventualConsistencyMs` (no-op without the mode). */
  settle(what: string): void {
    if (this.mode.eventualConsistencyMs > 0) {
      this.recent.set(what, Date.now())
    }
  }

  /** Whether a write noted with `settle()` is still settling. */
  settling(what: string): boolean {
    const at = this.recent.get(what)
    return at !== undefined && Date.now() - at < this.mode.eventualConsistencyMs
  }

  /** The custom domain's URL once the port is known (a `:0` port in the option stands for the sandbox's own). */
  customUrl: string | undefined

  onChange(listener: () => void): void {
    this.listeners.push(listener)
  }

  changed(): void {
    for (const listener of this.listeners) {
      listener()
    }
  }

  app(id: string): AppRecord {
    const app = this.state.apps.find((a) => a.id === id)
    if (!app) {
      throw notFound(id, 'AppInstance')
    }
    return app
  }

  appByClientId(clientId: string): AppRecord | undefined {
    return this.state.apps.find((a) => clientIdOf(a) === clientId)
  }

  /** A custom server by id or by the alias `default` (the default server has a real `aus…` id and `default: true`). */
  findServer(id: string): ServerRecord | undefined {
    return this.state.servers.find((s) => s.id === id) ?? (id === 'default' ? this.state.servers.find((s) => s.server.default === true) : undefined)
  }

  server(id: string): ServerRecord {
    const server = this.findServer(id)
    if (!server) {
      throw notFound(id, 'AuthorizationServer')
    }
    return server
  }

  group(id: string): GroupRecord {
    const group = this.state.groups.find((g) => g.id === id)
    if (!group) {
      throw notFound(id, 'UserGroup')
    }
    return group
  }

  /** A user by id or login (Okta accepts both in `/api/v1/users/{id}`). */
  user(idOrLogin: string): UserRecord {
    const user = this.findUser(idOrLogin)
    if (!user) {
      throw notFound(idOrLogin, 'User')
    }
    return user
  }

  findUser(idOrLogin: string): UserRecord | undefined {
    const lower = idOrLogin.toLowerCase()
    return this.state.users.find(
      (u) => u.id === idOrLogin || String(asObject(u.user.profile).login ?? '').toLowerCase() === lower,
    )
  }

  everyone(): GroupRecord | undefined {
    return this.state.groups.find((g) => g.group.type === 'BUILT_IN')
  }

  /** The ids of the groups a user belongs to (Everyone included). */
  groupsOf(userId: string): GroupRecord[] {
    return this.state.groups.filter((g) => g.group.type === 'BUILT_IN' || g.members.includes(userId))
  }

  /**
   * Whether a user is assigned to an app, directly or through a group. A group's assignment reaches its members only
   * once it has settled (Okta propagates group-to-user app assignments asynchronously).
   */
  isAssigned(app: AppRecord, userId: string): boolean {
    // Federation Broker Mode: every user of the org may sign in.
    if (asObject(app.app.settings).implicitAssignment === true || app.users.some((u) => u.userId === userId)) {
      return true
    }
    const groupIds = new Set(this.groupsOf(userId).map((g) => g.id))
    return app.groups.some((g) => groupIds.has(g.groupId) && !this.settling(`group-assignment:${app.id}:${g.groupId}`))
  }

  /**
   * The issuer of a custom server (`{base}/oauth2/{id}`, `{base}/oauth2/default` for the default server) or of the org
   * server (`{base}`), where base is the org URL or, for `custom`, the custom domain's URL.
   */
  issuer(serverId: string | undefined, domain: Domain = 'org'): string {
    const base = domain === 'custom' && this.customUrl ? this.customUrl : this.orgUrl
    if (serverId === undefined) {
      return base
    }
    const server = this.findServer(serverId)
    return `${base}/oauth2/${server?.server.default === true ? 'default' : serverId}`
  }
}

/** The client_id of an app. */
export function clientIdOf(app: AppRecord): string {
  return String(asObject(asObject(app.app.credentials).oauthClient).client_id ?? app.id)
}

/** The `settings.oauthClient` of an app. */
export function oauthSettings(app: AppRecord): JsonObject {
  return asObject(asObject(app.app.settings).oauthClient)
}

/** The `credentials.oauthClient` of an app. */
export function oauthCredentials(app: AppRecord): JsonObject {
  return asObject(asObject(app.app.credentials).oauthClient)
}

/** The grant types of an app. */
export function grantTypesOf(app: AppRecord): string[] {
  return asStringArray(oauthSettings(app).grant_types) ?? []
}
