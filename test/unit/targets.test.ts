import { existsSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { UsageError } from '../../src/domain/errors.js'
import { checkHttpUrl, checkIssuer } from '../../src/domain/urls.js'
import { findTarget, requireRenderableTarget, requireTarget, targets } from '../../src/targets/index.js'
import { isRenderable } from '../../src/targets/types.js'
import { ROOT } from '../helpers/cli.js'

const base = (url: string) => ({ baseUrl: new URL(url) })

describe('target requirements (targets.md §5)', () => {
  it('galaxy: web app, code + refresh, /authnz/okta/callback, base as sign-out, offline_access, org server', () => {
    expect(requireTarget('galaxy').requirements(base('https://galaxy.example.org/'))).toMatchObject({
      applicationType: 'web',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['https://galaxy.example.org/authnz/okta/callback'],
      postLogoutRedirectUris: ['https://galaxy.example.org'],
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      authServer: 'org',
    })
  })

  it('pomerium: the base URL is the authenticate service; /oauth2/callback and /.pomerium/signed_out', () => {
    expect(requireTarget('pomerium').requirements(base('https://authenticate.example.com'))).toMatchObject({
      applicationType: 'web',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['https://authenticate.example.com/oauth2/callback'],
      postLogoutRedirectUris: ['https://authenticate.example.com/.pomerium/signed_out'],
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      tokenEndpointAuthMethod: 'client_secret_basic',
    })
  })

  it('kestra: code only, callback segment = client key okta, /logout', () => {
    expect(requireTarget('kestra').requirements(base('https://kestra.example.com/sub/'))).toMatchObject({
      applicationType: 'web',
      grantTypes: ['authorization_code'],
      redirectUris: ['https://kestra.example.com/sub/oauth/callback/okta'],
      postLogoutRedirectUris: ['https://kestra.example.com/sub/logout'],
      scopes: ['openid', 'email', 'profile'],
      tokenEndpointAuthMethod: 'client_secret_basic',
    })
  })

  it('openmetadata: confidential web app, /callback + /silent-callback, no offline_access and so no refresh grant (they agree), client_secret_post, custom server', () => {
    const req = requireTarget('openmetadata').requirements(base('https://om.example.com'))
    expect(req).toMatchObject({
      applicationType: 'web',
      grantTypes: ['authorization_code'],
      redirectUris: ['https://om.example.com/callback', 'https://om.example.com/silent-callback'],
      postLogoutRedirectUris: ['https://om.example.com'],
      scopes: ['openid', 'email', 'profile'],
      tokenEndpointAuthMethod: 'client_secret_post',
      authServer: 'default',
    })
    expect(req.scopes).not.toContain('offline_access')
  })
})

describe('target registry', () => {
  it('finds targets by name and alias, case-insensitively', () => {
    expect(findTarget('collate')?.name).toBe('openmetadata')
    expect(findTarget('Galaxy')?.name).toBe('galaxy')
    expect(findTarget('nope')).toBeUndefined()
  })

  it('an unknown target is a usage error listing the known ones', () => {
    expect(() => requireTarget('nosuchapp')).toThrow(UsageError)
    try {
      requireTarget('nosuchapp')
    } catch (error) {
      expect((error as UsageError).message).toBe('unknown target "nosuchapp" in --target')
      expect((error as UsageError).hint).toContain('galaxy, pomerium, kestra, openmetadata (collate)')
    }
  })

  it('names are unique across names and aliases', () => {
    const all = targets.flatMap((t) => [t.name, ...t.aliases])
    expect(new Set(all).size).toBe(all.length)
  })

  it('the config targets are renderable (each with its templates); presets are not', () => {
    const renderable = targets.filter(isRenderable).map((t) => t.name)
    expect(renderable).toEqual(expect.arrayContaining(['galaxy', 'pomerium', 'kestra', 'openmetadata', 'gitlab', 'harbor', 'minio', 'jenkins', 'backstage', 'apache', 'authjs', 'oauth2-proxy', 'grafana', 'vault', 'argocd']))
    for (const name of renderable) {
      expect(existsSync(path.join(ROOT, 'templates', name)), `templates/${name}`).toBe(true)
    }
    expect(renderable).not.toContain('cli')
    for (const t of targets.filter((t) => !isRenderable(t))) {
      expect(() => requireRenderableTarget(t.name)).toThrow(/has no config files to render/)
    }
  })
})

describe('URL checks', () => {
  it.each([
    ['not a url', /is not a valid URL/],
    ['ftp://example.com', /must be an http\(s\) URL/],
    ['https://user:pw@example.com', /must not contain credentials/],
    ['https://example.com/#frag', /must not contain a fragment/],
    ['https://example.com/#', /must not contain a fragment/],
    ['https://example.com/?a=1', /must not contain a query/],
  ])('rejects %s', (value, message) => {
    expect(() => checkHttpUrl('--base-url', value)).toThrow(message)
    expect(() => checkHttpUrl('--base-url', value)).toThrow(UsageError)
  })

  it('warns about http on a non-loopback host only', () => {
    expect(checkHttpUrl('--base-url', 'http://app.example.com').warnings[0]).toMatch(/http on a non-loopback host/)
    expect(checkHttpUrl('--base-url', 'http://127.0.0.1:8080').warnings).toEqual([])
    expect(checkHttpUrl('--base-url', 'http://localhost:8080/').text).toBe('http://localhost:8080')
  })

  it('classifies issuers and derives the JWKS of the server that signs', () => {
    expect(checkIssuer('--issuer', 'https://example.okta.com')).toMatchObject({
      kind: 'org',
      text: 'https://example.okta.com',
      jwksUri: 'https://example.okta.com/oauth2/v1/keys',
    })
    const custom = checkIssuer('--issuer', 'https://example.okta.com/oauth2/default/')
    expect(custom).toMatchObject({ kind: 'custom', authServerId: 'default', text: 'https://example.okta.com/oauth2/default' })
    expect(custom.jwksUri).toBe('https://example.okta.com/oauth2/default/v1/keys')
    expect(custom.warnings[0]).toMatch(/removed the trailing slash/)
  })
})
