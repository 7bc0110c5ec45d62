// Bad input, rate limits, fault injection and persistence: the sandbox answers like Okta and keeps serving.
import { statSync } from 'node:fs'
import path from 'node:path'
import { Client, DefaultRequestExecutor } from '@okta/okta-sdk-nodejs'
import fc from 'fast-check'
import * as oidc from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js'
import { tempDir } from '../helpers/cli.js'
import { browse } from '../helpers/sandbox-browser.js'

let sandbox: Sandbox

beforeAll(async () => {
  sandbox = await startSandbox()
})
afterAll(async () => {
  await sandbox?.close()
})

interface Answer {
  status: number
  body: Record<string, unknown>
  headers: Headers
}

async function raw(method: string, p: string, init: { body?: string | Buffer; type?: string; auth?: string | null } = {}): Promise<Answer> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (init.auth !== null) {
    headers.Authorization = init.auth ?? `SSWS ${sandbox.apiToken}`
  }
  if (init.type) {
    headers['Content-Type'] = init.type
  }
  const res = await fetch(`${sandbox.orgUrl}${p}`, { method, headers, ...(init.body === undefined ? {} : { body: init.body }) })
  const text = await res.text()
  let body: Record<string, unknown> = {}
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {}
  } catch {
    body = { text }
  }
  return { status: res.status, body, headers: res.headers }
}

const APP = {
  name: 'oidc_client',
  label: 'robust',
  signOnMode: 'OPENID_CONNECT',
  credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
  settings: { oauthClient: { application_type: 'web', grant_types: ['authorization_code'], redirect_uris: ['https://app.example.com/cb'] } },
}

function expectOktaError(answer: Answer, status: number, code: string): void {
  expect(answer.status).toBe(status)
  expect(answer.body).toMatchObject({ errorCode: code, errorLink: code })
  expect(answer.body.errorSummary).toEqual(expect.any(String))
  expect(answer.body.errorId).toEqual(expect.any(String))
  expect(answer.body.errorCauses).toEqual(expect.any(Array))
}

describe('sandbox bad input', () => {
  it('answers 401 E0000011 without or with a wrong token, and to Bearer', async () => {
    expectOktaError(await raw('GET', '/api/v1/apps', { auth: null }), 401, 'E0000011')
    expectOktaError(await raw('GET', '/api/v1/apps', { auth: 'SSWS nope' }), 401, 'E0000011')
    expectOktaError(await raw('GET', '/api/v1/apps', { auth: `Bearer ${sandbox.apiToken}` }), 401, 'E0000011')
  })

  it('rejects malformed JSON, a wrong content type and bodies over 1 MB, then keeps serving', async () => {
    expectOktaError(await raw('POST', '/api/v1/apps', { body: '{"name": ', type: 'application/json' }), 400, 'E0000003')
    expectOktaError(await raw('POST', '/api/v1/apps', { body: JSON.stringify(APP), type: 'text/plain' }), 415, 'E0000003')
    const big = JSON.stringify({ ...APP, label: 'x'.repeat(1024 * 1024 + 10) })
    expectOktaError(await raw('POST', '/api/v1/apps', { body: big, type: 'application/json' }), 413, 'E0000003')
    expectOktaError(await raw('POST', '/api/v1/apps', { body: '[1,2]', type: 'application/json' }), 400, 'E0000001')
    expectOktaError(await raw('POST', '/api/v1/apps', { body: '', type: 'application/json' }), 400, 'E0000001')
    expect((await raw('GET', '/api/v1/apps')).status).toBe(200)
  })

  it('ignores unknown fields like Okta', async () => {
    const body = { ...APP, bogusTopLevel: 1, settings: { oauthClient: { ...APP.settings.oauthClient, bogusSetting: true } } }
    const created = await raw('POST', '/api/v1/apps', { body: JSON.stringify(body), type: 'application/json' })
    expect(created.status).toBe(200)
    expect(created.body.bogusTopLevel).toBeUndefined()
    expect(JSON.stringify(created.body)).not.toContain('bogus')
  })

  it('answers 404 E0000007 for unknown ids and paths, 405 E0000022 for wrong methods', async () => {
    for (const p of [
      '/api/v1/apps/0oaNOPE',
      '/api/v1/apps/0oaNOPE/users',
      '/api/v1/authorizationServers/ausNOPE',
      '/api/v1/authorizationServers/default/scopes/scpNOPE',
      '/api/v1/authorizationServers/default/policies/00pNOPE/rules',
      '/api/v1/groups/00gNOPE',
      '/api/v1/users/00uNOPE',
      '/api/v1/trustedOrigins/tosNOPE',
      '/api/v1/nothing-here',
      '/api/v1/apps/%E0%A4%A',
    ]) {
      expectOktaError(await raw('GET', p), 404, 'E0000007')
    }
    const wrong = await raw('DELETE', '/api/v1/apps')
    expectOktaError(wrong, 405, 'E0000022')
    expect(wrong.headers.get('allow')).toContain('GET')
    expectOktaError(await raw('PATCH', '/api/v1/authorizationServers/default'), 405, 'E0000022')
  })

  it('never crashes on arbitrary JSON bodies (property test)', async () => {
    const paths = ['/api/v1/apps', '/api/v1/authorizationServers', '/api/v1/authorizationServers/default/policies', '/api/v1/users', '/api/v1/groups', '/api/v1/trustedOrigins', '/api/v1/authorizationServers/default/claims']
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 4 }), async (p, value) => {
        const answer = await raw('POST', p, { body: JSON.stringify(value), type: 'application/json' })
        expect(answer.status, JSON.stringify(answer.body)).not.toBeGreaterThanOrEqual(500)
      }),
      { numRuns: 150 },
    )
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), async (s) => {
        const answer = await raw('GET', `/api/v1/apps?q=${encodeURIComponent(s)}&filter=${encodeURIComponent(s)}&limit=${encodeURIComponent(s)}`)
        expect(answer.status).toBeLessThan(500)
      }),
      { numRuns: 60 },
    )
    expect((await raw('GET', '/api/v1/apps')).status).toBe(200)
  })
})

