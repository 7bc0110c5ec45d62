import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv } from 'ajv'
import { parse as parseYaml } from 'yaml'
import { describe, expect, it } from 'vitest'
import { ConfigError, UsageError } from '../../src/domain/errors.js'
import { diffFile } from '../../src/usecases/render-config.js'
import { ROOT, tempDir } from '../helpers/cli.js'
import { DEFAULT_SECRET, render } from '../helpers/render.js'
import { sharedFile, sharedMissing } from '../helpers/shared.js'
import { apacheConfigTest, hasApache } from '../helpers/apache.js'
import { getWordConf } from '../../src/targets/apache-conf.js'
import { parseDockerEnvFile } from '../helpers/env-parsers.js'

const EXPECTED = path.join(ROOT, 'test', 'fixtures', 'expected')
const UPDATE = process.env.UPDATE_GOLDEN === '1'
const XSD = 'schemas/galaxy/oidc_backends_config.xsd'
const OIDC_SCHEMA = 'schemas/openmetadata/oidcClientConfig.json'
const xsd = sharedFile(XSD)
const oidcSchema = sharedFile(OIDC_SCHEMA)
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0

/** Compares a rendered file with its golden copy (UPDATE_GOLDEN=1 rewrites the golden files). */
function golden(target: string, variant: string, name: string, text: string): void {
  const file = path.join(EXPECTED, target, variant, name)
  if (UPDATE || !existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, text)
  }
  expect(text, `golden file test/fixtures/expected/${target}/${variant}/${name}`).toBe(readFileSync(file, 'utf8'))
}

function xmllint(file: string): { status: number | null; stderr: string } {
  const result = spawnSync('xmllint', ['--noout', '--schema', xsd ?? '', file], { encoding: 'utf8' })
  return { status: result.status, stderr: result.stderr }
}

const ORG = 'https://example.okta.com'
const OM_SETTINGS = { adminPrincipals: ['jdoe', 'asmith'], principalDomain: 'example.com' }
const CUSTOM = 'https://example.okta.com/oauth2/default'

const variants = [
  { target: 'galaxy', variant: 'org-as', issuer: ORG, baseUrl: 'https://galaxy.example.org' },
  { target: 'galaxy', variant: 'custom-as', issuer: CUSTOM, baseUrl: 'https://galaxy.example.org/galaxy/' },
  { target: 'pomerium', variant: 'native', issuer: ORG, baseUrl: 'https://authenticate.example.com' },
  { target: 'pomerium', variant: 'native-secret-ref', issuer: CUSTOM, baseUrl: 'https://authenticate.example.com', ref: true },
  { target: 'pomerium', variant: 'env', issuer: ORG, baseUrl: 'https://authenticate.example.com', format: 'env' as const },
  { target: 'pomerium', variant: 'env-secret-ref', issuer: ORG, baseUrl: 'https://authenticate.example.com', format: 'env' as const, ref: true },
  { target: 'kestra', variant: 'native', issuer: ORG, baseUrl: 'https://kestra.example.com' },
  { target: 'kestra', variant: 'native-secret-ref', issuer: CUSTOM, baseUrl: 'https://kestra.example.com', ref: true },
  { target: 'kestra', variant: 'env', issuer: ORG, baseUrl: 'https://kestra.example.com', format: 'env' as const },
  { target: 'kestra', variant: 'env-secret-ref', issuer: ORG, baseUrl: 'https://kestra.example.com', format: 'env' as const, ref: true },
  { target: 'openmetadata', variant: 'native', issuer: CUSTOM, baseUrl: 'https://om.example.com', settings: OM_SETTINGS },
  { target: 'openmetadata', variant: 'native-secret-ref', issuer: CUSTOM, baseUrl: 'https://om.example.com', ref: true, settings: OM_SETTINGS },
  { target: 'openmetadata', variant: 'env', issuer: CUSTOM, baseUrl: 'https://om.example.com', format: 'env' as const, settings: OM_SETTINGS },
  { target: 'openmetadata', variant: 'env-secret-ref', issuer: CUSTOM, baseUrl: 'https://om.example.com', format: 'env' as const, ref: true, settings: OM_SETTINGS },
  { target: 'apache', variant: 'native', issuer: ORG, baseUrl: 'https://app.example.org' },
  { target: 'apache', variant: 'native-secret-ref', issuer: CUSTOM, baseUrl: 'https://app.example.org/private/', ref: true },
  { target: 'apache', variant: 'groups', issuer: ORG, baseUrl: 'https://app.example.org', settings: { requireGroups: ['Admins', 'Data Team'], remoteUserClaim: 'preferred_username' } },
  { target: 'authjs', variant: 'native', issuer: ORG, baseUrl: 'https://app.example.org' },
  { target: 'authjs', variant: 'native-secret-ref', issuer: CUSTOM, baseUrl: 'https://app.example.org', ref: true },
  { target: 'authjs', variant: 'base-path', issuer: CUSTOM, baseUrl: 'https://example.org/shop', settings: { basePath: '/auth' } },
]

