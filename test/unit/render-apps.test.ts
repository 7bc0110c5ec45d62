// Issue 14's application targets: golden files, parse-back with each format's real reader (Ruby for gitlab.rb,
// YAML, JSON, sh + curl for Harbor's script, env files), hostile values, --merge, and doctor's read-back.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import fc from 'fast-check'
import { parse as parseYaml } from 'yaml'
import { describe, expect, it } from 'vitest'
import { ConfigError, UsageError } from '../../src/domain/errors.js'
import { readEnvValue } from '../../src/targets/env-file.js'
import { inspectConfigFile } from '../../src/targets/inspect.js'
import { requireRenderableTarget } from '../../src/targets/index.js'
import { rubyLiteral, rubyString } from '../../src/targets/ruby-literal.js'
import { ROOT, tempDir } from '../helpers/cli.js'
import { contextFor, DEFAULT_SECRET, render, TEMPLATES } from '../helpers/render.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed documents are walked freely in assertions
type Json = any

const EXPECTED = path.join(ROOT, 'test', 'fixtures', 'expected')
const UPDATE = process.env.UPDATE_GOLDEN === '1'
const ORG = 'https://example.okta.com'
const CUSTOM = 'https://example.okta.com/oauth2/default'
const hasRuby = spawnSync('ruby', ['--version']).status === 0
const requireRuby = process.env.CI === 'true' || process.env.OIDC_SETUP_REQUIRE_KEYCHAIN === '1'

function golden(target: string, variant: string, name: string, text: string): void {
  const file = path.join(EXPECTED, target, variant, name)
  if (UPDATE || !existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, text)
  }
  expect(text, `golden file test/fixtures/expected/${target}/${variant}/${name}`).toBe(readFileSync(file, 'utf8'))
}

/** Evaluates gitlab.rb as Omnibus does (Ruby, with a gitlab_rails hash in scope) and returns that hash as JSON. */
function evalGitlabRb(text: string, env: Record<string, string> = {}): Record<string, unknown> {
  const dir = tempDir()
  const file = path.join(dir, 'gitlab.rb')
  writeFileSync(file, text)
  const script = 'require "json"; gitlab_rails = {}; eval(File.read(ARGV[0]), binding, ARGV[0]); print JSON.generate(gitlab_rails)'
  const result = spawnSync('ruby', ['-e', script, file], { encoding: 'utf8', env: { ...process.env, ...env } })
  expect(result.stderr).toBe('')
  expect(result.status).toBe(0)
  return JSON.parse(result.stdout) as Record<string, unknown>
}

const variants = [
  { target: 'gitlab', variant: 'org-as', issuer: ORG, baseUrl: 'https://gitlab.example.com' },
  { target: 'gitlab', variant: 'groups', issuer: CUSTOM, baseUrl: 'https://gitlab.example.com', settings: { adminGroups: ['gitlab-admins'], requiredGroups: ['eng', 'ops'] } },
  { target: 'harbor', variant: 'native', issuer: CUSTOM, baseUrl: 'https://harbor.example.com', settings: { adminGroup: 'harbor-admins' } },
  { target: 'minio', variant: 'native', issuer: CUSTOM, baseUrl: 'https://console.minio.example.com' },
  { target: 'minio', variant: 'role-policy-secret-ref', issuer: ORG, baseUrl: 'https://console.minio.example.com', ref: true, settings: { rolePolicy: 'readonly' } },
  { target: 'jenkins', variant: 'native', issuer: ORG, baseUrl: 'https://jenkins.example.com' },
  { target: 'jenkins', variant: 'secret-ref-groups', issuer: CUSTOM, baseUrl: 'https://jenkins.example.com', ref: true, settings: { groupsClaim: true } },
  { target: 'backstage', variant: 'org-as', issuer: ORG, baseUrl: 'https://backstage.example.com' },
  { target: 'backstage', variant: 'custom-as-secret-ref', issuer: CUSTOM, baseUrl: 'https://backstage.example.com', ref: true },
]

