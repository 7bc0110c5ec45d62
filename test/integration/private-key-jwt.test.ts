// Issue 15 item 2: `--client-auth private-key-jwt` from creation to a token request against the sandbox. The key
// pair is generated locally, the public JWK registered with the app (settings.oauthClient.jwks on create,
// POST /api/v1/apps/{appId}/credentials/jwks on a switch), the private key kept only in the secret store; the
// client then gets a token with an assertion signed by openid-client's PrivateKeyJwt.
import { generateKeyPairSync } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseStoredClientKey } from '../../src/domain/client-key.js'
import { openIdClientKeyProbe } from '../../src/infra/client-key-probe.js'
import { tempDir } from '../helpers/cli.js'
import { runMain } from '../helpers/run-main.js'
import { sandboxApi, useSandbox } from '../helpers/sandbox.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const { sandbox } = useSandbox()

const env = (): Record<string, string> => ({ OKTA_CLIENT_ORGURL: sandbox().orgUrl, OKTA_CLIENT_TOKEN: sandbox().apiToken })
const run = (home: string, args: string[]) => runMain(args, { env: env(), configHome: home })
const api = sandboxApi(sandbox)

const secrets = (home: string): Record<string, string> => JSON.parse(readFileSync(path.join(home, 'secrets.json'), 'utf8')) as Record<string, string>
const storedKey = (home: string, profile: string) => parseStoredClientKey(secrets(home)[`profile:${profile}:client-private-key`])

