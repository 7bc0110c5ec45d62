// Judge: the `kubernetes` target end to end with the real kubectl. `okta create-app --target kubernetes
// --groups-claim` provisions the app in the sandbox, `oidc-setup login` signs a user in (a member of an Okta group),
// `render-config` writes the four files, and a loopback HTTPS stand-in kube-apiserver (test/judges/kube-apiserver.ts)
// is configured FROM the rendered authentication-config.yaml (issuer, audiences, claim mappings with prefixes) and
// clusterrolebinding.yaml (the prefixed groups allowed to list namespaces). kubectl runs with the rendered
// kubeconfig.yaml unchanged: its exec plugin `oidc-setup token --profile P --id-token --format exec-credential`.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { BIN, tempDir } from '../helpers/cli.js'
import { httpBrowser, runWith } from '../helpers/login.js'
import { runMain } from '../helpers/run-main.js'
import { useSandbox } from '../helpers/sandbox.js'
import { jwtAuthenticator, kubectl, selfSigned, standInApiServer, Unauthorized, type Authenticated, type JwtAuthenticatorConfig } from './kube-apiserver.js'
import { createApp, describeJudge } from './kit.js'

const GROUP = 'k8s-viewers'

describeJudge('judge: kubectl with the rendered kubernetes target files (AuthenticationConfiguration, kubeconfig, ClusterRoleBinding)', { kubectl: 'kubectl', openssl: 'openssl' }, () => {
  const { sandbox, oktaEnv } = useSandbox()
  const dir = tempDir('oidc-setup-k8s-target-')
  const out = path.join(dir, 'rendered')
  const refusals: string[] = []
  let authenticate: (token: string) => Promise<Authenticated> = () => Promise.reject(new Unauthorized('not configured yet'))
  let viewGroups: string[] = []
  let api: Server | undefined
  let caFile = ''
  let env: Record<string, string> = {}
  const login = 'kube.viewer@example.com'

  afterAll(async () => {
    api?.closeAllConnections()
    await new Promise<void>((resolve) => (api ? api.close(() => resolve()) : resolve()))
  })

  const admin = async (method: string, urlPath: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${sandbox().orgUrl}${urlPath}`, {
      method,
      headers: { Authorization: `SSWS ${sandbox().apiToken}`, Accept: 'application/json', 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    if (!res.ok) {
      throw new Error(`${method} ${urlPath}: ${res.status} ${await res.text()}`)
    }
    return res.status === 204 ? {} : ((await res.json()) as Record<string, unknown>)
  }

  beforeAll(async () => {
    const tls = await selfSigned(dir)
    caFile = tls.certFile
    api = standInApiServer(tls, { authenticate: (t) => authenticate(t), refusals, viewGroups: () => viewGroups })
    await new Promise<void>((resolve) => api?.listen(0, '127.0.0.1', () => resolve()))
    const server = `https://127.0.0.1:${(api.address() as AddressInfo).port}`

    // The base URL of the kubernetes target is the API server URL (the kubeconfig's cluster server).
    const app = await createApp(oktaEnv(), 'kubernetes', ['--target', 'kubernetes', '--base-url', server, '--groups-claim', '--test-user', login])
    const group = await admin('POST', '/api/v1/groups', { profile: { name: GROUP, description: 'cluster viewers' } })
    const user = await admin('GET', `/api/v1/users/${encodeURIComponent(login)}`)
    await admin('PUT', `/api/v1/groups/${String(group.id)}/users/${String(user.id)}`)

    const signIn = await runWith(['login', '--profile', 'kubernetes', '--timeout', '30'], {
      configHome: app.home,
      browser: httpBrowser({ login, password: app.testUserPassword ?? '', totpSecret: sandbox().enrollTotp(login) }),
    })
    if (signIn.code !== 0) {
      throw new Error(`oidc-setup login exited ${signIn.code}: ${signIn.stderr}`)
    }
    // A public app has no client secret: render-config needs none.
    const rendered = await runMain(
      ['render-config', '--profile', 'kubernetes', '--out', out, '--set', `bindGroups=${GROUP}`, '--set', 'clusterName=standin'],
      { configHome: app.home },
    )
    if (rendered.code !== 0) {
      throw new Error(`render-config exited ${rendered.code}: ${rendered.stderr}`)
    }
    const auth = parseYaml(readFileSync(path.join(out, 'authentication-config.yaml'), 'utf8')) as { jwt: JwtAuthenticatorConfig[] }
    const binding = parseYaml(readFileSync(path.join(out, 'clusterrolebinding.yaml'), 'utf8')) as { roleRef: { name: string }; subjects: Array<{ kind: string; name: string }> }
    expect(auth.jwt).toHaveLength(1)
    expect(binding.roleRef.name).toBe('view')
    authenticate = jwtAuthenticator(auth.jwt[0] as JwtAuthenticatorConfig)
    viewGroups = binding.subjects.filter((s) => s.kind === 'Group').map((s) => s.name)

    // `oidc-setup` on PATH, as the kubeconfig's exec command names it; kubectl passes its environment to the plugin.
    const bin = path.join(dir, 'bin')
    mkdirSync(bin, { recursive: true })
    writeFileSync(path.join(bin, 'oidc-setup'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`)
    chmodSync(path.join(bin, 'oidc-setup'), 0o755)
    env = { PATH: `${bin}:${process.env.PATH ?? ''}`, OIDC_SETUP_CONFIG_DIR: app.home, OIDC_SETUP_SECRET_STORE: 'file', NO_COLOR: '1' }
  }, 120_000)

  const kubeconfig = (): string => path.join(out, 'kubeconfig.yaml')

  it('kubectl auth whoami: the username and the Okta groups carry the rendered prefixes (oidc:)', async () => {
    const whoami = await kubectl(kubeconfig(), ['--certificate-authority', caFile, 'auth', 'whoami', '-o', 'json'], env)
    expect(whoami.stderr, refusals.join('\n')).toBe('')
    expect(whoami.code).toBe(0)
    const review = JSON.parse(whoami.stdout) as { status: { userInfo: { username: string; groups: string[] } } }
    expect(review.status.userInfo.username).toBe(`oidc:${login}`)
    expect(review.status.userInfo.groups).toEqual(expect.arrayContaining([`oidc:${GROUP}`, 'system:authenticated']))
    expect(review.status.userInfo.groups).not.toContain(GROUP)
    expect(refusals).toEqual([])
  }, 120_000)

  it('kubectl get --raw /api/v1/namespaces is allowed through the rendered ClusterRoleBinding (prefixed group)', async () => {
    const raw = await kubectl(kubeconfig(), ['--certificate-authority', caFile, 'get', '--raw', '/api/v1/namespaces'], env)
    expect(raw.code, raw.stderr).toBe(0)
    expect(JSON.parse(raw.stdout)).toMatchObject({ kind: 'NamespaceList', items: [{ metadata: { name: 'default' } }] })
  }, 120_000)

  it('a binding without the groups prefix binds nobody: the same request is Forbidden', async () => {
    const saved = viewGroups
    viewGroups = [GROUP]
    try {
      const raw = await kubectl(kubeconfig(), ['--certificate-authority', caFile, 'get', '--raw', '/api/v1/namespaces'], env)
      expect(raw.code).not.toBe(0)
      expect(raw.stderr).toMatch(/Forbidden|forbidden/)
    } finally {
      viewGroups = saved
    }
  }, 120_000)

  it('the rendered kubeconfig trusts nobody\'s CA by itself: without the cluster CA kubectl refuses the TLS connection', async () => {
    const raw = await kubectl(kubeconfig(), ['get', '--raw', '/api'], env)
    expect(raw.code).not.toBe(0)
    expect(raw.stderr).toMatch(/certificate|x509/)
  }, 120_000)
})
