import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { runMain } from '../helpers/run-main.js'
import { useSandbox } from '../helpers/sandbox.js'

// doctor against a live (sandbox) org, through the real Okta SDK: green on a fresh setup, then each trap the
// targets are known for is introduced through the Management API and must show up as its own failing check.

const { sandbox: currentSandbox, oktaEnv: env } = useSandbox()
type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

async function api(method: string, url: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${currentSandbox().orgUrl}${url}`, {
    method,
    headers: { Authorization: `SSWS ${currentSandbox().apiToken}`, Accept: 'application/json', 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  if (!res.ok) {
    throw new Error(`${method} ${url}: ${res.status} ${text}`)
  }
  return (text ? JSON.parse(text) : {}) as Json
}

async function provision(profile: string, target: string, baseUrl: string, home: string, out?: string, extra: string[] = []): Promise<Json> {
  const args = ['okta', 'create-app', '--profile', profile, '--target', target, '--base-url', baseUrl, '--assign-group', 'Everyone', '--json', ...extra]
  const r = await runMain(out ? [...args, '--render', out] : args, { env: env(), configHome: home })
  expect(r.stderr).not.toContain('error:')
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout) as Json
}

const doctor = (args: string[], home: string) => runMain(['doctor', ...args], { env: env(), configHome: home })

describe('doctor against the sandbox', () => {
  it('is all green on a fresh OpenMetadata setup, rendered files included', async () => {
    const home = tempDir()
    const out = tempDir()
    await provision('om', 'openmetadata', 'https://om.example.test', home, out, ['--set', 'adminPrincipals=jdoe', '--set', 'principalDomain=example.test'])
    const r = await doctor(['--profile', 'om', '--config', path.join(out, 'openmetadata.yaml')], home)
    expect(r.stderr).not.toContain('error:')
    expect(r.code).toBe(0)
    // The one warning says what the file cannot show: OpenMetadata's database-stored settings win (#31786).
    const lines = r.stdout.trim().split('\n').filter((l) => !l.includes('may not be what the server uses') && !l.includes('remove-security-config'))
    expect(lines, r.stdout).toEqual(lines.filter((l) => l.startsWith('✓ ')))
    expect(r.stdout + r.stderr).toContain('remove-security-config --force')
    expect(r.stdout + r.stderr).toContain('SECURITY_CONFIG_SOURCE=ENV')
    expect(lines.every((l) => l.startsWith('✓ '))).toBe(true)
    expect(r.stdout).toContain('✓ issuer ')
    expect(r.stdout).toContain('✓ a rule allows grants')
    expect(r.stdout).toContain('openmetadata.yaml agrees with Okta')
    expect(r.stdout).toMatch(/✓ assigned: 1 group, \d+ users? \(directly or through groups\)/)
    expect(r.stderr).toMatch(/\d+ checks? passed|all \d+ checks passed|warning/)
    // A copy under another name is recognised by its content (issue 11 item 7).
    const copy = path.join(out, 'om-prod-settings')
    copyFileSync(path.join(out, 'openmetadata.yaml'), copy)
    const renamed = await doctor(['--profile', 'om', '--config', copy], home)
    expect(renamed.code, renamed.stdout + renamed.stderr).toBe(0)
    expect(renamed.stdout).toContain('om-prod-settings agrees with Okta')
  })

  it('finds a missing refresh token grant on a Galaxy app, and --fix repairs it', async () => {
    const home = tempDir()
    const created = await provision('galaxy', 'galaxy', 'https://galaxy.example.test', home)
    const app = await api('GET', `/api/v1/apps/${created.appId}`)
    app.settings.oauthClient.grant_types = ['authorization_code']
    await api('PUT', `/api/v1/apps/${created.appId}`, app)

    const broken = await doctor(['--profile', 'galaxy', '--json'], home)
    expect(broken.code).toBe(3)
    const report = JSON.parse(broken.stdout) as Json
    expect(report.ok).toBe(false)
    const grants = report.checks.find((c: Json) => c.id === 'app.grant-types')
    expect(grants).toMatchObject({ status: 'fail', message: 'grant types authorization_code lack refresh_token', fixable: true })
    expect(broken.stderr).toContain('error: 1 check failed')
    expect(broken.stderr).toContain('hint: run `oidc-setup doctor --fix`')

    const fixed = await doctor(['--profile', 'galaxy', '--fix', '--yes'], home)
    expect(fixed.stderr).toMatch(/~ app "[^"]+" \([^)]+\)\n {6}grantTypes:\n {8}\+ refresh_token/)
    expect(fixed.stderr).toMatch(/all \d+ checks passed/)
    expect(fixed.code).toBe(0)
    const after = await api('GET', `/api/v1/apps/${created.appId}`)
    expect(after.settings.oauthClient.grant_types.sort()).toEqual(['authorization_code', 'refresh_token'])
  })

  it('finds a Kestra app whose ID tokens carry the custom-domain issuer, and --fix sets it back to the Okta URL', async () => {
    const home = tempDir()
    const created = await provision('kestra-issuer', 'kestra', 'https://kestra-issuer.example.test', home)
    const app = await api('GET', `/api/v1/apps/${created.appId}`)
    expect(app.settings.oauthClient.issuer_mode).toBe('ORG_URL')
    app.settings.oauthClient.issuer_mode = 'CUSTOM_URL'
    await api('PUT', `/api/v1/apps/${created.appId}`, app)
    const broken = await doctor(['--profile', 'kestra-issuer'], home)
    expect(broken.code).toBe(3)
    expect(broken.stdout).toContain("✗ the app's ID tokens carry the custom domain issuer (CUSTOM_URL); the target's config names the Okta URL issuer")
    const fixed = await doctor(['--profile', 'kestra-issuer', '--fix', '--yes'], home)
    expect(fixed.code).toBe(0)
    expect((await api('GET', `/api/v1/apps/${created.appId}`)).settings.oauthClient.issuer_mode).toBe('ORG_URL')
  })

  it('finds a client without an access policy on its custom server (the "Policy evaluation failed" trap)', async () => {
    const home = tempDir()
    const created = await provision('kestra', 'kestra', 'https://kestra.example.test', home, undefined, ['--auth-server', 'new'])
    const server = created.authServerId as string
    expect(server).toMatch(/^aus/)
    const policies = (await api('GET', `/api/v1/authorizationServers/${server}/policies`)) as unknown as Json[]
    const ours = policies.find((p) => p.conditions?.clients?.include?.includes(created.clientId))!
    await api('POST', `/api/v1/authorizationServers/${server}/policies/${ours.id}/lifecycle/deactivate`)
    const r = await doctor(['--profile', 'kestra'], home)
    expect(r.code).toBe(3)
    expect(r.stdout).toContain(`✗ no active access policy covers client ${created.clientId}`)
  })

  it('finds a rendered file whose client id and secret no longer match Okta, without printing the secret', async () => {
    const home = tempDir()
    const out = tempDir()
    await provision('pom', 'pomerium', 'https://authenticate.example.test', home, out)
    const file = path.join(out, 'config.yaml')
    const text = readFileSync(file, 'utf8')
    const secret = /idp_client_secret: (.+)/.exec(text)![1]!.replace(/^["']|["']$/g, '')
    writeFileSync(file, text.replace(/idp_client_id: .+/, 'idp_client_id: 0oaWRONG').replace(secret, 'not-the-secret'))
    const r = await doctor(['--profile', 'pom', '--config', file], home)
    expect(r.code).toBe(3)
    expect(r.stdout).toMatch(/✗ .*config\.yaml: client id 0oaWRONG is not 0oa/)
    expect(r.stdout).toContain('the client secret does not match the one in Okta (compared by hash)')
    expect(r.stdout + r.stderr).not.toContain(secret)
  })

  it('fails (✗, exit 3) when nobody is assigned, since nobody can sign in (issue 11), and counts a directly assigned user', async () => {
    const home = tempDir()
    await runMain(['okta', 'create-app', '--profile', 'lonely', '--target', 'web', '--base-url', 'https://lonely.example.test'], { env: env(), configHome: home })
    const lonely = await doctor(['--profile', 'lonely'], home)
    expect(lonely.code).toBe(3)
    expect(lonely.stdout).toContain('✗ no groups or users are assigned to the app')
    expect(lonely.stderr).toContain('error: 1 check failed')
    const login = currentSandbox().users[0]!.login
    await runMain(['okta', 'create-app', '--profile', 'lonely', '--target', 'web', '--base-url', 'https://lonely.example.test', '--assign-user', login], { env: env(), configHome: home })
    const assigned = await doctor(['--profile', 'lonely'], home)
    expect(assigned.stdout).toContain('✓ assigned: 0 groups, 1 user (directly or through groups)')
    expect(assigned.code).toBe(0)
  })

  it('names the profile to create when there is none', async () => {
    const r = await doctor(['--profile', 'nothing-here'], tempDir())
    expect(r.code).toBe(3)
    expect(r.stderr).toBe(
      'error: no profile "nothing-here"\nhint: create it with `oidc-setup setup` or `oidc-setup okta create-app`, or pass --profile NAME\n',
    )
  })
})
