import { notFound } from './errors.js'
import type { AppRecord, GroupRecord, SandboxState, ServerRecord, UserRecord } from './store.js'
import { asObject, asStringArray, type JsonObject } from './util.js'

/**
 * The org: its state plus lookups the Management API and the OpenID side share. Every mutation ends with
 * `changed()`, which persists the state (with --state) and lets the OpenID side see the change at once.
 */
export class Org {
  private readonly listeners: Array<() => void> = []

  constructor(
    readonly state: SandboxState,
    public orgUrl: string,
  ) {}

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

  server(id: string): ServerRecord {
    const server = this.state.servers.find((s) => s.id === id)
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

  /** Whether a user is assigned to an app, directly or through a group. */
  isAssigned(app: AppRecord, userId: string): boolean {
    if (app.users.some((u) => u.userId === userId)) {
      return true
    }
    const groupIds = new Set(this.groupsOf(userId).map((g) => g.id))
    return app.groups.some((g) => groupIds.has(g.groupId))
  }

  /** The issuer of a custom server (`{org}/oauth2/{id}`) or of the org server (`{org}`). */
  issuer(serverId: string | undefined): string {
    return serverId === undefined ? this.orgUrl : `${this.orgUrl}/oauth2/${serverId}`
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