describe('render-config golden files (one per template × variant)', () => {
  it.each(variants)('$target $variant', async (v) => {
    const outDir = tempDir()
    const result = await render({
      target: v.target,
      issuer: v.issuer,
      baseUrl: v.baseUrl,
      outDir,
      format: v.format ?? 'native',
      secret: v.ref ? { kind: 'env' } : { kind: 'literal', value: DEFAULT_SECRET },
      settings: 'settings' in v ? v.settings : undefined,
    })
    expect(result.files.length).toBeGreaterThan(0)
    for (const file of result.files) {
      const onDisk = readFileSync(path.join(outDir, file.name), 'utf8')
      expect(onDisk).toBe(file.text)
      golden(v.target, v.variant, file.name, onDisk)
      expect(file.written).toBe(true)
      expect(file.containsSecret).toBe(onDisk.includes(DEFAULT_SECRET) || file.secrets.some((s) => onDisk.includes(s)))
      expect(statSync(path.join(outDir, file.name)).mode & 0o777).toBe(file.containsSecret ? 0o600 : 0o644)
      if (v.ref) {
        expect(onDisk).not.toContain(DEFAULT_SECRET)
        expect(file.containsSecret).toBe(false)
      }
    }
  })
})

describe('galaxy', () => {
  it.skipIf(!xsd || !hasXmllint)(
    `oidc_backends_config.xml validates against Galaxy's XSD with xmllint (${xsd ? 'xmllint' : sharedMissing(XSD)})`,
    async () => {
      for (const issuer of [ORG, CUSTOM]) {
        const outDir = tempDir()
        await render({ target: 'galaxy', issuer, outDir })
        const { status, stderr } = xmllint(path.join(outDir, 'oidc_backends_config.xml'))
        expect(stderr).toContain('validates')
        expect(status).toBe(0)
      }
    },
  )

  it('api_url is the org server /oauth2 for an org issuer, the issuer itself for a custom server', async () => {
    const org = await render({ target: 'galaxy', issuer: ORG, outDir: tempDir(), mode: 'stdout' })
    expect(org.files[0]?.text).toContain('<api_url>https://example.okta.com/oauth2</api_url>')
    const custom = await render({ target: 'galaxy', issuer: CUSTOM, outDir: tempDir(), mode: 'stdout' })
    expect(custom.files[0]?.text).toContain('<api_url>https://example.okta.com/oauth2/default</api_url>')
  })

  it('refuses --secret-ref env and --format env', async () => {
    await expect(render({ target: 'galaxy', outDir: tempDir(), secret: { kind: 'env' } })).rejects.toThrow(UsageError)
    await expect(render({ target: 'galaxy', outDir: tempDir(), format: 'env' })).rejects.toThrow(/has no --format env/)
  })

  it('--merge keeps a second provider and every comment, and updates only the okta provider', async () => {
    const outDir = tempDir()
    const existing = `<?xml version="1.0"?>
<!-- our identity providers; do not remove the keycloak one -->
<OIDC>
    <provider name="keycloak">
        <!-- the campus IdP -->
        <client_id>galaxy</client_id>
        <client_secret>keycloak-secret</client_secret>
        <redirect_uri>https://galaxy.example.org/authnz/keycloak/callback</redirect_uri>
        <url>https://sso.example.org/realms/campus</url>
        <label>Campus login</label>
    </provider>
    <provider name="Okta">
        <client_id>old-client</client_id>
        <client_secret>old-secret-value</client_secret>
        <redirect_uri>http://old/authnz/okta/callback</redirect_uri>
        <extra_scopes>groups</extra_scopes>
        <label>Company Okta</label>
        <enable_idp_logout>true</enable_idp_logout>
    </provider>
</OIDC>
`
    writeFileSync(path.join(outDir, 'oidc_backends_config.xml'), existing)
    const result = await render({ target: 'galaxy', outDir, existing: 'merge' })
    const text = readFileSync(path.join(outDir, 'oidc_backends_config.xml'), 'utf8')
    golden('galaxy', 'merge-second-provider', 'oidc_backends_config.xml', text)
    expect(text).toContain('<!-- our identity providers; do not remove the keycloak one -->')
    expect(text).toContain('<!-- the campus IdP -->')
    expect(text).toContain('<client_secret>keycloak-secret</client_secret>')
    expect(text).toContain(`<client_secret>${DEFAULT_SECRET}</client_secret>`)
    expect(text).not.toContain('old-secret-value')
    // The user's label, logout choice and extra scope are theirs; offline_access is added.
    expect(text).toContain('<label>Company Okta</label>')
    expect(text).toContain('<enable_idp_logout>true</enable_idp_logout>')
    expect(text).toContain('<extra_scopes>groups,offline_access</extra_scopes>')
    expect(text).toContain('<api_url>https://example.okta.com/oauth2</api_url>')
    expect(result.files.find((f) => f.name === 'oidc_backends_config.xml')?.action).toBe('merge')
    if (xsd && hasXmllint) {
      expect(xmllint(path.join(outDir, 'oidc_backends_config.xml')).status).toBe(0)
    }
  })

  it('--merge adds an okta provider beside others and keys to an existing galaxy.yml', async () => {
    const outDir = tempDir()
    writeFileSync(
      path.join(outDir, 'oidc_backends_config.xml'),
      '<?xml version="1.0"?>\n<OIDC>\n    <provider name="google">\n        <client_id>g</client_id>\n        <client_secret>gs</client_secret>\n        <redirect_uri>https://g/cb</redirect_uri>\n    </provider>\n</OIDC>\n',
    )
    writeFileSync(
      path.join(outDir, 'galaxy.yml'),
      '# site config\ngravity:\n  gunicorn:\n    bind: localhost:8080 # keep\ngalaxy:\n  admin_users: admin@example.org  # admins\n  enable_oidc: false\n',
    )
    await render({ target: 'galaxy', outDir, existing: 'merge' })
    const xml = readFileSync(path.join(outDir, 'oidc_backends_config.xml'), 'utf8')
    expect(xml).toMatch(/<provider name="google">[\s\S]*<\/provider>\s*<provider name="okta">/)
    golden('galaxy', 'merge-add-provider', 'oidc_backends_config.xml', xml)
    const yml = readFileSync(path.join(outDir, 'galaxy.yml'), 'utf8')
    golden('galaxy', 'merge-add-provider', 'galaxy.yml', yml)
    expect(yml).toContain('bind: localhost:8080 # keep')
    expect(yml).toContain('admin_users: admin@example.org # admins')
    expect(parseYaml(yml)).toEqual({
      gravity: { gunicorn: { bind: 'localhost:8080' } },
      galaxy: {
        admin_users: 'admin@example.org',
        enable_oidc: true,
        oidc_config_file: 'oidc_config.xml',
        oidc_backends_config_file: 'oidc_backends_config.xml',
      },
    })
    if (xsd && hasXmllint) {
      expect(xmllint(path.join(outDir, 'oidc_backends_config.xml')).status).toBe(0)
    }
  })

  it('a malformed existing file is a config error on --merge, and nothing is written', async () => {
    const outDir = tempDir()
    writeFileSync(path.join(outDir, 'oidc_backends_config.xml'), '<OIDC><provider name="okta"></OIDC>')
    await expect(render({ target: 'galaxy', outDir, existing: 'merge' })).rejects.toThrow(ConfigError)
    expect(existsSync(path.join(outDir, 'galaxy.yml'))).toBe(false)
  })
})

