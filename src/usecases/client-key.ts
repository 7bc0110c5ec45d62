import type { PublicJwk } from '../domain/client-key.js'

/** A freshly generated client signing key: the public JWK to register with Okta, the private one for the store. */
export interface GeneratedClientKey {
  kid: string
  publicJwk: PublicJwk
  /** The private JWK as JSON (what the secret store keeps); never printed or written elsewhere. */
  privateJwk: string
}

const PUBLIC_RSA = ['kty', 'n', 'e'] as const

/**
 * Generates an RS256 (RSA 2048) key pair locally with Web Crypto; the private key never leaves this process except
 * into the secret store. RSA because every relying-party library that does private_key_jwt takes it; Okta accepts
 * RSA and EC (management-api.yaml OAuth2ClientJsonSigningKeyRequest). The kid is the RFC 7638 thumbprint, so the
 * same key always has the same id.
 */
export async function generateClientKey(): Promise<GeneratedClientKey> {
  const subtle = globalThis.crypto.subtle
  const pair = await subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )
  const pub = (await subtle.exportKey('jwk', pair.publicKey)) as Record<string, unknown>
  const priv = (await subtle.exportKey('jwk', pair.privateKey)) as Record<string, unknown>
  // RFC 7638 §3.2: the required members in lexicographic order, no whitespace.
  const canonical = JSON.stringify({ e: pub.e, kty: pub.kty, n: pub.n })
  const digest = new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(canonical)))
  const kid = Buffer.from(digest).toString('base64url')
  const publicJwk: PublicJwk = { kid, alg: 'RS256', use: 'sig' }
  for (const m of PUBLIC_RSA) {
    publicJwk[m] = String(pub[m])
  }
  const privateJwk = JSON.stringify({ ...Object.fromEntries(Object.entries(priv).filter(([k]) => k !== 'key_ops' && k !== 'ext')), kid, alg: 'RS256', use: 'sig' })
  return { kid, publicJwk, privateJwk }
}
