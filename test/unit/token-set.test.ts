import { describe, expect, it } from 'vitest'
import { AuthError } from '../../src/domain/errors.js'
import { secretKeys } from '../../src/domain/profile.js'
import { decodeJwtPayload, execCredential, parseTokenSet, serializeTokenSet, toStoredTokenSet, type StoredTokenSet, type TokenResponse } from '../../src/domain/token-set.js'
import type { OidcClient, OidcServer } from '../../src/infra/oidc.js'
import type { SecretStore } from '../../src/infra/secret-store.js'
import { getToken, type GetTokenDeps } from '../../src/usecases/get-token.js'

const NOW = 1_800_000_000

function jwt(payload: Record<string, unknown>): string {
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')
  return `${part({ alg: 'none' })}.${part(payload)}.sig`
}

class MemorySecretStore implements SecretStore {
  readonly kind = 'file' as const
  readonly values = new Map<string, string>()
  describe(): string {
    return 'memory'
  }
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key)
  }
  async set(key: string, value: string): Promise<void> {
    this.values.set(key, value)
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key)
  }
}

function stored(overrides: Partial<StoredTokenSet> = {}): StoredTokenSet {
  return {
    version: 1,
    issuer: 'https://example.okta.com/oauth2/default',
    clientId: '0oa1',
    accessToken: 'at-1',
    tokenType: 'Bearer',
    expiresAt: NOW + 3600,
    idToken: jwt({ sub: 'u1', email: 'a@example.com', exp: NOW + 3600 }),
    refreshToken: 'rt-1',
    scopes: ['openid', 'offline_access'],
    subject: 'u1',
    email: 'a@example.com',
    obtainedAt: NOW,
    ...overrides,
  }
}

/** Deps whose oidc and lock record every use; refresh answers `response`. */
function deps(store: MemorySecretStore, response: TokenResponse | Error, nowSeconds = NOW) {
  const calls = { discover: 0, refresh: [] as string[], lock: 0 }
  const server = {
    issuer: 'https://example.okta.com/oauth2/default',
    async refresh(token: string) {
      calls.refresh.push(token)
      if (response instanceof Error) {
        throw response
      }
      return response
    },
  } as unknown as OidcServer
  const oidc: OidcClient = {
    async discover() {
      calls.discover++
      return server
    },
  }
  const d: GetTokenDeps = {
    profileExists: async () => true,
    secretStore: async () => store,
    clock: { now: () => new Date(nowSeconds * 1000), sleep: async () => undefined },
    oidc,
    lock: async () => {
      calls.lock++
      return async () => undefined
    },
  }
  return { d, calls }
}

const KEY = secretKeys.tokenSet('cli')

