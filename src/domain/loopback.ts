/**
 * The loopback ports `oidc-setup login` tries, in order, and that the `cli` preset registers with Okta. Okta
 * matches redirect URIs exactly, port included (no RFC 8252 any-port rule), so both must use this one list.
 */
export const DEFAULT_LOGIN_PORTS: readonly number[] = [8767, 18767, 28767]

/** The path of the loopback callback. */
export const LOOPBACK_CALLBACK_PATH = '/callback'

/** The redirect URI `login` uses on a given port. */
export function loopbackRedirectUri(port: number): string {
  return `http://127.0.0.1:${port}${LOOPBACK_CALLBACK_PATH}`
}
