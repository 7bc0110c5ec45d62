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

/** The Management API scopes oidc-setup asks for in private_key_jwt mode. */
export const DEFAULT_MANAGEMENT_SCOPES: readonly string[] = [
  'okta.apps.read',
  'okta.apps.manage',
  'okta.authorizationServers.read',
  'okta.authorizationServers.manage',
  'okta.trustedOrigins.read',
  'okta.trustedOrigins.manage',
  'okta.groups.read',
  'okta.users.read',
]

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
