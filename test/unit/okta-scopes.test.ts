import { describe, expect, it } from 'vitest'
import { managementScopeFor, provisionScopes, scopeCovered, scopesToRequest } from '../../src/domain/okta-credentials.js'
import { oktaHtu } from '../../src/infra/okta-admin/service-app-auth.js'

describe('Okta API scopes per call (OAuth 2.0 for Okta; operation security in ../shared/okta/management-api.yaml)', () => {
  it('names the area and read/manage of a call', () => {
    expect(managementScopeFor('GET', '/api/v1/apps')).toBe('okta.apps.read')
    expect(managementScopeFor('PUT', '/api/v1/apps/0oa1/policies/rst1')).toBe('okta.apps.manage')
    expect(managementScopeFor('GET', '/api/v1/apps/0oa1/grants')).toBe('okta.appGrants.read')
    expect(managementScopeFor('POST', '/api/v1/users/00u1/lifecycle/deactivate')).toBe('okta.users.manage')
    expect(managementScopeFor('DELETE', '/api/v1/authorizationServers/aus1')).toBe('okta.authorizationServers.manage')
    expect(managementScopeFor('GET', '/api/v1/policies')).toBe('okta.policies.read')
  })

  it('a .manage scope covers reading its area', () => {
    expect(scopeCovered(new Set(['okta.apps.manage']), 'okta.apps.read')).toBe(true)
    expect(scopeCovered(new Set(['okta.apps.read']), 'okta.apps.manage')).toBe(false)
  })

  it('requests what is needed, preferring what the user says is granted', () => {
    expect(scopesToRequest(['okta.apps.read', 'okta.groups.read'], [])).toEqual(['okta.apps.read', 'okta.groups.read'])
    expect(scopesToRequest(['okta.apps.read'], ['okta.apps.manage'])).toEqual(['okta.apps.manage'])
    expect(scopesToRequest(['okta.apps.read', 'okta.apps.manage'], [])).toEqual(['okta.apps.manage'])
    expect(scopesToRequest(['okta.users.manage'], ['okta.users.read'])).toEqual(['okta.users.manage'])
  })

  it('okta.users.manage only for a run with a test user', () => {
    expect(provisionScopes({ testUser: false })).not.toContain('okta.users.manage')
    expect(provisionScopes({ testUser: true })).toContain('okta.users.manage')
  })
})

describe('the htu Okta compares (okta/okta-sdk-nodejs#521)', () => {
  it('decodes the path and drops query and fragment (RFC 9449 §4.2)', () => {
    expect(oktaHtu('https://org.example.com/api/v1/users/t.user%40example.com?x=1#f')).toBe('https://org.example.com/api/v1/users/t.user@example.com')
    expect(oktaHtu('http://127.0.0.1:8080/oauth2/v1/token')).toBe('http://127.0.0.1:8080/oauth2/v1/token')
  })
})
