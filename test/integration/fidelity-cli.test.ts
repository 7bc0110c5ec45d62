// Issue 12, the CLI side: the CLI survives each of the sandbox's org modes (masked client secrets, eventual
// consistency, Federation Broker Mode, no API Access Management, Identity Engine sign-in policies).
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Clock } from '../../src/infra/clock.js'
import type { Io } from '../../src/infra/io.js'
import { isMaskedSecret } from '../../src/infra/okta-admin/json.js'
import { main } from '../../src/main.js'
import { tempDir } from '../helpers/cli.js'
import { runMain, type MainResult } from '../helpers/run-main.js'
import { sandboxApi, useSandbox } from '../helpers/sandbox.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A clock that runs `speed` times faster than real time: each wait advances it by the full amount but takes only a
 * fraction of it in real time, so the sandbox's real-time consistency window still passes while the CLI's retries
 * (20 s, 30 s) cost a fraction of that.
 */
class FastClock implements Clock {
  private offset = 0
  constructor(private readonly speed: number) {}
  now(): Date {
    return new Date(Date.now() + this.offset)
  }
  async sleep(ms: number): Promise<void> {
    const real = ms / this.speed
    this.offset += ms - real
    await new Promise((resolve) => setTimeout(resolve, real))
  }
}

/** runMain with an injected clock (the composition root hands it to the Okta adapter's executor). */
async function runWithClock(argv: string[], env: Record<string, string>, configHome: string, clock: Clock): Promise<MainResult> {
  let stdout = ''
  let stderr = ''
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    readStdin: async () => '',
    stdinIsTTY: false,
    env: { NO_COLOR: '1', OIDC_SETUP_SECRET_STORE: 'file', ...env },
    cwd: process.cwd(),
    platform: process.platform,
    homedir: tempDir('oidc-setup-userhome-'),
  }
  const code = await main(argv, { io, configHome, clock, interrupt: new AbortController().signal })
  return { code, stdout, stderr }
}

const secretsOf = (home: string): Record<string, string> => JSON.parse(readFileSync(path.join(home, 'secrets.json'), 'utf8')) as Record<string, string>

