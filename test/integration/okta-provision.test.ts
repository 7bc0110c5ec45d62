import { mkdtempSync, readdirSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_LOGIN_PORTS, loopbackRedirectUri } from '../../src/domain/loopback.js'
import { targets } from '../../src/targets/index.js'
import type { Sandbox } from '../../src/sandbox/index.js'
import { runCli, tempDir } from '../helpers/cli.js'
import { runMain } from '../helpers/run-main.js'

// Every test provisions through the real CLI code path and the real @okta/okta-sdk-nodejs against the sandbox, and
// reads the result back through the Management API (the sandbox's own HTTP surface, not its internals).

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

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { OKTA_CLIENT_ORGURL: sandbox.orgUrl, OKTA_CLIENT_TOKEN: sandbox.apiToken, ...extra }
}

async function api<T = unknown>(path: string): Promise<T> {
  const res = await fetch(`${sandbox.orgUrl}${path}`, { headers: { Authorization: `SSWS ${sandbox.apiToken}`, Accept: 'application/json' } })
  if (!res.ok) {
    throw new Error(`GET ${path}: ${res.status} ${await res.text()}`)
  }
  return (await res.json()) as T
}

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

function count(since: number): { reads: number; writes: number; byMethod: Record<string, number> } {
  const entries = sandbox.requestLog.slice(since).filter((e) => e.path.startsWith('/api/v1/'))
  const byMethod: Record<string, number> = {}
  for (const e of entries) {
    byMethod[e.method] = (byMethod[e.method] ?? 0) + 1
  }
  return { reads: byMethod.GET ?? 0, writes: entries.length - (byMethod.GET ?? 0), byMethod }
}

async function createApp(args: string[], home = tempDir('oidc-setup-home-')) {
  const result = await runMain(['okta', 'create-app', ...args, '--json'], { env: env(), configHome: home })
  return { ...result, home, json: result.code === 0 ? (JSON.parse(result.stdout) as Json) : undefined }
}