describe('sandbox OpenID endpoints under garbage', () => {
  it('never answer 5xx to arbitrary query strings and form bodies (property test)', async () => {
    const paths = [
      '/oauth2/default/v1/authorize',
      '/oauth2/v1/authorize',
      '/oauth2/default/v1/token',
      '/oauth2/default/v1/introspect',
      '/oauth2/default/v1/revoke',
      '/oauth2/default/v1/device/authorize',
      '/oauth2/default/v1/userinfo',
      '/oauth2/default/v1/logout',
      '/signin/default/nope',
      '/signin/nope/nope',
      '/oauth2/%ZZ/v1/keys',
    ]
    const params = fc.dictionary(
      fc.constantFrom('client_id', 'redirect_uri', 'scope', 'response_type', 'grant_type', 'code', 'state', 'token', 'code_challenge', 'prompt', 'username', 'password'),
      fc.string({ maxLength: 30 }),
    )
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), params, fc.boolean(), async (p, values, post) => {
        const query = new URLSearchParams(values).toString()
        const res = post
          ? await fetch(`${sandbox.orgUrl}${p}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: query, redirect: 'manual' })
          : await fetch(`${sandbox.orgUrl}${p}?${query}`, { redirect: 'manual' })
        await res.arrayBuffer()
        expect(res.status, `${post ? 'POST' : 'GET'} ${p}?${query}`).toBeLessThan(500)
      }),
      { numRuns: 150 },
    )
  })
})

describe('sandbox rate limits and faults', () => {
  it('sends X-Rate-Limit-* on every response and 429 E0000047 over a configured limit', async () => {
    const first = await raw('GET', '/api/v1/groups')
    expect(Number(first.headers.get('x-rate-limit-limit'))).toBeGreaterThan(0)
    expect(Number(first.headers.get('x-rate-limit-reset'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000))
    expect((await fetch(`${sandbox.orgUrl}/oauth2/default/.well-known/openid-configuration`)).headers.get('x-rate-limit-remaining')).toMatch(/^\d+$/)
    sandbox.setRateLimit('/api/v1/trustedOrigins', { limit: 3, windowSeconds: 60 })
    try {
      const answers = []
      for (let i = 0; i < 4; i += 1) {
        answers.push(await raw('GET', '/api/v1/trustedOrigins'))
      }
      expect(answers.map((a) => a.headers.get('x-rate-limit-remaining'))).toEqual(['2', '1', '0', '0'])
      expectOktaError(answers[3] as Answer, 429, 'E0000047')
      expect((await raw('GET', '/api/v1/groups')).status).toBe(200)
    } finally {
      sandbox.setRateLimit('/api/v1/trustedOrigins', 0)
    }
    expect((await raw('GET', '/api/v1/trustedOrigins')).status).toBe(200)
  })

  it('injects one-shot 5xx, 429, dropped connections (before and after the write), latency and error rates', async () => {
    sandbox.faults.once({ kind: 'error', path: '/api/v1/apps', method: 'POST', status: 503 })
    expectOktaError(await raw('POST', '/api/v1/apps', { body: JSON.stringify(APP), type: 'application/json' }), 503, 'E0000009')
    expect((await raw('POST', '/api/v1/apps', { body: JSON.stringify(APP), type: 'application/json' })).status).toBe(200)

    sandbox.faults.once({ kind: 'rateLimit', path: '/api/v1/groups' })
    const limited = await raw('GET', '/api/v1/groups')
    expectOktaError(limited, 429, 'E0000047')
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0')

    sandbox.faults.once({ kind: 'drop', path: '/api/v1/users' })
    await expect(raw('GET', '/api/v1/users')).rejects.toThrow()

    const label = `dropped-after-${Date.now()}`
    sandbox.faults.once({ kind: 'drop', when: 'after', path: '/api/v1/apps', method: 'POST' })
    await expect(raw('POST', '/api/v1/apps', { body: JSON.stringify({ ...APP, label }), type: 'application/json' })).rejects.toThrow()
    const listed = await raw('GET', `/api/v1/apps?q=${label}`)
    expect((listed.body as unknown as unknown[]).length).toBe(1)

    const slow = sandbox.faults.add({ kind: 'latency', path: '/api/v1/groups', latencyMs: 150 })
    const t = Date.now()
    await raw('GET', '/api/v1/groups')
    expect(Date.now() - t).toBeGreaterThanOrEqual(140)
    slow.remove()

    const failing = sandbox.faults.setErrorRate(1, { path: '/api/v1/trustedOrigins', status: 500 })
    expect((await raw('GET', '/api/v1/trustedOrigins')).status).toBe(500)
    expect(failing.hits).toBe(1)
    sandbox.faults.clear()
    expect((await raw('GET', '/api/v1/trustedOrigins')).status).toBe(200)

    const log = sandbox.requestLog.filter((r) => r.path === '/api/v1/users')
    expect(log.at(-1)?.status).toBe(0)
  })

  it('lets the Okta SDK retry an injected 429 using X-Rate-Limit-Reset', async () => {
    const client = new Client({
      orgUrl: sandbox.orgUrl,
      token: sandbox.apiToken,
      authorizationMode: 'SSWS',
      cacheMiddleware: null,
      requestExecutor: new DefaultRequestExecutor({ maxRetries: 2, requestTimeout: 0 }),
    })
    sandbox.faults.once({ kind: 'rateLimit', path: '/api/v1/authorizationServers/default' })
    const server = await client.authorizationServerApi.getAuthorizationServer({ authServerId: 'default' })
    expect(server.name).toBe('default')
    const calls = sandbox.requestLog.filter((r) => r.path === '/api/v1/authorizationServers/default')
    expect(calls.slice(-2).map((c) => c.status)).toEqual([429, 200])
  })
})

describe('sandbox persistence', () => {
  it('keeps apps, servers, users, keys, the API token and issued tokens across restarts (0600 state file)', async () => {
    const file = path.join(tempDir('oidc-setup-sandbox-'), 'org.json')
    const first = await startSandbox({ state: file })
    const headers = { Authorization: `SSWS ${first.apiToken}`, 'Content-Type': 'application/json' }
    const app = (await (await fetch(`${first.orgUrl}/api/v1/apps`, { method: 'POST', headers, body: JSON.stringify(APP) })).json()) as { id: string }
    await fetch(`${first.orgUrl}/api/v1/authorizationServers`, { method: 'POST', headers, body: JSON.stringify({ name: 'kept', description: 'kept', audiences: ['api://kept'] }) })
    const keys = await (await fetch(`${first.orgUrl}/oauth2/default/v1/keys`)).text()
    // A refresh token issued before the restart still works after it (same port, so the same issuer).
    const native = (await (await fetch(`${first.orgUrl}/api/v1/apps`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: 'oidc_client', label: 'persisted-login', signOnMode: 'OPENID_CONNECT', credentials: { oauthClient: { token_endpoint_auth_method: 'none' } },
        settings: { oauthClient: { application_type: 'native', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['http://127.0.0.1:8765/callback'] } },
      }),
    })).json()) as { id: string; credentials: { oauthClient: { client_id: string } } }
    await fetch(`${first.orgUrl}/api/v1/apps/${native.id}/users`, { method: 'POST', headers, body: JSON.stringify({ id: first.users[0]?.id }) })
    first.setAutoLogin(first.users[0]?.login)
    const issuer = first.issuer('default')
    const config = await oidc.discovery(new URL(issuer), native.credentials.oauthClient.client_id, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] })
    const verifier = oidc.randomPKCECodeVerifier()
    const state = oidc.randomState()
    const redirect = await browse(
      oidc.buildAuthorizationUrl(config, { redirect_uri: 'http://127.0.0.1:8765/callback', scope: 'openid offline_access', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state }),
    )
    const tokens = await oidc.authorizationCodeGrant(config, redirect.redirect ?? new URL('http://x'), { pkceCodeVerifier: verifier, expectedState: state })
    const { apiToken, users, port } = first
    await first.close()
    expect(statSync(file).mode & 0o777).toBe(0o600)
    // Let fetch's connection pool see the closed keep-alive sockets, or its next POST may pick a dead one.
    await new Promise((resolve) => setTimeout(resolve, 100))

    const second = await startSandbox({ state: file, port })
    try {
      const again = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '')
      expect(again.access_token).toBeTruthy()
      expect(second.apiToken).toBe(apiToken)
      expect(second.users).toEqual(users)
      const appAgain = await fetch(`${second.orgUrl}/api/v1/apps/${app.id}`, { headers: { Authorization: `SSWS ${apiToken}` } })
      expect(appAgain.status).toBe(200)
      const servers = (await (await fetch(`${second.orgUrl}/api/v1/authorizationServers?q=kept`, { headers: { Authorization: `SSWS ${apiToken}` } })).json()) as unknown[]
      expect(servers).toHaveLength(1)
      expect(await (await fetch(`${second.orgUrl}/oauth2/default/v1/keys`)).text()).toBe(keys)
    } finally {
      await second.close()
    }
  })
})
