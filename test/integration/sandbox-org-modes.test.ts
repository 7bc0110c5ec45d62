// The sandbox's org modes, each behaviour over HTTP as a client sees it: Identity Engine authentication policies and
// the second factor, the test-login mechanism, custom domains, orgs without API Access Management, eventual
// consistency, and masked client secrets.
import * as oidc from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, totpCode, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const REDIRECT = 'http://127.0.0.1:8765/callback'

async function api(sb: Sandbox, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json; headers: Headers }> {
  const res = await fetch(`${sb.orgUrl}${path}`, {
    method,
    headers: { Authorization: `SSWS ${sb.apiToken}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, json: text ? (JSON.parse(text) as Json) : {}, headers: res.headers }
}

const webApp = (label: string, settings: Json = {}, credentials: Json = {}) => ({
  name: 'oidc_client',
  label,
  signOnMode: 'OPENID_CONNECT',
  credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic', ...credentials } },
  settings: { oauthClient: { application_type: 'web', grant_types: ['authorization_code'], redirect_uris: [REDIRECT], ...settings } },
})

async function createAssigned(sb: Sandbox, label: string, settings: Json = {}): Promise<Json> {
  const created = await api(sb, 'POST', '/api/v1/apps', webApp(label, settings))
  expect(created.status, JSON.stringify(created.json)).toBe(200)
  const everyone = (await api(sb, 'GET', '/api/v1/groups?filter=type eq "BUILT_IN"')).json[0]
  await api(sb, 'PUT', `/api/v1/apps/${created.json.id}/groups/${everyone.id}`, {})
  return created.json
}

async function authorizationUrl(sb: Sandbox, app: Json, issuer = sb.issuer()): Promise<{ config: oidc.Configuration; url: URL; verifier: string; state: string }> {
  const config = await oidc.discovery(new URL(issuer), app.credentials.oauthClient.client_id, app.credentials.oauthClient.client_secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  })
  const verifier = oidc.randomPKCECodeVerifier()
  const state = oidc.randomState()
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid profile',
    state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  })
  return { config, url, verifier, state }
}

function useModeSandbox(options: SandboxOptions): () => Sandbox {
  let sb: Sandbox | undefined
  beforeAll(async () => {
    sb = await startSandbox(options)
  })
  afterAll(async () => {
    await sb?.close()
  })
  return () => sb as Sandbox
}

describe('Identity Engine org (the default)', () => {
  const sb = useModeSandbox({})

  it('gives every new non-service app the shared default two-factor policy (_links.accessPolicy; /api/v1/policies?type=ACCESS_POLICY)', async () => {
    const app = await createAssigned(sb(), 'oie-web')
    const policies = await api(sb(), 'GET', '/api/v1/policies?type=ACCESS_POLICY')
    expect(policies.status).toBe(200)
    const def = policies.json.find((p: Json) => p.name === 'Default Policy')
    expect(def).toMatchObject({ type: 'ACCESS_POLICY', status: 'ACTIVE', id: expect.stringMatching(/^rst/) })
    expect(app._links.accessPolicy.href).toBe(`${sb().orgUrl}/api/v1/policies/${def.id}`)
    const rules = await api(sb(), 'GET', `/api/v1/policies/${def.id}/rules`)
    expect(rules.json.at(-1).actions.appSignOn.verificationMethod).toMatchObject({ type: 'ASSURANCE', factorMode: '2FA' })
    const service = await api(sb(), 'POST', '/api/v1/apps', webApp('oie-svc', { application_type: 'service', grant_types: ['client_credentials'], redirect_uris: undefined }))
    expect(service.json._links.accessPolicy).toBeUndefined()
    expect((await api(sb(), 'GET', '/api/v1/policies')).status).toBe(400)
  })

  it('asks for the TOTP second factor; test-login completes a real authorization-code flow without HTML (POST /sandbox/v1/test-login)', async () => {
    const app = await createAssigned(sb(), 'oie-2fa')
    const user = sb().users[0]
    expect(user?.totpSecret).toMatch(/^[A-Z2-7]{32}$/)
    const first = await authorizationUrl(sb(), app)
    const noCode = await sb().testLogin(first.url, { login: user?.login ?? '', password: user?.password ?? '' })
    expect(noCode).toMatchObject({ ok: false, step: 'second-factor' })
    const wrong = await sb().testLogin((await authorizationUrl(sb(), app)).url, { login: user?.login ?? '', password: user?.password ?? '', totp: '000000' === sb().totp(user?.login ?? '') ? '111111' : '000000' })
    expect(wrong).toMatchObject({ ok: false, step: 'second-factor' })

    const flow = await authorizationUrl(sb(), app)
    const res = await fetch(`${sb().orgUrl}/sandbox/v1/test-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ authorizationUrl: flow.url.href, login: user?.login, password: user?.password, totp: totpCode(user?.totpSecret ?? '') }),
    })
    const body = (await res.json()) as { redirect: string }
    expect(res.status, JSON.stringify(body)).toBe(200)
    const redirect = new URL(body.redirect)
    expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT)
    expect(redirect.searchParams.get('state')).toBe(flow.state)
    const tokens = await oidc.authorizationCodeGrant(flow.config, redirect, { pkceCodeVerifier: flow.verifier, expectedState: flow.state })
    expect(tokens.claims()?.sub).toBe(user?.id)
  })

  it('lets a password suffice once the app is assigned a password-only policy (PUT /api/v1/apps/{appId}/policies/{policyId})', async () => {
    const app = await createAssigned(sb(), 'oie-pwd')
    const created = await api(sb(), 'POST', '/api/v1/users?activate=true', {
      profile: { firstName: 'Pat', lastName: 'Word', email: 'pat@example.com', login: 'pat@example.com' },
      credentials: { password: { value: 'Pat-Word-Pass-1' } },
    })
    const flow = () => authorizationUrl(sb(), app)
    expect(await sb().testLogin((await flow()).url, { login: 'pat@example.com', password: 'Pat-Word-Pass-1' })).toMatchObject({ ok: false, step: 'no-authenticator' })
    const passwordOnly = (await api(sb(), 'GET', '/api/v1/policies?type=ACCESS_POLICY')).json.find((p: Json) => p.name === 'Password only')
    expect((await api(sb(), 'PUT', `/api/v1/apps/${app.id}/policies/${passwordOnly.id}`)).status).toBe(204)
    expect((await api(sb(), 'GET', `/api/v1/apps/${app.id}`)).json._links.accessPolicy.href).toContain(passwordOnly.id)
    const result = await sb().testLogin((await flow()).url, { login: 'pat@example.com', password: 'Pat-Word-Pass-1' })
    expect(result.ok, JSON.stringify(result)).toBe(true)
    expect(created.json.id).toMatch(/^00u/)
  })

  it('shows Okta\'s consent step for consent_method REQUIRED and a REQUIRED scope', async () => {
    await api(sb(), 'POST', '/api/v1/authorizationServers/default/scopes', { name: 'orders:read', consent: 'REQUIRED' })
    const app = await createAssigned(sb(), 'oie-consent', { consent_method: 'REQUIRED' })
    const passwordOnly = (await api(sb(), 'GET', '/api/v1/policies?type=ACCESS_POLICY')).json.find((p: Json) => p.name === 'Password only')
    await api(sb(), 'PUT', `/api/v1/apps/${app.id}/policies/${passwordOnly.id}`)
    const config = await oidc.discovery(new URL(sb().issuer('default')), app.credentials.oauthClient.client_id, app.credentials.oauthClient.client_secret, undefined, { execute: [oidc.allowInsecureRequests] })
    const url = () => oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid orders:read', state: 's1' })
    const user = sb().users[0]
    const denied = await sb().testLogin(url(), { login: user?.login ?? '', password: user?.password ?? '', consent: 'deny' })
    expect(denied.ok && new URL(denied.redirect).searchParams.get('error')).toBe('access_denied')
    const allowed = await sb().testLogin(url(), { login: user?.login ?? '', password: user?.password ?? '' })
    expect(allowed.ok && new URL(allowed.redirect).searchParams.get('code')).toBeTruthy()
  })

  it('requires state on /authorize (spec oauth-api.yaml: state required) and sends X-Okta-Request-Id on every answer', async () => {
    const app = await createAssigned(sb(), 'oie-state')
    const url = new URL(`${sb().orgUrl}/oauth2/v1/authorize`)
    url.search = new URLSearchParams({ client_id: app.credentials.oauthClient.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid' }).toString()
    const res = await fetch(url, { redirect: 'manual' })
    const to = new URL(res.headers.get('location') ?? '')
    expect(to.searchParams.get('error')).toBe('invalid_request')
    expect(to.searchParams.get('error_description')).toMatch(/state/)
    expect(res.headers.get('x-okta-request-id')).toMatch(/^req/)
    expect((await api(sb(), 'GET', '/api/v1/apps')).headers.get('x-okta-request-id')).toBeTruthy()
  })
})

