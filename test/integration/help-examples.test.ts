// Issue 11 §7: every example in the help of every command is run against the sandbox, in the world the examples
// assume: the org they call https://example.okta.com (the sandbox), the profiles they name (galaxy, kestra, pomerium,
// om, cli, billing-api (private_key_jwt); cli logged in), the apps made by hand they adopt, the service app and key they configure, and the files
// they name, each example in a copy of that world. An example that fails — any exit code but 0 — is a failing test.
// Examples that wait for a person (login in a browser, `sandbox start`) or reach outside this machine's loopback and
// the test's directories are listed below and not run.
import { generateKeyPairSync } from 'node:crypto'
import { spawn } from 'node:child_process'
import { chmodSync, cpSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { secretKeys } from '../../src/domain/profile.js'
import { serializeTokenSet, toStoredTokenSet } from '../../src/domain/token-set.js'
import { BIN, runCli, tempDir } from '../helpers/cli.js'
import { runMain } from '../helpers/run-main.js'
import { sandboxApi, useSandbox } from '../helpers/sandbox.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const { sandbox, oktaEnv } = useSandbox()

const api = sandboxApi(sandbox, { ok: true })

/** What the examples find in the org: apps made by hand (to adopt), and the API service app of `--client-id 0oa123`. */
async function org(): Promise<{ keyPem: string }> {
  const web = (label: string, clientId?: string): unknown => ({
    name: 'oidc_client',
    label,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic', ...(clientId ? { client_id: clientId } : {}) } },
    settings: { oauthClient: { application_type: 'web', grant_types: ['authorization_code'], response_types: ['code'], redirect_uris: [`https://${label.replace(/\W+/g, '-').toLowerCase()}.example.com/callback`] } },
  })
  await api('POST', '/api/v1/apps', web('Kestra (prod)'))
  await api('POST', '/api/v1/apps', web('Portal', '0oa1b2c3d4'))
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const app = await api('POST', '/api/v1/apps', {
    name: 'oidc_client',
    label: 'oidc-setup automation',
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt', client_id: '0oa123' } },
    settings: {
      oauthClient: {
        application_type: 'service',
        grant_types: ['client_credentials'],
        response_types: ['token'],
        jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'kid1', use: 'sig', alg: 'RS256' }] },
      },
    },
  })
  for (const area of ['apps', 'authorizationServers', 'groups', 'users', 'trustedOrigins', 'appGrants']) {
    for (const verb of ['read', 'manage']) {
      await api('POST', `/api/v1/apps/${app.id}/grants`, { issuer: sandbox().orgUrl, scopeId: `okta.${area}.${verb}` })
    }
  }
  await api('POST', '/oauth2/v1/clients/0oa123/roles', { type: 'SUPER_ADMIN' })
  return { keyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() }
}

/**
 * The profiles the examples name, provisioned in the sandbox, a logged-in `cli` (its tokens in the file store), and
 * the rendered files they name (`./om/openmetadata.yaml`).
 */
async function world(): Promise<{ home: string; files: string }> {
  const home = tempDir('oidc-setup-world-')
  const files = tempDir('oidc-setup-world-files-')
  const env = { ...oktaEnv(), OIDC_SETUP_SECRET_STORE: 'file' }
  for (const args of [
    ['--target', 'galaxy', '--base-url', 'https://galaxy.example.org', '--profile', 'galaxy'],
    ['--target', 'kestra', '--base-url', 'https://kestra.example.com', '--profile', 'kestra'],
    ['--target', 'pomerium', '--base-url', 'https://authenticate.example.com', '--profile', 'pomerium'],
    ['--target', 'openmetadata', '--base-url', 'https://om.example.com', '--profile', 'om', '--set', 'adminPrincipals=jdoe', '--set', 'principalDomain=example.com', '--render', path.join(files, 'om')],
    ['--target', 'cli', '--profile', 'cli', '--assign-group', 'Everyone'],
    ['--target', 'service', '--profile', 'billing-api', '--client-auth', 'private-key-jwt'],
  ]) {
    const assign = args.includes('service') || args.includes('--assign-group') ? [] : ['--assign-group', 'Everyone']
    const r = await runMain(['okta', 'create-app', ...args, ...assign], { env, configHome: home })
    expect(r.code, r.stderr).toBe(0)
  }
  const cli = JSON.parse(readFileSync(path.join(home, 'profiles', 'cli.json'), 'utf8')) as Json
  const now = Math.floor(Date.now() / 1000)
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')
  const idToken = `${part({ alg: 'RS256', kid: 'k' })}.${part({ iss: cli.issuer, sub: '00u1', aud: cli.clientId, iat: now, exp: now + 3600 })}.c2ln`
  const set = toStoredTokenSet(
    { accessToken: 'example-access-token', expiresIn: 3600, idToken, refreshToken: 'example-refresh-token', scope: 'openid offline_access' },
    { issuer: cli.issuer, clientId: cli.clientId, requestedScopes: ['openid'], nowSeconds: now },
  )
  const secrets = path.join(home, 'secrets.json')
  writeFileSync(secrets, JSON.stringify({ ...(JSON.parse(readFileSync(secrets, 'utf8')) as Json), [secretKeys.tokenSet('cli')]: serializeTokenSet(set) }), { mode: 0o600 })
  return { home, files }
}

