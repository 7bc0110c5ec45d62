// The sandbox's pure pieces: filter expressions, app validation, policy evaluation, rate limits and faults.
import { describe, expect, it } from 'vitest'
import { OktaError } from '../../src/sandbox/errors.js'
import { validateApp } from '../../src/sandbox/management/apps.js'
import { parseFilter } from '../../src/sandbox/management/router.js'
import { evaluatePolicy } from '../../src/sandbox/oidc/policy.js'
import { Org } from '../../src/sandbox/org.js'
import type { SandboxState, ServerRecord } from '../../src/sandbox/store.js'
import { FaultRegistry } from '../../src/sandbox/faults.js'
import { RateLimiter } from '../../src/sandbox/rate-limits.js'

function causes(fn: () => unknown): string[] {
  try {
    fn()
  } catch (error) {
    if (error instanceof OktaError) {
      return error.errorCauses.map((c) => c.errorSummary)
    }
    throw error
  }
  return []
}

const base = (oauthClient: Record<string, unknown>, creds: Record<string, unknown> = {}) => ({
  name: 'oidc_client',
  label: 'x',
  signOnMode: 'OPENID_CONNECT',
  credentials: { oauthClient: creds },
  settings: { oauthClient },
})

describe('parseFilter', () => {
  const items = [
    { id: 'a', status: 'ACTIVE', profile: { name: 'Everyone' }, type: 'BUILT_IN' },
    { id: 'b', status: 'INACTIVE', profile: { name: 'app-users' }, type: 'OKTA_GROUP' },
  ]
  it('supports eq (case-insensitive), sw, ne, pr, and/or', () => {
    expect(items.filter(parseFilter('type eq "BUILT_IN"')).map((i) => i.id)).toEqual(['a'])
    expect(items.filter(parseFilter('profile.name eq "everyone"')).map((i) => i.id)).toEqual(['a'])
    expect(items.filter(parseFilter('profile.name sw "app"')).map((i) => i.id)).toEqual(['b'])
    expect(items.filter(parseFilter('status ne "ACTIVE"')).map((i) => i.id)).toEqual(['b'])
    expect(items.filter(parseFilter('status eq "ACTIVE" or id eq "b"')).map((i) => i.id)).toEqual(['a', 'b'])
    expect(items.filter(parseFilter('status eq "ACTIVE" and id eq "b"'))).toEqual([])
    expect(items.filter(parseFilter('profile.name pr')).length).toBe(2)
  })
  it('rejects expressions it cannot parse and fields it does not allow (E0000031)', () => {
    expect(() => parseFilter('status = ACTIVE')).toThrow(OktaError)
    expect(() => parseFilter('label eq "x"', ['id', 'status'])).toThrow(/Invalid search criteria/)
  })
})

describe('validateApp', () => {
  it('derives Okta defaults', () => {
    const { app, needsSecret } = validateApp(base({ application_type: 'native', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['com.example:/cb'] }))
    const settings = (app.settings as { oauthClient: Record<string, unknown> }).oauthClient
    expect(settings.response_types).toEqual(['code'])
    expect(settings.refresh_token).toEqual({ rotation_type: 'STATIC', leeway: 30 })
    expect((app.credentials as { oauthClient: Record<string, unknown> }).oauthClient).toMatchObject({ token_endpoint_auth_method: 'none', pkce_required: true })
    expect(needsSecret).toBe(false)
  })
  it('reports every violation as an errorCause', () => {
    expect(causes(() => validateApp(base({ application_type: 'service', grant_types: ['client_credentials', 'password'] })))).toEqual([
      "settings.oauthClient.grant_types: 'password' is not a valid grant type for the application type 'service'.",
    ])
    expect(causes(() => validateApp(base({ application_type: 'web', grant_types: ['authorization_code'], redirect_uris: ['https://a/#frag'] })))).toEqual([
      "settings.oauthClient.redirect_uris: 'https://a/#frag' is not a valid redirect URI.",
    ])
    expect(causes(() => validateApp(base({ application_type: 'service', grant_types: ['client_credentials'] }, { token_endpoint_auth_method: 'private_key_jwt' })))).toEqual([
      "settings.oauthClient.jwks: 'jwks' or 'jwks_uri' is required for the 'private_key_jwt' client authentication method.",
    ])
    expect(causes(() => validateApp(base({ application_type: 'web', grant_types: ['authorization_code'], redirect_uris: ['https://a/cb'] }, { client_secret: 'short' })))).toEqual([
      "credentials.oauthClient.client_secret: 'client_secret' must be 14 to 100 characters.",
    ])
    expect(causes(() => validateApp({ ...base({}), name: 'bookmark' }))[0]).toMatch(/only OpenID Connect apps/)
    expect(causes(() => validateApp('nope'))[0]).toMatch(/JSON object/)
  })
})