describe('Classic Engine org', () => {
  const sb = useModeSandbox({ orgProfile: 'classic' })
  it('has no authentication policies and signs in with a password alone', async () => {
    const app = await createAssigned(sb(), 'classic-web')
    expect(app._links.accessPolicy).toBeUndefined()
    expect((await api(sb(), 'GET', '/api/v1/policies?type=ACCESS_POLICY')).json.errorCode).toBe('E0000001')
    const user = sb().users[0]
    const result = await sb().testLogin((await authorizationUrl(sb(), app)).url, { login: user?.login ?? '', password: user?.password ?? '' })
    expect(result.ok, JSON.stringify(result)).toBe(true)
  })
})

describe('custom domain', () => {
  const sb = useModeSandbox({ customDomain: 'http://localhost:0', orgProfile: 'classic' })

  it('serves discovery at the custom domain; new apps default to issuer_mode CUSTOM_URL and their ID tokens carry it (spec OpenIdConnectApplicationIssuerMode)', async () => {
    const custom = sb().customDomainUrl ?? ''
    expect(custom).toBe(`http://localhost:${sb().port}`)
    const discovery = (await (await fetch(`${custom}/.well-known/openid-configuration`)).json()) as { issuer: string }
    expect(discovery.issuer).toBe(custom)
    const app = await createAssigned(sb(), 'cd-web')
    expect(app.settings.oauthClient.issuer_mode).toBe('CUSTOM_URL')
    const user = sb().users[0]
    const credentials = { login: user?.login ?? '', password: user?.password ?? '' }
    const flow = await authorizationUrl(sb(), app, custom)
    const result = await sb().testLogin(flow.url, credentials)
    const tokens = await oidc.authorizationCodeGrant(flow.config, new URL(result.ok ? result.redirect : REDIRECT), { pkceCodeVerifier: flow.verifier, expectedState: flow.state })
    expect(tokens.claims()?.iss).toBe(custom)
    // Discovered at the org URL, a CUSTOM_URL app's ID token names an issuer the client did not discover: refused.
    const orgFlow = await authorizationUrl(sb(), app, sb().orgUrl)
    const orgResult = await sb().testLogin(orgFlow.url, credentials)
    await expect(oidc.authorizationCodeGrant(orgFlow.config, new URL(orgResult.ok ? orgResult.redirect : REDIRECT), { pkceCodeVerifier: orgFlow.verifier, expectedState: orgFlow.state })).rejects.toThrow()
    // issuer_mode ORG_URL, always sent back (never omitted).
    const orgApp = await createAssigned(sb(), 'cd-org', { issuer_mode: 'ORG_URL' })
    expect(orgApp.settings.oauthClient.issuer_mode).toBe('ORG_URL')
    const flow2 = await authorizationUrl(sb(), orgApp, sb().orgUrl)
    const r2 = await sb().testLogin(flow2.url, credentials)
    const t2 = await oidc.authorizationCodeGrant(flow2.config, new URL(r2.ok ? r2.redirect : REDIRECT), { pkceCodeVerifier: flow2.verifier, expectedState: flow2.state })
    expect(t2.claims()?.iss).toBe(sb().orgUrl)
    // New custom servers default to issuerMode CUSTOM_URL.
    const server = await api(sb(), 'POST', '/api/v1/authorizationServers', { name: 'cd', description: 'cd', audiences: ['api://cd'] })
    expect(server.json).toMatchObject({ issuerMode: 'CUSTOM_URL', issuer: `${custom}/oauth2/${server.json.id}` })
  })
})