describe('kestra', () => {
  it('--merge keeps other settings and comments in application.yaml', async () => {
    const outDir = tempDir()
    const existing = `# Kestra configuration for production
datasources:
  postgres:
    url: jdbc:postgresql://db:5432/kestra # the primary
    username: kestra
kestra:
  encryption:
    secret-key: keep-this-key-please-0123456789abcdef
  repository:
    type: postgres
micronaut:
  server:
    port: 8080
  security:
    oauth2:
      enabled: false # was off
      clients:
        google:
          client-id: google-id
        okta:
          client-id: old
          client-secret: old-okta-secret
          scopes: [openid, email, profile, groups]
`
    writeFileSync(path.join(outDir, 'application.yaml'), existing)
    const result = await render({ target: 'kestra', outDir, existing: 'merge' })
    const text = readFileSync(path.join(outDir, 'application.yaml'), 'utf8')
    golden('kestra', 'merge-other-settings', 'application.yaml', text)
    expect(text).toContain('# Kestra configuration for production')
    expect(text).toContain('# the primary')
    expect(text).toContain('enabled: true # was off')
    expect(parseYaml(text)).toEqual({
      datasources: { postgres: { url: 'jdbc:postgresql://db:5432/kestra', username: 'kestra' } },
      kestra: {
        encryption: { 'secret-key': 'keep-this-key-please-0123456789abcdef' },
        repository: { type: 'postgres' },
        // kestra-io/docs SSO: the role new SSO users get (from the defaultRole settings, never invented).
        security: { defaultRole: { name: 'Viewer', permissions: { FLOW: ['READ', 'UPDATE'], EXECUTION: ['READ'] } } },
      },
      micronaut: {
        server: { port: 8080 },
        security: {
          // Okta's end-session GET back to /logout (LogoutControllerConfigurationProperties get-allowed: false).
          endpoints: { logout: { 'get-allowed': true } },
          oauth2: {
            enabled: true,
            clients: {
              google: { 'client-id': 'google-id' },
              okta: {
                'client-id': '0oa1example2client3',
                'client-secret': DEFAULT_SECRET,
                scopes: ['openid', 'email', 'profile', 'groups'],
                openid: { issuer: 'https://example.okta.com' },
              },
            },
          },
        },
      },
    })
    expect(result.files[0]?.secrets).toContain('old-okta-secret')
  })

  it('--merge into a file where the path is not a mapping is a config error', async () => {
    const outDir = tempDir()
    writeFileSync(path.join(outDir, 'application.yaml'), 'micronaut:\n  security: [a, b]\n')
    await expect(render({ target: 'kestra', outDir, existing: 'merge' })).rejects.toThrow(
      'could not merge into application.yaml: micronaut.security is not a mapping',
    )
  })
})