describe('application targets: golden files', () => {
  it.each(variants)('$target $variant', async (v) => {
    const outDir = tempDir()
    const result = await render({
      target: v.target,
      issuer: v.issuer,
      baseUrl: v.baseUrl,
      outDir,
      secret: v.ref ? { kind: 'env' } : { kind: 'literal', value: DEFAULT_SECRET },
      settings: v.settings,
    })
    for (const file of result.files) {
      golden(v.target, v.variant, file.name, readFileSync(path.join(outDir, file.name), 'utf8'))
      if (v.ref) {
        expect(file.text).not.toContain(DEFAULT_SECRET)
      }
    }
  })
})

describe.skipIf(!hasRuby && !requireRuby)('gitlab: gitlab.rb evaluated by a real Ruby', () => {
  it('yields the provider GitLab documents (doc/administration/auth/oidc.md), and the Helm Secret the same hash', async () => {
    const outDir = tempDir()
    const result = await render({ target: 'gitlab', issuer: CUSTOM, baseUrl: 'https://gitlab.example.com/', outDir, settings: { adminGroups: ['admins'] } })
    const rb = evalGitlabRb(result.files.find((f) => f.name === 'gitlab.rb')?.text ?? '')
    expect(rb.omniauth_allow_single_sign_on).toEqual(['openid_connect'])
    expect(rb.omniauth_block_auto_created_users).toBe(true)
    const [provider] = rb.omniauth_providers as Json[]
    expect(provider).toMatchObject({
      name: 'openid_connect',
      args: {
        name: 'openid_connect',
        issuer: CUSTOM,
        discovery: true,
        response_type: 'code',
        pkce: true,
        uid_field: 'sub',
        groups_attribute: 'groups',
        admin_groups: ['admins'],
        client_options: {
          identifier: '0oa1example2client3',
          secret: DEFAULT_SECRET,
          redirect_uri: 'https://gitlab.example.com/users/auth/openid_connect/callback',
        },
      },
    })
    const secret = parseYaml(result.files.find((f) => f.name === 'gitlab-openid-connect-secret.yaml')?.text ?? '') as Json
    expect(secret).toMatchObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'gitlab-openid-connect' } })
    expect(parseYaml(secret.stringData.provider)).toEqual(provider)
    const values = parseYaml(result.files.find((f) => f.name === 'gitlab-values.yaml')?.text ?? '') as Json
    expect(values.global.appConfig.omniauth.providers).toEqual([{ secret: 'gitlab-openid-connect', key: 'provider' }])
  })

  it('hostile strings round-trip through the Ruby-literal serializer (quotes, backslashes, #{}, newlines)', () => {
    const samples = fc.sample(fc.string({ unit: 'binary', maxLength: 40 }), 30).filter((s) => !s.includes('\0') && !/[\uD800-\uDFFF]/.test(s))
    const values = ["it's", 'back\\slash\\', '#{`rm -rf /`}', "\\'", 'line\nbreak\r\n', '"double"', ...samples]
    const text = `gitlab_rails['x'] = ${rubyLiteral('x', values)}\ngitlab_rails['h'] = ${rubyLiteral('h', { "k'ey": values[0] as string, nested: { list: values } })}\n`
    const back = evalGitlabRb(text)
    expect(back.x).toEqual(values)
    expect(back.h).toEqual({ "k'ey": values[0], nested: { list: values } })
    expect(() => rubyString('x', 'nul\0')).toThrow(ConfigError)
  })

  it('--merge rewrites only the managed block and keeps the rest of gitlab.rb; a providers list of its own is refused', async () => {
    const outDir = tempDir()
    const existing = "gitlab_rails['time_zone'] = 'UTC'\n# keep me\n"
    writeFileSync(path.join(outDir, 'gitlab.rb'), existing)
    const first = await render({ target: 'gitlab', outDir, baseUrl: 'https://gitlab.example.com', existing: 'merge' })
    const merged = first.files.find((f) => f.name === 'gitlab.rb')?.text ?? ''
    expect(merged.startsWith(existing)).toBe(true)
    const again = await render({ target: 'gitlab', outDir, baseUrl: 'https://gitlab.example.com', existing: 'merge', secret: { kind: 'literal', value: 'rotated' } })
    const text = again.files.find((f) => f.name === 'gitlab.rb')?.text ?? ''
    expect(text.match(/>>> oidc-setup/g)).toHaveLength(1)
    expect(text).toContain('"secret" => "rotated"')
    expect(text).toContain('# keep me')
    expect(evalGitlabRb(text).time_zone).toBe('UTC')

    const own = tempDir()
    writeFileSync(path.join(own, 'gitlab.rb'), "gitlab_rails['omniauth_providers'] = [{ 'name' => 'saml' }]\n")
    await expect(render({ target: 'gitlab', outDir: own, existing: 'merge' })).rejects.toThrow(/already sets gitlab_rails\['omniauth_providers'\]/)
  })

  it('refuses --secret-ref env with the reason (the Helm Secret holds the secret itself)', async () => {
    await expect(render({ target: 'gitlab', outDir: tempDir(), secret: { kind: 'env' } })).rejects.toThrow(UsageError)
  })
})

