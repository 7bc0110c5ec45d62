// Judge: Okta's own resource-server library, @okta/jwt-verifier (lib.js: RS256 signature from {issuer}/v1/keys via
// jwks-rsa, expiry via njwt, then verifyAudience / verifyIssuer / assertClaims), accepts the access tokens of apps that
// `okta create-app --target service` provisions: client credentials on the default server (the preset's default)
// and on a new custom server (--auth-server new), with the issuer the profile records and the audience of that
// server. It must also refuse what a resource server has to refuse: another audience, another server's token.
import OktaJwtVerifier from '@okta/jwt-verifier'
import { expect, it } from 'vitest'
import { useSandbox } from '../helpers/sandbox.js'
import { createApp, describeJudge, oktaGet, type CreatedApp } from './kit.js'

/** What a service does: client credentials with its secret (HTTP Basic, the preset's client_secret_basic). */
async function clientCredentials(app: CreatedApp, scope: string): Promise<string> {
  const res = await fetch(`${app.issuer}/v1/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.clientSecret ?? '')}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
  })
  const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string }
  if (!res.ok || !body.access_token) {
    throw new Error(`client credentials: ${res.status} ${body.error}: ${body.error_description}`)
  }
  return body.access_token
}

/**
 * A verifier configured as Okta's README says, for a loopback (http) issuer (testing.disableHttpsCheck; the library's
 * console warning about it is expected here and kept out of the test output).
 */
function verifierFor(issuer: string, assertClaims?: Record<string, unknown>): OktaJwtVerifier {
  const warn = console.warn
  console.warn = () => undefined
  try {
    return new OktaJwtVerifier({ issuer, testing: { disableHttpsCheck: true }, ...(assertClaims ? { assertClaims } : {}) })
  } finally {
    console.warn = warn
  }
}

describeJudge('judge: @okta/jwt-verifier accepts the service preset\'s access tokens', {}, () => {
  const { sandbox, oktaEnv } = useSandbox()

  it('default server and a new custom server: accepted with the profile\'s issuer and the server\'s audience; cid and scp as Okta sets them', async () => {
    const [onDefault, onCustom] = await Promise.all([
      createApp(oktaEnv(), 'svc-default', ['--target', 'service', '--name', 'judge-billing']),
      createApp(oktaEnv(), 'svc-custom', ['--target', 'service', '--name', 'judge-ledger', '--auth-server', 'new']),
    ])
    expect(onCustom.authServerId).not.toBe(onDefault.authServerId)
    for (const app of [onDefault, onCustom]) {
      expect(app.clientSecret, 'service apps are confidential: --show-secret prints the secret').toBeTruthy()
      // The profile records the issuer; the audience is the server's (what a resource server is configured with).
      const server = await oktaGet<{ issuer: string; audiences: string[] }>(sandbox(), `/api/v1/authorizationServers/${app.authServerId}`)
      expect(server.issuer).toBe(app.issuer)
      const audience = server.audiences[0] ?? ''
      expect(audience).not.toBe('')

      const token = await clientCredentials(app, 'api:access')
      const jwt = await verifierFor(app.issuer, { cid: app.clientId, 'scp.includes': ['api:access'] }).verifyAccessToken(token, audience)
      expect(jwt.claims).toMatchObject({ iss: app.issuer, aud: audience, cid: app.clientId, sub: app.clientId })
      expect(jwt.header.kid).toBeTruthy()

      // What it must refuse.
      await expect(verifierFor(app.issuer).verifyAccessToken(token, 'api://someone-else')).rejects.toThrow(/audience/)
      await expect(verifierFor(app.issuer, { cid: 'another-client' }).verifyAccessToken(token, audience)).rejects.toThrow(/cid/)
    }

    // A token of one server is not a token of the other: the other server's keys cannot verify its signature, and
    // its issuer differs.
    const fromCustom = await clientCredentials(onCustom, 'api:access')
    const defaultAudience = (await oktaGet<{ audiences: string[] }>(sandbox(), `/api/v1/authorizationServers/${onDefault.authServerId}`)).audiences[0] ?? ''
    await expect(verifierFor(onDefault.issuer).verifyAccessToken(fromCustom, defaultAudience)).rejects.toThrow()
  }, 120_000)
})
