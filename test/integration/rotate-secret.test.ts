// okta rotate-secret against the sandbox: the target's own client (the token endpoint called with the secret in the
// rendered file) keeps working before, during and after a rotation; every step resumes after an interruption.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { fetchClientSecretProbe } from '../../src/infra/client-probe.js'
import type { Sandbox } from '../../src/sandbox/index.js'
import { tempDir } from '../helpers/cli.js'
import { runMain } from '../helpers/run-main.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

let sandbox: Sandbox
beforeAll(async () => {
  const { startSandbox } = await import('../../src/sandbox/index.js')
  sandbox = await startSandbox()
})
afterAll(async () => {
  await sandbox?.close()
})
beforeEach(() => {
  sandbox.faults.clear()
})

const env = (): Record<string, string> => ({ OKTA_CLIENT_ORGURL: sandbox.orgUrl, OKTA_CLIENT_TOKEN: sandbox.apiToken })

async function api(method: string, p: string): Promise<Json> {
  const res = await fetch(`${sandbox.orgUrl}${p}`, { method, headers: { Authorization: `SSWS ${sandbox.apiToken}`, Accept: 'application/json' } })
  const text = await res.text()
  return text ? (JSON.parse(text) as Json) : {}
}

const run = (home: string, args: string[]) => runMain(args, { env: env(), configHome: home })

/** Creates a Kestra app and renders its application.yaml, as a user would. */
async function kestraSetup(name: string): Promise<{ home: string; out: string; appId: string; clientId: string; issuer: string }> {
  const home = tempDir('oidc-setup-home-')
  const out = tempDir('oidc-setup-kestra-')
  const created = await run(home, ['okta', 'create-app', '--target', 'kestra', '--base-url', `https://${name}.example.com`, '--profile', name, '--render', out, '--json'])
  expect(created.stderr).not.toMatch(/^error/m)
  expect(created.code).toBe(0)
  const json = JSON.parse(created.stdout) as Json
  return { home, out, appId: json.appId, clientId: json.clientId, issuer: json.issuer }
}

/** The secret the application would use: the one in its rendered file. */
function renderedSecret(out: string): string {
  const doc = parseYaml(readFileSync(path.join(out, 'application.yaml'), 'utf8')) as Json
  return doc.micronaut.security.oauth2.clients.okta['client-secret']
}

/** The target's client authenticating at the token endpoint with a secret (a dummy code: invalid_grant = accepted). */
async function accepted(app: { issuer: string; clientId: string }, secret: string): Promise<boolean> {
  const verdict = await fetchClientSecretProbe().probe({ issuer: app.issuer, clientId: app.clientId, secret, method: 'client_secret_basic' })
  return verdict.accepted
}

const secretsOf = async (appId: string): Promise<Json[]> => (await api('GET', `/api/v1/apps/${appId}/credentials/secrets`)) as unknown as Json[]

