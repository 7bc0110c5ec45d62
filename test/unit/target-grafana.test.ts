import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { parse as parseIni } from 'ini'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/domain/errors.js'
import { getIniValue, iniValue, readIniValue, setIniValues } from '../../src/targets/grafana-ini.js'
import { requireTarget } from '../../src/targets/index.js'
import { inspectConfigFile } from '../../src/targets/inspect.js'
import { tempDir } from '../helpers/cli.js'
import { golden } from '../helpers/golden.js'
import { envRefused, hostile, renderWith, readEnvBoth } from '../helpers/hostile.js'
import { DEFAULT_SECRET, render } from '../helpers/render.js'

// Grafana loads grafana.ini with gopkg.in/ini.v1 (default LoadOptions). The golden files hold only values that go-ini
// and the npm `ini` parser read alike (bare, no # ; quotes or edge spaces), so `ini` parses them back as Grafana
// would; values outside that set are quoted with go-ini's backtick / triple-quote rules (go-ini parser.go readValue,
// go-ini/ini@b2f570e5), checked by readIniValue, a port of that function.
const ORG = 'https://example.okta.com'
const CUSTOM = 'https://example.okta.com/oauth2/default'
const BASE = 'https://grafana.example.com'
const SETTINGS = { adminGroups: ['Grafana Admins'], editorGroups: ['Grafana Editors', 'Dashboards Team'], allowedGroups: ['Engineering', 'SRE Team'] }
const fixture = (rel: string): string => readFileSync(path.join('test', 'fixtures', 'expected', 'grafana', rel), 'utf8')

const variants = [
  { variant: 'native', format: 'native' as const, issuer: CUSTOM },
  { variant: 'native-org-as', format: 'native' as const, issuer: ORG },
  { variant: 'native-secret-ref', format: 'native' as const, issuer: CUSTOM, ref: true },
  { variant: 'env', format: 'env' as const, issuer: CUSTOM },
  { variant: 'env-secret-ref', format: 'env' as const, issuer: CUSTOM, ref: true },
]

describe('grafana golden files', () => {
  it.each(variants)('$variant', async (v) => {
    const outDir = tempDir()
    const result = await render({
      target: 'grafana',
      issuer: v.issuer,
      baseUrl: BASE,
      outDir,
      format: v.format,
      settings: SETTINGS,
      secret: v.ref ? { kind: 'env' } : { kind: 'literal', value: DEFAULT_SECRET },
    })
    for (const file of result.files) {
      const text = readFileSync(path.join(outDir, file.name), 'utf8')
      golden('grafana', v.variant, file.name, text)
      expect(text.includes(DEFAULT_SECRET)).toBe(!v.ref)
      expect(file.containsSecret).toBe(!v.ref)
    }
  })
})