describe('okta create-app against the sandbox', () => {
  it('creates a web app with policy and rule, and a second run writes nothing', async () => {
    const home = tempDir('oidc-setup-home-')
    const mark = sandbox.requestLog.length
    const first = await createApp(['--target', 'web', '--base-url', 'https://web1.example.com', '--profile', 'web1'], home)
    expect(first.stderr).not.toMatch(/error/)
    expect(first.code).toBe(0)
    expect(first.json?.changes.map((c: Json) => `${c.type}:${c.action}`)).toEqual(['app:create', 'policy:create', 'rule:create'])
    const app = await api<Json>(`/api/v1/apps/${first.json?.appId}`)
    expect(app.label).toBe('web (web1.example.com)')
    expect(app.status).toBe('ACTIVE')
    expect(app.settings.oauthClient.redirect_uris).toEqual(['https://web1.example.com/callback'])
    expect(app.settings.oauthClient.grant_types.sort()).toEqual(['authorization_code', 'refresh_token'])
    expect(count(mark).writes).toBe(3)

    const mark2 = sandbox.requestLog.length
    const second = await createApp(['--target', 'web', '--base-url', 'https://web1.example.com', '--profile', 'web1'], home)
    expect(second.code).toBe(0)
    expect(second.json?.changes.every((c: Json) => c.action === 'unchanged')).toBe(true)
    expect(count(mark2)).toMatchObject({ writes: 0 })
  })

  for (const target of targets) {
    it(`target ${target.name}: creates what it needs (read back through the API) and a re-run writes nothing`, async () => {
      const home = tempDir('oidc-setup-home-')
      const baseUrl = `https://${target.name}.preset.example.com`
      const args = ['--target', target.name, '--base-url', baseUrl, '--profile', `p-${target.name}`]
      const first = await createApp(args, home)
      expect(first.stderr).not.toMatch(/^error/m)
      expect(first.code).toBe(0)
      const req = target.requirements({ baseUrl: new URL(baseUrl) })
      const app = await api<Json>(`/api/v1/apps/${first.json?.appId}`)
      const oauth = app.settings.oauthClient
      expect(app.status).toBe('ACTIVE')
      expect(oauth.application_type).toBe(req.applicationType)
      expect([...oauth.grant_types].sort()).toEqual([...req.grantTypes].sort())
      expect([...(oauth.redirect_uris ?? [])].sort()).toEqual([...req.redirectUris].sort())
      expect(app.credentials.oauthClient.token_endpoint_auth_method).toBe(req.tokenEndpointAuthMethod)
      if (target.name === 'cli') {
        expect(oauth.redirect_uris).toEqual(DEFAULT_LOGIN_PORTS.map(loopbackRedirectUri))
        expect(app.credentials.oauthClient.pkce_required).toBe(true)
      }
      const serverId = first.json?.authServerId as string
      if (serverId === 'org') {
        expect(first.json?.issuer).toBe(sandbox.orgUrl)
      } else {
        // The default server has a real aus… id; its issuer keeps the `default` alias (as on Okta).
        expect(first.json?.issuer).toBe(sandbox.issuer(serverId))
        const policies = await api<Json[]>(`/api/v1/authorizationServers/${serverId}/policies`)
        const policy = policies.find((p) => p.conditions?.clients?.include?.includes(app.credentials.oauthClient.client_id))
        expect(policy, 'an access policy for this client').toBeDefined()
        const rules = await api<Json[]>(`/api/v1/authorizationServers/${serverId}/policies/${policy?.id}/rules`)
        expect([...(rules[0]?.conditions.grantTypes.include ?? [])].sort()).toEqual([...req.grantTypes].sort())
        const scopes = await api<Json[]>(`/api/v1/authorizationServers/${serverId}/scopes`)
        for (const scope of req.scopes) {
          expect(scopes.map((x) => x.name)).toContain(scope)
        }
      }
      for (const origin of req.trustedOrigins ?? []) {
        const origins = await api<Json[]>(`/api/v1/trustedOrigins`)
        expect(origins.find((o) => o.origin === origin)?.scopes.map((x: Json) => x.type).sort()).toEqual(['CORS', 'REDIRECT'])
      }
      if (req.tokenEndpointAuthMethod !== 'none') {
        // The secret went to the (file) secret store, never to stdout.
        const secrets = await api<Json[]>(`/api/v1/apps/${first.json?.appId}/credentials/secrets`)
        expect(first.stdout).not.toContain(secrets[0]?.client_secret)
        expect(first.stdout).not.toMatch(/"clientSecret"/)
        const store = (await import('node:fs')).readFileSync(path.join(home, 'secrets.json'), 'utf8')
        expect(store).toContain(secrets[0]?.client_secret)
        expect(statSync(path.join(home, 'secrets.json')).mode & 0o777).toBe(0o600)
      }
      const mark = sandbox.requestLog.length
      const second = await createApp(args, home)
      expect(second.code).toBe(0)
      expect(count(mark).writes).toBe(0)
      expect(second.json?.changes.filter((c: Json) => c.action !== 'unchanged')).toEqual([])
    })
  }

  it('assigns Everyone and adds a groups claim, read back through the API; --debug traces are redacted', async () => {
    const home = tempDir('oidc-setup-home-')
    const result = await runMain(
      ['okta', 'create-app', '--target', 'kestra', '--base-url', 'https://groups.example.com', '--profile', 'groups', '--auth-server', 'default', '--groups-claim', '--assign-group', 'Everyone', '--debug'],
      { env: env(), configHome: home },
    )
    expect(result.code).toBe(0)
    // Human output: results on stdout, progress and next steps on stderr, no secrets anywhere.
    expect(result.stdout).toMatch(/^profile: groups\nclient id: \S+\nissuer: http:\/\/127\.0\.0\.1:\d+\/oauth2\/default\n$/)
    expect(result.stderr).toContain('✓ app "kestra (groups.example.com)"')
    expect(result.stderr).toContain('next steps:')
    expect(result.stderr).toMatch(/debug: GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/apps\?q=.* → 200/)
    expect(result.stderr).not.toContain(sandbox.apiToken)
    const secrets = await api<Json[]>(`/api/v1/apps/${(await api<Json[]>(`/api/v1/apps?q=${encodeURIComponent('kestra (groups.example.com)')}`))[0]?.id}/credentials/secrets`)
    expect(result.stderr + result.stdout).not.toContain(secrets[0]?.client_secret)
    const apps = await api<Json[]>(`/api/v1/apps?q=${encodeURIComponent('kestra (groups.example.com)')}`)
    const groups = await api<Json[]>(`/api/v1/apps/${apps[0]?.id}/groups`)
    const everyone = (await api<Json[]>(`/api/v1/groups?filter=${encodeURIComponent('type eq "BUILT_IN"')}`))[0]
    expect(groups.map((g) => g.id)).toEqual([everyone?.id])
    const claims = await api<Json[]>('/api/v1/authorizationServers/default/claims')
    expect(claims.find((c) => c.name === 'groups')).toMatchObject({ valueType: 'GROUPS', claimType: 'IDENTITY' })
  })

  it('prints the client secret only with --show-secret', async () => {
    const result = await runMain(['okta', 'create-app', '--target', 'web', '--base-url', 'https://shown.example.com', '--show-secret'], { env: env() })
    expect(result.code).toBe(0)
    const apps = await api<Json[]>(`/api/v1/apps?q=${encodeURIComponent('web (shown.example.com)')}`)
    const secrets = await api<Json[]>(`/api/v1/apps/${apps[0]?.id}/credentials/secrets`)
    expect(result.stdout).toContain(`client secret: ${secrets[0]?.client_secret}`)
    expect(result.stderr).not.toContain(secrets[0]?.client_secret)
  })

  it('--test-user creates, assigns and (with delete-app) removes a user; its password stays in the secret store', async () => {
    const home = tempDir('oidc-setup-home-')
    const args = ['--target', 'native', '--base-url', 'https://testuser.example.com', '--profile', 'tu', '--test-user', 'test.user@example.com']
    const created = await createApp(args, home)
    expect(created.stderr).not.toMatch(/^error/m)
    expect(created.code).toBe(0)
    const user = await api<Json>(`/api/v1/users/${encodeURIComponent('test.user@example.com')}`)
    expect(user.status).toBe('ACTIVE')
    expect((await api<Json>(`/api/v1/apps/${created.json?.appId}/users/${user.id}`)).id).toBe(user.id)
    const secrets = JSON.parse((await import('node:fs')).readFileSync(path.join(home, 'secrets.json'), 'utf8')) as Record<string, string>
    expect(secrets['profile:tu:test-user-password']).toMatch(/.{20,}/)
    expect(created.stdout + created.stderr).not.toContain(secrets['profile:tu:test-user-password'])
    const mark = sandbox.requestLog.length
    expect((await createApp(args, home)).code).toBe(0)
    expect(count(mark).writes).toBe(0)
    const del = await runMain(['okta', 'delete-app', '--profile', 'tu', '--yes'], { env: env(), configHome: home })
    expect(del.code).toBe(0)
    const gone = await fetch(`${sandbox.orgUrl}/api/v1/users/${user.id}`, { headers: { Authorization: `SSWS ${sandbox.apiToken}` } })
    expect(gone.status).toBe(404)
  })

  it('--dry-run prints the plan and writes nothing', async () => {
    const mark = sandbox.requestLog.length
    const plan = await createApp(['--target', 'spa', '--base-url', 'https://dry.example.com', '--dry-run', '--assign-group', 'Everyone'])
    expect(plan.code).toBe(0)
    expect(count(mark).writes).toBe(0)
    expect(plan.json?.changes.map((c: Json) => `${c.type}:${c.action}`)).toEqual([
      'app:create',
      'policy:create',
      'rule:create',
      'group-assignment:create',
      'trusted-origin:create',
    ])
    expect(plan.stderr).toContain('dry run: 5 change(s) planned, nothing written')
  })

  it('converges without duplicates through 429 bursts, 5xx and a connection dropped after the create', async () => {
    const home = tempDir('oidc-setup-home-')
    sandbox.faults.add({ kind: 'rateLimit', path: '/api/v1/apps', method: 'GET', times: 1 })
    sandbox.faults.add({ kind: 'error', status: 503, path: '/api/v1/authorizationServers', method: 'GET', times: 2 })
    sandbox.faults.add({ kind: 'drop', when: 'after', path: '/api/v1/apps', method: 'POST', times: 1 })
    sandbox.faults.add({ kind: 'drop', when: 'after', path: /\/policies$/, method: 'POST', times: 1 })
    const result = await createApp(['--target', 'web', '--base-url', 'https://faulty.example.com', '--profile', 'faulty'], home)
    expect(result.stderr).not.toMatch(/^error/m)
    expect(result.code).toBe(0)
    const apps = await api<Json[]>(`/api/v1/apps?q=${encodeURIComponent('web (faulty.example.com)')}`)
    expect(apps.filter((a) => a.label === 'web (faulty.example.com)')).toHaveLength(1)
    const policies = await api<Json[]>(`/api/v1/authorizationServers/default/policies`)
    expect(policies.filter((p) => p.name === 'oidc-setup: web (faulty.example.com)')).toHaveLength(1)
    // The create response with the secret was lost: the secret was recovered from /credentials/secrets.
    const secrets = await api<Json[]>(`/api/v1/apps/${apps[0]?.id}/credentials/secrets`)
    expect((await import('node:fs')).readFileSync(path.join(home, 'secrets.json'), 'utf8')).toContain(secrets[0]?.client_secret)
    const mark = sandbox.requestLog.length
    await createApp(['--target', 'web', '--base-url', 'https://faulty.example.com', '--profile', 'faulty'], home)
    expect(count(mark).writes).toBe(0)
  }, 30_000)

  it('an interrupted run (killed after the app was created) converges on re-run', async () => {
    const home = tempDir('oidc-setup-home-')
    const args = ['--target', 'spa', '--base-url', 'https://interrupted.example.com', '--profile', 'intr']
    sandbox.faults.add({ kind: 'error', status: 400, path: /\/policies$/, method: 'POST', times: 1 })
    const broken = await createApp(args, home)
    expect(broken.code).toBe(5)
    expect(broken.stderr).toContain('could not create access policy')
    const again = await createApp(args, home)
    expect(again.code).toBe(0)
    expect(again.json?.changes.find((c: Json) => c.type === 'app')?.action).toBe('unchanged')
    expect(again.json?.changes.find((c: Json) => c.type === 'policy')?.action).toBe('create')
    const apps = await api<Json[]>(`/api/v1/apps?q=${encodeURIComponent('spa (interrupted.example.com)')}`)
    expect(apps).toHaveLength(1)
  })

  it('delete-app removes exactly what create-app made for the profile', async () => {
    const home = tempDir('oidc-setup-home-')
    const a = await createApp(['--target', 'spa', '--base-url', 'https://del-a.example.com', '--profile', 'del-a', '--auth-server', 'new', '--groups-claim'], home)
    const b = await createApp(['--target', 'web', '--base-url', 'https://del-b.example.com', '--profile', 'del-b'], home)
    expect(a.code).toBe(0)
    expect(b.code).toBe(0)
    const serversBefore = await api<Json[]>('/api/v1/authorizationServers')
    const defaultPoliciesBefore = await api<Json[]>('/api/v1/authorizationServers/default/policies')
    const del = await runMain(['okta', 'delete-app', '--profile', 'del-a', '--json', '--yes'], { env: env(), configHome: home })
    expect(del.stderr).not.toMatch(/^error/m)
    expect(del.code).toBe(0)
    const deleted = JSON.parse(del.stdout) as Json
    expect(deleted.changes.map((c: Json) => c.type).sort()).toEqual(['app', 'authorization-server', 'claim', 'policy', 'trusted-origin'])
    const gone = await fetch(`${sandbox.orgUrl}/api/v1/apps/${a.json?.appId}`, { headers: { Authorization: `SSWS ${sandbox.apiToken}` } })
    expect(gone.status).toBe(404)
    expect((await api<Json>(`/api/v1/apps/${b.json?.appId}`)).status).toBe('ACTIVE')
    const serversAfter = await api<Json[]>('/api/v1/authorizationServers')
    expect(serversAfter.map((s) => s.id).sort()).toEqual(serversBefore.map((s) => s.id).filter((id) => id !== a.json?.authServerId).sort())
    expect(await api<Json[]>('/api/v1/authorizationServers/default/policies')).toEqual(defaultPoliciesBefore)
    // Re-running is harmless (everything is already gone).
    const again = await runMain(['okta', 'delete-app', '--profile', 'del-a', '--yes'], { env: env(), configHome: home })
    expect(again.code).toBe(3)
  })

  it('okta apps list and okta show report the managed app and its profile', async () => {
    const home = tempDir('oidc-setup-home-')
    const created = await createApp(['--target', 'kestra', '--base-url', 'https://list.example.com', '--profile', 'listed'], home)
    const list = await runMain(['okta', 'apps', 'list', '--json'], { env: env(), configHome: home })
    expect(list.code).toBe(0)
    const rows = JSON.parse(list.stdout) as Json[]
    expect(rows.find((r) => r.appId === created.json?.appId)).toMatchObject({ profile: 'listed', profileHere: true })
    const show = await runMain(['okta', 'show', '--profile', 'listed'], { env: env(), configHome: home })
    expect(show.code).toBe(0)
    expect(show.stdout).toContain(`client id: ${created.json?.clientId}`)
    expect(show.stdout).toContain('client secret: stored')
    expect(show.stdout).not.toContain(`secret: ${'x'}`)
  })

  it('--render chains into render-config with the new profile', async () => {
    const home = tempDir('oidc-setup-home-')
    const out = mkdtempSync(path.join(os.tmpdir(), 'oidc-setup-render-'))
    const result = await createApp(['--target', 'galaxy', '--base-url', 'https://render.example.org', '--profile', 'rendered', '--render', out], home)
    expect(result.stderr).not.toMatch(/^error/m)
    expect(result.code).toBe(0)
    expect(readdirSync(out).sort()).toEqual(['galaxy.yml', 'oidc_backends_config.xml', 'oidc_config.xml'])
  })

  it('Okta errors become exit 5 with a hint: a rejected token points at okta configure', async () => {
    const bad = await runMain(['okta', 'create-app', '--target', 'cli'], { env: { OKTA_CLIENT_ORGURL: sandbox.orgUrl, OKTA_CLIENT_TOKEN: 'wrong-token' } })
    expect(bad.code).toBe(5)
    expect(bad.stderr).toMatch(/error: could not (look up app|read authorization server) .*E0000011/)
    expect(bad.stderr).toContain('oidc-setup okta configure')
    expect(bad.stderr).not.toContain('wrong-token')
    const unreachable = await runMain(['okta', 'create-app', '--target', 'cli'], { env: { OKTA_CLIENT_ORGURL: 'http://127.0.0.1:9', OKTA_CLIENT_TOKEN: 'x1234567' } })
    expect(unreachable.code).toBe(5)
    expect(unreachable.stderr).toContain('could not reach http://127.0.0.1:9')
    expect(unreachable.stderr).toContain('HTTPS_PROXY')
  })
})