describe('masked client secrets (spec GET /api/v1/apps/{appId}/credentials/secrets elides client_secret)', () => {
  const { sandbox, oktaEnv } = useSandbox({ maskClientSecrets: true })
  const createApp = (home: string, profile: string) =>
    runMain(['okta', 'create-app', '--profile', profile, '--target', 'galaxy', '--base-url', `https://${profile}.example.test`, '--assign-group', 'Everyone', '--json'], {
      env: oktaEnv(),
      configHome: home,
    })

  it('recognizes elided and hashed values as masked, never a generated secret', () => {
    expect(isMaskedSecret('abcdefghijkl......wxyz')).toBe(true)
    expect(isMaskedSecret('')).toBe(true)
    expect(isMaskedSecret('********')).toBe(true)
    expect(isMaskedSecret('Zm9vYmFyYmF6cXV4', 'Zm9vYmFyYmF6cXV4')).toBe(true)
    expect(isMaskedSecret('x3mT-_0aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789ab')).toBe(false)
  })

  it('create-app stores the plaintext from the create response and records its secret_hash; doctor compares by it', async () => {
    const home = tempDir()
    const r = await createApp(home, 'masked')
    expect(r.stderr).not.toContain('error:')
    expect(r.code).toBe(0)
    const stored = Object.values(secretsOf(home))
    expect(stored.length).toBeGreaterThan(0)
    expect(stored.some((v) => v.includes('......'))).toBe(false)
    const profile = JSON.parse(readFileSync(path.join(home, 'profiles', 'masked.json'), 'utf8')) as Json
    expect(profile.clientSecretHash).toMatch(/^[A-Za-z0-9_-]{22}$/)

    const doctor = await runMain(['doctor', '--profile', 'masked', '--json'], { env: oktaEnv(), configHome: home })
    const check = (d: typeof doctor): Json => (JSON.parse(d.stdout) as Json).checks.find((c: Json) => c.id === 'app.client-secret')
    expect(check(doctor)).toMatchObject({ status: 'pass', message: 'the stored client secret is active in Okta' })

    // Replaced behind its back (a new secret made in the console, ours retired): the recorded hash matches none.
    const api = sandboxApi(sandbox)
    const secrets = (await api('GET', `/api/v1/apps/${profile.appId}/credentials/secrets`)) as unknown as Json[]
    await api('POST', `/api/v1/apps/${profile.appId}/credentials/secrets`, {})
    await api('POST', `/api/v1/apps/${profile.appId}/credentials/secrets/${secrets[0]?.id}/lifecycle/deactivate`)
    const after = await runMain(['doctor', '--profile', 'masked', '--json'], { env: oktaEnv(), configHome: home })
    expect(check(after)).toMatchObject({ status: 'fail' })
    expect(check(after).message).toContain('matches none')

    // Without a recorded hash (a profile from before), doctor says it cannot compare instead of "matches none".
    writeFileSync(path.join(home, 'profiles', 'masked.json'), JSON.stringify({ ...profile, clientSecretHash: undefined }))
    const legacy = await runMain(['doctor', '--profile', 'masked', '--json'], { env: oktaEnv(), configHome: home })
    expect(check(legacy)).toMatchObject({ status: 'warn' })
    expect(check(legacy).message).toContain('cannot compare')
    expect(check(legacy).fix).toContain('oidc-setup okta rotate-secret --profile masked')
  })

  it('never recovers a masked value as the secret: create-app warns and says how to get a usable one', async () => {
    const home = tempDir()
    expect((await createApp(home, 'lost')).code).toBe(0)
    // The store loses the secret (another machine, a cleared keychain): create-app again must recover it.
    const secrets = secretsOf(home)
    const key = Object.keys(secrets).find((k) => k.includes('lost') && k.includes('client')) as string
    expect(key).toBeTruthy()
    delete secrets[key]
    writeFileSync(path.join(home, 'secrets.json'), JSON.stringify(secrets), { mode: 0o600 })

    const again = await createApp(home, 'lost')
    expect(again.code).toBe(0)
    expect(again.stderr).toContain('Okta masks client secrets')
    expect(again.stderr).toContain('oidc-setup okta rotate-secret --profile lost')
    expect(secretsOf(home)[key]).toBeUndefined()
    expect(Object.values(secretsOf(home)).some((v) => v.includes('......'))).toBe(false)

    // The hint works: rotate-secret's new secret comes from a creation response, which carries the plaintext.
    expect(sandbox().mode.maskClientSecrets).toBe(true)
    const rotated = await runMain(['okta', 'rotate-secret', '--profile', 'lost'], { env: oktaEnv(), configHome: home })
    expect(rotated.stderr).not.toContain('error:')
    expect(rotated.code).toBe(0)
    expect(secretsOf(home)[key]).toMatch(/^[A-Za-z0-9_-]{20,}$/)
    // rotate-secret records the new secret's secret_hash: doctor compares by it.
    const doctor = await runMain(['doctor', '--profile', 'lost', '--json'], { env: oktaEnv(), configHome: home })
    expect((JSON.parse(doctor.stdout) as Json).checks.find((c: Json) => c.id === 'app.client-secret')).toMatchObject({ status: 'pass' })
  })
})

describe('eventual consistency (sandbox --eventual-consistency; terraform-provider-okta app.go deleteApplication)', () => {
  const WINDOW = 1000
  const { sandbox, oktaEnv } = useSandbox({ eventualConsistencyMs: WINDOW })

  it('delete-app right after create-app waits out the 404 on deactivate and the 500 on delete, on the injected clock', async () => {
    const home = tempDir()
    const clock = new FastClock(10)
    const created = await runWithClock(
      ['okta', 'create-app', '--profile', 'ec', '--target', 'galaxy', '--base-url', 'https://ec.example.test', '--assign-group', 'Everyone', '--json'],
      oktaEnv(),
      home,
      clock,
    )
    expect(created.stderr).not.toContain('error:')
    const appId = (JSON.parse(created.stdout) as Json).appId as string
    sandbox().clearRequestLog()
    const started = Date.now()
    const deleted = await runWithClock(['okta', 'delete-app', '--profile', 'ec', '--yes'], oktaEnv(), home, clock)
    expect(deleted.stderr).not.toContain('error:')
    expect(deleted.code).toBe(0)
    const log = sandbox().requestLog.map((e) => `${e.method} ${e.path} ${e.status}`)
    // The run met both settling answers (so this test can fail) and retried through them.
    expect(log).toContain(`POST /api/v1/apps/${appId}/lifecycle/deactivate 404`)
    expect(log).toContain(`POST /api/v1/apps/${appId}/lifecycle/deactivate 200`)
    expect(log).toContain(`DELETE /api/v1/apps/${appId} 500`)
    expect(log).toContain(`DELETE /api/v1/apps/${appId} 204`)
    const res = await fetch(`${sandbox().orgUrl}/api/v1/apps/${appId}`, { headers: { Authorization: `SSWS ${sandbox().apiToken}` } })
    expect(res.status).toBe(404)
    // Real time spent is a fraction of the backoff taken on the clock.
    expect(Date.now() - started).toBeLessThan(10_000)
  })
})

