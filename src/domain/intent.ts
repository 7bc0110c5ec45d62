/**
 * What the user asked for, for one app: the single source of "what should exist". A spec file's app entry, the
 * flags of `okta create-app` / `setup`, an adopted app and a legacy profile all become an AppIntent; the reconcile
 * engine turns intents plus what Okta holds into a plan; each profile keeps the intent it was last applied with, so
 * doctor, --fix, re-runs, render-config and delete-app read the user's intent, never defaults.
 *
 * Plain JSON data (it is stored in the profile): no URL objects, no target modules, never a secret.
 */
export interface AppIntent {
  /** The profile name (the spec's app `name`). */
  name: string
  /** Canonical target name (e.g. `openmetadata`, never an alias). */
  target: string
  /** The org connection (org URL + Management API credentials) the app lives in. */
  connection?: string | undefined
  /** The application's base URL, no trailing slash; absent for targets that need none (cli, service). */
  baseUrl?: string | undefined
  /** App label; absent: derived from the target and the base URL host. */
  label?: string | undefined
  /** `org`, `default`, `new` (a server of its own) or a server id/name; absent: the target's preference. */
  authServer?: string | undefined
  /** Scopes requested beyond the target's own; custom ones are created on the server. */
  scopes: string[]
  /** A groups claim in ID tokens (custom servers), optionally with a group-name filter (regex). */
  groupsClaim?: { name: string; filter?: string | undefined } | undefined
  assign: { groups: string[]; users: string[] }
  /** Replace the target's sign-in / sign-out redirect URIs (absent: the target's own). */
  redirectUris?: string[] | undefined
  logoutUris?: string[] | undefined
  /** Origins to trust beyond the target's own (CORS + redirect). */
  trustedOrigins: string[]
  /**
   * List semantics: `keep` (default) keeps entries added outside oidc-setup that cannot weaken the app (extra
   * redirect/sign-out URIs, assignments, trusted origins) and shows them as kept; `exact` removes them.
   */
  lists?: 'keep' | 'exact' | undefined
  /** Token lifetimes of the access policy rule (custom servers). */
  tokenLifetimes?: { accessTokenMinutes?: number | undefined; refreshTokenMinutes?: number | undefined } | undefined
  /** The target's settings (see TargetModule.settings). */
  settings: Record<string, string | string[] | boolean>
  /** How the client authenticates (issue 15: private_key_jwt); absent: the target's default. */
  clientAuth?: 'client-secret' | 'private-key-jwt' | undefined
  /** Which issuer the ID tokens carry (`settings.oauthClient.issuer_mode`); absent: what the target documents. */
  issuerMode?: 'ORG_URL' | 'CUSTOM_URL' | undefined
  /** A user to create with a random password and assign (setup --test-user). */
  testUser?: string | undefined
  /** Where and how to render the target's files. */
  render?: { out: string; format?: 'native' | 'env' | undefined; secretRef?: 'env' | undefined } | undefined
}
