/** Text that stands in for a secret in any output. */
export const REDACTED = '[redacted]'

// Authorization headers: SSWS api tokens, bearer and DPoP tokens, basic credentials.
const AUTH_HEADER = /\b(SSWS|Bearer|DPoP|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/g
// JWTs anywhere (access and ID tokens, client assertions, DPoP proofs).
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g
// Okta API tokens: "00" and 40 base64url characters (the SSWS token shown once at creation).
const OKTA_API_TOKEN = /(?<![A-Za-z0-9_-])00[A-Za-z0-9_-]{40}(?![A-Za-z0-9_-])/g
const NAMES =
  'client_secret|clientSecret|client-secret|refresh_token|access_token|id_token|apiToken|api_token|password|code_verifier|private_key|privateKey|token'
// Machine-written fields, where the value is always data: form and query `name=value`, JSON `"name": "value"`.
const FORM_FIELD = new RegExp(`((?<![A-Za-z0-9_-])(?:${NAMES})=)([^"'&\\s,}]+)`, 'gi')
const JSON_FIELD = new RegExp(`("(?:${NAMES})"\\s*:\\s*")((?:[^"\\\\]|\\\\.)+)`, 'gi')
// `name: value` (YAML, logs) is also how people write prose ("refresh token: the Refresh Token grant…"), so the
// value is redacted only when it is shaped like a secret: 16+ token characters, not a plain lower-case word.
const COLON_FIELD = new RegExp(`((?<![A-Za-z0-9_-])(?:${NAMES})["']?\\s*:\\s*["']?)([A-Za-z0-9._~+/=-]{16,})`, 'gi')
const WORDISH = /^[a-z_]+$/

/**
 * Removes secrets from text meant for people (debug traces, error messages): known secret values given by the
 * caller, token-shaped strings (JWTs, Okta API tokens, authorization headers), and the values of secret-named
 * fields in machine-written form (`name=value`, `"name": "value"`, or `name: value` with a token-shaped value).
 * Prose such as "no refresh token: offline_access" is left as written.
 */
export function redact(text: string, knownSecrets: Iterable<string> = []): string {
  let out = text
  for (const secret of knownSecrets) {
    if (secret.length >= 4) {
      out = out.split(secret).join(REDACTED)
    }
  }
  out = out.replace(AUTH_HEADER, (_m, scheme: string) => `${scheme} ${REDACTED}`)
  out = out.replace(JWT, REDACTED)
  out = out.replace(OKTA_API_TOKEN, REDACTED)
  out = out.replace(FORM_FIELD, (_m, prefix: string) => `${prefix}${REDACTED}`)
  out = out.replace(JSON_FIELD, (_m, prefix: string) => `${prefix}${REDACTED}`)
  out = out.replace(COLON_FIELD, (m, prefix: string, value: string) => (WORDISH.test(value) ? m : `${prefix}${REDACTED}`))
  return out
}