describe('evaluatePolicy', () => {
  const state = {
    apps: [],
    users: [{ id: 'u1', user: { profile: { login: 'a@b.c' } }, password: 'x' }],
    groups: [
      { id: 'gE', group: { type: 'BUILT_IN', profile: { name: 'Everyone' } }, members: [] },
      { id: 'g1', group: { type: 'OKTA_GROUP', profile: { name: 'admins' } }, members: [] },
    ],
    servers: [],
    trustedOrigins: [],
  } as unknown as SandboxState
  const org = new Org(state, 'http://127.0.0.1:1')
  const rule = (id: string, priority: number, conditions: Record<string, unknown>, status = 'ACTIVE') => ({ id, priority, status, conditions })
  const server = {
    id: 's',
    server: {},
    scopes: [],
    claims: [],
    policies: [
      {
        policy: { id: 'p2', priority: 2, status: 'ACTIVE', conditions: { clients: { include: ['ALL_CLIENTS'] } } },
        rules: [rule('r-all', 1, { people: { groups: { include: ['EVERYONE'] } }, grantTypes: { include: ['authorization_code'] }, scopes: { include: ['*'] } })],
      },
      {
        policy: { id: 'p1', priority: 1, status: 'ACTIVE', conditions: { clients: { include: ['c1'] } } },
        rules: [
          rule('r-off', 1, { people: { groups: { include: ['EVERYONE'] } }, grantTypes: { include: ['client_credentials'] }, scopes: { include: ['*'] } }, 'INACTIVE'),
          rule('r-admins', 2, { people: { groups: { include: ['g1'] } }, grantTypes: { include: ['authorization_code'] }, scopes: { include: ['openid'] } }),
        ],
      },
    ],
  } as unknown as ServerRecord

  it('walks policies and rules in priority order and checks grant, scopes and people', () => {
    expect(evaluatePolicy(org, server, 'c1', 'authorization_code', ['openid'], 'u1')?.rule.id).toBe('r-all')
    state.groups[1]?.members.push('u1')
    expect(evaluatePolicy(org, server, 'c1', 'authorization_code', ['openid'], 'u1')?.rule.id).toBe('r-admins')
    expect(evaluatePolicy(org, server, 'c1', 'authorization_code', ['openid', 'email'], 'u1')?.rule.id).toBe('r-all')
    expect(evaluatePolicy(org, server, 'c1', 'client_credentials', [])).toBeUndefined()
    expect(evaluatePolicy(org, server, 'c2', 'refresh_token', ['openid'], 'u1')?.rule.id).toBe('r-all')
  })
})

describe('RateLimiter and FaultRegistry', () => {
  it('counts per bucket in fixed windows', () => {
    const limiter = new RateLimiter({ '/api/v1/apps': { limit: 2, windowSeconds: 10 } })
    expect(limiter.count('/api/v1/apps', 0).allowed).toBe(true)
    expect(limiter.count('/api/v1/apps/0oa1', 1).allowed).toBe(true)
    const third = limiter.count('/api/v1/apps', 2)
    expect(third.allowed).toBe(false)
    expect(third.headers).toEqual({ 'X-Rate-Limit-Limit': '2', 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': '10' })
    expect(limiter.count('/api/v1/groups', 3).allowed).toBe(true)
    expect(limiter.count('/api/v1/apps', 10_000).allowed).toBe(true)
  })
  it('fires faults by path, method and count', () => {
    const faults = new FaultRegistry()
    faults.once({ kind: 'error', path: '/api/v1/apps', method: 'post' })
    const always = faults.add({ kind: 'latency', path: /^\/oauth2\//, latencyMs: 5 })
    expect(faults.take('GET', '/api/v1/apps')).toEqual([])
    expect(faults.take('POST', '/api/v1/apps').map((f) => f.kind)).toEqual(['error'])
    expect(faults.take('POST', '/api/v1/apps')).toEqual([])
    expect(faults.take('GET', '/oauth2/default/v1/keys').map((f) => f.kind)).toEqual(['latency'])
    expect(always.hits).toBe(1)
    faults.clear()
    expect(faults.list()).toEqual([])
  })
})