describe('pomerium', () => {
  it('generates base64 32-byte cookie and shared secrets, and keeps existing ones on --merge', async () => {
    const outDir = tempDir()
    await render({ target: 'pomerium', outDir }, { randomBase64: (n) => Buffer.alloc(n, 7).toString('base64') })
    const first = parseYaml(readFileSync(path.join(outDir, 'config.yaml'), 'utf8')) as Record<string, string>
    expect(Buffer.from(first.cookie_secret ?? '', 'base64')).toHaveLength(32)
    expect(Buffer.from(first.shared_secret ?? '', 'base64')).toHaveLength(32)
    await render(
      { target: 'pomerium', outDir, existing: 'merge', clientId: 'new-client' },
      { randomBase64: () => 'must-not-be-used' },
    )
    const second = parseYaml(readFileSync(path.join(outDir, 'config.yaml'), 'utf8')) as Record<string, string>
    expect(second.cookie_secret).toBe(first.cookie_secret)
    expect(second.shared_secret).toBe(first.shared_secret)
    expect(second.idp_client_id).toBe('new-client')
    expect(second.idp_provider_url).toBe('https://example.okta.com')
  })

  it('env form: --merge keeps other variables and comments, and the generated secrets', async () => {
    const outDir = tempDir()
    writeFileSync(
      path.join(outDir, 'pomerium.env'),
      "# mine\nLOG_LEVEL=debug\nCOOKIE_SECRET='kept-cookie-secret'\nIDP_CLIENT_ID=old\n",
    )
    await render({ target: 'pomerium', outDir, format: 'env', existing: 'merge' })
    const text = readFileSync(path.join(outDir, 'pomerium.env'), 'utf8')
    golden('pomerium', 'env-merge', 'pomerium.env', text)
    expect(text).toContain('# mine\nLOG_LEVEL=debug\n')
    expect(text).toContain('COOKIE_SECRET=kept-cookie-secret\n')
    expect(text).toContain('IDP_CLIENT_ID=0oa1example2client3')
  })
})

