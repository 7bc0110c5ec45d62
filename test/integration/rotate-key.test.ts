// okta rotate-key against the sandbox (issue 15 item 2): a private_key_jwt service app keeps getting tokens with the
// stored key before, during and after a rotation; each step resumes after an interruption; nothing prints a key.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseStoredClientKey, type StoredClientKey } from '../../src/domain/client-key.js'
import { openIdClientKeyProbe } from '../../src/infra/client-key-probe.js'
import { tempDir } from '../helpers/cli.js'
import { runMain } from '../helpers/run-main.js'
import { sandboxApi, useSandbox } from '../helpers/sandbox.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const { sandbox } = useSandbox()

const env = (): Record<string, string> => ({ OKTA_CLIENT_ORGURL: sandbox().orgUrl, OKTA_CLIENT_TOKEN: sandbox().apiToken })
const run = (home: string, args: string[]) => runMain(args, { env: env(), configHome: home })
const api = sandboxApi(sandbox)

const secretsFile = (home: string): string => path.join(home, 'secrets.json')
const secrets = (home: string): Record<string, string> => JSON.parse(readFileSync(secretsFile(home), 'utf8')) as Record<string, string>
const clientKey = (home: string, profile: string) => parseStoredClientKey(secrets(home)[`profile:${profile}:client-private-key`]) as StoredClientKey
const jwksOf = async (appId: string): Promise<Json[]> => (await api('GET', `/api/v1/apps/${appId}/credentials/jwks`)) as unknown as Json[]
const profileOf = (home: string, name: string): Json => JSON.parse(readFileSync(path.join(home, 'profiles', `${name}.json`), 'utf8')) as Json

async function serviceApp(name: string): Promise<{ home: string; appId: string; clientId: string; issuer: string }> {
  const home = tempDir('oidc-setup-home-')
  const created = await run(home, ['okta', 'create-app', '--target', 'service', '--name', `rotate key ${name}`, '--profile', name, '--client-auth', 'private-key-jwt', '--json'])
  expect(created.stderr).not.toMatch(/^error/m)
  expect(created.code).toBe(0)
  const json = JSON.parse(created.stdout) as Json
  return { home, appId: json.appId, clientId: json.clientId, issuer: json.issuer }
}

/** The service's own client: client_credentials with an assertion signed by `key`. */
async function token(app: { issuer: string; clientId: string }, key: StoredClientKey): Promise<boolean> {
  return (await openIdClientKeyProbe().probe({ issuer: app.issuer, clientId: app.clientId, key, clientCredentialsScopes: ['api:access'] })).accepted
}