describe('harbor: the configurations body and its script', () => {
  // The keys Harbor's configurations API knows (goharbor/harbor src/common/const.go, OIDC* constants).
  const HARBOR_OIDC_KEYS = new Set([
    'auth_mode', 'oidc_name', 'oidc_endpoint', 'oidc_client_id', 'oidc_client_secret', 'oidc_verify_cert', 'oidc_admin_group',
    'oidc_groups_claim', 'oidc_group_filter', 'oidc_auto_onboard', 'oidc_extra_redirect_parms', 'oidc_scope', 'oidc_user_claim',
  ])

  it('is JSON with only keys Harbor knows, offline_access in the scope, and --merge keeps foreign keys', async () => {
    const outDir = tempDir()
    writeFileSync(path.join(outDir, 'harbor-oidc.json'), '{"self_registration": false, "oidc_client_secret": "old-secret"}\n')
    const result = await render({ target: 'harbor', issuer: CUSTOM, outDir, existing: 'merge' })
    const bodyFile = result.files.find((f) => f.name === 'harbor-oidc.json')
    const body = JSON.parse(bodyFile?.text ?? '') as Record<string, unknown>
    for (const key of Object.keys(body).filter((k) => k !== 'self_registration')) {
      expect(HARBOR_OIDC_KEYS.has(key), key).toBe(true)
    }
    expect(body).toMatchObject({ auth_mode: 'oidc_auth', oidc_endpoint: CUSTOM, oidc_client_secret: DEFAULT_SECRET, self_registration: false })
    expect(String(body.oidc_scope).split(',')).toEqual(expect.arrayContaining(['openid', 'offline_access']))
    expect(bodyFile?.secrets).toContain('old-secret')
    expect(bodyFile?.containsSecret).toBe(true)
  })

  it('the script passes sh -n and sends the body with the admin credentials from the environment (real curl, loopback)', async () => {
    const outDir = tempDir()
    await render({ target: 'harbor', outDir })
    const script = path.join(outDir, 'harbor-oidc.sh')
    expect(spawnSync('sh', ['-n', script]).status).toBe(0)
    const seen: Array<{ method: string | undefined; url: string | undefined; auth: string | undefined; body: string }> = []
    const server = http.createServer((req, res) => {
      let body = ''
      req.on('data', (d) => (body += String(d)))
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body })
        res.end('')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as { port: number }).port
    const password = 'p"a\\ss wörd'
    // Asynchronously: the test's server must keep answering while curl runs.
    const run = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn('sh', [script], {
        env: { ...process.env, HARBOR_URL: `http://127.0.0.1:${port}/`, HARBOR_ADMIN_USER: 'admin', HARBOR_ADMIN_PASSWORD: password },
      })
      let stderr = ''
      child.stderr.on('data', (d: Buffer) => (stderr += String(d)))
      child.on('close', (status) => resolve({ status, stderr }))
    })
    server.close()
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(seen).toHaveLength(1)
    expect(seen[0]?.method).toBe('PUT')
    expect(seen[0]?.url).toBe('/api/v2.0/configurations')
    expect(Buffer.from(String(seen[0]?.auth).replace(/^Basic /, ''), 'base64').toString()).toBe(`admin:${password}`)
    expect(seen[0]?.body).toBe(readFileSync(path.join(outDir, 'harbor-oidc.json'), 'utf8'))
  })
})


