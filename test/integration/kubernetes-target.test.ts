import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { requireTarget } from '../../src/targets/index.js'
import { tempDir } from '../helpers/cli.js'
import { httpBrowser, runWith } from '../helpers/login.js'
import { runMain } from '../helpers/run-main.js'
import { useSandbox } from '../helpers/sandbox.js'

// The kubernetes target against the sandbox: okta create-app provisions one native PKCE app and the groups claim on
// a custom server (a re-run writes nothing); after a login and render-config, doctor compares the rendered
// authentication files with Okta and warns when the user's groups claim nears Okta's 100-group cut-off
// (support.okta.com "The groups claim matched too many groups and must be configured to match fewer groups").
const { sandbox, oktaEnv } = useSandbox()
type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

async function api(method: string, url: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${sandbox().orgUrl}${url}`, {
    method,
    headers: { Authorization: `SSWS ${sandbox().apiToken}`, Accept: 'application/json', 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  if (!res.ok) {
    throw new Error(`${method} ${url}: ${res.status} ${text}`)
  }
  return (text ? JSON.parse(text) : {}) as Json
}

describe('kubernetes target against the sandbox', () => {
  it('create-app: a native public PKCE app with the loopback redirects and a groups claim; a re-run writes nothing', async () => {
    const home = tempDir('oidc-setup-home-')
    const server = 'https://k8s.example.com:6443'
    const args = ['okta', 'create-app', '--target', 'kubernetes', '--base-url', server, '--profile', 'k8s', '--groups-claim', '--json']
    const first = await runMain(args, { env: oktaEnv(), configHome: home })
    expect(first.stderr).not.toMatch(/^error/m)
    expect(first.code).toBe(0)
    const result = JSON.parse(first.stdout) as Json
    const req = requireTarget('kubernetes').requirements({ baseUrl: new URL(server) })
    const app = await api('GET', `/api/v1/apps/${result.appId}`)
    expect(app.settings.oauthClient.application_type).toBe('native')
    expect([...app.settings.oauthClient.redirect_uris].sort()).toEqual([...req.redirectUris].sort())
    expect(app.credentials.oauthClient.token_endpoint_auth_method).toBe('none')
    expect(app.credentials.oauthClient.pkce_required).toBe(true)
    const claims = await api('GET', `/api/v1/authorizationServers/${result.authServerId}/claims`)
    expect((claims as unknown as Json[]).find((c) => c.name === 'groups' && c.claimType === 'IDENTITY')).toBeDefined()

    const mark = sandbox().requestLog.length
    const second = await runMain(args, { env: oktaEnv(), configHome: home })
    expect(second.code).toBe(0)
    expect(sandbox().requestLog.slice(mark).filter((e) => e.path.startsWith('/api/v1/') && e.method !== 'GET')).toEqual([])
  })

  it('setup --target kubernetes --out DIR provisions and renders the four files (no client secret to look for)', async () => {
    const home = tempDir('oidc-setup-home-')
    const out = tempDir('oidc-setup-k8s-setup-')
    const r = await runMain(
      ['setup', '--target', 'kubernetes', '--base-url', 'https://k8s.example.com:6443', '--profile', 'k8s', '--groups-claim', '--assign-group', 'Everyone', '--out', out, '--set', 'bindGroups=k8s-admins', '--set', 'clusterRole=cluster-admin'],
      { env: oktaEnv(), configHome: home },
    )
    expect(r.stderr).not.toMatch(/^error/m)
    expect(r.code).toBe(0)
    const { readdirSync, readFileSync } = await import('node:fs')
    expect(readdirSync(out).sort()).toEqual(['apiserver-oidc-flags.txt', 'authentication-config.yaml', 'clusterrolebinding.yaml', 'kubeconfig.yaml'])
    expect(readFileSync(path.join(out, 'clusterrolebinding.yaml'), 'utf8')).toContain('name: oidc:k8s-admins')
  })

  it('doctor: the rendered files agree with Okta, and a user in 95 groups gets the 100-group warning', async () => {
    const home = tempDir('oidc-setup-home-')
    const out = tempDir('oidc-setup-k8s-out-')
    const login = 'many.groups@example.com'
    const created = await runMain(
      ['okta', 'create-app', '--target', 'kubernetes', '--base-url', 'https://k8s.example.com:6443', '--profile', 'k8s', '--groups-claim', '--test-user', login, '--json', '--show-secret'],
      { env: oktaEnv(), configHome: home },
    )
    expect(created.code, created.stderr).toBe(0)
    const password = String((JSON.parse(created.stdout) as Json).testUserPassword)
    const user = await api('GET', `/api/v1/users/${encodeURIComponent(login)}`)
    for (let i = 0; i < 95; i++) {
      const group = await api('POST', '/api/v1/groups', { profile: { name: `team-${i}` } })
      await api('PUT', `/api/v1/groups/${group.id}/users/${user.id}`)
    }
    const signIn = await runWith(['login', '--profile', 'k8s', '--timeout', '30'], {
      configHome: home,
      browser: httpBrowser({ login, password, totpSecret: sandbox().enrollTotp(login) }),
    })
    expect(signIn.code, signIn.stderr).toBe(0)
    // A public client: render-config needs no client secret (and no --secret-ref env).
    const rendered = await runMain(['render-config', '--profile', 'k8s', '--out', out], { configHome: home })
    expect(rendered.code, rendered.stderr).toBe(0)

    const files = ['authentication-config.yaml', 'apiserver-oidc-flags.txt', 'kubeconfig.yaml', 'clusterrolebinding.yaml'].flatMap((f) => ['--config', path.join(out, f)])
    const r = await runMain(['doctor', '--profile', 'k8s', '--groups-claim', '--json', ...files], { env: oktaEnv(), configHome: home })
    const report = JSON.parse(r.stdout) as { ok: boolean; checks: Json[] }
    expect(report.checks.filter((c) => c.status === 'fail'), r.stdout).toEqual([])
    expect(r.code).toBe(0)
    const byId = (id: string): Json | undefined => report.checks.find((c) => c.id === id)
    expect(byId(`config.${path.join(out, 'authentication-config.yaml')}`)?.status).toBe('pass')
    expect(byId(`config.${path.join(out, 'apiserver-oidc-flags.txt')}`)?.status).toBe('pass')
    expect(byId('verify.groups-limit')).toMatchObject({ status: 'warn', message: expect.stringContaining('carries 96 groups') /* 95 + Everyone */ })
  }, 120_000)

  it('a spec entry (groupsClaim with a filter, settings, render) applies, renders, and a re-apply writes nothing', async () => {
    const home = tempDir('oidc-setup-home-')
    const out = tempDir('oidc-setup-k8s-spec-')
    const { writeFileSync, readFileSync } = await import('node:fs')
    const configured = await runMain(['okta', 'configure', '--org', 'dev', '--org-url', sandbox().orgUrl, '--api-token-env', 'TOKEN', '--no-verify'], {
      env: { TOKEN: sandbox().apiToken },
      configHome: home,
    })
    expect(configured.code, configured.stderr).toBe(0)
    const file = path.join(tempDir('oidc-setup-spec-'), 'oidc-setup.yaml')
    writeFileSync(
      file,
      [
        'apiVersion: oidc-setup/v1',
        'connection: dev',
        'apps:',
        '  - name: prod-cluster',
        '    target: kubernetes',
        '    baseUrl: https://k8s.prod.example.com:6443',
        // A server of its own: the engine leaves an existing groups claim (here: default's, from the tests above) as it is.
        '    authServer: new',
        '    groupsClaim: { name: groups, filter: "^k8s-" }',
        '    assign: { groups: [Everyone] }',
        '    settings: { clusterName: prod, loginProfile: prod-cluster, bindGroups: [k8s-viewers] }',
        `    render: { out: ${JSON.stringify(out)} }`,
        '',
      ].join('\n'),
    )
    const applied = await runMain(['apply', '-f', file, '--json'], { configHome: home })
    expect(applied.stderr, applied.stderr).not.toMatch(/^error/m)
    expect(applied.code).toBe(0)
    const profile = JSON.parse(readFileSync(path.join(home, 'profiles', 'prod-cluster.json'), 'utf8')) as Json
    const claims = (await api('GET', `/api/v1/authorizationServers/${profile.authServerId}/claims`)) as unknown as Json[]
    expect(claims.find((c) => c.name === 'groups')).toMatchObject({ claimType: 'IDENTITY', valueType: 'GROUPS', value: '^k8s-' })
    const kubeconfig = readFileSync(path.join(out, 'kubeconfig.yaml'), 'utf8')
    expect(kubeconfig).toContain('server: https://k8s.prod.example.com:6443')
    expect(kubeconfig).toContain('- prod-cluster')
    expect(readFileSync(path.join(out, 'clusterrolebinding.yaml'), 'utf8')).toContain('name: oidc:k8s-viewers')

    const mark = sandbox().requestLog.length
    const again = await runMain(['apply', '-f', file], { configHome: home })
    expect(again.code, again.stderr).toBe(0)
    expect(sandbox().requestLog.slice(mark).filter((e) => e.path.startsWith('/api/v1/') && e.method !== 'GET')).toEqual([])
  })
})