describe('Federation Broker Mode (settings.implicitAssignment; help.okta.com apps-fbm-enable)', () => {
  const { sandbox, oktaEnv } = useSandbox({ orgProfile: 'classic' })
  const api = sandboxApi(sandbox, { ok: true })

  it('an assignment to a broker-mode app fails with a clear message and hint; doctor knows every user may sign in', async () => {
    const home = tempDir()
    const args = ['okta', 'create-app', '--profile', 'fbm', '--target', 'galaxy', '--base-url', 'https://fbm.example.test']
    const first = await runMain([...args, '--json'], { env: oktaEnv(), configHome: home })
    expect(first.code, first.stderr).toBe(0)
    const appId = (JSON.parse(first.stdout) as Json).appId as string
    // An admin turns Federation Broker Mode on.
    const app = await api('GET', `/api/v1/apps/${appId}`)
    app.settings.implicitAssignment = true
    await api('PUT', `/api/v1/apps/${appId}`, app)

    const assign = await runMain([...args, '--assign-group', 'Everyone'], { env: oktaEnv(), configHome: home })
    expect(assign.code).toBe(5)
    expect(assign.stderr).toMatch(/error: could not assign group \S+ to app \S+: the app is in Federation Broker Mode, where Okta allows no group or user assignments/)
    expect(assign.stderr).toMatch(/hint: leave out --assign-group\/--assign-user for this app, or turn Federation Broker Mode off/)
    expect(assign.stderr).not.toMatch(/\n\s+at /)

    const doctor = await runMain(['doctor', '--profile', 'fbm', '--json'], { env: oktaEnv(), configHome: home })
    const check = (JSON.parse(doctor.stdout) as Json).checks.find((c: Json) => c.id === 'app.assignments')
    expect(check).toMatchObject({ status: 'pass' })
    expect(check.message).toContain('Federation Broker Mode')
  })
})

describe('no API Access Management (spec Error-FF-NotEnabled-Response-401: E0000015)', () => {
  const { oktaEnv } = useSandbox({ apiAccessManagement: false, orgProfile: 'classic' })
  const createApp = (profile: string, target: string, extra: string[] = []) =>
    runMain(['okta', 'create-app', '--profile', profile, '--target', target, '--base-url', `https://${profile}.example.test`, '--assign-group', 'Everyone', ...extra], {
      env: oktaEnv(),
      configHome: tempDir(),
    })

  it('a custom server fails with what is missing and the org-server alternative; the org server works', async () => {
    const custom = await createApp('aam-kestra', 'kestra', ['--auth-server', 'default'])
    expect(custom.code).toBe(5)
    expect(custom.stderr).toMatch(/error: could not [^\n]*authorization server[^\n]*: the org has no API Access Management, so it has no custom authorization servers/)
    expect(custom.stderr).toContain('hint: use the org authorization server (--auth-server org) if the target supports it')
    const org = await createApp('aam-kestra', 'kestra', ['--auth-server', 'org'])
    expect(org.stderr).not.toContain('error:')
    expect(org.code).toBe(0)
  })

  it('a service app (client credentials: custom server only) is told the org server cannot serve it', async () => {
    const r = await createApp('aam-svc', 'service')
    expect(r.code).toBe(5)
    expect(r.stderr).toContain('the org has no API Access Management')
    expect(r.stderr).toContain('a service app does not: the org server issues no custom scopes')
  })
})