describe('minio: the MINIO_IDENTITY_OPENID_* env file', () => {
  it('names the discovery URL, the console callback and the claim; a role policy replaces the claim', async () => {
    const result = await render({ target: 'minio', issuer: CUSTOM, baseUrl: 'https://console.example.com', outDir: tempDir() })
    const text = result.files[0]?.text ?? ''
    expect(readEnvValue(text, 'MINIO_IDENTITY_OPENID_CONFIG_URL')).toBe(`${CUSTOM}/.well-known/openid-configuration`)
    expect(readEnvValue(text, 'MINIO_IDENTITY_OPENID_REDIRECT_URI')).toBe('https://console.example.com/oauth_callback')
    expect(readEnvValue(text, 'MINIO_IDENTITY_OPENID_CLAIM_NAME')).toBe('groups')
    expect(readEnvValue(text, 'MINIO_IDENTITY_OPENID_SCOPES')).toBe('openid,profile,email')
    const roles = await render({ target: 'minio', outDir: tempDir(), settings: { rolePolicy: 'readonly' }, secret: { kind: 'env' } })
    const rtext = roles.files[0]?.text ?? ''
    expect(readEnvValue(rtext, 'MINIO_IDENTITY_OPENID_ROLE_POLICY')).toBe('readonly')
    expect(readEnvValue(rtext, 'MINIO_IDENTITY_OPENID_CLAIM_NAME')).toBeUndefined()
    // --secret-ref env leaves the variable to the environment instead of writing a reference docker would not expand.
    expect(readEnvValue(rtext, 'MINIO_IDENTITY_OPENID_CLIENT_SECRET')).toBeUndefined()
    await expect(render({ target: 'minio', outDir: tempDir(), settings: { rolePolicy: 'readonly', claimName: 'roles' } })).rejects.toThrow(/either a claim name or a role policy/)
  })
})

describe('jenkins and backstage: YAML with their own ${…} escaping', () => {
  it('jenkins: Configuration as Code keys of oic-auth 4.x; a literal ${ is escaped as ^${', async () => {
    const secret = 'ab${HOME}cd'
    const result = await render({ target: 'jenkins', issuer: CUSTOM, outDir: tempDir(), secret: { kind: 'literal', value: secret }, settings: { groupsClaim: true } })
    const doc = parseYaml(result.files[0]?.text ?? '') as Json
    const oic = doc.jenkins.securityRealm.oic
    expect(oic.serverConfiguration.wellKnown.wellKnownOpenIDConfigurationUrl).toBe(`${CUSTOM}/.well-known/openid-configuration`)
    expect(oic.serverConfiguration.wellKnown.scopesOverride).toBe('openid profile email')
    expect(oic.clientSecret).toBe('ab^${HOME}cd')
    expect(oic).toMatchObject({ pkceEnabled: true, groupsFieldName: 'groups', userNameField: 'preferred_username' })
    expect(result.files[0]?.containsSecret).toBe(true)
    const ref = await render({ target: 'jenkins', outDir: tempDir(), secret: { kind: 'env' } })
    expect((parseYaml(ref.files[0]?.text ?? '') as Json).jenkins.securityRealm.oic.clientSecret).toBe('${OKTA_CLIENT_SECRET}')
  })

  it('backstage: audience is the org URL, authServerId the custom server, the resolver is validated; --merge keeps other keys', async () => {
    const outDir = tempDir()
    writeFileSync(path.join(outDir, 'app-config.yaml'), 'app:\n  title: Portal # keep\nauth:\n  providers:\n    github: {}\n')
    const result = await render({ target: 'backstage', issuer: CUSTOM, outDir, existing: 'merge' })
    const text = result.files[0]?.text ?? ''
    expect(text).toContain('# keep')
    const doc = parseYaml(text) as Json
    expect(doc.auth.providers.github).toEqual({})
    expect(doc.auth.environment).toBe('production')
    expect(doc.auth.providers.okta.production).toMatchObject({ audience: ORG, authServerId: 'default', clientSecret: DEFAULT_SECRET })
    expect(doc.auth.providers.okta.production.signIn.resolvers).toEqual([{ resolver: 'emailMatchingUserEntityProfileEmail' }])
    const { resolveSettings } = await import('../../src/targets/settings.js')
    expect(() => resolveSettings(requireRenderableTarget('backstage'), [{ source: '--set', values: { signInResolver: 'nope' } }])).toThrow(/one of/)
  })
})

