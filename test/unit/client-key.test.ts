// Issue 15 item 2: the locally generated private_key_jwt key pair and the per-target choice of client auth.
import { calculateJwkThumbprint } from 'jose'
import { describe, expect, it } from 'vitest'
import { parseStoredClientKey, publicJwkOf } from '../../src/domain/client-key.js'
import { UsageError } from '../../src/domain/errors.js'
import { clientAuthMethod } from '../../src/targets/client-auth.js'
import { requireTarget } from '../../src/targets/index.js'
import { generateClientKey } from '../../src/usecases/client-key.js'

describe('generateClientKey', () => {
  it('an RS256 2048 pair whose kid is the RFC 7638 thumbprint; the public JWK has no private member', async () => {
    const key = await generateClientKey()
    expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk as never, 'sha256'))
    expect(key.publicJwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: key.kid, e: 'AQAB' })
    expect(Buffer.from(String(key.publicJwk.n), 'base64url').length).toBe(256)
    for (const m of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
      expect(key.publicJwk[m]).toBeUndefined()
    }
    const stored = parseStoredClientKey(key.privateJwk)
    expect(stored?.kid).toBe(key.kid)
    expect(typeof stored?.jwk.d).toBe('string')
    expect(publicJwkOf(stored!)).toEqual(key.publicJwk)
    expect((await generateClientKey()).kid).not.toBe(key.kid)
  })

  it('parseStoredClientKey refuses what is not a private JWK', () => {
    expect(parseStoredClientKey(undefined)).toBeUndefined()
    expect(parseStoredClientKey('not json')).toBeUndefined()
    expect(parseStoredClientKey('{"kty":"RSA","kid":"k","n":"x","e":"AQAB"}')).toBeUndefined()
  })
})

describe('clientAuthMethod', () => {
  const req = (name: string) => requireTarget(name).requirements({ baseUrl: new URL('https://app.example.com'), settings: {} })
  it.each([
    ['service', undefined, 'client_secret_basic'],
    ['service', 'private-key-jwt', 'private_key_jwt'],
    ['web', 'private-key-jwt', 'private_key_jwt'],
    ['web', 'client-secret', 'client_secret_basic'],
    ['kestra', 'client-secret', 'client_secret_basic'],
  ] as const)('%s with %s → %s', (target, auth, method) => {
    expect(clientAuthMethod(requireTarget(target), req(target), auth)).toBe(method)
  })

  it.each([
    ['apache', 'target "apache" cannot use private_key_jwt: mod_auth_openidc reads the private key from a PEM file on disk (OIDCPrivateKeyFiles), and oidc-setup keeps it in the secret store only'],
    ['authjs', 'target "authjs" cannot use private_key_jwt: Auth.js takes the private key only in code (provider token.clientPrivateKey), and oidc-setup renders only .env.local'],
    ['vault', 'target "vault" cannot use private_key_jwt: oidc-setup has not verified a private-key client setting in its config, so it renders a client secret only'],
    ['cli', 'target "cli" is a public client: it has no client authentication to choose (--client-auth private-key-jwt)'],
  ])('refuses %s (UsageError, exit 2)', (target, message) => {
    let error: unknown
    try {
      clientAuthMethod(requireTarget(target), req(target), 'private-key-jwt')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).message).toBe(message)
    expect((error as UsageError).exitCode).toBe(2)
  })
})
