import type { Profile } from './profile.js'

/**
 * An Okta org connection: the org URL and how the Management API is reached, kept apart from app profiles (issue 9
 * item 3) as `<config home>/connections/<name>.json`. Many profiles (and a spec's environments) reference one
 * connection by name. The API token or private key itself lives in the secret store under connectionSecretKeys.
 */
export interface Connection {
  name: string
  /** Okta org URL, e.g. https://example.okta.com (no trailing slash). */
  orgUrl: string
  management: NonNullable<Profile['management']>
  updatedAt?: string | undefined
}

/** The connection `okta configure` writes when no `--org NAME` is given, and the one commands fall back to. */
export const DEFAULT_CONNECTION = 'default'

/** Names of the secret-store entries of a connection. */
export const connectionSecretKeys = {
  apiToken: (connection: string) => `connection:${connection}:okta-api-token`,
  privateKey: (connection: string) => `connection:${connection}:okta-private-key`,
} as const

/**
 * The profile name `okta create-app` / `setup` use when `--profile` is not given: derived from the target and the
 * base URL host (or the label for targets without one), so creating an app never repoints an existing profile.
 */
export function derivedProfileName(target: string, baseUrl: string | undefined, label?: string | undefined): string {
  let tail = ''
  if (baseUrl) {
    try {
      tail = new URL(baseUrl).host
    } catch {
      tail = baseUrl
    }
  } else if (label) {
    tail = label
  }
  const slug = (text: string): string =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[-._]+|[-._]+$/g, '')
  const name = tail ? `${slug(target)}-${slug(tail)}` : slug(target)
  return name.slice(0, 64).replace(/[-._]+$/, '') || 'app'
}