describe("doctor's read-back of each application target's files", () => {
  it.each(['gitlab', 'harbor', 'minio', 'jenkins', 'backstage'])('%s', async (target) => {
    const result = await render({ target, issuer: CUSTOM, baseUrl: `https://${target}.example.com`, outDir: tempDir() })
    for (const file of result.files) {
      const seen = inspectConfigFile(target, file.name, file.text)
      if (!seen) {
        continue
      }
      expect(seen.issuer, file.name).toBe(CUSTOM)
      expect(seen.clientId, file.name).toBe('0oa1example2client3')
      expect(seen.clientSecret, file.name).toBe(DEFAULT_SECRET)
    }
  })

  it('the requirements register exactly the callback each application builds', () => {
    const base = new URL('https://app.example.com/sub/')
    const cases: Record<string, string> = {
      gitlab: 'https://app.example.com/sub/users/auth/openid_connect/callback',
      harbor: 'https://app.example.com/sub/c/oidc/callback',
      minio: 'https://app.example.com/sub/oauth_callback',
      jenkins: 'https://app.example.com/sub/securityRealm/finishLogin',
      backstage: 'https://app.example.com/sub/api/auth/okta/handler/frame',
    }
    for (const [name, uri] of Object.entries(cases)) {
      expect(requireRenderableTarget(name).requirements({ baseUrl: base }).redirectUris).toEqual([uri])
    }
    expect(contextFor({ target: 'backstage' }).requirements.scopes).toContain('offline_access')
    expect(TEMPLATES).toBeTruthy()
  })
})

describe('hostile client secrets survive each application target\'s serializer (parsed back with its reader)', () => {
  const hostile = fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
    .map((s) => `${s}'"\\\${X}#{y}`)
    // eslint-disable-next-line no-control-regex -- YAML readers disagree on these (checkYamlValue refuses them)
    .filter((s) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029\uFFFE\uFFFF]/.test(s))

  it('jenkins (CasC ^${ escape), backstage ($${ escape) and harbor (JSON)', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (secret) => {
        const j = await render({ target: 'jenkins', outDir: tempDir(), secret: { kind: 'literal', value: secret } })
        const oic = (parseYaml(j.files[0]?.text ?? '') as Json).jenkins.securityRealm.oic
        expect(String(oic.clientSecret).replace(/\^\$\{/g, '${')).toBe(secret)
        const b = await render({ target: 'backstage', outDir: tempDir(), secret: { kind: 'literal', value: secret } })
        const okta = (parseYaml(b.files[0]?.text ?? '') as Json).auth.providers.okta.production
        expect(String(okta.clientSecret).replace(/\$\$\{/g, '${')).toBe(secret)
        const h = await render({ target: 'harbor', outDir: tempDir(), secret: { kind: 'literal', value: secret } })
        expect(JSON.parse(h.files[0]?.text ?? '').oidc_client_secret).toBe(secret)
      }),
      { numRuns: 25 },
    )
  })
})