const SPEC = `apiVersion: oidc-setup/v1
apps:
  - name: galaxy
    target: galaxy
    baseUrl: https://galaxy.example.org
    label: galaxy (spec example)
    assign: { groups: [Everyone] }
`

/** Not run: they wait for a person or a long-running server, or write to system paths. */
const WAITS = [/ login( |$)/, /sandbox start/, /> \/etc\//, /--out \/etc\//, /pass show/, /"\$\{fpath/, /~\/\.config\/fish/, /https:\/\/api\.example\.com/]

/** Commands after whose examples the world is made again: they delete what later examples use. */
const DESTROYS = [/delete-app .*--yes/, /rotate-secret .*--finish/, /rotate-key .*--finish/]

async function commandPaths(): Promise<string[][]> {
  const paths: string[][] = [[]]
  const queue: string[][] = [[]]
  while (queue.length) {
    const at = queue.shift() as string[]
    const r = await runCli([...at, '--help'])
    const block = r.stdout.split(/\nCommands:\n/)[1]?.split(/\n\n/)[0] ?? ''
    for (const line of block.split('\n')) {
      const name = /^ {2}(\S+)/.exec(line)?.[1]
      if (name && name !== 'help') {
        queue.push([...at, name])
        paths.push([...at, name])
      }
    }
  }
  return paths
}

function examplesOf(help: string): string[] {
  const block = help.split(/\nExamples:\n/)[1] ?? ''
  const examples: string[] = []
  for (const line of block.split('\n')) {
    if (line.startsWith('  $ ')) {
      examples.push(line.slice(4))
    } else if (/^ {6}\S/.test(line) && examples.length) {
      // A continuation line of the example above (ends with a backslash).
      examples[examples.length - 1] = `${examples[examples.length - 1]?.replace(/\\$/, '').trimEnd()} ${line.trim()}`
    }
  }
  // Examples that say they prompt are for a terminal; the prompts are tested on a pseudo-terminal elsewhere.
  return examples.filter((e) => !/#.*(prompts|on a terminal)/.test(e)).map((e) => e.replace(/\s+#.*$/, ''))
}

function sh(command: string, env: Record<string, string>, cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, out })
    })
  })
}

describe('help examples', () => {
  it('every example of every command runs and succeeds in the world it assumes', { timeout: 600_000 }, async () => {
    const bin = tempDir('oidc-setup-bin-')
    writeFileSync(path.join(bin, 'oidc-setup'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`)
    chmodSync(path.join(bin, 'oidc-setup'), 0o755)
    const failures: string[] = []
    let ran = 0
    const { keyPem } = await org()
    let made = await world()
    // The examples of one command run in order in one copy of the world (they read as a sequence: start a
    // rotation, then finish it); the next command starts from a fresh copy.
    for (const at of await commandPaths()) {
      const help = (await runCli([...at, '--help'])).stdout
      const examples = examplesOf(help).filter((e) => !WAITS.some((w) => w.test(e)))
      if (!examples.length) {
        continue
      }
      const cwd = tempDir('oidc-setup-example-')
      cpSync(made.files, cwd, { recursive: true })
      writeFileSync(path.join(cwd, 'secret.txt'), 'example-client-secret\n')
      writeFileSync(path.join(cwd, 'key.pem'), keyPem, { mode: 0o600 })
      // The files the examples name, as a user would have them: a spec in the default place, and one with a prod
      // environment (this sandbox, its token from the environment).
      writeFileSync(path.join(cwd, 'oidc-setup.yaml'), SPEC)
      writeFileSync(
        path.join(cwd, 'apps.yaml'),
        `${SPEC}environments:\n  prod:\n    orgUrl: ${oktaEnv().OKTA_CLIENT_ORGURL ?? ''}\n    apiToken: { env: OKTA_PROD_TOKEN }\n    apps:\n      galaxy: { label: galaxy (prod example) }\n`,
      )
      const configHome = tempDir('oidc-setup-home-')
      cpSync(made.home, configHome, { recursive: true })
      const env = {
        ...oktaEnv(),
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        OIDC_SETUP_CONFIG_DIR: configHome,
        OIDC_SETUP_SECRET_STORE: 'file',
        OKTA_CLIENT_SECRET: 'example-client-secret',
        OKTA_API_TOKEN: oktaEnv().OKTA_CLIENT_TOKEN ?? '',
        OKTA_PROD_TOKEN: oktaEnv().OKTA_CLIENT_TOKEN ?? '',
        NO_COLOR: '1',
      }
      for (const example of examples) {
        // The examples' org is the sandbox.
        const r = await sh(example.replaceAll('https://example.okta.com', sandbox().orgUrl), env, cwd)
        ran++
        if (r.code !== 0 || /this is a bug|unknown option/.test(r.out)) {
          failures.push(`${example}\n  → exit ${String(r.code)}: ${r.out.split('\n').filter((l) => /^(error|hint):/.test(l)).join(' / ')}`)
        }
      }
      if (examples.some((e) => DESTROYS.some((d) => d.test(e)))) {
        made = await world()
      }
    }
    expect(ran).toBeGreaterThan(20)
    expect(failures).toEqual([])
  })
})
