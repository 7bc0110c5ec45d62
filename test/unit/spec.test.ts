import { describe, expect, it } from 'vitest'
import { UsageError } from '../../src/domain/errors.js'
import { selectApps } from '../../src/domain/spec.js'
import { parseSpec } from '../../src/usecases/spec.js'

const GOOD = `apiVersion: oidc-setup/v1
connection: work
apps:
  - name: galaxy
    target: galaxy
    baseUrl: https://galaxy.example.org/
    assign: { groups: [Everyone] }
    groupsClaim: { filter: "^galaxy-" }
    settings: {}
  - name: om
    target: collate
    baseUrl: https://om.example.org
    tokenLifetimes: { accessTokenMinutes: 60, refreshTokenMinutes: 1440 }
    render: { out: ./om, secretRef: env }
environments:
  dev: { connection: dev }
  prod:
    orgUrl: https://prod.okta.com
    apiToken: { env: OKTA_PROD_TOKEN }
    apps:
      galaxy: { baseUrl: https://galaxy.prod.example.org }
`

function error(text: string): UsageError {
  try {
    parseSpec(text, 'oidc-setup.yaml', '/work')
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError)
    return e as UsageError
  }
  throw new Error('the spec was accepted')
}

describe('the spec (issue 9 item 1)', () => {
  it('parses apps into AppIntents: aliases resolved, URLs normalised, defaults filled, render.out anchored at the file', () => {
    const spec = parseSpec(GOOD, 'oidc-setup.yaml', '/work')
    expect(spec.apps.map((a) => [a.name, a.target])).toEqual([
      ['galaxy', 'galaxy'],
      ['om', 'openmetadata'],
    ])
    expect(spec.apps[0]).toMatchObject({
      baseUrl: 'https://galaxy.example.org',
      assign: { groups: ['Everyone'], users: [] },
      groupsClaim: { name: 'groups', filter: '^galaxy-' },
      scopes: [],
      trustedOrigins: [],
    })
    expect(spec.apps[1]).toMatchObject({ settings: {}, tokenLifetimes: { accessTokenMinutes: 60 }, render: { out: '/work/om', secretRef: 'env' } })
  })

  it('selects an environment: overrides merged, profiles suffixed, the connection of the environment', () => {
    const spec = parseSpec(GOOD, 'oidc-setup.yaml', '/work')
    expect(() => selectApps(spec, undefined)).toThrow('declares the environments dev, prod: pass --env NAME')
    const dev = selectApps(spec, 'dev')
    expect(dev.apps.map((a) => [a.name, a.connection, a.baseUrl])).toEqual([
      ['galaxy-dev', 'dev', 'https://galaxy.example.org'],
      ['om-dev', 'dev', 'https://om.example.org'],
    ])
    const prod = selectApps(spec, 'prod', ['galaxy'])
    expect(prod.environment).toMatchObject({ orgUrl: 'https://prod.okta.com', apiToken: { env: 'OKTA_PROD_TOKEN' } })
    expect(prod.apps).toEqual([expect.objectContaining({ name: 'galaxy-prod', connection: 'work', baseUrl: 'https://galaxy.prod.example.org' })])
    expect(() => selectApps(spec, 'prd')).toThrow('has no environment "prd"')
    expect(() => selectApps(spec, 'dev', ['galaxi'])).toThrow('has no app "galaxi"')
  })

  it('an unknown key names itself, its line and the nearest valid key', () => {
    const e = error('apiVersion: oidc-setup/v1\napps:\n  - name: a\n    target: web\n    baseURL: https://a.example.com\n')
    expect(e.message).toBe('oidc-setup.yaml:5:5: unknown key "baseURL" in apps[0]')
    expect(e.hint).toMatch(/^did you mean "baseUrl"\? valid keys: name, target/)
  })

  it('a wrong type, a wrong version, an unknown target, a duplicate name, a bad setting', () => {
    expect(error('apiVersion: oidc-setup/v1\napps:\n  - name: a\n    target: web\n    scopes: api:read\n').message).toBe(
      'oidc-setup.yaml:5:13: apps[0].scopes must be a list of strings, not the string "api:read"',
    )
    expect(error('apiVersion: oidc-setup/v2\napps: []\n').message).toBe('oidc-setup.yaml:1:13: apiVersion must be "oidc-setup/v1", not "oidc-setup/v2"')
    const target = error('apiVersion: oidc-setup/v1\napps:\n  - name: a\n    target: galaxi\n')
    expect(target.message).toBe('oidc-setup.yaml:4:13: unknown target "galaxi" in apps[0].target')
    expect(target.hint).toMatch(/^did you mean "galaxy"\?/)
    expect(error('apiVersion: oidc-setup/v1\napps:\n  - { name: a, target: web }\n  - name: a\n    target: spa\n').message).toBe(
      'oidc-setup.yaml:4:11: duplicate app name "a" (apps[1]; first at line 3)',
    )
    const setting = error('apiVersion: oidc-setup/v1\napps:\n  - name: k\n    target: kestra\n    settings:\n      defaultRol: Admin\n')
    expect(setting.message).toMatch(/^target "kestra" has no setting "defaultRol" \(oidc-setup\.yaml:6:7 \(apps\[0\]\.settings\)\)/)
    expect(setting.hint).toMatch(/kestra takes/)
  })

  it('refuses a secret written into the file, and accepts an env/file reference', () => {
    const literal = error('apiVersion: oidc-setup/v1\napps:\n  - name: a\n    target: web\n    clientSecret: abc123\n')
    expect(literal.message).toBe('oidc-setup.yaml:5:5: apps[0].clientSecret holds a secret written into the spec; secrets never go into a spec file')
    expect(literal.hint).toContain('secret store')
    const token = error('apiVersion: oidc-setup/v1\nenvironments:\n  prod: { orgUrl: "https://p.okta.com", apiToken: 00abcdef }\napps: [{ name: a, target: cli }]\n')
    expect(token.message).toMatch(/^oidc-setup\.yaml:3:41: environments\.prod\.apiToken holds a secret/)
    expect(() => parseSpec('apiVersion: oidc-setup/v1\nenvironments:\n  prod: { orgUrl: "https://p.okta.com", apiToken: { file: ./t } }\napps: [{ name: a, target: cli }]\n', 'x.yaml')).not.toThrow()
  })

  it('YAML syntax errors and duplicate keys name their line', () => {
    expect(error('apiVersion: oidc-setup/v1\napps:\n  - name: a\n    name: b\n    target: web\n').message).toMatch(/^oidc-setup\.yaml:4:5: not valid YAML: /)
    expect(error('apiVersion: oidc-setup/v1\napps: [\n').message).toMatch(/^oidc-setup\.yaml:\d+:\d+: not valid YAML/)
    expect(error('').message).toBe('oidc-setup.yaml is empty')
  })
})
