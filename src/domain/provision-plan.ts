import { UsageError } from './errors.js'
import {
  MANAGED_MARKER,
  type AppSpec,
  type ClaimSpec,
  type PolicySpec,
  type RuleSpec,
  type ScopeSpec,
  type TrustedOriginSpec,
} from './okta-model.js'
import type { OktaAppRequirements } from '../targets/types.js'

/** Scopes every Okta authorization server has built in; oidc-setup never creates them. */
export const SYSTEM_SCOPES: ReadonlySet<string> = new Set([
  'openid',
  'profile',
  'email',
  'address',
  'phone',
  'offline_access',
  'device_sso',
])

/** Which authorization server to provision against. */
export type AuthServerSelection =
  | { kind: 'org' }
  | { kind: 'default' }
  | { kind: 'new' }
  | { kind: 'existing'; id: string }

/** Parses `--auth-server default|org|new|<id>`. */
export function parseAuthServerSelection(value: string): AuthServerSelection {
  const v = value.trim()
  if (v === 'org' || v === 'default' || v === 'new') {
    return { kind: v }
  }
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(v)) {
    throw new UsageError(`--auth-server must be "default", "org", "new" or an authorization server id, not "${value}"`)
  }
  return { kind: 'existing', id: v }
}

/** The kinds of object a provisioning run touches (the `type` of a change). */
export type ChangeType =
  | 'app'
  | 'client-secret'
  | 'authorization-server'
  | 'scope'
  | 'claim'
  | 'policy'
  | 'rule'
  | 'group-assignment'
  | 'user-assignment'
  | 'trusted-origin'
  | 'test-user'

/** What a run did (or, with --dry-run, would do) to one object. */
export interface Change {
  type: ChangeType
  name: string
  action: 'create' | 'update' | 'unchanged' | 'delete'
  id?: string | undefined
  /** For updates: the fields that differ. */
  fields?: string[] | undefined
}

/** Whether a list of changes contains any write. */
export function hasWrites(changes: readonly Change[]): boolean {
  return changes.some((c) => c.action !== 'unchanged')
}

/**
 * The app label used when --name is absent: derived from the target and the base URL's host, so the same command
 * always finds the same app.
 */
export function defaultAppLabel(target: string, baseUrl: URL | undefined): string {
  return baseUrl ? `${target} (${baseUrl.host})` : `${target} (oidc-setup)`
}

/** Flags of `okta create-app` that override a target preset. */
export interface AppOverrides {
  label: string
  redirectUris?: string[] | undefined
  postLogoutRedirectUris?: string[] | undefined
  /** Extra scopes to request (and create on a custom server when they are not system scopes). */
  scopes?: string[] | undefined
}

/** The app settings wanted for a target's requirements plus flag overrides. */
export function desiredApp(req: OktaAppRequirements, overrides: AppOverrides, profile: string): AppSpec {
  const grantTypes = unique(req.grantTypes)
  const spec: AppSpec = {
    label: overrides.label,
    applicationType: req.applicationType,
    grantTypes,
    responseTypes: unique(req.responseTypes),
    redirectUris: unique(overrides.redirectUris?.length ? overrides.redirectUris : req.redirectUris),
    postLogoutRedirectUris: unique(
      overrides.postLogoutRedirectUris?.length ? overrides.postLogoutRedirectUris : req.postLogoutRedirectUris,
    ),
    tokenEndpointAuthMethod: req.tokenEndpointAuthMethod,
    // Okta requires PKCE for public clients (token_endpoint_auth_method "none").
    pkceRequired: req.tokenEndpointAuthMethod === 'none' ? true : req.pkceRequired,
    notes: managedNote(profile),
  }
  // Explicit for every app: left out, an org with a custom domain would issue CUSTOM_URL tokens (issue 12 item 4).
  spec.issuerMode = req.issuerMode ?? 'ORG_URL'
  if (grantTypes.includes('refresh_token')) {
    spec.refreshTokenRotation = req.refreshTokenRotation ?? (req.applicationType === 'browser' ? 'ROTATE' : 'STATIC')
  }
  return spec
}

/** The admin note that marks an app as created by oidc-setup for a profile. */
export function managedNote(profile: string): string {
  return `${MANAGED_MARKER} (profile ${profile}); delete with: oidc-setup okta delete-app --profile ${profile}`
}