describe('okta rotate-secret', () => {
  it('add → store → render → prove → finish, with the rendered secret accepted before, during and after', async () => {
    const app = await kestraSetup('rot1')
    const before = renderedSecret(app.out)
    expect(await accepted(app, before)).toBe(true)

    const step1 = await run(app.home, ['okta', 'rotate-secret', '--profile', 'rot1', '--render', app.out, '--json'])
    expect(step1.stderr).not.toMatch(/^error/m)
    expect(step1.code).toBe(0)
    const r1 = JSON.parse(step1.stdout) as Json
    expect(r1).toMatchObject({ state: 'proven', done: ['added', 'stored', 'rendered', 'proven'] })
    expect(r1.pending.join(' ')).toMatch(/--finish/)
    const during = renderedSecret(app.out)
    expect(during).not.toBe(before)
    // Both secrets work during the rotation: the running app (old file) and the restarted one (new file).
    expect(await accepted(app, before)).toBe(true)
    expect(await accepted(app, during)).toBe(true)
    expect((await secretsOf(app.appId)).filter((s) => s.status === 'ACTIVE')).toHaveLength(2)
    // No secret on stdout or stderr.
    expect(step1.stdout + step1.stderr).not.toContain(during)
    expect(step1.stdout + step1.stderr).not.toContain(before)

    // doctor names both secrets, and which one each rendered file uses (the old copy still runs the old secret).
    const oldCopy = path.join(tempDir('oidc-setup-old-'), 'application.yaml')
    writeFileSync(oldCopy, readFileSync(path.join(app.out, 'application.yaml'), 'utf8').replace(during, before))
    const doc = await run(app.home, ['doctor', '--profile', 'rot1', '--json', '--config', path.join(app.out, 'application.yaml'), '--config', oldCopy])
    const checks = (JSON.parse(doc.stdout) as Json).checks as Json[]
    const rotation = checks.find((ch) => ch.id === 'app.client-secret.rotation')
    expect(rotation?.message).toContain(`${r1.newSecretId} (new)`)
    expect(rotation?.message).toContain(`${r1.oldSecretIds[0]} (old)`)
    expect(checks.filter((ch) => String(ch.id).endsWith('.secret')).map((ch) => `${ch.status}:${String(ch.message).split(' ')[0] === oldCopy ? 'old' : 'new'}`).sort()).toEqual(['pass:new', 'warn:old'])

    // A second run during the rotation says what is pending and changes nothing.
    const again = await run(app.home, ['okta', 'rotate-secret', '--profile', 'rot1', '--json'])
    expect(again.code).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({ state: 'proven', done: [], newSecretId: r1.newSecretId })

    // Off a terminal, retiring the old secret needs --yes.
    const refused = await run(app.home, ['okta', 'rotate-secret', '--profile', 'rot1', '--finish'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/--yes/)

    const fin = await run(app.home, ['okta', 'rotate-secret', '--profile', 'rot1', '--finish', '--yes', '--json'])
    expect(fin.stderr).not.toMatch(/^error/m)
    expect(JSON.parse(fin.stdout)).toMatchObject({ state: 'finished', done: ['retired'], oldSecretIds: r1.oldSecretIds })
    expect(await accepted(app, before)).toBe(false)
    expect(await accepted(app, renderedSecret(app.out))).toBe(true)
    const left = await secretsOf(app.appId)
    expect(left.map((s) => s.id)).toEqual([r1.newSecretId])
    // The profile no longer records a rotation, and a new one can start.
    const profile = JSON.parse(readFileSync(path.join(app.home, 'profiles', 'rot1.json'), 'utf8')) as Json
    expect(profile.rotation).toBeUndefined()
  })

  it('resumes after an interruption at each step', async () => {
    const app = await kestraSetup('rot2')
    const before = renderedSecret(app.out)
    // Interrupted while adding: the connection drops after Okta created the secret, so its plaintext never arrives.
    sandbox.faults.once({ kind: 'drop', when: 'after', path: `/api/v1/apps/${app.appId}/credentials/secrets`, method: 'POST' })
    const cut = await run(app.home, ['okta', 'rotate-secret', '--profile', 'rot2', '--render', app.out])
    expect(cut.code).not.toBe(0)
    expect((await secretsOf(app.appId)).filter((s) => s.status === 'ACTIVE')).toHaveLength(2)
    // Interrupted while proving: the token endpoint is out of reach.
    sandbox.faults.once({ kind: 'drop', path: /\/v1\/token$/ })
    const cut2 = await run(app.home, ['okta', 'rotate-secret', '--profile', 'rot2', '--render', app.out, '--json'])
    expect(cut2.code).not.toBe(0)
    // The orphan from the first run was retired and replaced: still two secrets, the old one among them.
    const mid = await secretsOf(app.appId)
    expect(mid).toHaveLength(2)
    const resumed = await run(app.home, ['okta', 'rotate-secret', '--profile', 'rot2', '--json'])
    expect(resumed.stderr).not.toMatch(/^error/m)
    expect(JSON.parse(resumed.stdout)).toMatchObject({ state: 'proven', done: ['proven'] })
    expect(await accepted(app, renderedSecret(app.out))).toBe(true)
    expect(await accepted(app, before)).toBe(true)
    // Interrupted while retiring: deleting the old secret fails once; the next run finishes.
    sandbox.faults.once({ kind: 'error', status: 500, method: 'DELETE', path: `/api/v1/apps/${app.appId}/credentials/secrets/` })
    const cut3 = await run(app.home, ['okta', 'rotate-secret', '--profile', 'rot2', '--finish', '--yes'])
    const done = cut3.code === 0 ? cut3 : await run(app.home, ['okta', 'rotate-secret', '--profile', 'rot2', '--finish', '--yes', '--json'])
    expect(done.code).toBe(0)
    expect(await accepted(app, before)).toBe(false)
    expect((await secretsOf(app.appId)).map((s) => s.status)).toEqual(['ACTIVE'])
  })

  it('finishes when the old secret was deactivated behind its back, and refuses to go on when the new one was', async () => {
    const app = await kestraSetup('rot3')
    const r = JSON.parse((await run(app.home, ['okta', 'rotate-secret', '--profile', 'rot3', '--render', app.out, '--json'])).stdout) as Json
    await api('POST', `/api/v1/apps/${app.appId}/credentials/secrets/${r.oldSecretIds[0]}/lifecycle/deactivate`)
    const fin = await run(app.home, ['okta', 'rotate-secret', '--profile', 'rot3', '--finish', '--yes'])
    expect(fin.stderr).not.toMatch(/^error/m)
    expect(fin.code).toBe(0)
    expect((await secretsOf(app.appId)).map((s) => s.id)).toEqual([r.newSecretId])

    const app2 = await kestraSetup('rot4')
    const old = renderedSecret(app2.out)
    // Stop after the new secret is stored (the proof cannot reach the token endpoint), then deactivate it in Okta.
    sandbox.faults.once({ kind: 'drop', path: /\/v1\/token$/ })
    expect((await run(app2.home, ['okta', 'rotate-secret', '--profile', 'rot4'])).code).not.toBe(0)
    const state = JSON.parse(readFileSync(path.join(app2.home, 'profiles', 'rot4.json'), 'utf8')) as Json
    await api('POST', `/api/v1/apps/${app2.appId}/credentials/secrets/${state.rotation.newSecretId}/lifecycle/deactivate`)
    const refused = await run(app2.home, ['okta', 'rotate-secret', '--profile', 'rot4', '--finish', '--yes'])
    expect(refused.code).toBe(4)
    expect(refused.stderr).toMatch(/refused the new client secret \(invalid_client/)
    // Nothing was retired: the app's own (old) secret still works.
    expect(await accepted(app2, old)).toBe(true)
  })

  it('bad input: no --profile, --finish with --grace, a bad duration, a public client', async () => {
    const home = tempDir('oidc-setup-home-')
    expect((await run(home, ['okta', 'rotate-secret'])).code).toBe(2)
    expect((await run(home, ['okta', 'rotate-secret', '--profile', 'x', '--finish', '--grace', '1h'])).code).toBe(2)
    const bad = await run(home, ['okta', 'rotate-secret', '--profile', 'x', '--grace', 'soon'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--grace takes a duration/)
    const cli = await run(home, ['okta', 'create-app', '--target', 'cli', '--profile', 'pub'])
    expect(cli.code).toBe(0)
    const pub = await run(home, ['okta', 'rotate-secret', '--profile', 'pub'])
    expect(pub.code).toBe(2)
    expect(pub.stderr).toMatch(/has no client secret/)
  })
})
