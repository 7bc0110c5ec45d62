/** Text that stands in for a secret in any output. */
export const REDACTED = '[redacted]'

const PATTERNS: RegExp[] = [
  // Authorization headers: SSWS api tokens, bearer and DPoP tokens, basic credentials.
  /\b(SSWS|Bearer|DPoP|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/g,
  // JWTs anywhere (access and ID tokens, client assertions).
  /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
  // key=value or "key": "value" for secret-bearing names.
  /((?:client_secret|clientSecret|client-secret|refresh_token|access_token|id_token|apiToken|api_token|password|code_verifier|private_key|privateKey|token)["']?\s*[:=]\s*["']?)([^"'&\s,}]+)/gi,
]

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
  out = out.replace(PATTERNS[0]!, (_m, scheme: string) => `${scheme} ${REDACTED}`)
  out = out.replace(PATTERNS[1]!, REDACTED)
  out = out.replace(PATTERNS[2]!, (_m, prefix: string) => `${prefix}${REDACTED}`)
  return out
}
