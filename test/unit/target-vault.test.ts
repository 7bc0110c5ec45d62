import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/domain/errors.js'
import { requireTarget } from '../../src/targets/index.js'
import { inspectConfigFile } from '../../src/targets/inspect.js'
import { tempDir } from '../helpers/cli.js'
import { golden } from '../helpers/golden.js'
import { hostile, renderWith } from '../helpers/hostile.js'
import { DEFAULT_SECRET, render } from '../helpers/render.js'

// Field names and types: hashicorp/vault-plugin-auth-jwt@2e68bbaf path_config.go, path_role.go, cli.go.
const CUSTOM = 'https://example.okta.com/oauth2/default'
const BASE = 'https://vault.example.com:8200'
const fixture = (rel: string): string => readFileSync(path.join('test', 'fixtures', 'expected', 'vault', rel), 'utf8')

/**
 * Runs the script with real bash and a stand-in `vault` on PATH that records each call's argv (NUL-separated), so
 * the test sees exactly the arguments the Vault CLI would get.
 */
function runScript(text: string, env: Record<string, string> = { OKTA_CLIENT_SECRET: DEFAULT_SECRET }): { status: number | null; stderr: string; calls: string[][] } {
  const dir = tempDir('oidc-setup-vault-')
  const bin = path.join(dir, 'bin')
  mkdirSync(bin)
  const log = path.join(dir, 'calls')
  writeFileSync(
    path.join(bin, 'vault'),
    `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a" >> "${log}"; done\nprintf '\\n\\0' >> "${log}"\n[ "$1 $2" = "auth list" ] && echo '{"token/":{}}'\nexit 0\n`,
  )
  chmodSync(path.join(bin, 'vault'), 0o755)
  writeFileSync(path.join(dir, 'vault-oidc.sh'), text)
  const result = spawnSync('bash', [path.join(dir, 'vault-oidc.sh')], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, ...env } })
  let raw = ''
  try {
    raw = readFileSync(log, 'utf8')
  } catch {
    raw = ''
  }
  const calls = raw.split('\n\0').filter(Boolean).map((c) => c.split('\0').filter((a, i, all) => i < all.length - 1 || a !== ''))
  return { status: result.status, stderr: result.stderr, calls }
}

describe('vault golden files', () => {
  it.each([
    { variant: 'native', ref: false },
    { variant: 'native-secret-ref', ref: true },
  ])('$variant', async (v) => {
    const outDir = tempDir()
    const result = await render({ target: 'vault', issuer: CUSTOM, baseUrl: BASE, outDir, secret: v.ref ? { kind: 'env' } : { kind: 'literal', value: DEFAULT_SECRET } })
    for (const file of result.files) {
      const text = readFileSync(path.join(outDir, file.name), 'utf8')
      golden('vault', v.variant, file.name, text)
      expect(file.containsSecret).toBe(!v.ref && file.name === 'oidc-config.json')
      expect(text.includes(DEFAULT_SECRET)).toBe(file.containsSecret)
    }
  })
})

