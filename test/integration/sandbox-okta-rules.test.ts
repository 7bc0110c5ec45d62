// Okta's rough edges the sandbox reproduces (issue 12 item 8, issue 15 item 3), each over HTTP: the default server's
// real id and alias, Federation Broker Mode, group search caps, rule bounds, whole-app PUTs, scope descriptions,
// trusted origins for CORS, and the JWKS credential API with private_key_jwt.
import { generateKeyPairSync, webcrypto } from 'node:crypto'
import * as oidc from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
let sandbox: Sandbox

beforeAll(async () => {
  sandbox = await startSandbox({ orgProfile: 'classic' })
})
afterAll(async () => {
  await sandbox?.close()
})

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json; headers: Headers }> {
  const res = await fetch(`${sandbox.orgUrl}${path}`, {
    method,
    headers: { Authorization: `SSWS ${sandbox.apiToken}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, json: text ? (JSON.parse(text) as Json) : {}, headers: res.headers }
}

const web = (label: string, settings: Json = {}) => ({
  name: 'oidc_client',
  label,
  signOnMode: 'OPENID_CONNECT',
  credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
  settings: { oauthClient: { application_type: 'web', grant_types: ['authorization_code'], redirect_uris: ['http://127.0.0.1:8765/callback'] }, ...settings },
})

describe('Okta rules', () => {
  it('gives the default server a real aus… id; `default` is an alias; responses carry default: true', async () => {
    const byAlias = await api('GET', '/api/v1/authorizationServers/default')
    expect(byAlias.json).toMatchObject({ id: expect.stringMatching(/^aus/), default: true, issuer: `${sandbox.orgUrl}/oauth2/default` })
    expect((await api('GET', `/api/v1/authorizationServers/${byAlias.json.id}`)).json.id).toBe(byAlias.json.id)
    const discovery = (await (await fetch(`${sandbox.orgUrl}/oauth2/${byAlias.json.id}/.well-known/openid-configuration`)).json()) as { issuer: string }
    expect(discovery.issuer).toBe(`${sandbox.orgUrl}/oauth2/default`)
    const other = await api('POST', '/api/v1/authorizationServers', { name: 'other', description: 'o', audiences: ['api://o'] })
    expect(other.json.default).toBeUndefined()
  })

  it('refuses manual assignments in Federation Broker Mode (settings.implicitAssignment: true), and lets every user in', async () => {
    const app = (await api('POST', '/api/v1/apps', web('fbm', { implicitAssignment: true }))).json
    expect(app.settings.implicitAssignment).toBe(true)
    const everyone = (await api('GET', '/api/v1/groups?filter=type eq "BUILT_IN"')).json[0]
    const group = await api('PUT', `/api/v1/apps/${app.id}/groups/${everyone.id}`, {})
    expect(group.status).toBe(400)
    expect(group.json.errorCauses[0].errorSummary).toMatch(/Federation Broker Mode/)
    expect((await api('POST', `/api/v1/apps/${app.id}/users`, { id: sandbox.users[0]?.id })).status).toBe(400)
    const config = await oidc.discovery(new URL(sandbox.orgUrl), app.credentials.oauthClient.client_id, app.credentials.oauthClient.client_secret, undefined, { execute: [oidc.allowInsecureRequests] })
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: 'http://127.0.0.1:8765/callback', scope: 'openid', state: 'fbm' })
    const result = await sandbox.testLogin(url, { login: sandbox.users[0]?.login ?? '', password: sandbox.users[0]?.password ?? '' })
    expect(result.ok && new URL(result.redirect).searchParams.get('code')).toBeTruthy()
  })

  it('caps a group search by q at 300 and does not page it (spec GET /api/v1/groups, q)', async () => {
    for (let i = 0; i < 305; i += 10) {
      await Promise.all(Array.from({ length: Math.min(10, 305 - i) }, (_, j) => api('POST', '/api/v1/groups', { profile: { name: `bulk-${String(i + j).padStart(3, '0')}` } })))
    }
    for (const query of ['q=bulk', 'q=bulk&limit=1000']) {
      const found = await api('GET', `/api/v1/groups?${query}`)
      expect(found.json).toHaveLength(300)
      expect(found.headers.get('link') ?? '').not.toContain('rel="next"')
    }
    expect((await api('GET', '/api/v1/groups?filter=profile.name sw "bulk"')).json).toHaveLength(305)
  })

  it('refuses rule refreshTokenWindowMinutes below 10, app PUTs missing name/signOnMode/application_type; scopes get a string description', async () => {
    const policy = (await api('GET', '/api/v1/authorizationServers/default/policies')).json[0]
    const rule = (minutes: number) => ({
      name: `window-${minutes}`,
      conditions: { people: { groups: { include: ['EVERYONE'] } }, grantTypes: { include: ['authorization_code'] }, scopes: { include: ['*'] } },
      actions: { token: { accessTokenLifetimeMinutes: 5, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: minutes } },
    })
    expect((await api('POST', `/api/v1/authorizationServers/default/policies/${policy.id}/rules`, rule(5))).status).toBe(400)
    expect((await api('POST', `/api/v1/authorizationServers/default/policies/${policy.id}/rules`, rule(10))).status).toBe(201)

    const app = (await api('POST', '/api/v1/apps', web('put-whole'))).json
    const body = web('put-whole')
    for (const [field, without] of [
      ['name', { ...body, name: undefined }],
      ['signOnMode', { ...body, signOnMode: undefined }],
      ['settings.oauthClient.application_type', { ...body, settings: { oauthClient: { ...body.settings.oauthClient, application_type: undefined } } }],
    ] as const) {
      const res = await api('PUT', `/api/v1/apps/${app.id}`, JSON.parse(JSON.stringify(without)))
      expect(res.status, field).toBe(400)
      expect(res.json.errorCauses.map((c: Json) => c.errorSummary).join(' ')).toContain(field)
    }
    expect((await api('PUT', `/api/v1/apps/${app.id}`, body)).status).toBe(200)

    const scope = await api('POST', '/api/v1/authorizationServers/default/scopes', { name: 'nodesc:read' })
    expect(typeof scope.json.description).toBe('string')
  })

  it('answers CORS only for ACTIVE trusted origins with the CORS scope (no clientBasedCORS: () => true)', async () => {
    const keys = `${sandbox.orgUrl}/oauth2/v1/keys`
    const untrusted = await fetch(keys, { headers: { Origin: 'http://evil.example' } })
    expect(untrusted.headers.get('access-control-allow-origin')).toBeNull()
    await api('POST', '/api/v1/trustedOrigins', { name: 'spa', origin: 'http://localhost:5173', scopes: [{ type: 'CORS' }] })
    const trusted = await fetch(keys, { headers: { Origin: 'http://localhost:5173' } })
    expect(trusted.headers.get('access-control-allow-origin')).toBeTruthy()
    const preflight = await fetch(`${sandbox.orgUrl}/oauth2/v1/token`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' } })
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('manages JWKS credentials (spec addJwk, deletejwk, lifecycle) and accepts private_key_jwt assertions with an active key', async () => {
    const keyPair = async (kid: string) => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
      const key = await webcrypto.subtle.importKey('jwk', privateKey.export({ format: 'jwk' }), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign'])
      return { privateKey: key, jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' } }
    }
    const one = await keyPair('k1')
    const app = (await api('POST', '/api/v1/apps', {
      ...web('pkjwt'),
      credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
      settings: { oauthClient: { application_type: 'service', grant_types: ['client_credentials'], jwks: { keys: [one.jwk] }, dpop_bound_access_tokens: false } },
    })).json
    await api('POST', '/api/v1/authorizationServers/default/scopes', { name: 'jwks:read' })
    const token = async (key: Awaited<ReturnType<typeof keyPair>>) => {
      const config = await oidc.discovery(new URL(sandbox.issuer('default')), app.credentials.oauthClient.client_id, undefined, oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.jwk.kid }), { execute: [oidc.allowInsecureRequests] })
      return oidc.clientCredentialsGrant(config, { scope: 'jwks:read' })
    }
    expect((await token(one)).access_token).toBeTruthy()
    const listed = await api('GET', `/api/v1/apps/${app.id}/credentials/jwks`)
    expect(listed.json[0]).toMatchObject({ kid: 'k1', status: 'ACTIVE', id: expect.stringMatching(/^pks/) })
    const two = await keyPair('k2')
    const added = await api('POST', `/api/v1/apps/${app.id}/credentials/jwks`, two.jwk)
    expect(added.status).toBe(201)
    expect((await api('POST', `/api/v1/apps/${app.id}/credentials/jwks`, two.jwk)).status).toBe(400)
    expect((await token(two)).access_token).toBeTruthy()
    expect((await api('DELETE', `/api/v1/apps/${app.id}/credentials/jwks/${listed.json[0].id}`)).status).toBe(400)
    expect((await api('POST', `/api/v1/apps/${app.id}/credentials/jwks/${listed.json[0].id}/lifecycle/deactivate`)).json.status).toBe('INACTIVE')
    await expect(token(one)).rejects.toMatchObject({ error: 'invalid_client' })
    expect((await api('POST', `/api/v1/apps/${app.id}/credentials/jwks/${added.json.id}/lifecycle/deactivate`)).status).toBe(400)
    expect((await api('DELETE', `/api/v1/apps/${app.id}/credentials/jwks/${listed.json[0].id}`)).status).toBe(204)
  })
})