describe('org without API Access Management', () => {
  const sb = useModeSandbox({ apiAccessManagement: false })
  it('answers 401 E0000015 on /api/v1/authorizationServers* (spec Error-FF-NotEnabled-Response-401)', async () => {
    for (const path of ['/api/v1/authorizationServers', '/api/v1/authorizationServers/default', '/api/v1/authorizationServers/default/scopes']) {
      const res = await api(sb(), 'GET', path)
      expect(res.status, path).toBe(401)
      expect(res.json.errorCode).toBe('E0000015')
    }
    expect((await api(sb(), 'GET', '/api/v1/apps')).status).toBe(200)
  })
})

describe('eventual consistency', () => {
  const MS = 600
  const sb = useModeSandbox({ eventualConsistencyMs: MS, orgProfile: 'classic' })
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

  it('deactivate and delete fail for a window, as terraform-provider-okta app.go deleteApplication retries them', async () => {
    const app = (await api(sb(), 'POST', '/api/v1/apps', webApp('ec-app'))).json
    expect((await api(sb(), 'POST', `/api/v1/apps/${app.id}/lifecycle/deactivate`)).status).toBe(404)
    await wait(MS + 50)
    expect((await api(sb(), 'POST', `/api/v1/apps/${app.id}/lifecycle/deactivate`)).status).toBe(200)
    const early = await api(sb(), 'DELETE', `/api/v1/apps/${app.id}`)
    expect(early.status).toBe(500)
    expect(early.json.errorCode).toBe('E0000009')
    await wait(MS + 50)
    expect((await api(sb(), 'DELETE', `/api/v1/apps/${app.id}`)).status).toBe(204)
  })

  it('a group assignment reaches its members only after the window', async () => {
    const app = (await api(sb(), 'POST', '/api/v1/apps', webApp('ec-assign'))).json
    const group = (await api(sb(), 'POST', '/api/v1/groups', { profile: { name: 'ec-group' } })).json
    const user = sb().users[0]
    await api(sb(), 'PUT', `/api/v1/groups/${group.id}/users/${user?.id}`)
    await api(sb(), 'PUT', `/api/v1/apps/${app.id}/groups/${group.id}`, {})
    expect((await api(sb(), 'GET', `/api/v1/apps/${app.id}/users`)).json).toEqual([])
    const early = await sb().testLogin((await authorizationUrl(sb(), app)).url, { login: user?.login ?? '', password: user?.password ?? '' })
    expect(early.ok && new URL(early.redirect).searchParams.get('error')).toBe('access_denied')
    await wait(MS + 50)
    expect((await api(sb(), 'GET', `/api/v1/apps/${app.id}/users`)).json.map((u: Json) => u.id)).toEqual([user?.id])
  })
})

