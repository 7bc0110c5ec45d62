import { describe, expect, it } from 'vitest'
import {
  allPassed,
  checkAssignments,
  checkAppSettings,
  checkClock,
  checkConfigFile,
  checkIssuer,
  checkPolicy,
  checkScopes,
} from '../../src/domain/doctor.js'
import type { OidcApp, Policy, Rule, Scope } from '../../src/domain/okta-model.js'
import { galaxy } from '../../src/targets/galaxy.js'

const req = galaxy.requirements({ baseUrl: new URL('https://galaxy.example.org') })

const app = (over: Partial<OidcApp> = {}): OidcApp => ({
  id: '0oaapp',
  clientId: '0oaclient',
  status: 'ACTIVE',
  label: 'galaxy (galaxy.example.org)',
  applicationType: 'web',
  issuerMode: 'ORG_URL',
  grantTypes: ['authorization_code', 'refresh_token'],
  responseTypes: ['code'],
  redirectUris: ['https://galaxy.example.org/authnz/okta/callback'],
  postLogoutRedirectUris: ['https://galaxy.example.org'],
  tokenEndpointAuthMethod: 'client_secret_basic',
  pkceRequired: false,
  ...over,
})

describe('doctor checks', () => {
  it('passes a Galaxy app that has what Galaxy needs', () => {
    const results = checkAppSettings(app(), req)
    expect(results.map((r) => r.status)).toEqual(results.map(() => 'pass'))
  })

  it('names the missing refresh token grant with the Galaxy-specific reason', () => {
    const results = checkAppSettings(app({ grantTypes: ['authorization_code'] }), req)
    const grants = results.find((r) => r.id === 'app.grant-types')!
    expect(grants.status).toBe('fail')
    expect(grants.message).toBe('grant types authorization_code lack refresh_token')
    expect(grants.fix).toContain('Refresh Token grant')
    expect(grants.fixable).toBe(true)
    expect(allPassed(results)).toBe(false)
  })

  it('requires redirect URIs to match exactly, port and scheme included', () => {
    const results = checkAppSettings(app({ redirectUris: ['http://galaxy.example.org/authnz/okta/callback'] }), req)
    expect(results.find((r) => r.id === 'app.redirect-uris')!.message).toBe(
      'sign-in redirect URIs lack https://galaxy.example.org/authnz/okta/callback (registered: http://galaxy.example.org/authnz/okta/callback)',
    )
  })

  it('catches an issuer that differs by a trailing slash', () => {
    const r = checkIssuer('https://example.okta.com/', 'https://example.okta.com', 'https://example.okta.com/.well-known/openid-configuration')
    expect(r.status).toBe('fail')
    expect(r.message).toBe('issuer mismatch: configured "https://example.okta.com/", discovery says "https://example.okta.com"')
  })

  it('reports scopes that do not exist on a custom server', () => {
    const scopes = [{ id: 's1', name: 'openid', system: true }] as Scope[]
    const r = checkScopes(['openid', 'groups'], scopes, 'default')
    expect(r.status).toBe('fail')
    expect(r.message).toContain('scopes groups do not exist on authorization server default')
  })

  it('requires an access policy for the client and a rule allowing its grants and scopes', () => {
    expect(checkPolicy('0oaclient', ['authorization_code'], ['openid'], [])[0]!.message).toContain('no active access policy covers client 0oaclient')
    const policy = { id: 'p', name: 'p', status: 'ACTIVE', clientIds: ['0oaclient'] } as Policy
    const rule = { status: 'ACTIVE', grantTypes: ['authorization_code'], scopes: ['openid'] } as Rule
    const noRefresh = checkPolicy('0oaclient', ['authorization_code', 'refresh_token'], ['openid'], [{ policy, rules: [rule] }])
    expect(noRefresh.map((r) => r.status)).toEqual(['pass', 'fail'])
    const ok = checkPolicy('0oaclient', ['authorization_code'], ['openid'], [{ policy, rules: [rule] }])
    expect(allPassed(ok)).toBe(true)
  })

  it('measures clock skew against the issuer Date header', () => {
    const server = 'Sun, 22 Nov 2026 12:00:00 GMT'
    expect(checkClock(Date.parse(server) + 5_000, server).status).toBe('pass')
    const ahead = checkClock(Date.parse(server) + 600_000, server)
    expect(ahead.status).toBe('fail')
    expect(ahead.message).toContain('600 s ahead of the issuer')
  })

  it('compares a rendered file with Okta without printing secrets', () => {
    const r = checkConfigFile(
      { file: 'openmetadata.yaml', clientId: '0oaclient', jwksUrls: ['https://om.example.com/api/v1/system/config/jwks'], secretMatches: false },
      { issuer: 'https://o/oauth2/default', issuerAsWritten: 'https://o/oauth2/default', clientId: '0oaclient', redirectUris: [], jwksUrls: ['https://o/oauth2/default/v1/keys'] },
    )
    expect(r.status).toBe('fail')
    expect(r.message).toBe(
      'openmetadata.yaml: public key URLs lack https://o/oauth2/default/v1/keys; the client secret does not match the one in Okta (compared by hash)',
    )
  })

  it('warns when nobody is assigned, and counts groups and users otherwise', () => {
    expect(checkAssignments(0, 0)).toMatchObject({ status: 'fail', id: 'app.assignments' })
    expect(checkAssignments(0, 1).message).toBe('assigned: 0 groups, 1 user (directly or through groups)')
    expect(checkAssignments(2, 5).status).toBe('pass')
  })
})

describe('issuer_mode as Okta holds it (issue 12 item 4)', () => {
  it('warns when the app has none (a custom domain would make it CUSTOM_URL) and fails on the wrong one', async () => {
    const { targets } = await import('../../src/targets/index.js')
    const galaxy = targets.find((t) => t.name === 'galaxy')
    if (!galaxy) {
      throw new Error('no galaxy target')
    }
    const req = galaxy.requirements({ baseUrl: new URL('https://galaxy.example.org'), settings: {} })
    const missing = checkAppSettings(app({ issuerMode: undefined }), req).find((r) => r.id === 'app.issuer-mode')
    expect(missing?.status).toBe('warn')
    const wrong = checkAppSettings(app({ issuerMode: 'CUSTOM_URL' }), req).find((r) => r.id === 'app.issuer-mode')
    expect(wrong?.status).toBe('fail')
    expect(checkAppSettings(app(), req).find((r) => r.id === 'app.issuer-mode')).toBeUndefined()
  })
})