describe('grafana.ini', () => {
  it('parses back with the ini parser: [server] root_url and [auth.okta] with the issuer endpoints and role mapping', async () => {
    const result = await render({ target: 'grafana', issuer: CUSTOM, baseUrl: BASE, outDir: tempDir(), mode: 'stdout', settings: SETTINGS })
    // ini nests dotted section names: [auth.okta] is doc.auth.okta.
    const doc = parseIni(result.files[0]?.text ?? '') as Record<string, Record<string, Record<string, unknown>>>
    expect(doc.server).toEqual({ root_url: `${BASE}/` })
    expect(doc.auth?.okta).toEqual({
      name: 'Okta',
      icon: 'okta',
      enabled: true,
      allow_sign_up: true,
      client_id: '0oa1example2client3',
      client_secret: DEFAULT_SECRET,
      scopes: 'openid profile email offline_access',
      auth_url: `${CUSTOM}/v1/authorize`,
      token_url: `${CUSTOM}/v1/token`,
      api_url: `${CUSTOM}/v1/userinfo`,
      use_pkce: true,
      use_refresh_token: true,
      role_attribute_path:
        "contains(groups[*], 'Grafana Admins') && 'Admin' || (contains(groups[*], 'Grafana Editors') || contains(groups[*], 'Dashboards Team')) && 'Editor' || 'Viewer'",
      role_attribute_strict: false,
      allowed_groups: '["Engineering","SRE Team"]',
      allowed_domains: '',
    })
  })

  it('the org server endpoints are {org}/oauth2/v1/…', async () => {
    const result = await render({ target: 'grafana', issuer: ORG, baseUrl: BASE, outDir: tempDir(), mode: 'stdout' })
    const okta = (parseIni(result.files[0]?.text ?? '') as Record<string, Record<string, Record<string, unknown>>>).auth?.okta
    expect(okta?.auth_url).toBe(`${ORG}/oauth2/v1/authorize`)
    expect(okta?.api_url).toBe(`${ORG}/oauth2/v1/userinfo`)
    // A lone literal is a JMESPath paren-expression, so neither go-ini (hasSurroundedQuote) nor an env file drops its quotes.
    expect(okta?.role_attribute_path).toBe("('Viewer')")
    expect(getIniValue(result.files[0]?.text ?? '', 'auth.okta', 'role_attribute_path')).toBe("('Viewer')")
  })

  it('group names with quotes and backslashes are escaped for JMESPath and read back by go-ini', async () => {
    const result = await render({ target: 'grafana', baseUrl: BASE, outDir: tempDir(), mode: 'stdout', settings: { adminGroups: ["O'Brien\\s #1; team"] } })
    expect(getIniValue(result.files[0]?.text ?? '', 'auth.okta', 'role_attribute_path')).toBe(
      "contains(groups[*], 'O\\'Brien\\\\s #1; team') && 'Admin' || 'Viewer'",
    )
  })

  it('--merge keeps other sections, keys and comments, and updates only the owned keys', async () => {
    const outDir = tempDir()
    writeFileSync(
      path.join(outDir, 'grafana.ini'),
      `# our Grafana
[server]
http_port = 3001 ; not the default
root_url = http://old/

[auth.okta]
client_id = old-id
client_secret = old-secret-value
client_secret = dup-secret
allowed_domains = example.com

[database]
type = postgres
`,
    )
    const result = await render({ target: 'grafana', issuer: CUSTOM, baseUrl: BASE, outDir, existing: 'merge', settings: { defaultRole: 'Editor' } })
    const text = readFileSync(path.join(outDir, 'grafana.ini'), 'utf8')
    golden('grafana', 'merge', 'grafana.ini', text)
    expect(text).toContain('http_port = 3001 ; not the default')
    const doc = parseIni(text) as Record<string, Record<string, Record<string, unknown>>>
    expect(doc.database).toEqual({ type: 'postgres' })
    expect(doc.server).toEqual({ http_port: '3001', root_url: `${BASE}/` })
    expect(doc.auth?.okta).toMatchObject({ client_id: '0oa1example2client3', client_secret: DEFAULT_SECRET, allowed_domains: 'example.com' })
    expect(getIniValue(text, 'auth.okta', 'role_attribute_path')).toBe("('Editor')")
    expect(text.match(/client_secret/g)).toHaveLength(1)
    expect(result.files[0]?.secrets).toContain('dup-secret')
    const again = await render({ target: 'grafana', issuer: CUSTOM, baseUrl: BASE, outDir, existing: 'merge', settings: { defaultRole: 'Editor' } })
    expect(again.files[0]?.action).toBe('unchanged')
  })

  it('--merge adds [auth.okta] to a file without it and refuses a file that is not INI', async () => {
    expect(setIniValues('[server]\nhttp_port = 3000\n', [['auth.okta', 'enabled', 'true'], ['server', 'root_url', 'https://g/']])).toBe(
      '[server]\nhttp_port = 3000\nroot_url = https://g/\n\n[auth.okta]\nenabled = true\n',
    )
    const outDir = tempDir()
    writeFileSync(path.join(outDir, 'grafana.ini'), '[server]\nthis is not ini\n')
    await expect(render({ target: 'grafana', outDir, existing: 'merge' })).rejects.toThrow(ConfigError)
  })

  it('hostile values: go-ini reads back exactly what was written (or the value is refused); plain ones agree with ini', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        let written: string
        try {
          written = iniValue('v', value)
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError)
          return
        }
        const text = `[s]\nk = ${written}\n`
        expect(readIniValue(written)).toBe(value)
        expect(getIniValue(text, 's', 'k')).toBe(value)
        // ini trims JavaScript white space (a BOM too) and reads true/false/null as values: compare the rest.
        if (written === value && value.trim() === value && !/[\u0085\u2028\u2029]/.test(value) && !/^(true|false|null)$/.test(value) && !/[\\"']/.test(value)) {
          expect(String((parseIni(text) as Record<string, Record<string, unknown>>).s?.k)).toBe(value)
        }
      }),
      { numRuns: 400 },
    )
  })

  it('refuses values Grafana would expand as variables, in both forms', async () => {
    for (const format of ['native', 'env'] as const) {
      await expect(renderWith('grafana', format, 'id', 'a${HOME}b')).rejects.toThrow(/would expand/)
      await expect(renderWith('grafana', format, '$__file{/etc/passwd}', 's')).rejects.toThrow(/would expand/)
    }
  })

  it('env form: hostile values read back by a real shell, or refused', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (id, secret) => {
        const files = await renderWith('grafana', 'env', id, secret).catch((error: unknown) => {
          expect(error).toBeInstanceOf(ConfigError)
          return undefined
        })
        if (!files) {
          expect(envRefused(id) || envRefused(secret) || /\$(?:__\w+)?\{[^}]+\}/.test(id + secret)).toBe(true)
          return
        }
        expect(readEnvBoth(files[0]?.text ?? '', ['GF_AUTH_OKTA_CLIENT_ID', 'GF_AUTH_OKTA_CLIENT_SECRET'])).toEqual([id, secret])
      }),
      { numRuns: 60 },
    )
  })
})

describe('grafana requirements, settings and doctor', () => {
  it('web app with PKCE and refresh token, {base}/login/okta, a custom server', () => {
    expect(requireTarget('grafana').requirements({ baseUrl: new URL('https://grafana.example.com/') })).toMatchObject({
      applicationType: 'web',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['https://grafana.example.com/login/okta'],
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      pkceRequired: true,
      authServer: 'default',
    })
  })

  it('defaultRole takes only Grafana roles', async () => {
    const { resolveSettings } = await import('../../src/targets/settings.js')
    expect(() => resolveSettings(requireTarget('grafana'), [{ source: '--set', values: { defaultRole: ['Owner'] } }])).toThrow(/one of Viewer, Editor, Admin, None/)
  })

  it('doctor reads grafana.ini and the env form alike (issuer from auth_url, redirect from root_url)', () => {
    const ini = inspectConfigFile('grafana', 'grafana.ini', fixture('native/grafana.ini'))
    const env = inspectConfigFile('grafana', 'grafana.env', fixture('env/grafana.env'))
    expect(ini).toEqual({ issuer: CUSTOM, clientId: '0oa1example2client3', redirectUris: [`${BASE}/login/okta`], clientSecret: DEFAULT_SECRET })
    expect(env).toEqual(ini)
    expect(inspectConfigFile('grafana', 'grafana.ini', fixture('native-org-as/grafana.ini'))?.issuer).toBe(ORG)
    expect(inspectConfigFile('grafana', 'grafana.ini', fixture('native-secret-ref/grafana.ini'))?.clientSecret).toBeUndefined()
  })
})
