import { UsageError } from './errors.js'

/** What a URL check found besides hard errors: warnings to print on stderr. */
export interface CheckedUrl {
  url: URL
  /** The URL as text without a trailing slash (the form every target derives its paths from). */
  text: string
  warnings: string[]
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/** Whether a host name is a loopback address (http is acceptable there). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || hostname.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(hostname)
}

/**
 * Validates a URL given on the command line (or read from a profile field): http(s) only, no credentials, no
 * fragment, no query. Throws a UsageError naming `source` (e.g. `--base-url`). A trailing slash is dropped; http on
 * a host other than loopback is allowed with a warning (a production login over http leaks codes and cookies).
 */
export function checkHttpUrl(source: string, value: string): CheckedUrl {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(`${source} is not a valid URL: "${value}"`, {
      hint: `pass an absolute URL such as https://app.example.com to ${source}`,
    })
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${source} must be an http(s) URL, not "${url.protocol}"`, {
      hint: `pass an absolute URL such as https://app.example.com to ${source}`,
    })
  }
  if (url.username !== '' || url.password !== '') {
    throw new UsageError(`${source} must not contain credentials (user:password@)`, {
      hint: 'remove the user name and password from the URL; secrets never go in URLs',
    })
  }
  if (url.hash !== '' || value.includes('#')) {
    throw new UsageError(`${source} must not contain a fragment ("#…")`, {
      hint: `remove everything from "#" on in ${source}`,
    })
  }
  if (url.search !== '' || value.includes('?')) {
    throw new UsageError(`${source} must not contain a query ("?…")`, {
      hint: `remove everything from "?" on in ${source}`,
    })
  }
  const warnings: string[] = []
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    warnings.push(
      `${source} uses http on a non-loopback host (${url.hostname}): authorization codes and session cookies would travel unencrypted; use https in production`,
    )
  }
  const text = `${url.origin}${url.pathname.replace(/\/+$/, '')}`
  return { url: new URL(text), text, warnings }
}

/** The two kinds of Okta authorization server an issuer can name. */
export type IssuerKind = 'org' | 'custom'

/** An issuer checked and classified. */
export interface CheckedIssuer extends CheckedUrl {
  kind: IssuerKind
  /** For a custom authorization server, its id (e.g. `default`). */
  authServerId?: string | undefined
  /** The JWKS URL of the authorization server that signs this issuer's tokens. */
  jwksUri: string
  /** The OpenID discovery document of this issuer. */
  discoveryUri: string
}

/**
 * Validates an issuer the way checkHttpUrl does and classifies it: an org authorization server has no path
 * (`https://{org}.okta.com`), a custom one is `…/oauth2/{id}`. Okta publishes issuers without a trailing slash and
 * several targets compare the issuer byte for byte, so a trailing slash is removed with a warning.
 */
export function checkIssuer(source: string, value: string): CheckedIssuer {
  const checked = checkHttpUrl(source, value)
  const warnings = [...checked.warnings]
  if (value.endsWith('/')) {
    warnings.push(
      `removed the trailing slash from ${source}: Okta publishes its issuers without one and targets compare the issuer exactly`,
    )
  }
  const path = checked.url.pathname.replace(/\/+$/, '')
  const custom = /^\/oauth2\/([^/]+)$/.exec(path)
  const kind: IssuerKind = path === '' ? 'org' : 'custom'
  return {
    ...checked,
    warnings,
    kind,
    authServerId: custom?.[1],
    // The org authorization server keeps its endpoints under /oauth2/v1 although its issuer has no path.
    jwksUri: kind === 'org' ? `${checked.text}/oauth2/v1/keys` : `${checked.text}/v1/keys`,
    discoveryUri: `${checked.text}/.well-known/openid-configuration`,
  }
}

/** Joins a base URL (no trailing slash) and an absolute path. */
export function joinUrl(base: URL | string, path: string): string {
  const text = typeof base === 'string' ? base : `${base.origin}${base.pathname.replace(/\/+$/, '')}`
  return `${text.replace(/\/+$/, '')}${path}`
}