describe('getToken', () => {
  it('fast path: a token valid for --min-validity is returned without discovery, lock or refresh', async () => {
    const store = new MemorySecretStore()
    await store.set(KEY, serializeTokenSet(stored()))
    const { d, calls } = deps(store, new Error('must not refresh'))
    expect(await getToken({ profile: 'cli', kind: 'access', minValiditySeconds: 60 }, d)).toEqual({ token: 'at-1', expiresAt: NOW + 3600, refreshed: false, warnings: [] })
    expect(calls).toEqual({ discover: 0, refresh: [], lock: 0 })
  })

  it('refreshes when the token expires within --min-validity; the rotated refresh token replaces the old one, the ID token is kept when none comes back', async () => {
    const store = new MemorySecretStore()
    const before = stored({ expiresAt: NOW + 30 })
    await store.set(KEY, serializeTokenSet(before))
    const { d, calls } = deps(store, { accessToken: 'at-2', expiresIn: 3600, refreshToken: 'rt-2' })
    expect(await getToken({ profile: 'cli', kind: 'access', minValiditySeconds: 60 }, d)).toEqual({ token: 'at-2', expiresAt: NOW + 3600, refreshed: true, warnings: [] })
    expect(calls.refresh).toEqual(['rt-1'])
    const after = parseTokenSet(await store.get(KEY))
    expect(after).toMatchObject({ accessToken: 'at-2', refreshToken: 'rt-2', idToken: before.idToken, email: 'a@example.com', scopes: before.scopes })
  })

  it('keeps the refresh token when the server does not rotate it', async () => {
    const store = new MemorySecretStore()
    await store.set(KEY, serializeTokenSet(stored({ expiresAt: NOW - 1 })))
    const { d } = deps(store, { accessToken: 'at-2', expiresIn: 3600 })
    await getToken({ profile: 'cli', kind: 'access', minValiditySeconds: 60 }, d)
    expect(parseTokenSet(await store.get(KEY))?.refreshToken).toBe('rt-1')
  })

  it('uses the token another process refreshed while this one waited for the lock', async () => {
    const store = new MemorySecretStore()
    await store.set(KEY, serializeTokenSet(stored({ expiresAt: NOW - 1 })))
    const { d, calls } = deps(store, new Error('must not refresh'))
    d.lock = async () => {
      await store.set(KEY, serializeTokenSet(stored({ accessToken: 'at-other', refreshToken: 'rt-other' })))
      return async () => undefined
    }
    expect((await getToken({ profile: 'cli', kind: 'access', minValiditySeconds: 60 }, d)).token).toBe('at-other')
    expect(calls.refresh).toEqual([])
  })

  it('a failed refresh is exit 4 with "run `oidc-setup login`" and leaves the stored set alone', async () => {
    const store = new MemorySecretStore()
    const text = serializeTokenSet(stored({ expiresAt: NOW - 1 }))
    await store.set(KEY, text)
    const { d } = deps(store, new AuthError('could not refresh the token: the authorization server answered invalid_grant: The refresh token is invalid or expired.'))
    const error = await getToken({ profile: 'cli', kind: 'access', minValiditySeconds: 60 }, d).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect((error as AuthError).message).toBe(
      'could not refresh the token of profile "cli": the authorization server answered invalid_grant: The refresh token is invalid or expired.',
    )
    expect((error as AuthError).hint).toBe('run `oidc-setup login --profile cli`')
    expect(await store.get(KEY)).toBe(text)
  })

  it('no refresh token and an expired access token → exit 4 with the login hint', async () => {
    const store = new MemorySecretStore()
    await store.set(KEY, serializeTokenSet(stored({ expiresAt: NOW - 1, refreshToken: undefined })))
    const { d } = deps(store, new Error('unused'))
    await expect(getToken({ profile: 'cli', kind: 'access', minValiditySeconds: 60 }, d)).rejects.toThrow(
      'the access token of profile "cli" has expired and there is no refresh token',
    )
  })

  it('--id-token returns the ID token and judges it by its own exp', async () => {
    const store = new MemorySecretStore()
    const set = stored()
    await store.set(KEY, serializeTokenSet(set))
    const { d } = deps(store, new Error('unused'))
    expect(await getToken({ profile: 'cli', kind: 'id', minValiditySeconds: 60 }, d)).toEqual({ token: set.idToken, expiresAt: NOW + 3600, refreshed: false, warnings: [] })
  })
})

describe('token set', () => {
  it('takes subject and email from the ID token claims and scopes from the response', () => {
    const set = toStoredTokenSet(
      { accessToken: 'a', expiresIn: 300, idToken: jwt({ sub: 's', email: 'e@x' }), scope: 'openid email' },
      { issuer: 'i', clientId: 'c', requestedScopes: ['openid'], nowSeconds: NOW },
    )
    expect(set).toMatchObject({ subject: 's', email: 'e@x', scopes: ['openid', 'email'], expiresAt: NOW + 300 })
  })

  it('reads a corrupt stored value as "not logged in"', () => {
    expect(parseTokenSet('{not json')).toBeUndefined()
    expect(parseTokenSet('{"version":2}')).toBeUndefined()
  })

  it('decodes JWT payloads and leaves opaque tokens alone', () => {
    expect(decodeJwtPayload(jwt({ exp: 5, name: 'Zoë' }))).toEqual({ exp: 5, name: 'Zoë' })
    expect(decodeJwtPayload('opaque-token')).toBeUndefined()
  })

  it('prints a Kubernetes ExecCredential', () => {
    expect(execCredential('tok', NOW)).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: { interactive: false },
      status: { token: 'tok', expirationTimestamp: new Date(NOW * 1000).toISOString().replace('.000Z', 'Z') },
    })
  })
})
