/** Text that stands in for a secret in any output. */
export const REDACTED = '[redacted]'

// Authorization headers: SSWS api tokens, bearer and DPoP tokens, basic credentials.
const AUTH_HEADER = /\b(SSWS|Bearer|DPoP|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/g
// JWTs anywhere (access and ID tokens, client assertions).
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g
// key=value or "key": "value" for secret-bearing names.
const SECRET_FIELD = /((?:client_secret|clientSecret|client-secret|refresh_token|access_token|id_token|apiToken|api_token|password|code_verifier|private_key|privateKey|token)["']?\s*[:=]\s*["']?)([^"'&\s,}]+)/gi

/**
 * Removes secrets from text meant for people (debug traces, error messages): known secret values given by the
 * caller, and anything shaped like a token or a secret-named field.
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
  out = out.replace(SECRET_FIELD, (_m, prefix: string) => `${prefix}${REDACTED}`)
  return out
}
