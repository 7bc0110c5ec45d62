// DPoP (RFC 9449) on the sandbox as Okta runs it for OAuth 2.0 service apps: dpop_bound_access_tokens by default, the
// use_dpop_nonce handshake at the org token endpoint, and proof validation on the Management API — accepted when built
// by a maintained implementation (oauth4webapi), refused for the mistakes okta/okta-sdk-nodejs#521 and RFC 9449 §4.3
// describe (lower-case htm, percent-encoded htu, wrong ath, replayed jti, stale iat).
import { createHash, randomUUID, webcrypto } from 'node:crypto'
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js'

type CryptoKeyPair = webcrypto.CryptoKeyPair
const subtle = webcrypto.subtle
let sandbox: Sandbox
let as: oauth.AuthorizationServer
let client: oauth.Client
let clientAuth: oauth.ClientAuth
let dpopKeys: CryptoKeyPair
let accessToken: string

const b64 = (value: ArrayBuffer | Uint8Array | string): string => Buffer.from(typeof value === 'string' ? value : new Uint8Array(value)).toString('base64url')

/** A DPoP proof signed with the bound key, with any claim chosen by the test. */
async function proof(claims: Record<string, unknown>): Promise<string> {
  const jwk = await subtle.exportKey('jwk', dpopKeys.publicKey)
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } }
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(claims))}`
  const signature = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, dpopKeys.privateKey, new TextEncoder().encode(input))
  return `${input}.${b64(signature)}`
}

const ath = (token: string): string => createHash('sha256').update(token).digest('base64url')

async function call(path: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${sandbox.orgUrl}${path}`, { headers })
}

beforeAll(async () => {
  sandbox = await startSandbox({ orgProfile: 'classic' })
  const clientKeys = (await subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify'])) as CryptoKeyPair
  const publicJwk = { ...(await subtle.exportKey('jwk', clientKeys.publicKey)), kid: 'dpop-client-1', use: 'sig', alg: 'RS256' }
  delete (publicJwk as { key_ops?: unknown }).key_ops
  delete (publicJwk as { ext?: unknown }).ext
  const admin = { Authorization: `SSWS ${sandbox.apiToken}`, 'Content-Type': 'application/json' }
  const app = (await (
    await fetch(`${sandbox.orgUrl}/api/v1/apps`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        name: 'oidc_client',
        label: 'dpop service',
        signOnMode: 'OPENID_CONNECT',
        credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
        settings: { oauthClient: { application_type: 'service', grant_types: ['client_credentials'], jwks: { keys: [publicJwk] } } },
      }),
    })
  ).json()) as { id: string; settings: { oauthClient: { dpop_bound_access_tokens: boolean } }; credentials: { oauthClient: { client_id: string } } }
  expect(app.settings.oauthClient.dpop_bound_access_tokens).toBe(true)
  for (const scopeId of ['okta.apps.read', 'okta.users.read']) {
    await fetch(`${sandbox.orgUrl}/api/v1/apps/${app.id}/grants`, { method: 'POST', headers: admin, body: JSON.stringify({ issuer: sandbox.orgUrl, scopeId }) })
  }
  await fetch(`${sandbox.orgUrl}/oauth2/v1/clients/${app.credentials.oauthClient.client_id}/roles`, { method: 'POST', headers: admin, body: JSON.stringify({ type: 'SUPER_ADMIN' }) })
  const issuer = new URL(sandbox.orgUrl)
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { [oauth.allowInsecureRequests]: true }))
  client = { client_id: app.credentials.oauthClient.client_id }
  clientAuth = oauth.PrivateKeyJwt({ key: clientKeys.privateKey, kid: 'dpop-client-1' })
  dpopKeys = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair
}, 60_000)
afterAll(async () => {
  await sandbox?.close()
})

