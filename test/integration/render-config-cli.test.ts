import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, runCli, tempDir, type CliResult } from '../helpers/cli.js'

const SECRET = 'cli-Secret_value-0123456789'
const ISSUER = 'https://example.okta.com'

function args(target: string, outDir: string, ...more: string[]): string[] {
  return [
    'render-config',
    '--target',
    target,
    '--issuer',
    ISSUER,
    '--client-id',
    '0oaCliClient',
    '--client-secret-env',
    'TEST_OKTA_SECRET',
    '--base-url',
    'https://app.example.org',
    '--out',
    outDir,
    // OpenMetadata's admins cannot be guessed (required settings).
    ...(['openmetadata', 'collate'].includes(target) ? ['--set', 'adminPrincipals=jdoe', '--set', 'principalDomain=example.com'] : []),
    ...more,
  ]
}

const env = { TEST_OKTA_SECRET: SECRET }

/** Expected failures: one `error:` line, a `hint:`, no stack trace, and never the secret. */
function expectCleanFailure(result: CliResult, code: number, message: string | RegExp): void {
  expect(result.code).toBe(code)
  expect(result.stdout).toBe('')
  const [first, ...rest] = result.stderr.trimEnd().split('\n')
  expect(first).toMatch(typeof message === 'string' ? new RegExp(`^error: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) : message)
  expect(rest.some((l) => l.startsWith('hint: '))).toBe(true)
  expect(result.stderr).not.toMatch(/\n\s+at /)
  expect(result.stderr).not.toContain('this is a bug')
  expect(result.stderr).not.toContain(SECRET)
}

describe('oidc-setup render-config (built CLI)', () => {
  it('writes the galaxy files, the secret-holding one 0600, and prints what to register in Okta on stderr', async () => {
    const out = tempDir()
    const result = await runCli(args('galaxy', out), { env })
    expect(result.stderr).toBe(result.stderr.replace(SECRET, ''))
    expect(result.code).toBe(0)
    expect(result.stdout.trim().split('\n')).toEqual(
      ['oidc_backends_config.xml', 'oidc_config.xml', 'galaxy.yml'].map((f) => path.join(out, f)),
    )
    expect(result.stderr).toContain('Register in Okta')
    expect(result.stderr).toContain('https://app.example.org/authnz/okta/callback')
    expect(result.stdout + result.stderr).not.toContain(SECRET)
    expect(statSync(path.join(out, 'oidc_backends_config.xml')).mode & 0o777).toBe(0o600)
    expect(statSync(path.join(out, 'galaxy.yml')).mode & 0o777).toBe(0o644)
    expect(readFileSync(path.join(out, 'oidc_backends_config.xml'), 'utf8')).toContain(`<client_secret>${SECRET}</client_secret>`)
  })

  it('--json prints exactly one JSON document with the documented shape', async () => {
    const out = tempDir()
    const result = await runCli(['--json', ...args('collate', out)], { env })
    expect(result.code).toBe(0)
    const doc = JSON.parse(result.stdout) as Record<string, unknown>
    expect(Object.keys(doc)).toEqual(['target', 'files', 'okta'])
    expect(doc).toEqual({
      target: 'openmetadata',
      files: [{ path: path.join(out, 'openmetadata.yaml'), written: true, containsSecret: true }],
      okta: {
        redirectUris: ['https://app.example.org/callback', 'https://app.example.org/silent-callback'],
        postLogoutRedirectUris: ['https://app.example.org'],
        grantTypes: ['authorization_code'],
        scopes: ['openid', 'email', 'profile'],
        applicationType: 'web',
      },
    })
  })

  it('an unknown target is a usage error (exit 2) listing the targets', async () => {
    const result = await runCli(args('grafanna', tempDir()), { env })
    expectCleanFailure(result, 2, 'unknown target "grafanna" in --target')
    expect(result.stderr).toContain('galaxy, pomerium, kestra, openmetadata (collate)')
  })

  it('a missing value names the flag (exit 2)', async () => {
    const result = await runCli(['render-config', '--target', 'kestra', '--client-id', 'x', '--base-url', 'https://k.example.com'], { env })
    expectCleanFailure(result, 2, 'missing the issuer: pass --issuer URL')
    const noSecret = await runCli(['render-config', '--target', 'kestra', '--issuer', ISSUER, '--client-id', 'x', '--base-url', 'https://k.example.com', '--out', tempDir()])
    expectCleanFailure(noSecret, 2, 'missing the client secret')
    expect(noSecret.stderr).toContain('--client-secret-env NAME')
  })

  it.each([
    ['not-a-url', 'is not a valid URL'],
    ['https://app.example.org/#/home', 'must not contain a fragment'],
    ['https://admin:pw@app.example.org', 'must not contain credentials'],
  ])('a bad --base-url %s is a usage error (exit 2)', async (url, message) => {
    const list = args('kestra', tempDir())
    list[list.indexOf('--base-url') + 1] = url
    const result = await runCli(list, { env })
    expectCleanFailure(result, 2, new RegExp(`^error: --base-url ${message}`))
  })

  it('http on a non-loopback host renders with a warning', async () => {
    const list = args('kestra', tempDir())
    list[list.indexOf('--base-url') + 1] = 'http://kestra.internal:8080'
    const result = await runCli(list, { env })
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(/warning: --base-url uses http on a non-loopback host/)
  })

  it('an unreadable secret file is a config error (exit 3)', async () => {
    const missing = await runCli([...args('kestra', tempDir()).filter((a) => a !== '--client-secret-env' && a !== 'TEST_OKTA_SECRET'), '--client-secret-file', '/nonexistent/secret'])
    expectCleanFailure(missing, 3, 'could not read the client secret file /nonexistent/secret: no such file (--client-secret-file)')
    const dir = tempDir()
    const isDir = await runCli([...args('kestra', tempDir()).filter((a) => a !== '--client-secret-env' && a !== 'TEST_OKTA_SECRET'), '--client-secret-file', dir])
    expectCleanFailure(isDir, 3, `could not read the client secret file ${dir}: it is a directory`)
  })

  it('reads the secret from stdin with --client-secret-file -', async () => {
    const out = tempDir()
    const list = args('pomerium', out).filter((a) => a !== '--client-secret-env' && a !== 'TEST_OKTA_SECRET')
    const result = await runCli([...list, '--client-secret-file', '-'], { input: `${SECRET}\n` })
    expect(result.code).toBe(0)
    expect(readFileSync(path.join(out, 'config.yaml'), 'utf8')).toContain(`idp_client_secret: ${SECRET}\n`)
  })

  it('never overwrites an existing file without --merge or --force (exit 3), and refuses both at once (exit 2)', async () => {
    const out = tempDir()
    writeFileSync(path.join(out, 'application.yaml'), 'mine: true\n')
    const refused = await runCli(args('kestra', out), { env })
    expectCleanFailure(refused, 3, `${path.join(out, 'application.yaml')} already exists; not overwriting`)
    expect(refused.stderr).toContain('--merge')
    expect(readFileSync(path.join(out, 'application.yaml'), 'utf8')).toBe('mine: true\n')
    const both = await runCli(args('kestra', out, '--merge', '--force'), { env })
    expectCleanFailure(both, 2, 'pass either --merge or --force, not both')
  })

  it('--force keeps a .bak, --merge keeps other keys, --dry-run writes nothing and hides secrets', async () => {
    const out = tempDir()
    writeFileSync(path.join(out, 'application.yaml'), '# mine\nkestra:\n  url: https://kestra.example.com\n')
    const dry = await runCli(args('kestra', out, '--merge', '--dry-run'), { env })
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain('+          client-secret: [redacted]')
    expect(dry.stdout + dry.stderr).not.toContain(SECRET)
    expect(readFileSync(path.join(out, 'application.yaml'), 'utf8')).toBe('# mine\nkestra:\n  url: https://kestra.example.com\n')
    const merged = await runCli(args('kestra', out, '--merge'), { env })
    expect(merged.code).toBe(0)
    const text = readFileSync(path.join(out, 'application.yaml'), 'utf8')
    expect(text).toContain('# mine\nkestra:\n  url: https://kestra.example.com\n')
    expect(text).toContain(`client-secret: ${SECRET}`)
    expect(statSync(path.join(out, 'application.yaml')).mode & 0o777).toBe(0o600)
    // Off a terminal, replacing the user's file needs --yes (issue 11): refused with exit 2, the file untouched.
    const refused = await runCli(args('kestra', out, '--force'), { env })
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('needs confirmation, and this is not a terminal')
    expect(refused.stderr).toContain('hint: pass --yes to confirm')
    expect(readFileSync(path.join(out, 'application.yaml'), 'utf8')).toBe(text)
    const forced = await runCli(args('kestra', out, '--force', '--yes'), { env })
    expect(forced.code).toBe(0)
    expect(readFileSync(path.join(out, 'application.yaml.bak'), 'utf8')).toBe(text)
    expect(forced.stderr).toContain('previous copy in')
  })

  it('--stdout prints the file (the explicit request for its content) and writes nothing', async () => {
    const out = tempDir()
    const result = await runCli(args('pomerium', out, '--stdout', '--format', 'env'), { env })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`IDP_CLIENT_SECRET=${SECRET}\n`)
    expect(result.stderr).not.toContain(SECRET)
    expect(existsSync(path.join(out, 'pomerium.env'))).toBe(false)
    const ref = await runCli(args('pomerium', out, '--stdout', '--secret-ref', 'env'), { env })
    expect(ref.code).toBe(0)
    expect(ref.stdout).not.toContain(SECRET)
    expect(ref.stdout).toContain('idp_provider_url: https://example.okta.com\n')
  })

  it('takes values from a profile and its secret from the secret store', async () => {
    const home = tempDir('oidc-setup-home-')
    mkdirSync(path.join(home, 'profiles'), { recursive: true, mode: 0o700 })
    writeFileSync(
      path.join(home, 'profiles', 'om.json'),
      JSON.stringify({ name: 'om', issuer: `${ISSUER}/oauth2/default`, clientId: '0oaProfile', target: 'openmetadata', baseUrl: 'https://om.example.com', settings: { adminPrincipals: ['jdoe'], principalDomain: 'example.com' } }),
    )
    writeFileSync(path.join(home, 'secrets.json'), JSON.stringify({ 'profile:om:client-secret': SECRET }), { mode: 0o600 })
    chmodSync(path.join(home, 'secrets.json'), 0o600)
    const out = tempDir()
    const profileEnv = { OIDC_SETUP_CONFIG_DIR: home, OIDC_SETUP_SECRET_STORE: 'file' }
    const result = await runCli(['render-config', '--profile', 'om', '--out', out], { env: profileEnv })
    expect(result.stderr).not.toContain(SECRET)
    expect(result.code).toBe(0)
    const text = readFileSync(path.join(out, 'openmetadata.yaml'), 'utf8')
    expect(text).toContain(`secret: ${SECRET}`)
    expect(text).toContain('authority: https://example.okta.com/oauth2/default')
    // Another client id than the profile's: the stored secret is not paired with it.
    const other = await runCli(['render-config', '--profile', 'om', '--client-id', 'other', '--out', tempDir()], { env: profileEnv })
    expectCleanFailure(other, 2, 'missing the client secret')
    const absent = await runCli(['render-config', '--profile', 'nope', '--out', tempDir()], { env: profileEnv })
    expectCleanFailure(absent, 3, 'profile "nope" does not exist')
  })

  it('loads neither the Okta SDK nor openid-client nor oidc-provider', async () => {
    const trace = path.join(tempDir(), 'imports.txt')
    writeFileSync(trace, '')
    const hook = path.join(ROOT, 'test', 'helpers', 'trace-imports.mjs')
    for (const target of ['galaxy', 'pomerium', 'kestra', 'openmetadata']) {
      const result = await runCli(args(target, tempDir()), {
        env: { ...env, NODE_OPTIONS: `--import=${hook}`, OIDC_SETUP_TRACE_IMPORTS: trace },
      })
      expect(result.code).toBe(0)
    }
    const loaded = readFileSync(trace, 'utf8')
    // The trace works (the launcher itself is recorded)…
    expect(loaded).toMatch(/bin\/(oidc-setup\.js|load\.cjs)/)
    // …and none of the heavy, external libraries did.
    for (const heavy of ['@okta/okta-sdk-nodejs', 'openid-client', 'oidc-provider', '@napi-rs/keyring']) {
      expect(loaded, heavy).not.toContain(`/node_modules/${heavy}/`)
    }
  })
})

describe('oidc-setup targets', () => {
  it('lists every target with what it needs from Okta; --json is one document', async () => {
    const human = await runCli(['targets'])
    expect(human.code).toBe(0)
    expect(human.stdout).toContain('openmetadata (alias: collate)')
    expect(human.stdout).toContain('sign-in URIs:    {base}/authnz/okta/callback')
    const json = await runCli(['targets', '--json'])
    const rows = JSON.parse(json.stdout) as Array<{ name: string; okta: { redirectUris: string[] } }>
    expect(rows.map((r) => r.name).slice(0, 4)).toEqual(['galaxy', 'pomerium', 'kestra', 'openmetadata'])
    expect(rows.find((r) => r.name === 'kestra')?.okta.redirectUris).toEqual(['{base}/oauth/callback/okta'])
  })
})
