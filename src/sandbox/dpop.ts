// DPoP (RFC 9449) as Okta runs it: service apps with `dpop_bound_access_tokens: true` get DPoP-bound tokens from the
// org authorization server after the `use_dpop_nonce` handshake (§8), and the Management API accepts such a token only
// with `Authorization: DPoP` and a valid proof (§7): `htm` equal to the request's method, `htu` equal to the request
// URL as Okta compares it (the decoded path, okta/okta-sdk-nodejs#521 and okta/okta-sdk-python#541), `ath` the
// token's hash, a fresh `iat`, an unused `jti`. https://developer.okta.com/docs/guides/dpop/oktaresourceserver/main/
import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto'

/** Why a proof was refused, in Okta's words (the `error_description` of `invalid_dpop_proof`). */
export class DpopError extends Error {}

/** The algorithms Okta accepts for proofs (its WWW-Authenticate `algs`). */
export const DPOP_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512']

const HASH: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512', ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' }
/** How far a proof's `iat` may be from now, in seconds. */
const IAT_WINDOW = 60
const b64 = (value: Buffer | string): string => Buffer.from(value).toString('base64url')

/** The JWK SHA-256 thumbprint (RFC 7638) a bound token's `cnf.jkt` names. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const members =
    jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { e: jwk.e, kty: jwk.kty, n: jwk.n }
  return b64(createHash('sha256').update(JSON.stringify(members)).digest())
}

/** `ath`: the base64url SHA-256 of the access token. */
export function accessTokenHash(token: string): string {
  return b64(createHash('sha256').update(token).digest())
}

/** What a proof must say for this request. */
export interface ProofExpectation {
  /** The request's method exactly as sent (RFC 9449 §4.3: "the value of the HTTP method"). */
  htm: string
  /** The request URL without query and fragment, compared as Okta compares it. */
  htu: string
  /** The access token the proof accompanies (resource requests). */
  accessToken?: string
  /** The thumbprint the token is bound to (resource requests). */
  jkt?: string
  /** The nonce the server requires (token requests), when it does. */
  nonce?: string
}

/** A verified proof: the key's thumbprint and whether it carried the expected nonce. */
export interface VerifiedProof {
  jkt: string
  nonce: string | undefined
}

/** The server's memory of proofs (replay) and nonces. */
export class DpopVerifier {
  private readonly seen = new Map<string, number>()
  private nonceValue = b64(randomBytes(16))
  private nonceIssued = Date.now()

  /** The current nonce (rotated every 5 minutes; the previous one is not kept, as a client simply retries). */
  nonce(): string {
    if (Date.now() - this.nonceIssued > 5 * 60_000) {
      this.nonceValue = b64(randomBytes(16))
      this.nonceIssued = Date.now()
    }
    return this.nonceValue
  }

  /** Verifies a proof header value against the expectation; throws DpopError with Okta's description otherwise. */
  verify(proof: string | undefined, expected: ProofExpectation): VerifiedProof {
    if (!proof) {
      throw new DpopError('The DPoP proof JWT header is missing.')
    }
    const parts = proof.split('.')
    if (parts.length !== 3) {
      throw new DpopError('The DPoP proof JWT is malformed.')
    }
    const [h, p, s] = parts as [string, string, string]
    let header: { typ?: unknown; alg?: unknown; jwk?: JsonWebKey & { d?: unknown } }
    let claims: { htm?: unknown; htu?: unknown; iat?: unknown; jti?: unknown; ath?: unknown; nonce?: unknown }
    try {
      header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as typeof header
      claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as typeof claims
    } catch {
      throw new DpopError('The DPoP proof JWT is malformed.')
    }
    if (header.typ !== 'dpop+jwt') {
      throw new DpopError("The DPoP proof JWT 'typ' header is invalid.")
    }
    if (typeof header.alg !== 'string' || !DPOP_ALGS.includes(header.alg) || !header.jwk || header.jwk.d !== undefined) {
      throw new DpopError("The DPoP proof JWT 'alg' or 'jwk' header is invalid.")
    }
    let valid = false
    try {
      const key = createPublicKey({ key: header.jwk, format: 'jwk' })
      const options = header.alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' as const } : key
      valid = verify(HASH[header.alg] ?? 'sha256', Buffer.from(`${h}.${p}`), options, Buffer.from(s, 'base64url'))
    } catch {
      valid = false
    }
    if (!valid) {
      throw new DpopError('The DPoP proof JWT signature is invalid.')
    }
    if (claims.htm !== expected.htm) {
      throw new DpopError("'htm' claim in the DPoP proof JWT is invalid.")
    }
    if (typeof claims.htu !== 'string' || stripQuery(claims.htu) !== expected.htu) {
      throw new DpopError("'htu' claim in the DPoP proof JWT is invalid.")
    }
    const now = Math.floor(Date.now() / 1000)
    if (typeof claims.iat !== 'number' || Math.abs(now - claims.iat) > IAT_WINDOW) {
      throw new DpopError("'iat' claim in the DPoP proof JWT is invalid.")
    }
    if (typeof claims.jti !== 'string' || !claims.jti) {
      throw new DpopError("'jti' claim in the DPoP proof JWT is missing.")
    }
    const jkt = jwkThumbprint(header.jwk)
    if (expected.accessToken !== undefined && claims.ath !== accessTokenHash(expected.accessToken)) {
      throw new DpopError("'ath' claim in the DPoP proof JWT is invalid.")
    }
    if (expected.jkt !== undefined && jkt !== expected.jkt) {
      throw new DpopError('The DPoP proof JWT key does not match the key the access token is bound to.')
    }
    this.forget(now)
    const replayKey = `${jkt}:${claims.jti}`
    if (this.seen.has(replayKey)) {
      throw new DpopError("'jti' claim in the DPoP proof JWT has already been used.")
    }
    // A proof without the required nonce is not consumed: the client retries it with the nonce (§8).
    if (expected.nonce !== undefined && claims.nonce !== expected.nonce) {
      return { jkt, nonce: undefined }
    }
    this.seen.set(replayKey, now)
    return { jkt, nonce: typeof claims.nonce === 'string' ? claims.nonce : undefined }
  }

  private forget(now: number): void {
    for (const [k, at] of this.seen) {
      if (now - at > IAT_WINDOW * 2) {
        this.seen.delete(k)
      }
    }
  }
}

function stripQuery(url: string): string {
  const cut = url.search(/[?#]/)
  return cut < 0 ? url : url.slice(0, cut)
}

/**
 * The URL a resource request's proof must name, as Okta compares it: origin plus the percent-decoded path
 * (okta/okta-sdk-nodejs#521: `/api/v1/users/t.user%40example.com` must be sent as `…/t.user@example.com`).
 */
export function resourceHtu(orgUrl: string, rawPath: string): string {
  let path = rawPath
  try {
    path = decodeURIComponent(rawPath)
  } catch {
    // keep it as sent
  }
  return `${orgUrl}${path}`
}
