// OAuth 2.0 for Okta against the sandbox: a private_key_jwt service app with granted Okta API scopes and an admin
// role drives the Management API through the Okta SDK in PrivateKey mode.
import { generateKeyPairSync } from 'node:crypto'
import { Client, OktaApiError } from '@okta/okta-sdk-nodejs'
import * as oidc from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js'

let sandbox: Sandbox

beforeAll(async () => {
  sandbox = await startSandbox()
})
afterAll(async () => {
  await sandbox?.close()
})

async function api(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${sandbox.orgUrl}${path}`, {
    method,
    headers: { Authorization: `SSWS ${sandbox.apiToken}`, 'Content-Type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  if (!res.ok) {
    throw new Error(`${method} ${path}: ${res.status} ${text}`)
  }
  return text ? (JSON.parse(text) as Record<string, unknown>) : {}
}

describe('sandbox OAuth 2.0 for Okta (service apps)', () => {
  it('lets a granted, role-holding private_key_jwt service app use the SDK in PrivateKey mode', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const kid = 'svc-key-1'
    const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' }
    const app = (await api('POST', '/api/v1/apps', {
      name: 'oidc_client',
      label: 'oidc-setup admin',
      signOnMode: 'OPENID_CONNECT',
      credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
      settings: { oauthClient: { application_type: 'service', grant_types: ['client_credentials'], response_types: ['token'], jwks: { keys: [publicJwk] } } },
    })) as { id: string; credentials: { oauthClient: { client_id: string } } }
    const clientId = app.credentials.oauthClient.client_id
    const grant = await api('POST', `/api/v1/apps/${app.id}/grants`, { issuer: sandbox.orgUrl, scopeId: 'okta.apps.read' })
    expect(grant).toMatchObject({ issuer: sandbox.orgUrl, scopeId: 'okta.apps.read', clientId, status: 'ACTIVE' })
    const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256' }
    const sdk = (scopes: string[]) =>
      new Client({ orgUrl: sandbox.orgUrl, authorizationMode: 'PrivateKey', clientId, scopes, privateKey: JSON.stringify(privateJwk), keyId: kid, cacheMiddleware: null })

    // A scope that was never granted: the org server refuses the token request (400 invalid_scope), so the SDK's
    // call goes out without a token and fails with 401.
    sandbox.clearRequestLog()
    const ungranted = await (await sdk(['okta.groups.read']).groupApi.listGroups()).next().catch((e: unknown) => e)
    expect((ungranted as OktaApiError).status).toBe(401)
    expect(sandbox.requestLog.find((r) => r.path === '/oauth2/v1/token')?.status).toBe(400)
    const direct = await fetch(`${sandbox.orgUrl}/oauth2/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'okta.nope', client_id: clientId }),
    })
    expect(direct.status).toBe(400)

    // Granted scope but no admin role yet: 403 E0000006.
    const noRole = await (await sdk(['okta.apps.read']).applicationApi.listApplications()).next().catch((e: unknown) => e)
    expect(noRole).toBeInstanceOf(OktaApiError)
    expect((noRole as OktaApiError).errorCode).toBe('E0000006')

    const role = await api('POST', `/oauth2/v1/clients/${clientId}/roles`, { type: 'APP_ADMIN' })
    expect(role).toMatchObject({ type: 'APP_ADMIN', status: 'ACTIVE', assignmentType: 'CLIENT' })
    const client = sdk(['okta.apps.read'])
    const labels: string[] = []
    for await (const a of await client.applicationApi.listApplications()) {
      labels.push(String(a?.label))
    }
    expect(labels).toContain('oidc-setup admin')

    // Reading is allowed, writing needs okta.apps.manage.
    const write = await client.applicationApi.deactivateApplication({ appId: app.id }).catch((e: unknown) => e)
    expect((write as OktaApiError).status).toBe(403)
    expect((write as OktaApiError).errorCauses?.[0]?.errorSummary).toMatch(/okta\.apps\.manage/)

    const grants = (await (await fetch(`${sandbox.orgUrl}/api/v1/apps/${app.id}/grants`, { headers: { Authorization: `SSWS ${sandbox.apiToken}` } })).json()) as Array<{ id: string }>
    expect(grants).toHaveLength(1)
    const roles = (await (await fetch(`${sandbox.orgUrl}/oauth2/v1/clients/${clientId}/roles`, { headers: { Authorization: `SSWS ${sandbox.apiToken}` } })).json()) as Array<{ id: string }>
    expect(roles).toHaveLength(1)
    expect((await fetch(`${sandbox.orgUrl}/oauth2/v1/clients/${clientId}/roles/${roles[0]?.id}`, { method: 'DELETE', headers: { Authorization: `SSWS ${sandbox.apiToken}` } })).status).toBe(204)
    expect((await fetch(`${sandbox.orgUrl}/api/v1/apps/${app.id}/grants/${grants[0]?.id}`, { method: 'DELETE', headers: { Authorization: `SSWS ${sandbox.apiToken}` } })).status).toBe(204)
  })

  it('refuses tokens from a custom server and unknown bearer tokens with 401 E0000011', async () => {
    const app = (await api('POST', '/api/v1/apps', {
      name: 'oidc_client',
      label: 'svc-secret',
      signOnMode: 'OPENID_CONNECT',
      credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
      settings: { oauthClient: { application_type: 'service', grant_types: ['client_credentials'] } },
    })) as { credentials: { oauthClient: { client_id: string; client_secret: string } } }
    await api('POST', '/api/v1/authorizationServers/default/scopes', { name: 'okta.apps.read' }).catch(() => undefined)
    const config = await oidc.discovery(new URL(sandbox.issuer('default')), app.credentials.oauthClient.client_id, app.credentials.oauthClient.client_secret, undefined, {
      execute: [oidc.allowInsecureRequests],
    })
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'okta.apps.read' })
    for (const token of [tokens.access_token, 'not-a-token']) {
      const res = await fetch(`${sandbox.orgUrl}/api/v1/apps`, { headers: { Authorization: `Bearer ${token}` } })
      expect(res.status).toBe(401)
      expect(((await res.json()) as { errorCode: string }).errorCode).toBe('E0000011')
    }
  })
})
