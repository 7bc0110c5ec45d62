// The OIDC edge against a plain oidc-provider v9 on 127.0.0.1:0 for the failures the sandbox does not produce on
// demand: an ID token whose signature does not verify with the published keys, and an ID token outside the clock
// tolerance. Real openid-client, real OP; the OP's JWKS answer or its ID token's times are what the test changes.
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuthError } from '../../src/domain/errors.js'
import { createOidcClient } from '../../src/infra/oidc.js'
import { parseForm } from '../helpers/sandbox-browser.js'

const REDIRECT = 'http://127.0.0.1:9/callback'
let issuer = ''
let server: http.Server
const op = { swapKeys: false, expiredIdToken: false }
let forgedJwks: unknown
const signingKey = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig' }

/** Re-signs a JWT with the OP's own key after changing its payload. */
function resign(jwt: string, change: (payload: Record<string, unknown>) => void): string {
  const [header = '', body = ''] = jwt.split('.')
  const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>
  change(payload)
  const input = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`
  return `${input}.${sign('sha256', Buffer.from(input), createPrivateKey({ key: signingKey, format: 'jwk' })).toString('base64url')}`
}

beforeAll(async () => {
  const { default: Provider } = (await import('oidc-provider')) as unknown as {
    default: new (issuer: string, config: Record<string, unknown>) => { callback(): http.RequestListener; use(mw: unknown): void }
  }
  server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'cli',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        // Native loopback redirect: oidc-provider ignores the port (RFC 8252 §7.3).
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id, email: `${id}@example.test` }) }),
    claims: { openid: ['sub'], email: ['email'] },
    jwks: { keys: [signingKey] },
  })
  provider.use(async (ctx: { path: string; body: unknown; type: string }, next: () => Promise<void>) => {
    if (op.swapKeys && ctx.path === '/jwks') {
      ctx.type = 'application/jwk-set+json'
      ctx.body = forgedJwks
      return
    }
    await next()
    const body = ctx.body as { id_token?: string } | undefined
    if (op.expiredIdToken && ctx.path === '/token' && typeof body?.id_token === 'string') {
      // What a client whose clock runs two hours ahead of the server sees: the ID token expired an hour ago.
      const now = Math.floor(Date.now() / 1000)
      body.id_token = resign(body.id_token, (p) => {
        p.iat = now - 7200
        p.exp = now - 3600
      })
    }
  })
  server.on('request', provider.callback())
  // The published key, with its kid and alg, but another modulus: the ID token's signature cannot verify with it.
  const real = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: Array<Record<string, unknown>> }
  const rsa = real.keys.find((k) => k.kty === 'RSA') ?? real.keys[0]
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' })
  forgedJwks = { keys: [{ ...rsa, n: other.n, e: other.e }] }
}, 20_000)

afterAll(async () => {
  server?.closeAllConnections()
  await new Promise<void>((resolve) => server?.close(() => resolve()))
})

/** Signs in with oidc-provider's dev interactions (login form, then consent) and returns the redirect. */
async function signIn(start: string): Promise<URL> {
  const jar = new Map<string, string>()
  let url = new URL(start)
  let init: RequestInit = {}
  for (let step = 0; step < 12; step++) {
    const headers = new Headers(init.headers)
    headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
    const res = await fetch(url, { ...init, headers, redirect: 'manual' })
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';')
      const eq = pair.indexOf('=')
      jar.set(pair.slice(0, eq), pair.slice(eq + 1))
    }
    const location = res.headers.get('location')
    if (location) {
      await res.arrayBuffer()
      const next = new URL(location, url)
      if (next.origin !== url.origin) {
        return next
      }
      url = next
      init = {}
      continue
    }
    const form = parseForm(await res.text())
    if (!form) {
      throw new Error(`sign-in stopped on a page without a form (HTTP ${res.status})`)
    }
    const body = new URLSearchParams(form.fields.map(([k, v]): [string, string] => [k, k === 'login' ? 'alice' : k === 'password' ? 'pw' : v]))
    url = new URL(form.action, url)
    init = { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }
  }
  throw new Error('sign-in took too many steps')
}

async function loginThroughEdge(): Promise<unknown> {
  const server = await createOidcClient().discover(issuer, 'cli')
  const request = await server.authorizationRequest(REDIRECT, ['openid', 'email'])
  const callback = await signIn(request.url)
  return server.exchangeCode(callback, request).then(
    (tokens) => tokens,
    (error: unknown) => error,
  )
}

describe('OIDC edge against plain oidc-provider', () => {
  it('the baseline login works (so the failures below are the ones provoked)', async () => {
    const tokens = (await loginThroughEdge()) as { idToken?: string; claims?: Record<string, unknown> }
    expect(tokens.idToken).toBeTruthy()
    expect(tokens.claims?.sub).toBe('alice')
  })

  it('invalid ID token signature', async () => {
    op.swapKeys = true
    try {
      const error = await loginThroughEdge()
      expect(error).toBeInstanceOf(AuthError)
      expect((error as AuthError).message).toBe(
        "could not complete the login: invalid ID token signature (it does not verify with the issuer's published keys)",
      )
      expect((error as AuthError).hint).toContain(`check that ${issuer} is the right issuer`)
    } finally {
      op.swapKeys = false
    }
  })

  it('clock skew: an ID token already expired by this machine\'s clock', async () => {
    op.expiredIdToken = true
    try {
      const error = await loginThroughEdge()
      expect(error).toBeInstanceOf(AuthError)
      expect((error as AuthError).message).toBe("could not complete the login: the ID token's exp claim is out of range (clock skew)")
      expect((error as AuthError).hint).toContain("check this machine's clock")
    } finally {
      op.expiredIdToken = false
    }
  })
})
