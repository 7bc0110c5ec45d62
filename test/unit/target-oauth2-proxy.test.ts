import { readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { parse as parseToml } from 'smol-toml'
import { describe, expect, it } from 'vitest'
import { ConfigError, UsageError } from '../../src/domain/errors.js'
import { requireTarget } from '../../src/targets/index.js'
import { inspectConfigFile } from '../../src/targets/inspect.js'
import { tomlString } from '../../src/targets/oauth2-proxy-toml.js'
import { tempDir } from '../helpers/cli.js'
import { golden } from '../helpers/golden.js'
import { envRefused, hostile, renderWith, readEnvBoth } from '../helpers/hostile.js'
import { DEFAULT_SECRET, render } from '../helpers/render.js'

// oauth2-proxy reads its cfg as TOML 1.0 (viper + pelletier/go-toml v2, pkg/apis/options/load.go@14af2951);
// smol-toml is a TOML 1.0 parser, so what it reads is what oauth2-proxy reads.
const CUSTOM = 'https://example.okta.com/oauth2/default'
const BASE = 'https://proxy.example.com'
const SETTINGS = { upstreams: ['http://127.0.0.1:8080/'], allowedGroups: ['Engineering', 'SRE Team'] }

const variants = [
  { variant: 'native', format: 'native' as const },
  { variant: 'native-secret-ref', format: 'native' as const, ref: true },
  { variant: 'env', format: 'env' as const },
  { variant: 'env-secret-ref', format: 'env' as const, ref: true },
]

describe('oauth2-proxy golden files', () => {
  it.each(variants)('$variant', async (v) => {
    const outDir = tempDir()
    const result = await render({
      target: 'oauth2-proxy',
      issuer: CUSTOM,
      baseUrl: BASE,
      outDir,
      format: v.format,
      settings: SETTINGS,
      secret: v.ref ? { kind: 'env' } : { kind: 'literal', value: DEFAULT_SECRET },
    })
    for (const file of result.files) {
      const text = readFileSync(path.join(outDir, file.name), 'utf8')
      golden('oauth2-proxy', v.variant, file.name, text)
      expect(statSync(path.join(outDir, file.name)).mode & 0o777).toBe(v.ref ? 0o644 : 0o600)
      expect(text.includes(DEFAULT_SECRET)).toBe(!v.ref)
    }
  })
})

describe('oauth2-proxy.cfg (TOML 1.0, smol-toml)', () => {
  it('holds every key oauth2-proxy needs for Okta, with a 32-byte base64url cookie secret', async () => {
    const result = await render({ target: 'oauth2-proxy', issuer: CUSTOM, baseUrl: BASE, outDir: tempDir(), mode: 'stdout', settings: SETTINGS })
    const doc = parseToml(result.files[0]?.text ?? '')
    expect(doc).toEqual({
      provider: 'oidc',
      provider_display_name: 'Okta',
      oidc_issuer_url: CUSTOM,
      client_id: '0oa1example2client3',
      client_secret: DEFAULT_SECRET,
      scope: 'openid email profile offline_access',
      code_challenge_method: 'S256',
      redirect_url: `${BASE}/oauth2/callback`,
      cookie_secret: expect.any(String),
      cookie_refresh: '30m',
      email_domains: ['*'],
      allowed_groups: ['Engineering', 'SRE Team'],
      upstreams: ['http://127.0.0.1:8080/'],
    })
    // What SecretBytes() does: URL-safe base64 with the padding trimmed, a valid AES length.
    const secret = String(doc.cookie_secret)
    expect(secret).toMatch(/^[A-Za-z0-9_-]+=*$/)
    expect(Buffer.from(secret.replace(/=+$/, ''), 'base64url')).toHaveLength(32)
  })

  it('an http base URL turns cookie_secure off; allowed_groups stays empty without the setting', async () => {
    const result = await render({
      target: 'oauth2-proxy',
      baseUrl: 'http://localhost:4180',
      outDir: tempDir(),
      mode: 'stdout',
      settings: { upstreams: ['http://127.0.0.1:8080/'] },
    })
    const doc = parseToml(result.files[0]?.text ?? '')
    expect(doc.cookie_secure).toBe(false)
    expect(doc.allowed_groups).toEqual([])
    expect(doc.redirect_url).toBe('http://localhost:4180/oauth2/callback')
  })

  it('render-config refuses without upstreams, naming --set', async () => {
    const error = await render({ target: 'oauth2-proxy', outDir: tempDir() }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).hint).toContain('--set upstreams=http://127.0.0.1:8080/')
  })

  it('--merge keeps other keys and comments, keeps the cookie secret, and replaces only owned values', async () => {
    const outDir = tempDir()
    writeFileSync(
      path.join(outDir, 'oauth2-proxy.cfg'),
      `# ours
http_address = "0.0.0.0:4180" # in the pod
client_id = 'old-client' # keep this comment
cookie_secret = "kept-cookie-secret-0123456789abcd"
upstreams = [
  "http://old:1/", # old one
  "http://old:2/",
]
skip_provider_button = true
client_secret = """old
secret"""
`,
    )
    const result = await render({ target: 'oauth2-proxy', issuer: CUSTOM, baseUrl: BASE, outDir, existing: 'merge', settings: SETTINGS })
    const text = readFileSync(path.join(outDir, 'oauth2-proxy.cfg'), 'utf8')
    golden('oauth2-proxy', 'merge', 'oauth2-proxy.cfg', text)
    expect(text).toContain('# ours\nhttp_address = "0.0.0.0:4180" # in the pod\n')
    expect(text).toContain('client_id = "0oa1example2client3" # keep this comment')
    const doc = parseToml(text)
    expect(doc).toMatchObject({
      http_address: '0.0.0.0:4180',
      skip_provider_button: true,
      cookie_secret: 'kept-cookie-secret-0123456789abcd',
      client_secret: DEFAULT_SECRET,
      upstreams: ['http://127.0.0.1:8080/'],
      provider: 'oidc',
    })
    expect(result.files[0]?.secrets).toContain('old\nsecret')
    const again = await render({ target: 'oauth2-proxy', issuer: CUSTOM, baseUrl: BASE, outDir, existing: 'merge', settings: SETTINGS })
    expect(again.files[0]?.action).toBe('unchanged')
  })

  it('--merge refuses a file that is not TOML, and writes nothing', async () => {
    const outDir = tempDir()
    writeFileSync(path.join(outDir, 'oauth2-proxy.cfg'), 'provider = oidc\n')
    await expect(render({ target: 'oauth2-proxy', outDir, existing: 'merge', settings: SETTINGS })).rejects.toThrow(ConfigError)
    expect(readFileSync(path.join(outDir, 'oauth2-proxy.cfg'), 'utf8')).toBe('provider = oidc\n')
  })

  it('the basic-string serializer reads back exactly (smol-toml)', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        fc.pre(!/[\uD800-\uDFFF]/.test(value) || /[\uD800-\uDBFF][\uDC00-\uDFFF]/.test(value))
        let text: string
        try {
          text = `v = ${tomlString('v', value)}\n`
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError)
          return
        }
        expect(parseToml(text).v).toBe(value)
      }),
      { numRuns: 300 },
    )
  })

  it('hostile ids, secrets and group names parse back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, hostile, async (id, secret, group) => {
        const settings = { upstreams: ['http://127.0.0.1:8080/'], allowedGroups: [group] }
        const files = await renderWith('oauth2-proxy', 'native', id, secret, settings).catch((error: unknown) => {
          expect(error).toBeInstanceOf(ConfigError)
          return undefined
        })
        if (!files) {
          return
        }
        const doc = parseToml(files[0]?.text ?? '')
        expect(doc.client_id).toBe(id)
        expect(doc.client_secret).toBe(secret)
        expect(doc.allowed_groups).toEqual([group])
      }),
      { numRuns: 120 },
    )
  })

  it('env form: hostile values read back by a real shell (or refused), lists comma-separated', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (id, secret) => {
        if (envRefused(id) || envRefused(secret)) {
          await expect(renderWith('oauth2-proxy', 'env', id, secret, SETTINGS)).rejects.toThrow(ConfigError)
          return
        }
        const [file] = await renderWith('oauth2-proxy', 'env', id, secret, SETTINGS)
        expect(readEnvBoth(file?.text ?? '', ['OAUTH2_PROXY_CLIENT_ID', 'OAUTH2_PROXY_CLIENT_SECRET', 'OAUTH2_PROXY_ALLOWED_GROUPS'])).toEqual([
          id,
          secret,
          'Engineering,SRE Team',
        ])
      }),
      { numRuns: 60 },
    )
  })

  it('env form refuses a list entry with a comma', async () => {
    await expect(renderWith('oauth2-proxy', 'env', 'id', 's', { upstreams: ['http://a/'], allowedGroups: ['a,b'] })).rejects.toThrow(/contains a comma/)
  })
})