describe('openmetadata', () => {
  it.skipIf(!oidcSchema)(
    `oidcConfiguration validates against oidcClientConfig.json with ajv (${oidcSchema ? 'ajv' : sharedMissing(OIDC_SCHEMA)})`,
    async () => {
      const ajv = new Ajv({ strict: false, allErrors: true })
      const validate = ajv.compile(JSON.parse(readFileSync(oidcSchema ?? '', 'utf8')) as object)
      for (const secret of [{ kind: 'literal' as const, value: DEFAULT_SECRET }, { kind: 'env' as const }]) {
        const result = await render({ target: 'collate', issuer: CUSTOM, outDir: tempDir(), mode: 'stdout', secret })
        const doc = parseYaml(result.files[0]?.text ?? '', { version: '1.1' }) as {
          authenticationConfiguration: { oidcConfiguration: unknown; publicKeyUrls: string[] }
        }
        const valid = validate(doc.authenticationConfiguration.oidcConfiguration)
        expect(validate.errors ?? []).toEqual([])
        expect(valid).toBe(true)
      }
    },
  )

  it('publicKeyUrls hold the issuing server JWKS and the OpenMetadata JWKS', async () => {
    const result = await render({ target: 'openmetadata', issuer: CUSTOM, baseUrl: 'https://om.example.com', outDir: tempDir(), mode: 'stdout' })
    const doc = parseYaml(result.files[0]?.text ?? '') as { authenticationConfiguration: Record<string, unknown> }
    expect(doc.authenticationConfiguration).toMatchObject({
      provider: 'okta',
      clientType: 'confidential',
      authority: CUSTOM,
      callbackUrl: 'https://om.example.com/callback',
      publicKeyUrls: [`${CUSTOM}/v1/keys`, 'https://om.example.com/api/v1/system/config/jwks'],
      jwtPrincipalClaims: ['email', 'preferred_username', 'sub'],
    })
  })

  it('refuses to render without adminPrincipals and principalDomain (no admin / open-metadata.org placeholder)', async () => {
    const error = await render({ target: 'openmetadata', outDir: tempDir(), settings: {} }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).message).toMatch(/needs "adminPrincipals", "principalDomain"/)
    expect((error as UsageError).hint).toContain('--set adminPrincipals=jdoe')
    const text = (await render({ target: 'openmetadata', outDir: tempDir(), mode: 'stdout', format: 'env' })).files[0]?.text ?? ''
    expect(parseDockerEnvFile(text)).toMatchObject({ AUTHORIZER_ADMIN_PRINCIPALS: '[jdoe,asmith]', AUTHORIZER_PRINCIPAL_DOMAIN: 'example.com' })
    expect(text).not.toMatch(/open-metadata\.org|\[admin\]/)
  })

  it('--merge keeps the rest of openmetadata.yaml and the admin principals the user set', async () => {
    const outDir = tempDir()
    writeFileSync(
      path.join(outDir, 'openmetadata.yaml'),
      `clusterName: \${OPENMETADATA_CLUSTER_NAME:-openmetadata}
server:
  rootPath: '/api/*'
authorizerConfiguration:
  className: \${AUTHORIZER_CLASS_NAME:-org.openmetadata.service.security.DefaultAuthorizer}
  adminPrincipals: [jdoe, asmith] # our admins
  principalDomain: "example.com"
authenticationConfiguration:
  provider: basic
  publicKeyUrls: \${AUTHENTICATION_PUBLIC_KEYS:-[http://localhost:8585/api/v1/system/config/jwks]}
`,
    )
    await render({ target: 'openmetadata', issuer: CUSTOM, outDir, existing: 'merge', settings: OM_SETTINGS })
    const text = readFileSync(path.join(outDir, 'openmetadata.yaml'), 'utf8')
    golden('openmetadata', 'merge', 'openmetadata.yaml', text)
    expect(text).toContain('# our admins')
    const doc = parseYaml(text) as Record<string, Record<string, unknown>>
    expect(doc.authorizerConfiguration?.adminPrincipals).toEqual(['jdoe', 'asmith'])
    expect(doc.clusterName).toBe('${OPENMETADATA_CLUSTER_NAME:-openmetadata}')
    expect(doc.server).toEqual({ rootPath: '/api/*' })
    expect(doc.authorizerConfiguration?.principalDomain).toBe('example.com')
    expect(doc.authenticationConfiguration?.provider).toBe('okta')
  })
})

