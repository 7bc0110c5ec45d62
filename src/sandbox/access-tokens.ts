// Okta's custom authorization servers issue JWT access tokens (ver, jti "AT.…", iss, aud, cid, uid, scp, sub). The
// sandbox's OpenID provider keeps opaque tokens; on the way out the token response's access token is replaced by such
// a JWT whose jti names the opaque token, and on the way in (userinfo, introspect, revoke) the JWT is mapped back.
import { createPrivateKey, createPublicKey, sign, verify, type JsonWebKey } from 'node:crypto'
import type { Org } from './org.js'
import type { ServerRecord } from './store.js'
import { asObject, asStringArray, type JsonObject } from './util.js'

const b64 = (value: string | Buffer): string => Buffer.from(value).toString('base64url')

/** What the stored opaque token says. */
export interface OpaqueToken {
  id: string
  clientId: string
  accountId: string | undefined
  scope: string
  iat: number
  exp: number
}

/** Signs an Okta-shaped access token for a custom server. `resourceClaims` come from the server's RESOURCE claims. */
export function mintAccessToken(
  org: Org,
  server: ServerRecord,
  jwk: JsonWebKey & { kid: string },
  token: OpaqueToken,
  resourceClaims: JsonObject,
  issuer = org.issuer(server.id),
): string {
  const user = token.accountId ? org.state.users.find((u) => u.id === token.accountId) : undefined
  const payload: JsonObject = {
    ver: 1,
    jti: `AT.${token.id}`,
    iss: issuer,
    aud: asStringArray(server.server.audiences)?.[0] ?? `api://${server.id}`,
    iat: token.iat,
    exp: token.exp,
    cid: token.clientId,
    ...(user ? { uid: user.id } : {}),
    scp: token.scope.split(' ').filter(Boolean),
    sub: user ? String(asObject(user.user.profile).login ?? user.id) : token.clientId,
    ...resourceClaims,
  }
  const header = { kid: jwk.kid, alg: 'RS256' }
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`
  const signature = sign('RSA-SHA256', Buffer.from(input), createPrivateKey({ key: jwk, format: 'jwk' }))
  return `${input}.${b64(signature)}`
}

/** The opaque token id behind a JWT access token this server signed, or undefined when `value` is not one. */
export function opaqueIdOf(org: Org, server: ServerRecord, jwk: (JsonWebKey & { kid: string }) | undefined, value: string): string | undefined {
  const parts = value.split('.')
  if (parts.length !== 3 || !jwk) {
    return undefined
  }
  const [header, body, signature] = parts as [string, string, string]
  try {
    const publicKey = createPublicKey(createPrivateKey({ key: jwk, format: 'jwk' }))
    const ok = verify('RSA-SHA256', Buffer.from(`${header}.${body}`), publicKey, Buffer.from(signature, 'base64url'))
    if (!ok) {
      return undefined
    }
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as JsonObject
    const issuers = [org.issuer(server.id, 'org'), org.issuer(server.id, 'custom')]
    if (!issuers.includes(String(payload.iss)) || typeof payload.jti !== 'string' || !payload.jti.startsWith('AT.')) {
      return undefined
    }
    return payload.jti.slice(3)
  } catch {
    return undefined
  }
}
