import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as oidc from 'openid-client'
import { Client } from '@okta/okta-sdk-nodejs'
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js'
import { browse } from '../helpers/sandbox-browser.js'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox()
})
afterAll(async () => sandbox?.close())

describe('smoke', () => {
  it('creates an app through the SDK and logs in', async () => {
    const client = new Client({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken, authorizationMode: 'SSWS', cacheMiddleware: null })
    const app = (await client.applicationApi.createApplication({
      application: {
        name: 'oidc_client', label: 'smoke', signOnMode: 'OPENID_CONNECT',
        credentials: { oauthClient: { token_endpoint_auth_method: 'none' } },
        settings: { oauthClient: { application_type: 'native', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], redirect_uris: ['http://127.0.0.1:8765/callback'] } },
      } as never,
    })) as unknown as { id: string; credentials: { oauthClient: { client_id: string } } }
    const everyone = (await (await client.groupApi.listGroups({ filter: 'type eq "BUILT_IN"' })).next()).value as { id: string }
    await client.applicationApi.assignGroupToApplication({ appId: app.id, groupId: everyone.id })
    const config = await oidc.discovery(new URL(sandbox.issuer('default')), app.credentials.oauthClient.client_id, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] })
    const verifier = oidc.randomPKCECodeVerifier()
    const state = oidc.randomState()
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: 'http://127.0.0.1:8765/callback', scope: 'openid profile email offline_access', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state })
    const user = sandbox.users[0]!
    const result = await browse(url, { login: user.login, password: user.password, totpSecret: user.totpSecret })
    const tokens = await oidc.authorizationCodeGrant(config, result.redirect!, { pkceCodeVerifier: verifier, expectedState: state })
    expect(tokens.refresh_token).toBeTruthy()
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!)
    expect(refreshed.access_token).toBeTruthy()
  })
})