describe('vault files', () => {
  it('the JSON bodies parse and hold what the plugin reads', async () => {
    const result = await render({ target: 'vault', issuer: CUSTOM, baseUrl: BASE, outDir: tempDir(), mode: 'stdout', settings: { role: 'engineers', policies: ['default', 'dev-read'] } })
    const [config, role] = result.files.slice(0, 2).map((f) => JSON.parse(f.text) as Record<string, unknown>)
    expect(config).toEqual({ oidc_discovery_url: CUSTOM, oidc_client_id: '0oa1example2client3', default_role: 'engineers', oidc_client_secret: DEFAULT_SECRET })
    expect(role).toEqual({
      role_type: 'oidc',
      bound_audiences: ['0oa1example2client3'],
      allowed_redirect_uris: [`${BASE}/ui/vault/auth/oidc/oidc/callback`, 'http://localhost:8250/oidc/callback'],
      user_claim: 'email',
      groups_claim: 'groups',
      oidc_scopes: ['profile', 'email'],
      token_policies: ['default', 'dev-read'],
    })
  })

  it('the script passes bash -n and, run by bash, calls the vault CLI with exactly the intended arguments', async () => {
    const files = await renderWith('vault', 'native', '0oa1example2client3', DEFAULT_SECRET)
    const text = files.find((f) => f.path === 'vault-oidc.sh')?.text ?? ''
    expect(text).not.toContain(DEFAULT_SECRET)
    const dir = tempDir()
    writeFileSync(path.join(dir, 's.sh'), text)
    expect(spawnSync('bash', ['-n', path.join(dir, 's.sh')]).status).toBe(0)
    const { status, calls } = runScript(text)
    expect(status).toBe(0)
    expect(calls[0]).toEqual(['auth', 'list', '-format=json'])
    expect(calls[1]).toEqual(['auth', 'enable', '-path=oidc', 'oidc'])
    expect(calls[2]).toEqual([
      'write',
      'auth/oidc/config',
      'oidc_discovery_url=https://example.okta.com',
      'oidc_client_id=0oa1example2client3',
      'default_role=okta',
      `oidc_client_secret=${DEFAULT_SECRET}`,
    ])
    expect(calls[3]?.slice(0, 3)).toEqual(['write', 'auth/oidc/role/okta', 'role_type=oidc'])
    expect(calls[3]).toContain('allowed_redirect_uris=https://app.example.org/ui/vault/auth/oidc/oidc/callback,http://localhost:8250/oidc/callback')
  })

  it('the script stops before any call when OKTA_CLIENT_SECRET is missing', async () => {
    const files = await renderWith('vault', 'native', 'id', 's')
    const { status, stderr, calls } = runScript(files.find((f) => f.path === 'vault-oidc.sh')?.text ?? '', {})
    expect(status).not.toBe(0)
    expect(stderr).toContain('OKTA_CLIENT_SECRET')
    expect(calls).toEqual([])
  })

  it('hostile client ids reach the vault CLI exactly (bash), and JSON bodies parse back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (id, secret) => {
        const files = await renderWith('vault', 'native', id, secret).catch((error: unknown) => {
          expect(error).toBeInstanceOf(ConfigError)
          return undefined
        })
        if (!files) {
          expect(id.includes(',')).toBe(true)
          return
        }
        const config = JSON.parse(files[0]?.text ?? '') as Record<string, unknown>
        expect(config.oidc_client_id).toBe(id)
        expect(config.oidc_client_secret).toBe(secret)
        const { status, calls } = runScript(files[2]?.text ?? '', { OKTA_CLIENT_SECRET: 'x' })
        expect(status).toBe(0)
        if (/[\n\r]/.test(id)) {
          // The stand-in vault logs one call per line, so an id with a line break cannot be matched in its log.
          return
        }
        expect(calls[2]).toContain(`oidc_client_id=${id}`)
        expect(calls[3]).toContain(`bound_audiences=${id}`)
      }),
      { numRuns: 40 },
    )
  })

  it('--merge keeps other keys of the JSON bodies', async () => {
    const outDir = tempDir()
    writeFileSync(path.join(outDir, 'oidc-role.json'), '{"token_ttl": "1h", "user_claim": "sub"}\n')
    await render({ target: 'vault', issuer: CUSTOM, baseUrl: BASE, outDir, existing: 'merge' })
    const role = JSON.parse(readFileSync(path.join(outDir, 'oidc-role.json'), 'utf8')) as Record<string, unknown>
    expect(role.token_ttl).toBe('1h')
    expect(role.user_claim).toBe('email')
  })
})

describe('vault requirements and doctor', () => {
  it('web app, code grant, the UI callback under the mount and the CLI listener on localhost:8250', () => {
    expect(requireTarget('vault').requirements({ baseUrl: new URL(BASE), settings: { mount: 'okta' } })).toMatchObject({
      applicationType: 'web',
      grantTypes: ['authorization_code'],
      redirectUris: [`${BASE}/ui/vault/auth/okta/oidc/callback`, 'http://localhost:8250/oidc/callback'],
      scopes: ['openid', 'profile', 'email'],
      authServer: 'default',
    })
  })

  it('doctor reads the config and role bodies', () => {
    expect(inspectConfigFile('vault', 'oidc-config.json', fixture('native/oidc-config.json'))).toEqual({
      issuer: CUSTOM,
      clientId: '0oa1example2client3',
      clientSecret: DEFAULT_SECRET,
    })
    expect(inspectConfigFile('vault', 'oidc-role.json', fixture('native/oidc-role.json'))).toEqual({
      clientId: '0oa1example2client3',
      redirectUris: [`${BASE}/ui/vault/auth/oidc/oidc/callback`, 'http://localhost:8250/oidc/callback'],
    })
    expect(inspectConfigFile('vault', 'oidc-config.json', fixture('native-secret-ref/oidc-config.json'))?.clientSecret).toBeUndefined()
    expect(inspectConfigFile('vault', 'vault-oidc.sh', fixture('native/vault-oidc.sh'))).toBeUndefined()
  })
})