describe('the built CLI (npm test builds dist/ first)', () => {
  it('provisions from a child process: the SDK loads from its lazy chunk, secrets go to the file store', async () => {
    const home = tempDir('oidc-setup-home-')
    // runCli is asynchronous, so the sandbox in this process keeps serving while the child talks to it.
    const result = await runCli(['okta', 'create-app', '--target', 'web', '--base-url', 'https://child.example.com', '--json', '--secret-store', 'file'], {
      env: { ...env(), OIDC_SETUP_CONFIG_DIR: home },
    })
    expect(result.stderr).not.toMatch(/^error/m)
    expect(result.code).toBe(0)
    // The default server is stored by its real aus… id (`default` is only Okta's alias).
    expect(JSON.parse(result.stdout)).toMatchObject({ profile: 'web-child.example.com', authServerId: sandbox.state.servers.find((s) => s.server.default === true)?.id })
  })
})

describe('startup cost', () => {
  it('okta --help and okta create-app --help do not load the Okta SDK; create-app does', async () => {
    const { writeFileSync, readFileSync } = await import('node:fs')
    const trace = path.join(tempDir(), 'imports.txt')
    writeFileSync(trace, '')
    const hook = path.join(process.cwd(), 'test', 'helpers', 'trace-imports.mjs')
    const traced = { NODE_OPTIONS: `--import=${hook}`, OIDC_SETUP_TRACE_IMPORTS: trace }
    for (const args of [['okta', '--help'], ['okta', 'create-app', '--help'], ['okta', 'create-app', '--target', 'nope']]) {
      await runCli(args, { env: traced })
    }
    expect(readFileSync(trace, 'utf8')).not.toContain('/node_modules/@okta/okta-sdk-nodejs/')
    const used = await runCli(['okta', 'create-app', '--target', 'cli', '--dry-run'], { env: { ...env(), ...traced } })
    expect(used.code).toBe(0)
    expect(readFileSync(trace, 'utf8')).toContain('/node_modules/@okta/okta-sdk-nodejs/')
  })
})

