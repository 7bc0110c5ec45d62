import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, ManagementApiError, UsageError } from '../../src/domain/errors.js'
import { normalizeOrgUrl } from '../../src/domain/okta-credentials.js'
import { secretKeys } from '../../src/domain/profile.js'
import { translateError } from '../../src/infra/okta-admin/errors.js'
import { resolveOktaCredentials } from '../../src/infra/okta-credentials.js'
import { nodeFileSystem } from '../../src/infra/fs.js'
import { FileProfileStore } from '../../src/infra/profile-store.js'
import { FileSecretStore } from '../../src/infra/secret-store.js'
import { tempDir } from '../helpers/cli.js'

function sources(env: Record<string, string> = {}) {
  const home = tempDir()
  const userHome = tempDir()
  const profiles = new FileProfileStore(nodeFileSystem, home)
  const store = new FileSecretStore(nodeFileSystem, home)
  return { home, userHome, profiles, store, src: { env, homedir: userHome, fs: nodeFileSystem, profiles, secretStore: async () => store } }
}

function writeYaml(userHome: string, text: string): void {
  mkdirSync(path.join(userHome, '.okta'))
  writeFileSync(path.join(userHome, '.okta', 'okta.yaml'), text)
}

describe('resolveOktaCredentials', () => {
  it('prefers OKTA_CLIENT_* over the configured profile over ~/.okta/okta.yaml', async () => {
    const { userHome, profiles, store, src } = sources()
    writeYaml(userHome, 'okta:\n  client:\n    orgUrl: https://yaml.okta.com\n    token: yaml-token\n')
    expect(await resolveOktaCredentials('default', src)).toMatchObject({ orgUrl: 'https://yaml.okta.com', auth: { mode: 'SSWS', token: 'yaml-token' }, source: '~/.okta/okta.yaml' })
    await profiles.update('default', { orgUrl: 'https://profile.okta.com', management: { authMode: 'SSWS' } })
    await store.set(secretKeys.apiToken('default'), 'profile-token')
    // An app profile without its own credentials uses the "default" profile's.
    expect(await resolveOktaCredentials('some-app', src)).toMatchObject({ orgUrl: 'https://profile.okta.com', auth: { token: 'profile-token' }, source: 'profile "default"' })
    const env = { ...src, env: { OKTA_CLIENT_ORGURL: 'https://env.okta.com/', OKTA_CLIENT_TOKEN: 'env-token' } }
    expect(await resolveOktaCredentials('some-app', env)).toMatchObject({ orgUrl: 'https://env.okta.com', auth: { token: 'env-token' } })
  })

  it('reads private_key_jwt settings the way the Okta SDK does (authorizationMode PrivateKey)', async () => {
    const { src } = sources({
      OKTA_CLIENT_ORGURL: 'https://pk.okta.com',
      OKTA_CLIENT_AUTHORIZATIONMODE: 'PrivateKey',
      OKTA_CLIENT_CLIENTID: '0oaSvc',
      OKTA_CLIENT_SCOPES: 'okta.apps.manage okta.apps.read',
      OKTA_CLIENT_PRIVATEKEY: '{"kty":"RSA"}',
      OKTA_CLIENT_KEYID: 'kid1',
      OKTA_CLIENT_TOKEN: 'ignored-in-private-key-mode',
    })
    expect(await resolveOktaCredentials('default', src)).toEqual({
      orgUrl: 'https://pk.okta.com',
      auth: { mode: 'PrivateKey', clientId: '0oaSvc', scopes: ['okta.apps.manage', 'okta.apps.read'], privateKey: '{"kty":"RSA"}', keyId: 'kid1' },
      source: 'OKTA_CLIENT_* environment variables',
    })
  })

  it('says how to configure when nothing is set', async () => {
    const { src } = sources()
    await expect(resolveOktaCredentials('default', src)).rejects.toThrow(ConfigError)
    await expect(resolveOktaCredentials('default', src)).rejects.toThrow('no Okta org configured')
  })
})

describe('normalizeOrgUrl', () => {
  it('keeps the origin and rejects admin, http and path forms', () => {
    expect(normalizeOrgUrl('https://dev-1.okta.com/')).toBe('https://dev-1.okta.com')
    expect(normalizeOrgUrl('http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000')
    expect(() => normalizeOrgUrl('http://dev-1.okta.com')).toThrow(UsageError)
    expect(() => normalizeOrgUrl('https://dev-1-admin.okta.com')).toThrow('admin console URL')
    expect(() => normalizeOrgUrl('https://dev-1.okta.com/oauth2/default')).toThrow('without a path')
  })
})

describe('translateError', () => {
  const okta = (status: number, errorCode: string, errorSummary: string, causes: string[] = []) =>
    Object.assign(new Error('x'), { name: 'OktaApiError', status, errorCode, errorSummary, errorCauses: causes.map((errorSummary) => ({ errorSummary })) })

  it('maps Okta error codes to messages and hints (exit 5)', () => {
    const url = 'https://o.okta.com/api/v1/authorizationServers'
    const e15 = translateError(okta(400, 'E0000015', 'You do not have access to this feature.'), 'create authorization server "x"', 'POST', url)
    expect(e15).toBeInstanceOf(ManagementApiError)
    expect(e15.exitCode).toBe(5)
    expect(e15.hint).toContain('--auth-server org')
    const e6 = translateError(okta(403, 'E0000006', 'You do not have permission to perform the requested action'), 'create authorization server "x"', 'POST', url)
    expect(e6.message).toBe('could not create authorization server "x": permission denied: You do not have permission to perform the requested action (E0000006 403)')
    expect(e6.hint).toContain('okta.authorizationServers.manage')
    const e1 = translateError(okta(400, 'E0000001', 'Api validation failed: redirect_uris', ['redirect_uris: must be absolute', 'grant_types: bad']), 'create app "a"', 'POST', 'https://o.okta.com/api/v1/apps')
    expect(e1.message).toBe('could not create app "a": Okta rejected the request: redirect_uris: must be absolute; grant_types: bad')
    expect(e1.details.errorCauses).toEqual(['redirect_uris: must be absolute', 'grant_types: bad'])
    const e11 = translateError(okta(401, 'E0000011', 'Invalid token provided'), 'list apps', 'GET', 'https://o.okta.com/api/v1/apps')
    expect(e11.hint).toContain('oidc-setup okta configure')
  })

  it('names the unreachable origin and suggests a proxy for network errors', () => {
    const err = Object.assign(new Error('request failed, reason: getaddrinfo ENOTFOUND'), { name: 'FetchError', type: 'system', code: 'ENOTFOUND' })
    const e = translateError(err, 'look up app "a"', 'GET', 'https://nope.okta.com/api/v1/apps?q=a')
    expect(e.message).toBe('could not look up app "a": could not reach https://nope.okta.com: ENOTFOUND')
    expect(e.hint).toContain('HTTPS_PROXY')
  })
})
