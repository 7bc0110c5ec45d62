import type { JsonWebKey } from 'node:crypto'
import { nodeFileSystem } from '../infra/fs.js'
import type { JsonObject } from './util.js'

/** A client secret of an app (`/credentials/secrets`). */
export interface SecretRecord {
  id: string
  status: 'ACTIVE' | 'INACTIVE'
  client_secret: string
  created: string
  lastUpdated: string
}

/** A group assigned to an app. */
export interface GroupAssignmentRecord {
  groupId: string
  priority: number
  profile: JsonObject
  lastUpdated: string
}

/** A user assigned directly to an app. */
export interface UserAssignmentRecord {
  userId: string
  scope: 'USER'
  profile: JsonObject
  created: string
  lastUpdated: string
}

/** An Okta API scope granted to an app (`/api/v1/apps/{appId}/grants`), for OAuth 2.0 service apps. */
export interface ScopeGrantRecord {
  id: string
  issuer: string
  scopeId: string
  created: string
  lastUpdated: string
}

/** An admin role assigned to an app's client (`/oauth2/v1/clients/{clientId}/roles`). */
export interface RoleRecord {
  id: string
  type: string
  created: string
  lastUpdated: string
}

/** An OIDC app integration. `app` is the Okta JSON representation without `_links` and without the secret. */
export interface AppRecord {
  id: string
  app: JsonObject
  secrets: SecretRecord[]
  groups: GroupAssignmentRecord[]
  users: UserAssignmentRecord[]
  /** Okta API scopes granted (optional: absent in state files from before). */
  grants?: ScopeGrantRecord[]
  /** Admin roles of the client. */
  roles?: RoleRecord[]
  /** Identity Engine: the authentication policy (`rst…`) the app uses; absent for service apps and on Classic. */
  accessPolicyId?: string
}

/** Scope, claim, policy and rule records are kept as their Okta JSON (with `id`). */
export interface PolicyRecord {
  policy: JsonObject
  rules: JsonObject[]
}

/** A custom authorization server (including `default`). */
export interface ServerRecord {
  id: string
  server: JsonObject
  scopes: JsonObject[]
  claims: JsonObject[]
  policies: PolicyRecord[]
}

/** A group; `members` are user ids (Everyone's membership is implicit). */
export interface GroupRecord {
  id: string
  group: JsonObject
  members: string[]
}

/** A user and their password. */
export interface UserRecord {
  id: string
  user: JsonObject
  password: string | undefined
  /** The base32 seed of an enrolled TOTP authenticator (`token:software:totp`). */
  totpSecret?: string
  /** The Factors API's view of that authenticator: its id and provider, and an enrollment awaiting activation. */
  totpFactor?: { id: string; provider: string; created: string; status: 'PENDING_ACTIVATION' | 'ACTIVE'; pendingSecret?: string }
}

/** An Identity Engine authentication policy (`/api/v1/policies?type=ACCESS_POLICY`) and its rules, as Okta JSON. */
export interface AccessPolicyRecord {
  policy: JsonObject
  rules: JsonObject[]
}

/** A trusted origin. */
export interface TrustedOriginRecord {
  id: string
  origin: JsonObject
}

/** Everything the org holds; persisted as JSON with `--state`. */
export interface SandboxState {
  version: 1
  apiToken: string
  cookieKey: string
  /** Private signing JWKs, per authorization server (`org` for the org server). */
  keys: Record<string, JsonWebKey & { kid: string }>
  apps: AppRecord[]
  servers: ServerRecord[]
  groups: GroupRecord[]
  users: UserRecord[]
  trustedOrigins: TrustedOriginRecord[]
  /** Identity Engine authentication policies (created at start on an `oie` org). */
  accessPolicies?: AccessPolicyRecord[]
  /** oidc-provider artifacts (tokens, grants, sessions) by `{server}:{model}:{id}`; only in the state file. */
  oidc?: Record<string, { payload: JsonObject; expiresAt: number | undefined }>
}

/** Reads a persisted state, or undefined when the file does not exist. */
export async function loadState(file: string): Promise<SandboxState | undefined> {
  const text = await nodeFileSystem.readText(file)
  if (text === undefined) {
    return undefined
  }
  let parsed: SandboxState
  try {
    parsed = JSON.parse(text) as SandboxState
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error })
  }
  if (parsed?.version !== 1 || !Array.isArray(parsed.apps) || !parsed.keys) {
    throw new Error(`${file} is not a sandbox state file`)
  }
  return parsed
}

/**
 * Persists state after each change: writes are serialised and coalesced, each one atomic (temp file + rename), the
 * file 0600 because it holds secrets.
 */
export class StatePersister {
  private pending: Promise<void> = Promise.resolve()
  private dirty = false

  constructor(
    private readonly file: string,
    private readonly snapshot: () => SandboxState,
  ) {}

  /** Schedules a write of the current state. */
  schedule(): void {
    if (this.dirty) {
      return
    }
    this.dirty = true
    this.pending = this.pending.then(async () => {
      this.dirty = false
      await nodeFileSystem.writeTextAtomic(this.file, `${JSON.stringify(this.snapshot())}\n`, { mode: 0o600 })
    })
  }

  /** Resolves when every scheduled write is on disk. */
  async flush(): Promise<void> {
    await this.pending
  }
}