describe('okta configure against the sandbox', () => {
  it('verifies the token, stores it in the secret store and lets create-app run without OKTA_CLIENT_*', async () => {
    const home = tempDir('oidc-setup-home-')
    const configured = await runMain(['okta', 'configure', '--org-url', sandbox.orgUrl, '--api-token-env', 'MY_TOKEN'], {
      env: { MY_TOKEN: sandbox.apiToken },
      configHome: home,
    })
    expect(configured.stderr).not.toMatch(/^error/m)
    expect(configured.code).toBe(0)
    expect(configured.stderr).not.toContain(sandbox.apiToken)
    const created = await runMain(['okta', 'create-app', '--target', 'cli', '--profile', 'from-configure', '--json'], { configHome: home })
    expect(created.stderr).not.toMatch(/^error/m)
    expect(created.code).toBe(0)
  })

  it('refuses a rejected token without storing it, and tokens as plain arguments', async () => {
    const home = tempDir('oidc-setup-home-')
    const bad = await runMain(['okta', 'configure', '--org-url', sandbox.orgUrl, '--api-token-file', '-'], { input: 'nope-token\n', configHome: home })
    expect(bad.code).toBe(5)
    expect(bad.stderr).toContain('oidc-setup okta configure')
    expect(readdirSync(home)).not.toContain('secrets.json')
    const missing = await runMain(['okta', 'configure', '--org-url', sandbox.orgUrl], { configHome: home })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('--api-token-env')
  })

  it('configures a private_key_jwt service app (PEM key, granted scopes) and provisions with it', async () => {
    const { generateKeyPairSync } = await import('node:crypto')
    const { writeFileSync } = await import('node:fs')
    const { PROVISION_SCOPES, READ_SCOPES } = await import('../../src/domain/okta-credentials.js')
    const admin = async (method: string, p: string, body: unknown): Promise<Json> => {
      const res = await fetch(`${sandbox.orgUrl}${p}`, {
        method,
        headers: { Authorization: `SSWS ${sandbox.apiToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      })
      expect(res.ok, `${method} ${p}`).toBe(true)
      return (await res.json()) as Json
    }
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const kid = 'cfg-key-1'
    const app = await admin('POST', '/api/v1/apps', {
      name: 'oidc_client',
      label: 'oidc-setup automation',
      signOnMode: 'OPENID_CONNECT',
      credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
      // dpop_bound_access_tokens false, explicitly: new service apps require DPoP by default (as on Okta since 2024), and
      // the Okta SDK's proofs carry a lower-case htm on some calls, which Okta (and the sandbox) refuse (issue 12 item 1);
      // until the CLI's private-key mode uses a correct DPoP implementation this test opts out.
      settings: { oauthClient: { application_type: 'service', grant_types: ['client_credentials'], response_types: ['token'], dpop_bound_access_tokens: false, jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' }] } } },
    })
    for (const scopeId of new Set([...PROVISION_SCOPES, ...READ_SCOPES])) {
      await admin('POST', `/api/v1/apps/${app.id}/grants`, { issuer: sandbox.orgUrl, scopeId })
    }
    await admin('POST', `/oauth2/v1/clients/${app.credentials.oauthClient.client_id}/roles`, { type: 'SUPER_ADMIN' })
    const keyFile = path.join(tempDir(), 'key.pem')
    writeFileSync(keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 })
    const home = tempDir('oidc-setup-home-')
    const configured = await runMain(
      ['okta', 'configure', '--org-url', sandbox.orgUrl, '--client-id', app.credentials.oauthClient.client_id, '--private-key-file', keyFile, '--key-id', kid],
      { configHome: home },
    )
    expect(configured.stderr).not.toMatch(/^error/m)
    expect(configured.code).toBe(0)
    const created = await runMain(['okta', 'create-app', '--target', 'spa', '--base-url', 'https://pkjwt.example.com', '--profile', 'pk', '--json'], { configHome: home })
    expect(created.stderr).not.toMatch(/^error/m)
    expect(created.code).toBe(0)
    expect(JSON.parse(created.stdout).changes.map((c: Json) => c.action)).toContain('create')
    // The SDK authenticated with bearer tokens from the org server, never with an SSWS token.
    expect(sandbox.requestLog.some((e) => e.path === '/oauth2/v1/token' && e.status === 200)).toBe(true)
  })

  it('honours ~/.okta/okta.yaml without configure', async () => {
    const userHome = tempDir('oidc-setup-userhome-')
    const { mkdirSync, writeFileSync } = await import('node:fs')
    mkdirSync(path.join(userHome, '.okta'))
    writeFileSync(path.join(userHome, '.okta', 'okta.yaml'), `okta:\n  client:\n    orgUrl: ${sandbox.orgUrl}\n    token: ${sandbox.apiToken}\n`)
    const created = await runMain(['okta', 'create-app', '--target', 'service', '--profile', 'yaml', '--json'], { home: userHome })
    expect(created.stderr).not.toMatch(/^error/m)
    expect(created.code).toBe(0)
  })
})

describe('the cli preset app signs in through the sandbox with openid-client', () => {
  it('authorization code + PKCE on a registered loopback redirect URI, then refresh', async () => {
    const home = tempDir('oidc-setup-home-')
    const user = sandbox.users[0] as NonNullable<(typeof sandbox.users)[0]>
    const created = await createApp(['--target', 'cli', '--profile', 'login', '--name', 'cli login test', '--assign-user', user.login], home)
    expect(created.code).toBe(0)
    const client = await import('openid-client')
    const config = await client.discovery(new URL(created.json?.issuer), created.json?.clientId, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    })
    const verifier = client.randomPKCECodeVerifier()
    const state = client.randomState()
    const redirectUri = loopbackRedirectUri(DEFAULT_LOGIN_PORTS[0] as number)
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile email offline_access',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    })
    sandbox.setAutoLogin(user.login)
    try {
      const callback = await followToRedirect(url.href, redirectUri)
      const tokens = await client.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state })
      expect(tokens.access_token).toBeTruthy()
      expect(tokens.claims()?.sub).toBeTruthy()
      expect(tokens.refresh_token).toBeTruthy()
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string)
      expect(refreshed.access_token).toBeTruthy()
    } finally {
      sandbox.setAutoLogin(undefined)
    }
  })
})

/** Follows the authorize redirects (with cookies, like a browser) until one goes to the redirect URI. */
async function followToRedirect(start: string, redirectUri: string): Promise<string> {
  const cookies = new Map<string, string>()
  let url = start
  for (let i = 0; i < 15; i++) {
    if (url.startsWith(redirectUri)) {
      return url
    }
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    })
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const [k, ...v] = (pair ?? '').split('=')
      if (k) {
        cookies.set(k.trim(), v.join('='))
      }
    }
    const location = res.headers.get('location')
    if (!location) {
      throw new Error(`authorize flow stopped at ${url}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`)
    }
    url = new URL(location, url).href
  }
  throw new Error('too many redirects')
}