describe('okta rotate-key', () => {
  it('generate → register → store → prove → finish, with the old key working until it is retired', async () => {
    const app = await serviceApp('rk1')
    const before = clientKey(app.home, 'rk1')
    expect(await token(app, before)).toBe(true)

    const step1 = await run(app.home, ['okta', 'rotate-key', '--profile', 'rk1', '--json'])
    expect(step1.stderr).not.toMatch(/^error/m)
    expect(step1.code).toBe(0)
    const r1 = JSON.parse(step1.stdout) as Json
    expect(r1).toMatchObject({ state: 'proven', done: ['generated', 'registered', 'stored', 'proven'] })
    expect(r1.pending.join(' ')).toMatch(/--finish/)
    const during = clientKey(app.home, 'rk1')
    expect(during.kid).toBe(r1.newKid)
    expect(during.kid).not.toBe(before.kid)
    expect((await jwksOf(app.appId)).filter((k) => k.status === 'ACTIVE').map((k) => k.kid).sort()).toEqual([before.kid, during.kid].sort())
    // Both keys get tokens during the rotation: the running service (old key) and the restarted one (new key).
    expect(await token(app, before)).toBe(true)
    expect(await token(app, during)).toBe(true)
    for (const d of [before.jwk.d, during.jwk.d]) {
      expect(step1.stdout + step1.stderr).not.toContain(String(d))
      expect(readFileSync(path.join(app.home, 'profiles', 'rk1.json'), 'utf8')).not.toContain(String(d))
    }
    expect(profileOf(app.home, 'rk1').keyRotation).toMatchObject({ step: 'proven', newKid: during.kid })

    // A second run during the rotation changes nothing and says what is pending.
    const again = await run(app.home, ['okta', 'rotate-key', '--profile', 'rk1', '--json'])
    expect(JSON.parse(again.stdout)).toMatchObject({ state: 'proven', done: [] })

    const finish = await run(app.home, ['okta', 'rotate-key', '--profile', 'rk1', '--finish', '--yes', '--json'])
    expect(finish.code).toBe(0)
    expect(JSON.parse(finish.stdout)).toMatchObject({ state: 'finished', done: ['retired'] })
    expect((await jwksOf(app.appId)).map((k) => [k.kid, k.status])).toEqual([[during.kid, 'ACTIVE']])
    expect(await token(app, before)).toBe(false)
    expect(await token(app, during)).toBe(true)
    expect(profileOf(app.home, 'rk1').keyRotation).toBeUndefined()
    expect(secrets(app.home)['profile:rk1:client-private-key-previous']).toBeUndefined()
    expect(secrets(app.home)['profile:rk1:client-private-key-next']).toBeUndefined()
  })

  it('resumes after an interruption: the add failing, the add done but its answer lost, the retire failing', async () => {
    const app = await serviceApp('rk2')
    const before = clientKey(app.home, 'rk2')
    // The add of the new public key fails (a 500): the rotation stops at `generated`, nothing is switched.
    sandbox().faults.once({ kind: 'error', status: 500, method: 'POST', path: `/api/v1/apps/${app.appId}/credentials/jwks` })
    const failed = await run(app.home, ['okta', 'rotate-key', '--profile', 'rk2', '--json'])
    expect(failed.code).toBe(5)
    expect(profileOf(app.home, 'rk2').keyRotation).toMatchObject({ step: 'generated' })
    expect(clientKey(app.home, 'rk2').kid).toBe(before.kid)
    expect(await token(app, before)).toBe(true)
    // The add happens but the answer is lost: the next run finds the key by its kid instead of adding it twice.
    const kid = profileOf(app.home, 'rk2').keyRotation.newKid
    sandbox().faults.once({ kind: 'drop', when: 'after', method: 'POST', path: `/api/v1/apps/${app.appId}/credentials/jwks` })
    const cut = await run(app.home, ['okta', 'rotate-key', '--profile', 'rk2', '--json'])
    expect(cut.code).not.toBe(0)
    expect((await jwksOf(app.appId)).map((k) => k.kid).sort()).toEqual([before.kid, kid].sort())
    // The retire fails once (deactivating the old key): the rotation stays proven; the next --finish completes it.
    // (Lifecycle calls are idempotent, so the adapter retries them: the fault stays until the run gave up.)
    const outage = sandbox().faults.add({ kind: 'error', status: 500, method: 'POST', path: /\/credentials\/jwks\/[^/]+\/lifecycle\/deactivate$/ })
    const half = await run(app.home, ['okta', 'rotate-key', '--profile', 'rk2', '--finish', '--yes', '--json'])
    outage.remove()
    expect(half.code).toBe(5)
    expect(profileOf(app.home, 'rk2').keyRotation).toMatchObject({ step: 'proven', newKid: kid })
    const resumed = await run(app.home, ['okta', 'rotate-key', '--profile', 'rk2', '--finish', '--yes', '--json'])
    expect(resumed.stderr).not.toMatch(/^error/m)
    expect(JSON.parse(resumed.stdout)).toMatchObject({ state: 'finished', newKid: kid, done: ['retired'] })
    expect((await jwksOf(app.appId)).map((k) => k.kid)).toEqual([kid])
    expect(await token(app, clientKey(app.home, 'rk2'))).toBe(true)
  })

  it('a new key deactivated behind its back is refused at the proof; nothing is retired', async () => {
    const app = await serviceApp('rk3')
    const before = clientKey(app.home, 'rk3')
    // Stop right after `stored` by refusing the token endpoint once with a 5xx (says nothing about the key).
    sandbox().faults.once({ kind: 'error', status: 503, method: 'POST', path: /\/v1\/token$/ })
    const first = await run(app.home, ['okta', 'rotate-key', '--profile', 'rk3', '--json'])
    expect(first.code).toBe(5)
    const rotation = profileOf(app.home, 'rk3').keyRotation
    expect(rotation.step).toBe('stored')
    await api('POST', `/api/v1/apps/${app.appId}/credentials/jwks/${rotation.newKeyId}/lifecycle/deactivate`)
    const refused = await run(app.home, ['okta', 'rotate-key', '--profile', 'rk3', '--finish', '--yes'])
    expect(refused.code).toBe(4)
    expect(refused.stderr).toMatch(/^error: Okta's token endpoint refused an assertion signed with the new key \(invalid_client/m)
    expect(refused.stderr).toMatch(/^hint: the old key is still active, nothing was retired/m)
    expect((await jwksOf(app.appId)).find((k) => k.kid === before.kid)?.status).toBe('ACTIVE')
    expect(await token(app, before)).toBe(true)
  })

  it('a web app (no client_credentials): the proof is a dummy code exchange, invalid_grant = the assertion was accepted', async () => {
    const home = tempDir('oidc-setup-home-')
    const created = await run(home, ['okta', 'create-app', '--target', 'web', '--base-url', 'https://rk5.example.com', '--profile', 'rk5', '--client-auth', 'private-key-jwt', '--json'])
    expect(created.code).toBe(0)
    const before = clientKey(home, 'rk5')
    const rotated = await run(home, ['okta', 'rotate-key', '--profile', 'rk5', '--finish', '--yes', '--json'])
    expect(rotated.stderr).not.toMatch(/^error/m)
    expect(JSON.parse(rotated.stdout)).toMatchObject({ state: 'finished', done: ['generated', 'registered', 'stored', 'proven', 'retired'] })
    const after = clientKey(home, 'rk5')
    expect(after.kid).not.toBe(before.kid)
    expect((await jwksOf(JSON.parse(created.stdout).appId)).map((k) => k.kid)).toEqual([after.kid])
  })

  it('refuses an app that does not use private_key_jwt (exit 2), and a profile without an app (exit 3)', async () => {
    const home = tempDir('oidc-setup-home-')
    const created = await run(home, ['okta', 'create-app', '--target', 'service', '--name', 'rotate key secret', '--profile', 'rk4', '--json'])
    expect(created.code).toBe(0)
    const res = await run(home, ['okta', 'rotate-key', '--profile', 'rk4'])
    expect(res.code).toBe(2)
    expect(res.stderr).toMatch(/^error: the app of profile "rk4" does not use private_key_jwt \(client authentication: client_secret_basic\)$/m)
    expect(res.stderr).toMatch(/^hint: rotate a client secret with `oidc-setup okta rotate-secret`/m)
    const none = await run(home, ['okta', 'rotate-key', '--profile', 'nope'])
    expect(none.code).toBe(3)
  })
})
