import { UsageError } from './errors.js'

/** How oidc-setup authenticates to the Okta Management API. */
export type OktaAuth =
  | { mode: 'SSWS'; token: string }
  | { mode: 'PrivateKey'; clientId: string; scopes: string[]; privateKey: string; keyId?: string | undefined }

/** Resolved Management API credentials and where they came from (for messages, never the secret itself). */
export interface OktaCredentials {
  orgUrl: string
  auth: OktaAuth
  /** e.g. `profile "default"`, `OKTA_CLIENT_* environment variables`, `~/.okta/okta.yaml`. */
  source: string
}

/**
 * The Okta API scopes a command that provisions an app needs (apps, authorization servers, trusted origins; reading
 * groups and users). Each call's own scope is requested on top when it needs one more (`okta.users.manage` to create
 * or delete a test user), so a token never carries more than the command uses.
 */
export const PROVISION_SCOPES: readonly string[] = [
  'okta.apps.manage',
  'okta.authorizationServers.manage',
  'okta.trustedOrigins.manage',
  'okta.groups.read',
  'okta.users.read',
]

/** PROVISION_SCOPES, with okta.users.manage when the run creates a test user (POST /api/v1/users needs it, per the spec). */
export function provisionScopes(options: { testUser?: boolean | undefined }): string[] {
  return options.testUser ? [...PROVISION_SCOPES.filter((s) => s !== 'okta.users.read'), 'okta.users.manage'] : [...PROVISION_SCOPES]
}

/** The Okta API scopes of a command that only reads (doctor, show, apps list, the checks of `okta configure`). */
export const READ_SCOPES: readonly string[] = [
  'okta.apps.read',
  'okta.authorizationServers.read',
  'okta.groups.read',
  'okta.trustedOrigins.read',
]

/**
 * The Okta API scope a Management API call needs: `okta.<area>.read` for GET, `okta.<area>.manage` for writes, the
 * area being the resource the path names (as each operation's `security` lists it in Okta's OpenAPI description,
 * ../shared/okta/management-api.yaml: e.g. `PUT /api/v1/apps/{appId}/policies/{policyId}` needs okta.apps.manage,
 * `GET /api/v1/apps/{appId}/grants` okta.appGrants.read).
 */
export function managementScopeFor(method: string, path: string): string {
  const write = method.toUpperCase() !== 'GET' && method.toUpperCase() !== 'HEAD'
  let area = 'apps'
  if (/^\/api\/v1\/apps\/[^/]+\/grants/.test(path)) {
    area = 'appGrants'
  } else if (path.startsWith('/api/v1/authorizationServers')) {
    area = 'authorizationServers'
  } else if (path.startsWith('/api/v1/trustedOrigins')) {
    area = 'trustedOrigins'
  } else if (path.startsWith('/api/v1/groups')) {
    area = 'groups'
  } else if (path.startsWith('/api/v1/users')) {
    area = 'users'
  } else if (path.startsWith('/api/v1/policies')) {
    area = 'policies'
  } else if (path.startsWith('/oauth2/v1/clients')) {
    area = 'clients'
  }
  return `okta.${area}.${write ? 'manage' : 'read'}`
}

/** Whether granted scopes allow what `needed` allows (Okta: a `.manage` scope also reads its area). */
export function scopeCovered(granted: ReadonlySet<string>, needed: string): boolean {
  return granted.has(needed) || (needed.endsWith('.read') && granted.has(needed.replace(/\.read$/, '.manage')))
}

/**
 * The scopes to ask the token endpoint for, so that every needed one is covered: a scope the user says is granted
 * (`okta configure --scope`) is used as it is, a `.read` need is met by a granted `.manage`, and a need nothing
 * granted covers is requested anyway (Okta then answers invalid_scope, naming it). Sorted, without duplicates.
 */
export function scopesToRequest(needed: readonly string[], granted: readonly string[]): string[] {
  const grantedSet = new Set(granted)
  const out = new Set<string>()
  for (const n of needed) {
    if (grantedSet.size && !grantedSet.has(n) && scopeCovered(grantedSet, n)) {
      out.add(n.replace(/\.read$/, '.manage'))
    } else {
      out.add(n)
    }
  }
  // A .read next to its .manage adds nothing.
  return [...out].filter((s) => !(s.endsWith('.read') && out.has(s.replace(/\.read$/, '.manage')))).sort()
}

/**
 * Normalises an Okta org URL: https (http only for loopback, e.g. the sandbox), no path, query, fragment,
 * credentials or trailing slash. Throws a UsageError naming the flag.
 */
export function normalizeOrgUrl(value: string, flag = '--org-url'): string {
  let url: URL
  try {
    url = new URL(value.trim())
  } catch {
    throw new UsageError(`${flag} is not a URL: "${value}"`, { hint: 'use the form https://your-org.okta.com' })
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]'
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new UsageError(`${flag} must use https: "${value}"`, { hint: 'use the form https://your-org.okta.com' })
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new UsageError(`${flag} must not contain credentials, a query or a fragment: "${value}"`)
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    throw new UsageError(`${flag} must be the org URL without a path: "${value}"`, {
      hint: `use ${url.origin} (issuers like ${url.origin}/oauth2/default are derived from it)`,
    })
  }
  if (url.hostname.endsWith('-admin.okta.com') || url.hostname.endsWith('-admin.oktapreview.com')) {
    throw new UsageError(`${flag} is the admin console URL: "${value}"`, {
      hint: `use the org URL without "-admin": ${url.origin.replace('-admin.', '.')}`,
    })
  }
  return url.origin
}
