import { describe, expect, it } from 'vitest'
import { probeAuthorization, probeClientCredentials, probeClientSecret, probeDiscovery } from '../../src/infra/oidc-preflight.js'
import { tempDir } from '../helpers/cli.js'
import { runMain } from '../helpers/run-main.js'
import { useSandbox } from '../helpers/sandbox.js'

// The preflight probes (setup --verify, secret rotation) against the sandbox: each verdict comes from what the
// authorization server answers, never from a sign-in page's HTML form.
const { sandbox, oktaEnv } = useSandbox()
type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

async function createApp(args: string[]): Promise<Json> {
  const r = await runMain(['okta', 'create-app', ...args, '--show-secret', '--json'], { env: oktaEnv(), configHome: tempDir() })
  expect(r.stderr).not.toMatch(/^error/m)
  return JSON.parse(r.stdout) as Json
}

describe('preflight probes', () => {
  it('web app: discovery, the exact authorization request, and the client secret told right from wrong', async () => {
    const app = await createApp(['--target', 'kestra', '--base-url', 'https://pre.example.test', '--profile', 'pre'])
    const found = await probeDiscovery(app.issuer)
    expect(found.outcome.ok).toBe(true)
    const server = found.server as NonNullable<typeof found.server>
    const redirectUri = 'https://pre.example.test/oauth/callback/okta'
    const ok = await probeAuthorization(server, { clientId: app.clientId, redirectUri: app.redirectUris?.[0] ?? redirectUri, scopes: ['openid', 'email', 'profile'] })
    expect(ok).toEqual({ kind: 'sign-in' })
    expect((await probeAuthorization(server, { clientId: app.clientId, redirectUri: 'https://evil.example.test/cb', scopes: ['openid'] })).kind).toBe('unregistered-redirect-uri')
    expect((await probeAuthorization(server, { clientId: '0oaNoSuchClient', redirectUri: 'https://evil.example.test/cb', scopes: ['openid'] })).kind).toMatch(/unknown-client|unregistered-redirect-uri/)
    const badScope = await probeAuthorization(server, { clientId: app.clientId, redirectUri: app.redirectUris?.[0] ?? redirectUri, scopes: ['openid', 'no.such.scope'] })
    expect(badScope).toMatchObject({ kind: 'redirect-error', error: 'invalid_scope' })
    const secret = { tokenEndpoint: server.tokenEndpoint, clientId: app.clientId, method: 'client_secret_basic' as const, redirectUri: app.redirectUris?.[0] ?? redirectUri }
    expect(await probeClientSecret({ ...secret, clientSecret: app.clientSecret })).toEqual({ kind: 'accepted' })
    expect((await probeClientSecret({ ...secret, clientSecret: 'wrong-secret' })).kind).toBe('rejected')
    // Nothing was issued by the probes.
    expect(sandbox().requestLog.filter((e) => e.path.endsWith('/v1/token') && e.status === 200).length).toBe(0)
  })

  it('service app: a real client-credentials token, and a wrong secret refused', async () => {
    const app = await createApp(['--target', 'service', '--profile', 'pre-svc'])
    const found = await probeDiscovery(app.issuer)
    const server = found.server as NonNullable<typeof found.server>
    const got = await probeClientCredentials({ tokenEndpoint: server.tokenEndpoint, clientId: app.clientId, clientSecret: app.clientSecret, scopes: app.scopes ?? [] })
    expect(got.ok, JSON.stringify(got)).toBe(true)
    const refused = await probeClientCredentials({ tokenEndpoint: server.tokenEndpoint, clientId: app.clientId, clientSecret: 'nope', scopes: app.scopes ?? [] })
    expect(refused).toMatchObject({ ok: false })
    expect((refused as { reason: string }).reason).toMatch(/^invalid_client/)
  })

  it('an issuer that does not match its metadata fails discovery', async () => {
    const wrong = await probeDiscovery(`${sandbox().orgUrl}/oauth2/nope`)
    expect(wrong.outcome.ok).toBe(false)
  })
})