describe('setup --verify on an Identity Engine org (default authentication policy: two factors)', () => {
  const { sandbox, oktaEnv } = useSandbox({ orgProfile: 'oie' })
  const api = sandboxApi(sandbox, { ok: true })
  const setup = (profile: string, home: string) =>
    runMain(
      ['setup', '--profile', profile, '--target', 'kestra', '--base-url', `https://${profile}.example.test`, '--assign-group', 'Everyone', '--test-user', `qa-${profile}@example.test`, '--verify', '--json'],
      { env: oktaEnv(), configHome: home, cwd: tempDir() },
    )

  /** Forgets the test user's TOTP seed: a test user with a password only (made before setup enrolled one). */
  const forgetTotp = (home: string, profile: string): void => {
    const file = path.join(home, 'secrets.json')
    const secrets = JSON.parse(readFileSync(file, 'utf8')) as Json
    delete secrets[`profile:${profile}:test-user-totp`]
    writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 })
  }

  it('a test user setup made has a TOTP authenticator: the shared two-factor policy passes, unchanged', async () => {
    const r = await setup('oie-totp', tempDir())
    expect(r.stderr).not.toContain('error:')
    expect(r.code).toBe(0)
    const doc = JSON.parse(r.stdout) as Json
    expect(doc.verify.find((c: Json) => c.id === 'verify.sign-in-policy')).toMatchObject({
      status: 'pass',
      message: 'the app\'s authentication policy "Default Policy" asks for two factors (rule "Catch-all Rule"): qa-oie-totp@example.test has a password and a TOTP authenticator',
    })
    expect(doc.verify.map((c: Json) => c.id)).toContain('verify.sign-in')
    const app = await api('GET', `/api/v1/apps/${doc.appId}`)
    expect((await api('GET', String(app._links.accessPolicy.href).replace(sandbox().orgUrl, ''))).name).toBe('Default Policy')
  })

  it('a password-only test user fails before the sign-in with the policy, the rule and what to do; the policy is left as it is', async () => {
    const home = tempDir()
    expect((await setup('oie-default', home)).code).toBe(0)
    forgetTotp(home, 'oie-default')
    const r = await setup('oie-default', home)
    expect(r.code).toBe(4)
    const doc = JSON.parse(r.stdout) as Json
    const check = doc.verify.find((c: Json) => c.id === 'verify.sign-in-policy')
    expect(check).toMatchObject({ status: 'fail' })
    expect(check.message).toBe(
      'the app\'s authentication policy "Default Policy" asks qa-oie-default@example.test for two factors (rule "Catch-all Rule"), and the test user has only a password',
    )
    expect(r.stderr).toContain('PUT /api/v1/apps/')
    expect(r.stderr).toContain('applies to every user of the app')
    expect(r.stderr).toMatch(/error: the test sign-in did not give the target what it needs\nhint: /)
    // No sign-in was attempted (it could only fail at the second factor), and nothing changed the app's policy.
    expect(doc.verify.some((c: Json) => c.id === 'verify.sign-in')).toBe(false)
    const app = await api('GET', `/api/v1/apps/${doc.appId}`)
    const policy = await api('GET', String(app._links.accessPolicy.href).replace(sandbox().orgUrl, ''))
    expect(policy.name).toBe('Default Policy')

    // doctor knows too: a warning (real users are not affected), naming the policy.
    const doctor = await runMain(['doctor', '--profile', 'oie-default', '--json'], { env: oktaEnv(), configHome: home })
    const seen = (JSON.parse(doctor.stdout) as Json).checks.find((c: Json) => c.id === 'app.test-user-sign-in')
    expect(seen).toMatchObject({ status: 'warn', message: check.message })
  })

  it('passes, full sign-in included, once the app has a policy whose rule for the test user allows a password', async () => {
    const home = tempDir()
    const first = await setup('oie-scoped', home)
    expect(first.code).toBe(0)
    forgetTotp(home, 'oie-scoped')
    const doc = JSON.parse(first.stdout) as Json
    // The admin's way: a policy for this app, password only for the test user, two factors for everyone else.
    const user = await api('GET', `/api/v1/users/${encodeURIComponent('qa-oie-scoped@example.test')}`)
    const policy = await api('POST', '/api/v1/policies', { type: 'ACCESS_POLICY', name: 'kestra sign-in', description: 'test user: password' })
    await api('POST', `/api/v1/policies/${policy.id}/rules`, {
      name: 'test user: password only',
      type: 'ACCESS_POLICY',
      conditions: { people: { users: { include: [user.id] } } },
      actions: { appSignOn: { access: 'ALLOW', verificationMethod: { type: 'ASSURANCE', factorMode: '1FA', constraints: [{ knowledge: { types: ['password'] } }] } } },
    })
    await api('PUT', `/api/v1/apps/${doc.appId}/policies/${policy.id}`)

    const again = await setup('oie-scoped', home)
    expect(again.stderr).not.toContain('error:')
    expect(again.code).toBe(0)
    const verified = (JSON.parse(again.stdout) as Json).verify as Json[]
    expect(verified.find((c) => c.id === 'verify.sign-in-policy')).toMatchObject({
      status: 'pass',
      message: 'the app\'s authentication policy "kestra sign-in" lets qa-oie-scoped@example.test sign in with a password (rule "test user: password only")',
    })
    expect(verified.map((c) => c.status)).toEqual(verified.map(() => 'pass'))
    // The full sign-in ran (the sandbox's test-login, password only) and the ID token was checked.
    expect(verified.map((c) => c.id)).toEqual(expect.arrayContaining(['verify.sign-in-policy', 'verify.sign-in', 'verify.id-token']))
  })
})