describe('client secrets (issue 15: two active secrets, masked values)', () => {
  const sb = useModeSandbox({ maskClientSecrets: true, orgProfile: 'classic' })

  it('elides client_secret outside the create response; secret_hash is a hash string; at most two; active ones are not deleted', async () => {
    const app = (await api(sb(), 'POST', '/api/v1/apps', webApp('sec-app', { grant_types: ['authorization_code', 'client_credentials'] }))).json
    const original = app.credentials.oauthClient.client_secret as string
    const list = await api(sb(), 'GET', `/api/v1/apps/${app.id}/credentials/secrets`)
    expect(list.json[0].client_secret).toContain('......')
    expect(list.json[0].client_secret).not.toBe(original)
    expect(list.json[0].secret_hash).toMatch(/^[A-Za-z0-9_-]{22}$/)
    const second = await api(sb(), 'POST', `/api/v1/apps/${app.id}/credentials/secrets`, {})
    expect(second.status).toBe(201)
    expect(second.json.client_secret).not.toContain('......')
    expect((await api(sb(), 'POST', `/api/v1/apps/${app.id}/credentials/secrets`, {})).status).toBe(400)
    expect((await api(sb(), 'DELETE', `/api/v1/apps/${app.id}/credentials/secrets/${second.json.id}`)).status).toBe(400)

    // The token endpoint accepts either active secret.
    await api(sb(), 'POST', '/api/v1/authorizationServers/default/scopes', { name: 'sec:read' })
    for (const secret of [original, second.json.client_secret as string]) {
      const config = await oidc.discovery(new URL(sb().issuer('default')), app.credentials.oauthClient.client_id, secret, undefined, { execute: [oidc.allowInsecureRequests] })
      expect((await oidc.clientCredentialsGrant(config, { scope: 'sec:read' })).access_token).toBeTruthy()
    }
    // The last active secret cannot be deactivated.
    expect((await api(sb(), 'POST', `/api/v1/apps/${app.id}/credentials/secrets/${list.json[0].id}/lifecycle/deactivate`)).status).toBe(200)
    const last = await api(sb(), 'POST', `/api/v1/apps/${app.id}/credentials/secrets/${second.json.id}/lifecycle/deactivate`)
    expect(last.status).toBe(400)
    expect(last.json.errorCode).toBe('E0000001')
    const config = await oidc.discovery(new URL(sb().issuer('default')), app.credentials.oauthClient.client_id, original, undefined, { execute: [oidc.allowInsecureRequests] })
    await expect(oidc.clientCredentialsGrant(config, { scope: 'sec:read' })).rejects.toMatchObject({ error: 'invalid_client' })
    expect((await api(sb(), 'DELETE', `/api/v1/apps/${app.id}/credentials/secrets/${list.json[0].id}`)).status).toBe(204)
  })
})
