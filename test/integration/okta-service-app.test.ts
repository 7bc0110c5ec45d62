import { generateKeyPairSync } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROVISION_SCOPES, READ_SCOPES } from '../../src/domain/okta-credentials.js'
import type { Sandbox } from '../../src/sandbox/index.js'
import { tempDir } from '../helpers/cli.js'
import { runMain } from '../helpers/run-main.js'

// Private-key (OAuth 2.0 for Okta service app) mode against the sandbox: the CLI's own signer
// (src/infra/okta-admin/service-app-auth.ts), the scopes each command requests, and the token endpoint's errors.

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

let sandbox: Sandbox

beforeAll(async () => {
  const { startSandbox } = await import('../../src/sandbox/index.js')
  sandbox = await startSandbox()
})

afterAll(async () => {
  await sandbox?.close()
})

async function admin(method: string, p: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${sandbox.orgUrl}${p}`, {
    method,
    headers: { Authorization: `SSWS ${sandbox.apiToken}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  expect(res.ok, `${method} ${p}`).toBe(true)
  return (await res.json()) as Json
}

/** An API Services app with a key, the given Okta API scopes granted and a Super Administrator role. */
async function serviceApp(scopes: Iterable<string>, keyType: 'rsa' | 'ec' = 'rsa'): Promise<{ appId: string; clientId: string; env: Record<string, string> }> {
  const { privateKey, publicKey } =
    keyType === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const kid = `key-${Math.random().toString(36).slice(2, 8)}`
  const app = await admin('POST', '/api/v1/apps', {
    name: 'oidc_client',
    label: `automation ${kid}`,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
    settings: {
      oauthClient: {
        application_type: 'service',
        grant_types: ['client_credentials'],
        response_types: ['token'],
        jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: keyType === 'rsa' ? 'RS256' : 'ES256' }] },
      },
    },
  })
  for (const scopeId of scopes) {
    await admin('POST', `/api/v1/apps/${app.id}/grants`, { issuer: sandbox.orgUrl, scopeId })
  }
  const clientId = app.credentials.oauthClient.client_id as string
  await admin('POST', `/oauth2/v1/clients/${clientId}/roles`, { type: 'SUPER_ADMIN' })
  const jwk = JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid })
  return {
    appId: app.id as string,
    clientId,
    env: {
      OKTA_CLIENT_ORGURL: sandbox.orgUrl,
      OKTA_CLIENT_AUTHORIZATIONMODE: 'PrivateKey',
      OKTA_CLIENT_CLIENTID: clientId,
      OKTA_CLIENT_PRIVATEKEY: jwk,
    },
  }
}

function tokenRequests(since: number): number {
  return sandbox.requestLog.slice(since).filter((e) => e.path === '/oauth2/v1/token').length
}

describe('private-key mode', () => {
  it('requests only the scopes a command needs: create-app works without okta.users.manage granted (issue 12 item 3)', async () => {
    const { env } = await serviceApp(new Set([...PROVISION_SCOPES, ...READ_SCOPES]), 'ec')
    const home = tempDir('oidc-setup-home-')
    const created = await runMain(['okta', 'create-app', '--target', 'spa', '--base-url', 'https://scopes.example.com', '--profile', 'scopes', '--json'], {
      env,
      configHome: home,
    })
    expect(created.stderr).not.toMatch(/^error/m)
    expect(created.code).toBe(0)
    const listed = await runMain(['okta', 'apps', 'list', '--json'], { env, configHome: home })
    expect(listed.stderr).not.toMatch(/^error/m)
    expect(listed.code).toBe(0)
  })

  it('asks for okta.users.manage for --test-user and shows the token endpoint error when it is not granted', async () => {
    const { env, clientId } = await serviceApp(new Set([...PROVISION_SCOPES, ...READ_SCOPES]))
    const home = tempDir('oidc-setup-home-')
    const mark = sandbox.requestLog.length
    const created = await runMain(
      ['okta', 'create-app', '--target', 'spa', '--base-url', 'https://tu.example.com', '--profile', 'tu', '--test-user', 'tu.user@example.com'],
      { env, configHome: home },
    )
    expect(created.code).toBe(5)
    // Okta's own words (RFC 6749 §5.2 error and its description), not "Invalid token provided".
    expect(created.stderr).toContain(`error: could not get an access token for the service app ${clientId}: invalid_scope: The following scopes are not allowed: okta.users.manage`)
    expect(created.stderr).toContain('hint: grant')
    expect(created.stderr).not.toContain('Invalid token provided')
    // The failure is not retried in a loop.
    expect(tokenRequests(mark)).toBeLessThanOrEqual(2)
  })

  it('creates the test user once okta.users.manage is granted, with DPoP-bound tokens and a proof per call (GET /api/v1/users/{login} signs the decoded @, okta/okta-sdk-nodejs#521)', async () => {
    const { env, appId } = await serviceApp(new Set([...PROVISION_SCOPES, ...READ_SCOPES, 'okta.users.manage']))
    // New API service apps require DPoP by default (https://developer.okta.com/docs/guides/dpop/oktaresourceserver/main/).
    expect((await admin('GET', `/api/v1/apps/${appId}`)).settings.oauthClient.dpop_bound_access_tokens).toBe(true)
    const mark = sandbox.requestLog.length
    const home = tempDir('oidc-setup-home-')
    const created = await runMain(
      ['okta', 'create-app', '--target', 'spa', '--base-url', 'https://tu2.example.com', '--profile', 'tu2', '--test-user', 'tu2.user@example.com', '--json'],
      { env, configHome: home },
    )
    expect(created.stderr).not.toMatch(/^error/m)
    expect(created.code).toBe(0)
    const users = (await admin('GET', `/api/v1/users?search=${encodeURIComponent('profile.login eq "tu2.user@example.com"')}`)) as unknown as Json[]
    expect(users.length).toBe(1)
    // The use_dpop_nonce handshake (RFC 9449 §8): a 400, then the token.
    const tokens = sandbox.requestLog.slice(mark).filter((e) => e.path === '/oauth2/v1/token').map((e) => e.status)
    expect(tokens.slice(0, 2)).toEqual([400, 200])
    expect(sandbox.requestLog.slice(mark).some((e) => e.path.startsWith('/api/v1/users/') && e.status === 404)).toBe(true)
  })

  it('explains a key Okta does not know (invalid_client) with the key id to check', async () => {
    const { env, clientId } = await serviceApp(READ_SCOPES)
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    const keyFile = path.join(tempDir(), 'key.pem')
    writeFileSync(keyFile, other.export({ format: 'pem', type: 'pkcs1' }) as string, { mode: 0o600 })
    const result = await runMain(['okta', 'apps', 'list'], {
      env: { ...env, OKTA_CLIENT_PRIVATEKEY: other.export({ format: 'pem', type: 'pkcs1' }) as string, OKTA_CLIENT_KEYID: 'nope' },
      configHome: tempDir('oidc-setup-home-'),
    })
    expect(result.code).toBe(5)
    expect(result.stderr).toMatch(new RegExp(`error: could not get an access token for the service app ${clientId}: invalid_client`))
    expect(result.stderr).toContain('hint: check the client id')
  })
})
