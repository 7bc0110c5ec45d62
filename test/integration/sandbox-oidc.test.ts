// openid-client against the sandbox's OpenID providers, with Okta's behaviour where it differs from a generic OP.
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto'
import * as oidc from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js'
import { browse } from '../helpers/sandbox-browser.js'

let sandbox: Sandbox
let everyoneId: string
const REDIRECT = 'http://127.0.0.1:8765/callback'

beforeAll(async () => {
  sandbox = await startSandbox()
  const groups = (await api('GET', '/api/v1/groups?filter=type eq "BUILT_IN"')) as Array<{ id: string }>
  everyoneId = groups[0]?.id ?? ''
})
afterAll(async () => {
  await sandbox?.close()
})

async function api(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sandbox.orgUrl}${path}`, {
    method,
    headers: { Authorization: `SSWS ${sandbox.apiToken}`, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  if (!res.ok) {
    throw new Error(`${method} ${path}: ${res.status} ${text}`)
  }
  return text ? JSON.parse(text) : undefined
}

interface CreatedApp {
  id: string
  clientId: string
  secret: string | undefined
}

async function createApp(options: {
  type?: string
  grants?: string[]
  method?: string
  redirects?: string[]
  rotation?: 'ROTATE' | 'STATIC'
  assign?: boolean
  pkce?: boolean
}): Promise<CreatedApp> {
  const grants = options.grants ?? ['authorization_code', 'refresh_token']
  const app = (await api('POST', '/api/v1/apps', {
    name: 'oidc_client',
    label: `oidc-${Math.random().toString(36).slice(2)}`,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: options.method ?? 'none', ...(options.pkce === undefined ? {} : { pkce_required: options.pkce }) } },
    settings: {
      oauthClient: {
        application_type: options.type ?? 'native',
        grant_types: grants,
        redirect_uris: options.redirects ?? (grants.includes('authorization_code') ? [REDIRECT] : []),
        post_logout_redirect_uris: ['http://127.0.0.1:8765/'],
        ...(options.rotation ? { refresh_token: { rotation_type: options.rotation, leeway: 0 } } : {}),
      },
    },
  })) as { id: string; credentials: { oauthClient: { client_id: string; client_secret?: string } } }
  if (options.assign !== false) {
    await api('PUT', `/api/v1/apps/${app.id}/groups/${everyoneId}`, {})
  }
  return { id: app.id, clientId: app.credentials.oauthClient.client_id, secret: app.credentials.oauthClient.client_secret }
}

async function configFor(app: CreatedApp, issuer = sandbox.issuer('default')): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), app.clientId, app.secret, app.secret ? undefined : oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  })
}

async function authorize(
  config: oidc.Configuration,
  options: { scope?: string; redirect?: string; pkce?: boolean; login?: string; password?: string | undefined } = {},
): Promise<{ callback: URL; verifier: string; state: string }> {
  const verifier = oidc.randomPKCECodeVerifier()
  const state = oidc.randomState()
  const params: Record<string, string> = { redirect_uri: options.redirect ?? REDIRECT, scope: options.scope ?? 'openid profile email offline_access', state }
  if (options.pkce !== false) {
    params.code_challenge = await oidc.calculatePKCECodeChallenge(verifier)
    params.code_challenge_method = 'S256'
  }
  const user = sandbox.users[0]
  const result = await browse(oidc.buildAuthorizationUrl(config, params), {
    login: options.login ?? user?.login,
    password: options.password ?? user?.password,
    // Identity Engine: new apps get the default two-factor policy; the demo user answers with its TOTP.
    totpSecret: options.login === undefined || options.login === user?.login ? user?.totpSecret : undefined,
  })
  if (!result.redirect) {
    throw Object.assign(new Error(`authorization stopped on a page (${result.status})`), { html: result.html, status: result.status })
  }
  return { callback: result.redirect, verifier, state }
}

async function login(config: oidc.Configuration, scope?: string): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  const { callback, verifier, state } = await authorize(config, scope ? { scope } : {})
  return oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state })
}

describe('sandbox OpenID Connect through openid-client', () => {
  it('publishes Okta-shaped discovery for the org server and custom servers', async () => {
    const org = (await (await fetch(`${sandbox.orgUrl}/.well-known/openid-configuration`)).json()) as Record<string, unknown>
    expect(org.issuer).toBe(sandbox.orgUrl)
    expect(org.authorization_endpoint).toBe(`${sandbox.orgUrl}/oauth2/v1/authorize`)
    expect(org.token_endpoint).toBe(`${sandbox.orgUrl}/oauth2/v1/token`)
    expect(org.jwks_uri).toBe(`${sandbox.orgUrl}/oauth2/v1/keys`)
    const def = (await (await fetch(`${sandbox.orgUrl}/oauth2/default/.well-known/openid-configuration`)).json()) as Record<string, unknown>
    expect(def.issuer).toBe(`${sandbox.orgUrl}/oauth2/default`)
    expect(def).toMatchObject({
      authorization_endpoint: `${sandbox.orgUrl}/oauth2/default/v1/authorize`,
      token_endpoint: `${sandbox.orgUrl}/oauth2/default/v1/token`,
      userinfo_endpoint: `${sandbox.orgUrl}/oauth2/default/v1/userinfo`,
      jwks_uri: `${sandbox.orgUrl}/oauth2/default/v1/keys`,
      revocation_endpoint: `${sandbox.orgUrl}/oauth2/default/v1/revoke`,
      introspection_endpoint: `${sandbox.orgUrl}/oauth2/default/v1/introspect`,
      device_authorization_endpoint: `${sandbox.orgUrl}/oauth2/default/v1/device/authorize`,
      end_session_endpoint: `${sandbox.orgUrl}/oauth2/default/v1/logout`,
    })
    const as = (await (await fetch(`${sandbox.orgUrl}/oauth2/default/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>
    expect(as.issuer).toBe(def.issuer)
    const keys = (await (await fetch(`${sandbox.orgUrl}/oauth2/default/v1/keys`)).json()) as { keys: Array<{ kid: string }> }
    const orgKeys = (await (await fetch(`${sandbox.orgUrl}/oauth2/v1/keys`)).json()) as { keys: Array<{ kid: string }> }
    expect(keys.keys[0]?.kid).not.toBe(orgKeys.keys[0]?.kid)
    expect((await fetch(`${sandbox.orgUrl}/oauth2/nope/.well-known/openid-configuration`)).status).toBe(404)
  })

  it('completes authorization code + PKCE via the login form; userinfo and introspection', async () => {
    const app = await createApp({})
    const config = await configFor(app)
    const tokens = await login(config)
    expect(tokens.scope).toBe('openid profile email offline_access')
    expect(tokens.refresh_token).toBeTruthy()
    const claims = tokens.claims()
    expect(claims?.iss).toBe(`${sandbox.orgUrl}/oauth2/default`)
    expect(claims?.sub).toBe(sandbox.users[0]?.id)
    expect(claims?.preferred_username).toBe(sandbox.users[0]?.login)
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims?.sub ?? '')
    expect(info.email).toBe(sandbox.users[0]?.login)
    const introspection = await oidc.tokenIntrospection(config, tokens.access_token)
    expect(introspection.active).toBe(true)
    expect(introspection.client_id).toBe(app.clientId)

    // Like Okta's custom servers, the access token is a JWT signed with the server's key.
    const [header, payload, signature] = tokens.access_token.split('.') as [string, string, string]
    const claimsOf = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
    expect(claimsOf).toMatchObject({
      ver: 1,
      iss: `${sandbox.orgUrl}/oauth2/default`,
      aud: 'api://default',
      cid: app.clientId,
      uid: sandbox.users[0]?.id,
      sub: sandbox.users[0]?.login,
      scp: ['openid', 'profile', 'email', 'offline_access'],
    })
    expect(String(claimsOf.jti)).toMatch(/^AT\./)
    const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid: string }
    const jwks = (await (await fetch(`${sandbox.orgUrl}/oauth2/default/v1/keys`)).json()) as { keys: Array<JsonWebKey & { kid: string }> }
    const jwk = jwks.keys.find((k) => k.kid === kid)
    expect(jwk).toBeDefined()
    expect(verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }), Buffer.from(signature, 'base64url'))).toBe(true)
    await oidc.tokenRevocation(config, tokens.access_token)
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false)
  })

  it('refreshes with rotation per the app setting, and revocation ends the refresh token', async () => {
    const rotating = await createApp({ rotation: 'ROTATE' })
    const rconfig = await configFor(rotating)
    const first = await login(rconfig)
    const second = await oidc.refreshTokenGrant(rconfig, first.refresh_token ?? '')
    expect(second.refresh_token).toBeTruthy()
    expect(second.refresh_token).not.toBe(first.refresh_token)
    await expect(oidc.refreshTokenGrant(rconfig, first.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' })

    // Within the app's leeway (Okta default 30 s) the previous refresh token still works.
    const lenient = await createApp({ grants: ['authorization_code', 'refresh_token'] })
    const current = (await api('GET', `/api/v1/apps/${lenient.id}`)) as { settings: { oauthClient: Record<string, unknown> } }
    current.settings.oauthClient.refresh_token = { rotation_type: 'ROTATE', leeway: 30 }
    await api('PUT', `/api/v1/apps/${lenient.id}`, current)
    const lconfig = await configFor(lenient)
    const l1 = await login(lconfig)
    const l2 = await oidc.refreshTokenGrant(lconfig, l1.refresh_token ?? '')
    const l3 = await oidc.refreshTokenGrant(lconfig, l1.refresh_token ?? '')
    expect(l3.access_token).toBeTruthy()
    expect(l3.refresh_token).not.toBe(l2.refresh_token)
    expect((await oidc.refreshTokenGrant(lconfig, l3.refresh_token ?? '')).access_token).toBeTruthy()

    const fixed = await createApp({ rotation: 'STATIC' })
    const fconfig = await configFor(fixed)
    const tokens = await login(fconfig)
    const refreshed = await oidc.refreshTokenGrant(fconfig, tokens.refresh_token ?? '')
    expect(refreshed.refresh_token).toBe(tokens.refresh_token)
    expect((await oidc.tokenIntrospection(fconfig, tokens.refresh_token ?? '')).active).toBe(true)
    await oidc.tokenRevocation(fconfig, tokens.refresh_token ?? '')
    expect((await oidc.tokenIntrospection(fconfig, tokens.refresh_token ?? '')).active).toBe(false)
    await expect(oidc.refreshTokenGrant(fconfig, tokens.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('issues refresh tokens only with offline_access and the refresh_token grant', async () => {
    const app = await createApp({})
    const noOffline = await login(await configFor(app), 'openid profile')
    expect(noOffline.refresh_token).toBeUndefined()
    const noGrant = await createApp({ grants: ['authorization_code'] })
    const tokens = await login(await configFor(noGrant))
    expect(tokens.refresh_token).toBeUndefined()
  })

  it("allows only the app's grant types", async () => {
    const native = await createApp({ grants: ['authorization_code'] })
    const config = await configFor(native)
    await expect(oidc.clientCredentialsGrant(config, {})).rejects.toMatchObject({
      error: 'unauthorized_client',
      error_description: 'The client is not authorized to use the provided grant type. Configured grant types: [authorization_code].',
    })
    await expect(oidc.initiateDeviceAuthorization(config, { scope: 'openid' })).rejects.toMatchObject({ error: 'unauthorized_client' })
    const svc = await createApp({ type: 'service', grants: ['client_credentials'], method: 'client_secret_basic' })
    const svcConfig = await configFor(svc)
    const url = oidc.buildAuthorizationUrl(svcConfig, { redirect_uri: REDIRECT, scope: 'openid' })
    const page = await browse(url)
    expect(page.redirect).toBeUndefined()
    expect(page.status).toBe(400)
  })

  it('completes the device authorization grant', async () => {
    const app = await createApp({ grants: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'] })
    const config = await configFor(app)
    const device = await oidc.initiateDeviceAuthorization(config, { scope: 'openid profile offline_access' })
    expect(device.verification_uri).toBe(`${sandbox.orgUrl}/oauth2/default/v1/device/activate`)
    const user = sandbox.users[0]
    const page = await browse(device.verification_uri_complete ?? '', { login: user?.login, password: user?.password, totpSecret: user?.totpSecret })
    expect(page.status).toBe(200)
    const tokens = await oidc.pollDeviceAuthorizationGrant(config, { ...device, interval: 0.05 })
    expect(tokens.access_token).toBeTruthy()
    expect(tokens.refresh_token).toBeTruthy()
    expect(tokens.claims()?.sub).toBe(user?.id)
  })

  it('runs client_credentials only when a policy rule allows it; scopes must exist', async () => {
    const server = (await api('POST', '/api/v1/authorizationServers', { name: 'm2m', description: 'm2m', audiences: ['api://m2m'] })) as {
      id: string
      credentials: { signing: { kid: string } }
    }
    const jwks = (await (await fetch(`${sandbox.issuer(server.id)}/v1/keys`)).json()) as { keys: Array<{ kid: string; d?: string }> }
    expect(jwks.keys.map((k) => k.kid)).toEqual([server.credentials.signing.kid])
    expect(jwks.keys[0]?.d).toBeUndefined()
    await api('POST', `/api/v1/authorizationServers/${server.id}/scopes`, { name: 'jobs:run' })
    const svc = await createApp({ type: 'service', grants: ['client_credentials'], method: 'client_secret_basic', assign: false })
    const config = await configFor(svc, sandbox.issuer(server.id))
    await expect(oidc.clientCredentialsGrant(config, { scope: 'jobs:run' })).rejects.toMatchObject({
      error: 'access_denied',
      error_description: 'Policy evaluation failed for this request, please check the policy configurations.',
    })
    const policy = (await api('POST', `/api/v1/authorizationServers/${server.id}/policies`, {
      type: 'OAUTH_AUTHORIZATION_POLICY', name: 'svc', description: 'svc', conditions: { clients: { include: [svc.clientId] } },
    })) as { id: string }
    await api('POST', `/api/v1/authorizationServers/${server.id}/policies/${policy.id}/rules`, {
      type: 'RESOURCE_ACCESS', name: 'svc', conditions: { people: { groups: { include: ['EVERYONE'] } }, grantTypes: { include: ['client_credentials'] }, scopes: { include: ['jobs:run'] } },
      actions: { token: { accessTokenLifetimeMinutes: 15 } },
    })
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'jobs:run' })
    expect(tokens.scope).toBe('jobs:run')
    expect(tokens.expires_in).toBe(900)
    await expect(oidc.clientCredentialsGrant(config, { scope: 'jobs:delete' })).rejects.toMatchObject({
      error: 'invalid_scope',
      error_description: 'One or more scopes are not configured for the authorization server resource.',
    })
  })

  it('refuses like Okta: no matching policy, unassigned user, unknown scope', async () => {
    const server = (await api('POST', '/api/v1/authorizationServers', { name: 'strict', description: 'strict', audiences: ['api://strict'] })) as { id: string }
    const app = await createApp({})
    const strict = await configFor(app, sandbox.issuer(server.id))
    const denied = await authorize(strict)
    expect(denied.callback.searchParams.get('error')).toBe('access_denied')
    expect(denied.callback.searchParams.get('error_description')).toBe('Policy evaluation failed for this request, please check the policy configurations.')
    expect(denied.callback.searchParams.get('state')).toBe(denied.state)
    await expect(oidc.authorizationCodeGrant(strict, denied.callback, { pkceCodeVerifier: denied.verifier, expectedState: denied.state })).rejects.toMatchObject({
      error: 'access_denied',
    })

    const unassigned = await createApp({ assign: false })
    const res = await authorize(await configFor(unassigned))
    expect(res.callback.searchParams.get('error')).toBe('access_denied')
    expect(res.callback.searchParams.get('error_description')).toBe('User is not assigned to the client application.')
    // A direct user assignment is enough.
    await api('POST', `/api/v1/apps/${unassigned.id}/users`, { id: sandbox.users[0]?.id, scope: 'USER' })
    expect((await login(await configFor(unassigned))).access_token).toBeTruthy()

    const scoped = await authorize(await configFor(app), { scope: 'openid nope:read' })
    expect(scoped.callback.searchParams.get('error')).toBe('invalid_scope')
    expect(scoped.callback.searchParams.get('error_description')).toBe('One or more scopes are not configured for the authorization server resource.')
  })

  it('matches redirect URIs exactly (no loopback any-port rule) and requires PKCE where the app says so', async () => {
    const app = await createApp({})
    const config = await configFor(app)
    await expect(authorize(config, { redirect: 'http://127.0.0.1:9999/callback' })).rejects.toMatchObject({ status: 400 })
    await expect(authorize(config, { redirect: 'http://localhost:8765/callback' })).rejects.toMatchObject({ status: 400 })
    const noPkce = await authorize(config, { pkce: false })
    expect(noPkce.callback.searchParams.get('error')).toBe('invalid_request')

    const web = await createApp({ type: 'web', method: 'client_secret_basic' })
    const webConfig = await configFor(web)
    const { callback, state } = await authorize(webConfig, { pkce: false })
    const tokens = await oidc.authorizationCodeGrant(webConfig, callback, { expectedState: state })
    expect(tokens.access_token).toBeTruthy()
  })

  it('sees app changes at once: a new redirect URI works, a deactivated app is an unknown client', async () => {
    const app = await createApp({})
    const config = await configFor(app)
    await expect(authorize(config, { redirect: 'http://127.0.0.1:8766/callback' })).rejects.toMatchObject({ status: 400 })
    const current = (await api('GET', `/api/v1/apps/${app.id}`)) as { settings: { oauthClient: Record<string, unknown> } }
    current.settings.oauthClient.redirect_uris = [REDIRECT, 'http://127.0.0.1:8766/callback']
    await api('PUT', `/api/v1/apps/${app.id}`, current)
    const ok = await authorize(config, { redirect: 'http://127.0.0.1:8766/callback' })
    expect(ok.callback.searchParams.get('code')).toBeTruthy()
    await api('POST', `/api/v1/apps/${app.id}/lifecycle/deactivate`)
    await expect(authorize(config)).rejects.toMatchObject({ status: 400 })
  })

  it('puts the configured groups claim into the ID token; the org server has a groups scope', async () => {
    const server = (await api('POST', '/api/v1/authorizationServers', { name: 'groups', description: 'groups', audiences: ['api://groups'] })) as { id: string }
    const policy = (await api('POST', `/api/v1/authorizationServers/${server.id}/policies`, {
      type: 'OAUTH_AUTHORIZATION_POLICY', name: 'all', description: 'all', conditions: { clients: { include: ['ALL_CLIENTS'] } },
    })) as { id: string }
    await api('POST', `/api/v1/authorizationServers/${server.id}/policies/${policy.id}/rules`, {
      type: 'RESOURCE_ACCESS', name: 'all', conditions: { people: { groups: { include: ['EVERYONE'] } }, grantTypes: { include: ['authorization_code'] }, scopes: { include: ['*'] } },
    })
    const group = (await api('POST', '/api/v1/groups', { profile: { name: 'app-users' } })) as { id: string }
    await api('PUT', `/api/v1/groups/${group.id}/users/${sandbox.users[0]?.id}`)
    await api('POST', `/api/v1/authorizationServers/${server.id}/claims`, {
      name: 'groups', status: 'ACTIVE', claimType: 'IDENTITY', valueType: 'GROUPS', value: 'app-', group_filter_type: 'STARTS_WITH', alwaysIncludeInToken: true, conditions: { scopes: [] },
    })
    const app = await createApp({})
    await api('POST', `/api/v1/authorizationServers/${server.id}/claims`, {
      name: 'grp', status: 'ACTIVE', claimType: 'RESOURCE', valueType: 'GROUPS', value: 'app-', group_filter_type: 'STARTS_WITH', conditions: { scopes: [] },
    })
    const tokens = await login(await configFor(app, sandbox.issuer(server.id)), 'openid profile')
    expect(tokens.claims()?.groups).toEqual(['app-users'])
    const atClaims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
    expect(atClaims.grp).toEqual(['app-users'])
    expect(atClaims.aud).toBe('api://groups')

    const orgTokens = await login(await configFor(app, sandbox.orgUrl), 'openid groups')
    expect(orgTokens.claims()?.iss).toBe(sandbox.orgUrl)
    expect(orgTokens.claims()?.groups).toEqual(expect.arrayContaining(['Everyone', 'app-users']))
  })

  it('auto-login completes the authorize step without the form; logout signs out and returns to the post-logout URI', async () => {
    const app = await createApp({})
    const config = await configFor(app)
    sandbox.setAutoLogin(sandbox.users[0]?.login)
    try {
      const verifier = oidc.randomPKCECodeVerifier()
      const state = oidc.randomState()
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT,
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      })
      const result = await browse(url)
      const tokens = await oidc.authorizationCodeGrant(config, result.redirect ?? new URL(REDIRECT), { pkceCodeVerifier: verifier, expectedState: state })
      expect(tokens.claims()?.sub).toBe(sandbox.users[0]?.id)
      const logout = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token ?? '', post_logout_redirect_uri: 'http://127.0.0.1:8765/' })
      const out = await browse(logout)
      expect(out.redirect?.href).toBe('http://127.0.0.1:8765/')
    } finally {
      sandbox.setAutoLogin(undefined)
    }
  })

  it('shows the login form again on a wrong password or for a deactivated user', async () => {
    const app = await createApp({})
    await expect(authorize(await configFor(app), { password: 'wrong-password' })).rejects.toMatchObject({ status: 401 })
    const user = (await api('POST', '/api/v1/users', {
      profile: { firstName: 'Gone', lastName: 'User', email: 'gone@example.com', login: 'gone@example.com' },
      credentials: { password: { value: 'Gone-User-Pass-1' } },
    })) as { id: string }
    expect((await login(await configFor(app), 'openid')).access_token).toBeTruthy()
    await api('POST', `/api/v1/users/${user.id}/lifecycle/deactivate`)
    await expect(authorize(await configFor(app), { login: 'gone@example.com', password: 'Gone-User-Pass-1' })).rejects.toMatchObject({ status: 401 })
    sandbox.setAutoLogin('gone@example.com')
    try {
      const config = await configFor(app)
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT,
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
        state: oidc.randomState(),
      })
      const page = await browse(url)
      expect(page.status).toBe(401)
      expect(page.html).toContain('Unable to sign in')
    } finally {
      sandbox.setAutoLogin(undefined)
    }
  })
})