/** Reads the profile name back out of a managed note. */
export function profileOfNote(note: string | undefined): string | undefined {
  return note?.match(/\(profile ([A-Za-z0-9._-]+)\)/)?.[1]
}

/** All scopes a run requests: the target's plus the flags', without duplicates. */
export function requestedScopes(req: OktaAppRequirements, extra: readonly string[] = []): string[] {
  return unique([...req.scopes, ...extra])
}

/**
 * The custom scopes to ensure on a custom server: everything requested that is not a system scope. The description
 * names the profile that created the scope (several apps may share it; only its creator may delete it).
 */
export function desiredScopes(scopes: readonly string[], defaultScope: string | undefined, profile = ''): ScopeSpec[] {
  return scopes
    .filter((s) => !SYSTEM_SCOPES.has(s))
    .map((name) => ({
      name,
      description: `${MANAGED_MARKER} (profile ${profile})`,
      default: name === defaultScope,
      metadataPublish: 'ALL_CLIENTS',
      consent: 'IMPLICIT',
    }))
}

/** The groups claim (ID token, all groups); an access-token twin is not needed by any target. */
export function desiredGroupsClaim(): ClaimSpec {
  return {
    name: 'groups',
    claimType: 'IDENTITY',
    valueType: 'GROUPS',
    value: '.*',
    groupFilterType: 'REGEX',
    alwaysIncludeInToken: true,
    status: 'ACTIVE',
    scopes: [],
  }
}

/** The access policy that admits exactly this client. */
export function desiredPolicy(label: string, clientId: string): PolicySpec {
  return {
    name: truncate(`oidc-setup: ${label}`, 100),
    description: truncate(`${MANAGED_MARKER}: access for ${label}`, 255),
    status: 'ACTIVE',
    clientIds: [clientId],
  }
}

/** The name of the one rule in each oidc-setup policy (rule names are limited to 50 characters; the policy names the app). */
export const RULE_NAME = 'oidc-setup: allow assigned users'

/** The one rule of that policy: the app's grant types, everyone (assignments decide who), the requested scopes. */
export function desiredRule(grantTypes: readonly string[], scopes: readonly string[]): RuleSpec {
  return {
    name: RULE_NAME,
    status: 'ACTIVE',
    grantTypes: unique(grantTypes),
    scopes: scopes.length ? unique(scopes) : ['*'],
    groups: ['EVERYONE'],
    users: [],
    accessTokenLifetimeMinutes: 60,
    refreshTokenLifetimeMinutes: 0,
    refreshTokenWindowMinutes: 10080,
  }
}

/** The trusted origin a browser app needs (CORS for the token call, REDIRECT for sign-out). */
export function desiredTrustedOrigin(label: string, origin: string): TrustedOriginSpec {
  return { name: truncate(`oidc-setup: ${label}`, 255), origin, scopes: ['CORS', 'REDIRECT'] }
}

/**
 * Names the fields of `desired` that differ in `current`. Arrays compare as sets (Okta does not promise an order);
 * undefined in `desired` means "don't care".
 */
export function changedFields<T extends object>(current: T, desired: Partial<T>, keys?: Array<keyof T>): string[] {
  const fields = keys ?? (Object.keys(desired) as Array<keyof T>)
  const changed: string[] = []
  for (const key of fields) {
    const want = desired[key]
    if (want === undefined) {
      continue
    }
    if (!sameValue(current[key], want)) {
      changed.push(String(key))
    }
  }
  return changed
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) {
      return Array.isArray(b) && b.length === 0 && (a === undefined || a === null)
    }
    const sa = [...new Set(a.map(String))].sort()
    const sb = [...new Set(b.map(String))].sort()
    return sa.length === sb.length && sa.every((v, i) => v === sb[i])
  }
  return a === b
}

/** The app fields oidc-setup owns (notes are set on create and left alone afterwards). */
export const APP_FIELDS: Array<keyof AppSpec> = [
  'label',
  'applicationType',
  'grantTypes',
  'responseTypes',
  'redirectUris',
  'postLogoutRedirectUris',
  'tokenEndpointAuthMethod',
  'pkceRequired',
  'refreshTokenRotation',
  'issuerMode',
]

function unique(values: readonly string[]): string[] {
  return [...new Set(values)]
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max)
}
