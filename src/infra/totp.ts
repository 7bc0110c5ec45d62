// TOTP (RFC 6238: HMAC-SHA-1, 30-second steps, 6 digits) with base32 seeds (RFC 4648), as Okta Verify and Google
// Authenticator use them (Okta's `token:software:totp` factor).
import { createHmac, randomBytes } from 'node:crypto'

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** A new random base32 seed (20 bytes, 32 characters). */
export function newTotpSecret(): string {
  let bits = ''
  for (const byte of randomBytes(20)) {
    bits += byte.toString(2).padStart(8, '0')
  }
  return (bits.match(/.{5}/g) ?? []).map((chunk) => BASE32[parseInt(chunk, 2)]).join('')
}

function decodeBase32(secret: string): Buffer {
  const bits = secret
    .toUpperCase()
    .replace(/[\s=]/g, '')
    .split('')
    .map((c) => {
      const value = BASE32.indexOf(c)
      if (value < 0) {
        throw new Error('the TOTP secret is not base32')
      }
      return value.toString(2).padStart(5, '0')
    })
    .join('')
  return Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)))
}

/** The TOTP code of a base32 seed at a time (ms since the epoch; default now). */
export function totpCode(secret: string, at = Date.now()): string {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)))
  const mac = createHmac('sha1', decodeBase32(secret)).update(counter).digest()
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000
  return String(value).padStart(6, '0')
}

/** Whether a code matches the seed now, allowing one step of clock drift either way (as Okta does). */
export function totpMatches(secret: string, code: string, at = Date.now()): boolean {
  return /^\d{6}$/.test(code) && [-1, 0, 1].some((step) => totpCode(secret, at + step * 30_000) === code)
}