describe('oauth2-proxy requirements and doctor', () => {
  it('web app with PKCE, code + refresh, {base}/oauth2/callback, offline_access, a custom server', () => {
    expect(requireTarget('oauth2-proxy').requirements({ baseUrl: new URL('https://proxy.example.com/') })).toMatchObject({
      applicationType: 'web',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['https://proxy.example.com/oauth2/callback'],
      scopes: ['openid', 'email', 'profile', 'offline_access'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkceRequired: true,
      authServer: 'default',
    })
  })

  it('doctor reads the cfg and the env form alike', async () => {
    const cfg = inspectConfigFile('oauth2-proxy', 'oauth2-proxy.cfg', readFileSync('test/fixtures/expected/oauth2-proxy/native/oauth2-proxy.cfg', 'utf8'))
    const env = inspectConfigFile('oauth2-proxy', 'oauth2-proxy.env', readFileSync('test/fixtures/expected/oauth2-proxy/env/oauth2-proxy.env', 'utf8'))
    expect(cfg).toEqual({ issuer: CUSTOM, clientId: '0oa1example2client3', redirectUris: [`${BASE}/oauth2/callback`], clientSecret: DEFAULT_SECRET })
    expect(env).toEqual(cfg)
    const ref = inspectConfigFile('oauth2-proxy', 'oauth2-proxy.cfg', readFileSync('test/fixtures/expected/oauth2-proxy/native-secret-ref/oauth2-proxy.cfg', 'utf8'))
    expect(ref?.clientSecret).toBeUndefined()
  })
})
