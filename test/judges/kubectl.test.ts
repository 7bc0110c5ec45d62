// Judge: the real kubectl, with a kubeconfig whose user runs `oidc-setup token --format exec-credential` (kubectl's
// client-go exec credential plugin, client.authentication.k8s.io/v1), against a loopback HTTPS stand-in API server
// that authenticates the bearer token as the Kubernetes OIDC authenticator does
// (kubernetes/kubernetes staging/src/k8s.io/apiserver/plugin/pkg/authenticator/token/oidc/oidc.go, go-oidc's
// IDTokenVerifier): a JWT signed RS256 by a key of the issuer's jwks_uri (from its discovery document), `iss` equal to
// --oidc-issuer-url, `aud` containing --oidc-client-id, not expired; the username from --oidc-username-claim=email,
// which Kubernetes refuses when email_verified is false. The app and the login are the `cli` preset's; the stand-in
// API server is test/judges/kube-apiserver.ts (shared with kubectl-kubernetes.test.ts).
import { mkdirSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { BIN, tempDir } from '../helpers/cli.js'
import { httpBrowser, runWith } from '../helpers/login.js'
import { useSandbox } from '../helpers/sandbox.js'
import { jwtAuthenticator, kubectl, selfSigned, standInApiServer } from './kube-apiserver.js'
import { createApp, describeJudge } from './kit.js'

/** A kubeconfig whose user is the exec credential plugin `oidc-setup token …` (apiVersion client.authentication.k8s.io/v1). */
function kubeconfig(file: string, server: string, caFile: string, tokenArgs: string[], env: Record<string, string>): void {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'standin', cluster: { server, 'certificate-authority': caFile } }],
    users: [
      {
        name: 'okta',
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: process.execPath,
            args: [BIN, 'token', ...tokenArgs],
            env: Object.entries(env).map(([name, value]) => ({ name, value })),
            interactiveMode: 'Never',
            provideClusterInfo: false,
          },
        },
      },
    ],
    contexts: [{ name: 'standin', context: { cluster: 'standin', user: 'okta' } }],
    'current-context': 'standin',
  }
  writeFileSync(file, JSON.stringify(doc, null, 2), { mode: 0o600 })
}

describeJudge('judge: kubectl authenticates with `oidc-setup token --format exec-credential` (cli preset)', { kubectl: 'kubectl', openssl: 'openssl' }, () => {
  const { sandbox, oktaEnv } = useSandbox()
  const dir = tempDir('oidc-setup-kubectl-')
  let api: Server | undefined
  afterAll(async () => {
    api?.closeAllConnections()
    await new Promise<void>((resolve) => (api ? api.close(() => resolve()) : resolve()))
  })
  const refusals: string[] = []
  let server = ''
  let issuer = ''
  let clientId = ''
  let home = ''
  const login = 'kube.judge@example.com'

  beforeAll(async () => {
    const [tls, app] = await Promise.all([
      selfSigned(dir),
      createApp(oktaEnv(), 'cli', ['--target', 'cli', '--test-user', login]),
    ])
    ;({ issuer, clientId, home } = app)
    const signIn = await runWith(['login', '--profile', 'cli', '--timeout', '30'], {
      configHome: home,
      browser: httpBrowser({ login, password: app.testUserPassword ?? '', totpSecret: sandbox().enrollTotp(login) }),
    })
    if (signIn.code !== 0) {
      throw new Error(`oidc-setup login exited ${signIn.code}: ${signIn.stderr}`)
    }
    // The legacy flags --oidc-issuer-url, --oidc-client-id, --oidc-username-claim=email (no prefix for email).
    api = standInApiServer(tls, { authenticate: jwtAuthenticator({ issuer: { url: issuer, audiences: [clientId] }, claimMappings: { username: { claim: 'email', prefix: '' } } }), refusals })
    await new Promise<void>((resolve) => api?.listen(0, '127.0.0.1', () => resolve()))
    server = `https://127.0.0.1:${(api.address() as AddressInfo).port}`
    mkdirSync(path.join(dir, 'id'), { recursive: true })
    mkdirSync(path.join(dir, 'access'), { recursive: true })
    const env = { OIDC_SETUP_CONFIG_DIR: home, OIDC_SETUP_SECRET_STORE: 'file', NO_COLOR: '1' }
    kubeconfig(path.join(dir, 'id', 'config'), server, tls.certFile, ['--profile', 'cli', '--id-token', '--format', 'exec-credential'], env)
    kubeconfig(path.join(dir, 'access', 'config'), server, tls.certFile, ['--profile', 'cli', '--format', 'exec-credential'], env)
  }, 120_000)

  it('with --id-token: kubectl auth whoami is the signed-in user, and kubectl get --raw /api answers', async () => {
    const whoami = await kubectl(path.join(dir, 'id', 'config'), ['auth', 'whoami', '-o', 'json'])
    expect(whoami.stderr, refusals.join('\n')).toBe('')
    expect(whoami.code).toBe(0)
    const review = JSON.parse(whoami.stdout) as { status: { userInfo: { username: string; groups: string[] } } }
    expect(review.status.userInfo.username).toBe(login)
    expect(review.status.userInfo.groups).toContain('system:authenticated')
    const raw = await kubectl(path.join(dir, 'id', 'config'), ['get', '--raw', '/api'])
    expect(raw.code, raw.stderr).toBe(0)
    expect(JSON.parse(raw.stdout)).toMatchObject({ kind: 'APIVersions' })
    expect(refusals).toEqual([])
  }, 120_000)

  it('without --id-token the access token goes to kubectl, and the OIDC authenticator refuses it (aud is the server\'s, not the client id)', async () => {
    refusals.length = 0
    const raw = await kubectl(path.join(dir, 'access', 'config'), ['get', '--raw', '/api'])
    expect(raw.code).not.toBe(0)
    expect(raw.stderr).toMatch(/Unauthorized|must be logged in/)
    expect(refusals[0]).toMatch(/expected audience/)
  }, 120_000)
})
