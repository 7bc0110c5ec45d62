// A loopback HTTPS stand-in for kube-apiserver, for judges that run the real kubectl. It authenticates bearer tokens
// as the Kubernetes JWT (OIDC) authenticator does, configured by one jwt[] entry of an AuthenticationConfiguration
// (kubernetes/kubernetes staging/src/k8s.io/apiserver/plugin/pkg/authenticator/token/oidc/oidc.go, go-oidc's
// IDTokenVerifier; kubernetes/website docs/reference/access-authn-authz/authentication.md): a JWT signed RS256 by a
// key of the issuer's jwks_uri (from its discovery document, whose issuer must equal issuer.url), `iss` equal to
// issuer.url, `aud` holding one of issuer.audiences, not expired; the username is claimMappings.username.prefix +
// the claim (with claim email, email_verified must be true when present: 'claims.?email_verified.orValue(true)');
// the groups are claimMappings.groups.prefix + each entry of the claim (a string or a list of strings; missing,
// null, "" and [] are no groups). It authorizes like RBAC's ClusterRoleBinding for the `view` role's namespaces
// read, when given the bound groups.
import { execFile } from 'node:child_process'
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface Authenticated {
  username: string
  uid: string
  groups: string[]
}

/** One jwt[] entry of an AuthenticationConfiguration (the fields the stand-in applies). */
export interface JwtAuthenticatorConfig {
  issuer: { url: string; audiences: string[] }
  claimMappings: {
    username: { claim: string; prefix: string }
    groups?: { claim: string; prefix: string } | undefined
  }
}

/** Why the stand-in refused a token (kube-apiserver logs the reason and answers 401 Unauthorized). */
export class Unauthorized extends Error {}

/** The Kubernetes JWT authenticator's checks for one jwt[] entry (see the file comment). */
export function jwtAuthenticator(config: JwtAuthenticatorConfig): (token: string) => Promise<Authenticated> {
  const issuer = config.issuer.url
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
    if (!aud.some((a) => config.issuer.audiences.includes(String(a)))) {
      throw new Unauthorized(`oidc: expected audience in ${JSON.stringify(config.issuer.audiences)} got ${JSON.stringify(aud)}`)
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
    const { username, groups } = config.claimMappings
    const name = claims[username.claim]
    if (typeof name !== 'string' || name === '') {
      throw new Unauthorized(`oidc: parse username claims "${username.claim}": claim not present`)
    }
    if (username.claim === 'email' && claims.email_verified !== undefined && claims.email_verified !== true) {
      throw new Unauthorized('oidc: email not verified')
    }
    let groupNames: string[] = []
    if (groups) {
      const value = claims[groups.claim]
      if (typeof value === 'string') {
        groupNames = value === '' ? [] : [value]
      } else if (Array.isArray(value) && value.every((g) => typeof g === 'string')) {
        groupNames = value as string[]
      } else if (value !== undefined && value !== null) {
        throw new Unauthorized(`oidc: parse groups claim "${groups.claim}": not a string or a list of strings`)
      }
    }
    return {
      username: username.prefix + name,
      uid: String(claims.sub ?? ''),
      groups: groupNames.map((g) => (groups?.prefix ?? '') + g),
    }
  }
}

/** A self-signed certificate for 127.0.0.1 (the kubeconfig, or --certificate-authority, trusts it as the cluster's CA). */
export async function selfSigned(dir: string): Promise<{ key: string; cert: string; certFile: string }> {
  const keyFile = path.join(dir, 'apiserver.key')
  const certFile = path.join(dir, 'apiserver.crt')
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=kube-apiserver', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', keyFile, '-out', certFile,
  ])
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile }
}

export interface StandInOptions {
  /** Authenticates a bearer token (replaceable after the server listens). */
  authenticate: (token: string) => Promise<Authenticated>
  /** Reasons tokens were refused. */
  refusals: string[]
  /** Groups allowed to list namespaces (a ClusterRoleBinding to `view`); undefined: every authenticated user. */
  viewGroups?: () => string[] | undefined
}

/**
 * The stand-in API server: discovery (/api, /apis), SelfSubjectReview (what `kubectl auth whoami` posts) and
 * GET /api/v1/namespaces, every request authenticated first; 401 with a Kubernetes Status otherwise, and 403 when the
 * user is in none of the view groups, as kube-apiserver answers.
 */
export function standInApiServer(tls: { key: string; cert: string }, options: StandInOptions): Server {
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
        user = await options.authenticate(bearer)
      } catch (error) {
        options.refusals.push(error instanceof Error ? error.message : String(error))
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
      } else if (url.pathname === '/api/v1/namespaces' && req.method === 'GET') {
        const allowed = options.viewGroups?.()
        if (allowed && !user.groups.some((g) => allowed.includes(g))) {
          send(403, {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: `namespaces is forbidden: User "${user.username}" cannot list resource "namespaces" in API group "" at the cluster scope`,
            reason: 'Forbidden',
            details: { kind: 'namespaces' },
            code: 403,
          })
          return
        }
        send(200, { kind: 'NamespaceList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [{ metadata: { name: 'default' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }] })
      } else {
        send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 })
      }
    })()
  })
}

/** Runs the real kubectl with a kubeconfig; HOME is the kubeconfig's directory, `env` is added to PATH. */
export async function kubectl(config: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run('kubectl', ['--kubeconfig', config, ...args], { env: { PATH: process.env.PATH ?? '', HOME: path.dirname(config), ...env }, timeout: 30_000 })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}