describe('DPoP on the org authorization server and the Management API', () => {
  it('refuses a token request without a proof, then runs the use_dpop_nonce handshake with oauth4webapi and binds the token', async () => {
    const params = { scope: 'okta.apps.read okta.users.read' }
    const bare = await oauth.clientCredentialsGrantRequest(as, client, clientAuth, params, { [oauth.allowInsecureRequests]: true })
    expect(bare.status).toBe(400)
    expect(((await bare.json()) as { error: string }).error).toBe('invalid_dpop_proof')

    const DPoP = oauth.DPoP(client, dpopKeys)
    const request = () => oauth.clientCredentialsGrantRequest(as, client, clientAuth, params, { DPoP, [oauth.allowInsecureRequests]: true })
    let response = await request()
    expect(response.headers.get('dpop-nonce')).toBeTruthy()
    let tokens: oauth.TokenEndpointResponse
    try {
      tokens = await oauth.processClientCredentialsResponse(as, client, response)
      throw new Error('expected use_dpop_nonce first')
    } catch (error) {
      expect(oauth.isDPoPNonceError(error)).toBe(true)
      response = await request()
      tokens = await oauth.processClientCredentialsResponse(as, client, response)
    }
    expect(tokens.token_type).toBe('dpop')
    accessToken = tokens.access_token

    // A correct proof from oauth4webapi: accepted.
    const ok = await oauth.protectedResourceRequest(accessToken, 'GET', new URL(`${sandbox.orgUrl}/api/v1/apps`), undefined, undefined, { DPoP, [oauth.allowInsecureRequests]: true })
    expect(ok.status).toBe(200)
    // The same token without a proof, or as a Bearer token: refused.
    expect((await call('/api/v1/apps', { Authorization: `DPoP ${accessToken}` })).status).toBe(400)
    const bearer = await call('/api/v1/apps', { Authorization: `Bearer ${accessToken}` })
    expect(bearer.status).toBe(401)
    expect(bearer.headers.get('www-authenticate')).toMatch(/^DPoP /)
  })

  const now = () => Math.floor(Date.now() / 1000)
  const good = (path: string, extra: Record<string, unknown> = {}) => ({ htm: 'GET', htu: `${sandbox.orgUrl}${path}`, iat: now(), jti: randomUUID(), ath: ath(accessToken), ...extra })

  it.each([
    ['a lower-case htm (RFC 9449 §4.3: the method as sent)', '/api/v1/apps', { htm: 'get' }, "'htm' claim"],
    ['a percent-encoded htu (okta/okta-sdk-nodejs#521: Okta compares the decoded path)', '/api/v1/users/demo%40example.com', { htu: 'PCT' }, "'htu' claim"],
    ['a wrong ath', '/api/v1/apps', { ath: b64('not the token hash') }, "'ath' claim"],
    ['a stale iat', '/api/v1/apps', { iat: 1_000_000 }, "'iat' claim"],
  ])('refuses a proof with %s (400 invalid_dpop_proof, WWW-Authenticate: DPoP)', async (_name, path, change, message) => {
    const claims = good(path, change)
    if (claims.htu === 'PCT') {
      claims.htu = `${sandbox.orgUrl}${path}`
    }
    const res = await call(path, { Authorization: `DPoP ${accessToken}`, DPoP: await proof(claims) })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { errorCode: string; errorSummary: string }
    expect(body.errorCode).toBe('invalid_dpop_proof')
    expect(body.errorSummary).toContain(message)
    expect(res.headers.get('www-authenticate')).toMatch(/^DPoP algs=".*error="invalid_dpop_proof"/)
  })

  it('accepts the decoded htu for a percent-encoded path, and refuses a replayed jti', async () => {
    const path = '/api/v1/users/demo%40example.com'
    const decoded = await proof(good(path, { htu: `${sandbox.orgUrl}/api/v1/users/demo@example.com` }))
    const first = await call(path, { Authorization: `DPoP ${accessToken}`, DPoP: decoded })
    expect(first.status).toBe(200)
    const replay = await call(path, { Authorization: `DPoP ${accessToken}`, DPoP: decoded })
    expect(replay.status).toBe(400)
    expect(((await replay.json()) as { errorSummary: string }).errorSummary).toContain("'jti' claim")
  })
})