describe('--client-auth private-key-jwt', () => {
  it('okta create-app --target service: private_key_jwt with a registered key; client_credentials with the stored key gets a token', async () => {
    const home = tempDir('oidc-setup-home-')
    const created = await run(home, ['okta', 'create-app', '--target', 'service', '--name', 'pkjwt svc', '--profile', 'pk1', '--client-auth', 'private-key-jwt', '--json'])
    expect(created.stderr).not.toMatch(/^error/m)
    expect(created.code).toBe(0)
    const json = JSON.parse(created.stdout) as Json
    const app = await api('GET', `/api/v1/apps/${json.appId}`)
    expect(app.credentials.oauthClient.token_endpoint_auth_method).toBe('private_key_jwt')
    const key = storedKey(home, 'pk1')
    expect(key).toBeDefined()
    const keys = (await api('GET', `/api/v1/apps/${json.appId}/credentials/jwks`)) as unknown as Json[]
    expect(keys.map((k) => [k.kid, k.status])).toEqual([[key?.kid, 'ACTIVE']])
    expect(keys[0]?.d).toBeUndefined()
    // No client secret was stored or issued, and the private key is nowhere in the output or the profile.
    expect(secrets(home)['profile:pk1:client-secret']).toBeUndefined()
    const d = String(key?.jwk.d)
    expect(created.stdout + created.stderr).not.toContain(d)
    expect(readFileSync(path.join(home, 'profiles', 'pk1.json'), 'utf8')).not.toContain(d)

    const verdict = await openIdClientKeyProbe().probe({ issuer: json.issuer, clientId: json.clientId, key: key!, clientCredentialsScopes: ['api:access'] })
    expect(verdict).toMatchObject({ accepted: true })
    expect(verdict.accepted && verdict.accessToken).toMatch(/^ey/)

    // doctor checks the key, not a secret: the stored kid is an active public key of the app; deactivated behind its
    // back, it fails.
    const doctor = await run(home, ['doctor', '--profile', 'pk1', '--json'])
    const keyCheck = (r: typeof doctor): Json => (JSON.parse(r.stdout) as Json).checks.find((c: Json) => c.id === 'app.client-key')
    expect(keyCheck(doctor)).toMatchObject({ status: 'pass' })
    expect((JSON.parse(doctor.stdout) as Json).checks.some((c: Json) => c.id === 'app.client-secret')).toBe(false)
    // An admin adds another key and deactivates ours (Okta keeps one active key for a private_key_jwt client).
    const other = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }), kid: 'admin-key', use: 'sig', alg: 'RS256' }
    await api('POST', `/api/v1/apps/${json.appId}/credentials/jwks`, other)
    await api('POST', `/api/v1/apps/${json.appId}/credentials/jwks/${keys[0]?.id}/lifecycle/deactivate`)
    const broken = await run(home, ['doctor', '--profile', 'pk1', '--json'])
    expect(keyCheck(broken)).toMatchObject({ status: 'fail', message: `the stored private key (kid ${key?.kid}) is not an active public key of the app (active: admin-key)` })
    expect(broken.code).toBe(3)
    await api('POST', `/api/v1/apps/${json.appId}/credentials/jwks/${keys[0]?.id}/lifecycle/activate`)

    // delete-app forgets the key with the app.
    const deleted = await run(home, ['okta', 'delete-app', '--profile', 'pk1', '--yes'])
    expect(deleted.code).toBe(0)
    expect(secrets(home)['profile:pk1:client-private-key']).toBeUndefined()
  })

  it('a key Okta does not hold is refused (invalid_client), so the probe can fail', async () => {
    const home = tempDir('oidc-setup-home-')
    const created = await run(home, ['okta', 'create-app', '--target', 'service', '--name', 'pkjwt svc2', '--profile', 'pk2', '--client-auth', 'private-key-jwt', '--json'])
    expect(created.code).toBe(0)
    const json = JSON.parse(created.stdout) as Json
    const { generateClientKey } = await import('../../src/usecases/client-key.js')
    const other = parseStoredClientKey((await generateClientKey()).privateJwk)
    const verdict = await openIdClientKeyProbe().probe({ issuer: json.issuer, clientId: json.clientId, key: other!, clientCredentialsScopes: ['api:access'] })
    expect(verdict).toMatchObject({ accepted: false, error: 'invalid_client' })
  })

  it('an existing client-secret web app switches: key registered first, then token_endpoint_auth_method; a dummy code exchange says invalid_grant', async () => {
    const home = tempDir('oidc-setup-home-')
    const base = ['okta', 'create-app', '--target', 'web', '--base-url', 'https://pk3.example.com', '--profile', 'pk3', '--json']
    const first = await run(home, base)
    expect(first.code).toBe(0)
    const json = JSON.parse(first.stdout) as Json
    const switched = await run(home, [...base, '--client-auth', 'private-key-jwt'])
    expect(switched.stderr).not.toMatch(/^error/m)
    expect(switched.code).toBe(0)
    const app = await api('GET', `/api/v1/apps/${json.appId}`)
    expect(app.credentials.oauthClient.token_endpoint_auth_method).toBe('private_key_jwt')
    const key = storedKey(home, 'pk3')
    const keys = (await api('GET', `/api/v1/apps/${json.appId}/credentials/jwks`)) as unknown as Json[]
    expect(keys.filter((k) => k.status === 'ACTIVE').map((k) => k.kid)).toEqual([key?.kid])
    expect(await openIdClientKeyProbe().probe({ issuer: json.issuer, clientId: json.clientId, key: key! })).toEqual({ accepted: true })
    // The dummy code exchange can fail too: a key the app does not hold is invalid_client.
    const { generateClientKey } = await import('../../src/usecases/client-key.js')
    const other = parseStoredClientKey((await generateClientKey()).privateJwk)
    expect(await openIdClientKeyProbe().probe({ issuer: json.issuer, clientId: json.clientId, key: other! })).toMatchObject({ accepted: false, error: 'invalid_client' })
    // A re-run is a no-op: the stored key is an active key of the app.
    const again = await run(home, [...base, '--client-auth', 'private-key-jwt'])
    expect(again.code).toBe(0)
    expect(((await api('GET', `/api/v1/apps/${json.appId}/credentials/jwks`)) as unknown as Json[]).length).toBe(1)
  })

  it('setup --target service --client-auth private-key-jwt: the same app, the key only in the store', async () => {
    const home = tempDir('oidc-setup-home-')
    const res = await runMain(['setup', '--profile', 'pk5', '--target', 'service', '--name', 'pkjwt svc5', '--client-auth', 'private-key-jwt', '--test-user', 'qa-pk5@example.test', '--verify', '--json'], { env: env(), configHome: home, cwd: tempDir('oidc-setup-cwd-') })
    expect(res.stderr).not.toMatch(/^error/m)
    expect(res.code).toBe(0)
    const doc = JSON.parse(res.stdout) as Json
    const app = await api('GET', `/api/v1/apps/${doc.appId}`)
    expect(app.credentials.oauthClient.token_endpoint_auth_method).toBe('private_key_jwt')
    const key = storedKey(home, 'pk5')
    expect(res.stdout + res.stderr).not.toContain(String(key?.jwk.d))
    // --verify proves the stored key at the token endpoint (client_credentials), not a client secret.
    expect(doc.verify.map((r: Json) => [r.id, r.status])).toContainEqual(['verify.client-key', 'pass'])
    expect(doc.verify.map((r: Json) => r.status)).toEqual(doc.verify.map(() => 'pass'))
    expect(await openIdClientKeyProbe().probe({ issuer: doc.issuer, clientId: doc.clientId, key: key!, clientCredentialsScopes: ['api:access'] })).toMatchObject({ accepted: true })
  })

  it('clientAuth: private-key-jwt in a spec, through apply', async () => {
    const home = tempDir('oidc-setup-home-')
    const dir = tempDir('oidc-setup-spec-')
    const file = path.join(dir, 'oidc-setup.yaml')
    writeFileSync(file, `apiVersion: oidc-setup/v1\napps:\n  - name: pk4\n    target: service\n    label: pkjwt svc4\n    clientAuth: private-key-jwt\n`)
    const applied = await run(home, ['apply', '--file', file, '--json'])
    expect(applied.stderr).not.toMatch(/^error/m)
    expect(applied.code).toBe(0)
    const found = (await api('GET', `/api/v1/apps?q=${encodeURIComponent('pkjwt svc4')}`)) as unknown as Json[]
    expect(found[0]?.credentials.oauthClient.token_endpoint_auth_method).toBe('private_key_jwt')
    expect(storedKey(home, 'pk4')).toBeDefined()
  })

  it.each([
    ['grafana', ['--base-url', 'https://g.example.com'], /^error: target "grafana" cannot use private_key_jwt/m],
    ['spa', ['--base-url', 'https://s.example.com'], /^error: target "spa" is a public client/m],
    ['oauth2-proxy', ['--base-url', 'https://o.example.com'], /^error: target "oauth2-proxy" cannot use private_key_jwt: oauth2-proxy has no private_key_jwt client authentication/m],
  ])('refuses %s with a one-line error and exit 2, before any write', async (target, extra, message) => {
    const home = tempDir('oidc-setup-home-')
    const before = sandbox().requestLog?.length
    const res = await run(home, ['okta', 'create-app', '--target', target, ...extra, '--client-auth', 'private-key-jwt'])
    expect(res.code).toBe(2)
    expect(res.stderr).toMatch(message)
    expect(res.stderr).toMatch(/^hint: /m)
    expect(res.stderr).not.toMatch(/\n\s+at /)
    expect(sandbox().requestLog?.length).toBe(before)
  })

  it('rejects an unknown --client-auth', async () => {
    const res = await run(tempDir('oidc-setup-home-'), ['okta', 'create-app', '--target', 'service', '--client-auth', 'mtls'])
    expect(res.code).toBe(2)
    expect(res.stderr).toMatch(/^error: invalid --client-auth "mtls"/m)
  })
})
