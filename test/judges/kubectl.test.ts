// Judge: the real kubectl, with a kubeconfig whose user runs `oidc-setup token --format exec-credential` (kubectl's
// client-go exec credential plugin, client.authentication.k8s.io/v1), against a loopback HTTPS stand-in API server
// that authenticates the bearer token as the Kubernetes OIDC authenticator does
// (kubernetes/kubernetes staging/src/k8s.io/apiserver/plugin/pkg/authenticator/token/oidc/oidc.go, go-oidc's
// IDTokenVerifier): a JWT signed RS256 by a key of the issuer's jwks_uri (from its discovery document), `iss` equal to
// --oidc-issuer-url, `aud` containing --oidc-client-id, not expired; the username from --oidc-username-claim=email,
// which Kubernetes accepts only with email_verified true. The app and the login are the `cli` preset's.
import { execFile } from 'node:child_process'
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { BIN, tempDir } from '../helpers/cli.js'
import { httpBrowser, runWith } from '../helpers/login.js'
import { useSandbox } from '../helpers/sandbox.js'
import { createApp, describeJudge } from './kit.js'

const run = promisify(execFile)

interface Authenticated {
  username: string
  uid: string
  groups: string[]
}

/** Why the stand-in refused a token (kube-apiserver logs the reason and answers 401 Unauthorized). */
class Unauthorized extends Error {}

/** The Kubernetes OIDC authenticator's checks, for one issuer and client id (see the file comment). */
function oidcAuthenticator(issuer: string, clientId: string): (token: string) => Promise<Authenticated> {
  let keys: Promise<JsonWebKey[]> | undefined
  const jwks = async (): Promise<JsonWebKey[]> => {
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string }
    if (discovery.issuer !== issuer) {
      throw new Unauthorized(`oidc: issuer did not match the issuer returned by provider, expected "${issuer}" got "${discovery.issuer}"`)
    }
    return ((await (await fetch(discovery.jwks_uri)).json()) as { keys: JsonWebKey[] }).keys
  }
  return async (token) => {
    const [h, p, s] = token.split('.')
    if (!h || !p || !s) {
      throw new Unauthorized('oidc: malformed jwt')
    }
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string; kid?: string }
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>
    if (header.alg !== 'RS256') {
      throw new Unauthorized(`oidc: id token signed with unsupported algorithm, expected ["RS256"] got "${header.alg}"`)
    }
    if (claims.iss !== issuer) {
      throw new Unauthorized(`oidc: id token issued by a different provider, expected "${issuer}" got "${String(claims.iss)}"`)
    }
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
    if (!aud.includes(clientId)) {
      throw new Unauthorized(`oidc: expected audience "${clientId}" got ${JSON.stringify(aud)}`)
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) {
      throw new Unauthorized('oidc: token is expired')
    }
    keys ??= jwks()
    const candidates = (await keys).filter((k) => !header.kid || (k as { kid?: string }).kid === header.kid)
    const signed = Buffer.from(`${h}.${p}`)
    const ok = candidates.some((k) => verify('sha256', signed, createPublicKey({ key: k, format: 'jwk' }), Buffer.from(s, 'base64url')))
    if (!ok) {
      throw new Unauthorized('oidc: failed to verify signature: failed to verify id token signature')
    }
    if (typeof claims.email !== 'string') {
      throw new Unauthorized('oidc: parse username claims "email": claim not present')
    }
    if (claims.email_verified !== true) {
      throw new Unauthorized(`oidc: email not verified`)
    }
    return { username: claims.email, uid: String(claims.sub ?? ''), groups: Array.isArray(claims.groups) ? (claims.groups as string[]) : [] }
  }
}

/** A self-signed certificate for 127.0.0.1 (the kubeconfig trusts it as the cluster's CA). */
async function selfSigned(dir: string): Promise<{ key: string; cert: string; certFile: string }> {
  const keyFile = path.join(dir, 'apiserver.key')
  const certFile = path.join(dir, 'apiserver.crt')
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=kube-apiserver', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', keyFile, '-out', certFile,
  ])
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile }
}

/**
 * The stand-in API server: discovery (/api, /apis) and SelfSubjectReview (what `kubectl auth whoami` posts), every
 * request authenticated first; 401 with a Kubernetes Status otherwise, as kube-apiserver answers.
 */
function standInApiServer(tls: { key: string; cert: string }, authenticate: (token: string) => Promise<Authenticated>, refusals: string[]): Server {
  return createServer(tls, (req, res) => {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    void (async () => {
      let user: Authenticated
      try {
        if (!bearer) {
          throw new Unauthorized('no bearer token')
        }
        user = await authenticate(bearer)
      } catch (error) {
        refusals.push(error instanceof Error ? error.message : String(error))
        send(401, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 })
        return
      }
      const url = new URL(req.url ?? '/', 'https://127.0.0.1')
      if (url.pathname === '/api') {
        send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] })
      } else if (url.pathname === '/apis') {
        send(200, {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: [{ name: 'authentication.k8s.io', versions: [{ groupVersion: 'authentication.k8s.io/v1', version: 'v1' }], preferredVersion: { groupVersion: 'authentication.k8s.io/v1', version: 'v1' } }],
        })
      } else if (url.pathname === '/apis/authentication.k8s.io/v1/selfsubjectreviews' && req.method === 'POST') {
        send(201, {
          kind: 'SelfSubjectReview',
          apiVersion: 'authentication.k8s.io/v1',
          metadata: { creationTimestamp: null },
          status: { userInfo: { username: user.username, uid: user.uid, groups: [...user.groups, 'system:authenticated'] } },
        })
      } else {
        send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 })
      }
    })()
  })
}

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

async function kubectl(config: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run('kubectl', ['--kubeconfig', config, ...args], { env: { PATH: process.env.PATH ?? '', HOME: path.dirname(config) }, timeout: 30_000 })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
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
    api = standInApiServer(tls, oidcAuthenticator(issuer, clientId), refusals)
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