describe('existing files', () => {
  it('are never overwritten without --merge or --force (config error with a hint), and nothing is written', async () => {
    const outDir = tempDir()
    writeFileSync(path.join(outDir, 'galaxy.yml'), 'galaxy: {}\n')
    const error = await render({ target: 'galaxy', outDir }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toBe(`${path.join(outDir, 'galaxy.yml')} already exists; not overwriting`)
    expect((error as ConfigError).hint).toMatch(/--merge .* --force/)
    expect(existsSync(path.join(outDir, 'oidc_backends_config.xml'))).toBe(false)
  })

  it('--force replaces the file and keeps a 0600 .bak copy', async () => {
    const outDir = tempDir()
    writeFileSync(path.join(outDir, 'application.yaml'), 'old: content\n')
    const result = await render({ target: 'kestra', outDir, existing: 'force' })
    expect(readFileSync(path.join(outDir, 'application.yaml.bak'), 'utf8')).toBe('old: content\n')
    expect(statSync(path.join(outDir, 'application.yaml.bak')).mode & 0o777).toBe(0o600)
    expect(result.files[0]).toMatchObject({ action: 'overwrite', written: true, backup: `${path.join(outDir, 'application.yaml')}.bak` })
    expect(readFileSync(path.join(outDir, 'application.yaml'), 'utf8')).toContain(DEFAULT_SECRET)
  })

  it('--dry-run writes nothing and its diff hides old and new secrets', async () => {
    const outDir = tempDir()
    writeFileSync(path.join(outDir, 'application.yaml'), 'micronaut:\n  security:\n    oauth2:\n      clients:\n        okta:\n          client-secret: previous-secret-value\n')
    const before = readFileSync(path.join(outDir, 'application.yaml'), 'utf8')
    for (const existing of ['merge', 'force'] as const) {
      const result = await render({ target: 'kestra', outDir, existing, mode: 'dry-run' })
      expect(result.files[0]?.written).toBe(false)
      expect(readFileSync(path.join(outDir, 'application.yaml'), 'utf8')).toBe(before)
      expect(existsSync(path.join(outDir, 'application.yaml.bak'))).toBe(false)
      const diff = await diffFile(result.files[0]!)
      expect(diff).toContain('-          client-secret: [redacted old value]')
      expect(diff).toContain('+          client-secret: [redacted]')
      expect(diff).not.toContain('previous-secret-value')
      expect(diff).not.toContain(DEFAULT_SECRET)
    }
  })

  it('a re-render with --merge and the same values changes nothing', async () => {
    const outDir = tempDir()
    await render({ target: 'openmetadata', outDir })
    const again = await render({ target: 'openmetadata', outDir, existing: 'merge' })
    expect(again.files.map((f) => f.action)).toEqual(['unchanged'])
  })
})

describe('apache (mod_auth_openidc)', () => {
  it.skipIf(!hasApache)('every golden oidc.conf passes apache2ctl -t with mod_auth_openidc loaded', () => {
    for (const variant of ['native', 'native-secret-ref', 'groups']) {
      const result = apacheConfigTest(readFileSync(path.join(EXPECTED, 'apache', variant, 'oidc.conf'), 'utf8'))
      expect(result.stderr, variant).toContain('Syntax OK')
      expect(result.status, variant).toBe(0)
    }
  })

  it('requireGroups: one Require claim line (words are alternatives) inside RequireAll with valid-user, and the groups scope', async () => {
    const result = await render({
      target: 'apache',
      outDir: tempDir(),
      mode: 'stdout',
      settings: { requireGroups: ['Admins', 'Data Team'] },
    })
    const text = result.files[0]?.text ?? ''
    const line = /^\s*Require claim (.*)$/m.exec(text)?.[1] ?? ''
    const [first, rest] = getWordConf(line)
    expect([first, getWordConf(rest)[0]]).toEqual(['groups:Admins', 'groups:Data Team'])
    expect(text).toMatch(/<RequireAll>\n\s+Require valid-user\n\s+Require claim/)
    expect(result.okta.scopes).toContain('groups')
  })

  it('the redirect URI is a vanity path inside the protected <Location> (auth_openidc.conf: OIDCRedirectURI)', async () => {
    const result = await render({ target: 'apache', baseUrl: 'https://app.example.org/private', outDir: tempDir(), mode: 'stdout' })
    const text = result.files[0]?.text ?? ''
    expect(text).toContain('OIDCRedirectURI "https://app.example.org/private/redirect_uri"')
    expect(text).toContain('<Location "/private/">')
    expect(result.okta.redirectUris).toEqual(['https://app.example.org/private/redirect_uri'])
  })

  it('--merge keeps the user\'s directives, comments and <Location>, updates ours and keeps the crypto passphrase', async () => {
    const outDir = tempDir()
    const existing = [
      '# ours',
      'OIDCClientID "old"',
      'OIDCCryptoPassphrase "kept-passphrase"',
      'OIDCSessionInactivityTimeout 3600',
      '<Location "/app/">',
      '    AuthType openid-connect',
      '    Require claim "groups:Mine"',
      '</Location>',
      '',
    ].join('\n')
    writeFileSync(path.join(outDir, 'oidc.conf'), existing)
    const result = await render({ target: 'apache', outDir, existing: 'merge' })
    const text = readFileSync(path.join(outDir, 'oidc.conf'), 'utf8')
    golden('apache', 'merge', 'oidc.conf', text)
    expect(text).toContain('OIDCSessionInactivityTimeout 3600')
    expect(text).toContain('OIDCCryptoPassphrase "kept-passphrase"')
    expect(text).toContain('OIDCClientID "0oa1example2client3"')
    expect(text.match(/<Location/g)).toHaveLength(1)
    expect(result.files[0]?.secrets).toContain('kept-passphrase')
  })
})

describe('authjs (@auth/core Okta provider)', () => {
  it('names every variable @auth/core reads (lib/utils/env.js setEnvDefaults: AUTH_${ID}_ID/_SECRET/_ISSUER, AUTH_SECRET, AUTH_URL)', () => {
    const env = readFileSync(path.join(ROOT, 'node_modules', '@auth', 'core', 'lib', 'utils', 'env.js'), 'utf8')
    const okta = readFileSync(path.join(ROOT, 'node_modules', '@auth', 'core', 'providers', 'okta.js'), 'utf8')
    expect(okta).toMatch(/id: "okta"/)
    for (const name of ['AUTH_${ID}_ID', 'AUTH_${ID}_SECRET', 'AUTH_${ID}_ISSUER', 'envObject.AUTH_SECRET', 'envObject.AUTH_URL']) {
      expect(env).toContain(name)
    }
    const vars = parseDockerEnvFile(readFileSync(path.join(EXPECTED, 'authjs', 'native', '.env.local'), 'utf8'))
    expect(Object.keys(vars).sort()).toEqual(['AUTH_OKTA_ID', 'AUTH_OKTA_ISSUER', 'AUTH_OKTA_SECRET', 'AUTH_SECRET', 'AUTH_URL'])
  })

  it('@auth/core builds the callback we register from AUTH_URL (createActionURL + basePath from AUTH_URL)', async () => {
    // Imported by a computed name: @auth/core's typings pull in the DOM lib, which changes fetch's types program-wide.
    const name = '@auth/core'
    const { createActionURL, setEnvDefaults } = (await import(name)) as {
      setEnvDefaults(env: Record<string, string>, config: { providers: unknown[]; basePath?: string }): void
      createActionURL(action: string, protocol: string, headers: Headers, env: Record<string, string>, config: object): URL
    }
    for (const [baseUrl, settings] of [
      ['https://app.example.org', undefined],
      ['https://example.org/shop', { basePath: '/auth' }],
    ] as const) {
      const result = await render({ target: 'authjs', baseUrl, outDir: tempDir(), mode: 'stdout', settings })
      const vars = parseDockerEnvFile(result.files[0]?.text ?? '')
      const config: { providers: unknown[]; basePath?: string } = { providers: [] }
      setEnvDefaults(vars, config)
      // providers.js: callbackUrl = `${createActionURL('callback', …)}/${id}`.
      const url = createActionURL('callback', 'https:', new Headers(), vars, config)
      expect(result.okta.redirectUris).toEqual([`${url.href}/okta`])
    }
  })

  it('keeps AUTH_SECRET on --merge (sessions survive a re-render)', async () => {
    const outDir = tempDir()
    writeFileSync(path.join(outDir, '.env.local'), 'MY_VAR=1\nAUTH_SECRET=kept-auth-secret\n')
    await render({ target: 'authjs', outDir, existing: 'merge' })
    const vars = parseDockerEnvFile(readFileSync(path.join(outDir, '.env.local'), 'utf8'))
    expect(vars.AUTH_SECRET).toBe('kept-auth-secret')
    expect(vars.MY_VAR).toBe('1')
  })
})
