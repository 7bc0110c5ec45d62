// `oidc-setup token` fast path through the built CLI: a cached, still-valid token is printed without loading
// openid-client (or any other heavy library) and without a network call (the issuer here cannot be reached).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { secretKeys } from '../../src/domain/profile.js'
import { serializeTokenSet, toStoredTokenSet } from '../../src/domain/token-set.js'
import { ROOT, runCli, tempDir } from '../helpers/cli.js'

const UNREACHABLE = 'http://127.0.0.1:9'

function jwt(payload: Record<string, unknown>): string {
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')
  return `${part({ alg: 'RS256', kid: 'k' })}.${part(payload)}.c2ln`
}

/** A config home with profile `cli` and a token set in the file store; the access token expires in `ttl` s. */
function home(ttl: number, withRefresh = true): { dir: string; access: string; id: string } {
  const dir = tempDir('oidc-setup-fast-')
  mkdirSync(path.join(dir, 'profiles'), { recursive: true })
  writeFileSync(path.join(dir, 'profiles', 'cli.json'), JSON.stringify({ name: 'cli', issuer: UNREACHABLE, clientId: 'x', target: 'cli' }))
  const now = Math.floor(Date.now() / 1000)
  const access = `at-${Math.random().toString(36).slice(2)}`
  const id = jwt({ iss: UNREACHABLE, sub: '00u1', aud: 'x', iat: now, exp: now + ttl, email: 'a@example.test' })
  const set = toStoredTokenSet(
    { accessToken: access, expiresIn: ttl, idToken: id, ...(withRefresh ? { refreshToken: 'rt-secret' } : {}), scope: 'openid offline_access' },
    { issuer: UNREACHABLE, clientId: 'x', requestedScopes: ['openid'], nowSeconds: now },
  )
  writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify({ [secretKeys.tokenSet('cli')]: serializeTokenSet(set) }), { mode: 0o600 })
  return { dir, access, id }
}

function env(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { OIDC_SETUP_CONFIG_DIR: dir, OIDC_SETUP_SECRET_STORE: 'file', ...extra }
}

describe('token fast path (built CLI)', () => {
  it('prints the cached token with no network and without loading openid-client, @inquirer, yaml, the Okta SDK or the lock library', async () => {
    const { dir, access } = home(3600)
    const trace = path.join(tempDir(), 'imports.txt')
    writeFileSync(trace, '')
    const hook = path.join(ROOT, 'test', 'helpers', 'trace-imports.mjs')
    const r = await runCli(['token', '--profile', 'cli'], { env: env(dir, { NODE_OPTIONS: `--import=${hook}`, OIDC_SETUP_TRACE_IMPORTS: trace }) })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe(`${access}\n`)
    const loaded = readFileSync(trace, 'utf8')
    expect(loaded).toMatch(/bin\/(oidc-setup\.js|load\.cjs)/)
    for (const heavy of ['openid-client', 'oauth4webapi', 'jose', '@inquirer', 'yaml', '@okta/okta-sdk-nodejs', 'oidc-provider', 'proper-lockfile', 'open']) {
      expect(loaded, heavy).not.toContain(`/node_modules/${heavy}/`)
    }
  })

  it('--format exec-credential prints a client.authentication.k8s.io/v1 ExecCredential; --format json one document', async () => {
    const { dir, access, id } = home(3600)
    const k8s = await runCli(['token', '--profile', 'cli', '--format', 'exec-credential'], { env: env(dir) })
    expect(k8s.code, k8s.stderr).toBe(0)
    const doc = JSON.parse(k8s.stdout) as { apiVersion: string; kind: string; status: { token: string; expirationTimestamp: string } }
    expect(doc.apiVersion).toBe('client.authentication.k8s.io/v1')
    expect(doc.kind).toBe('ExecCredential')
    expect(doc.status.token).toBe(access)
    expect(Date.parse(doc.status.expirationTimestamp)).toBeGreaterThan(Date.now())
    const json = await runCli(['token', '--profile', 'cli', '--id-token', '--json'], { env: env(dir) })
    expect(json.code, json.stderr).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({ token: id, type: 'id', refreshed: false })
  })

  it('a token expiring within --min-validity needs a refresh: with the issuer unreachable the still-valid token is printed with a warning (issue 11: never "run login"), stored set untouched', async () => {
    const { dir } = home(30)
    const before = readFileSync(path.join(dir, 'secrets.json'), 'utf8')
    const r = await runCli(['token', '--profile', 'cli'], { env: env(dir) })
    expect(r.code).toBe(0)
    expect(r.stdout).not.toBe('')
    expect(r.stderr).toMatch(new RegExp(`^warning: could not refresh the token of profile "cli": ${UNREACHABLE.replace(/[.:/]/g, '\\$&')} cannot be reached; the current one is valid for \\d+ s more\\n$`))
    expect(r.stderr).not.toContain('login')
    expect(r.stderr).not.toContain('rt-secret')
    expect(readFileSync(path.join(dir, 'secrets.json'), 'utf8')).toBe(before)
    // With --min-validity below the remaining lifetime the cached token is still good.
    const ok = await runCli(['token', '--profile', 'cli', '--min-validity', '10'], { env: env(dir) })
    expect(ok.code, ok.stderr).toBe(0)
  })

  it('bad flags are usage errors before the store is read', async () => {
    const { dir } = home(3600)
    const format = await runCli(['token', '--profile', 'cli', '--format', 'yaml'], { env: env(dir) })
    expect(format.code).toBe(2)
    expect(format.stderr).toContain('error: --format must be one of raw, json, exec-credential, not "yaml"')
    const validity = await runCli(['token', '--profile', 'cli', '--min-validity', 'soon'], { env: env(dir) })
    expect(validity.code).toBe(2)
    expect(validity.stderr).toContain('error: --min-validity must be a number of seconds (0 or more), not "soon"')
  })
})
