import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/domain/errors.js'
import { inspectConfigFile } from '../../src/targets/inspect.js'
import { DB_CONFIG_STEPS } from '../../src/targets/openmetadata.js'
import { ROOT } from '../helpers/cli.js'

// doctor --config reads rendered files back; these are the golden files render-config is tested against.
const fixture = (rel: string): string => readFileSync(path.join(ROOT, 'test', 'fixtures', 'expected', rel), 'utf8')
const CLIENT = '0oa1example2client3'
const SECRET = 'S3cr3t-from-Okta_0123456789abcdef'

describe('inspectConfigFile', () => {
  it('reads Galaxy backends: api_url, client, redirect URI, literal secret', () => {
    expect(inspectConfigFile('galaxy', 'oidc_backends_config.xml', fixture('galaxy/custom-as/oidc_backends_config.xml'))).toEqual({
      issuer: 'https://example.okta.com/oauth2/default',
      clientId: CLIENT,
      redirectUris: ['https://galaxy.example.org/galaxy/authnz/okta/callback'],
      clientSecret: SECRET,
    })
    expect(inspectConfigFile('galaxy', 'oidc_config.xml', fixture('galaxy/custom-as/oidc_config.xml'))).toBeUndefined()
  })

  it('reads Pomerium config.yaml and its env form alike', () => {
    const yaml = inspectConfigFile('pomerium', 'config.yaml', fixture('pomerium/native/config.yaml'))
    const env = inspectConfigFile('pomerium', 'pomerium.env', fixture('pomerium/env/pomerium.env'))
    expect(yaml).toEqual({
      issuer: 'https://example.okta.com',
      clientId: CLIENT,
      redirectUris: ['https://authenticate.example.com/oauth2/callback'],
      clientSecret: SECRET,
    })
    expect(env).toEqual(yaml)
  })

  it('reads Apache oidc.conf as httpd does (quoted words), the issuer from OIDCProviderMetadataURL', () => {
    expect(inspectConfigFile('apache', 'oidc.conf', fixture('apache/native/oidc.conf'))).toEqual({
      issuer: 'https://example.okta.com',
      clientId: CLIENT,
      redirectUris: ['https://app.example.org/redirect_uri'],
      clientSecret: SECRET,
    })
    expect(inspectConfigFile('apache', 'oidc.conf', fixture('apache/native-secret-ref/oidc.conf'))?.clientSecret).toBeUndefined()
  })

  it('reads Auth.js .env.local: the callback is {AUTH_URL}/callback/okta; an inherited secret is no literal one', () => {
    expect(inspectConfigFile('authjs', '.env.local', fixture('authjs/base-path/.env.local'))).toEqual({
      issuer: 'https://example.okta.com/oauth2/default',
      clientId: CLIENT,
      redirectUris: ['https://example.org/shop/auth/callback/okta'],
      clientSecret: SECRET,
    })
    expect(inspectConfigFile('authjs', '.env.local', fixture('authjs/native-secret-ref/.env.local'))?.clientSecret).toBeUndefined()
  })

  it('treats ${VAR} secret references as no literal secret', () => {
    expect(inspectConfigFile('kestra', 'kestra.env', fixture('kestra/env-secret-ref/kestra.env'))).toEqual({
      issuer: 'https://example.okta.com',
      clientId: CLIENT,
      clientSecret: undefined,
    })
    expect(inspectConfigFile('kestra', 'application.yaml', fixture('kestra/native/application.yaml'))?.clientSecret).toBe(SECRET)
  })

  it('reads OpenMetadata env values as the YAML OpenMetadata pastes them into', () => {
    const env = inspectConfigFile('openmetadata', 'openmetadata.env', fixture('openmetadata/env/openmetadata.env'))
    const yaml = inspectConfigFile('openmetadata', 'openmetadata.yaml', fixture('openmetadata/native/openmetadata.yaml'))
    expect(env).toEqual({
      issuer: 'https://example.okta.com/oauth2/default',
      clientId: CLIENT,
      redirectUris: ['https://om.example.com/callback'],
      jwksUrls: ['https://example.okta.com/oauth2/default/v1/keys', 'https://om.example.com/api/v1/system/config/jwks'],
      clientSecret: SECRET,
      advice: DB_CONFIG_STEPS,
    })
    expect(yaml).toEqual(env)
    expect(DB_CONFIG_STEPS.join(' ')).toMatch(/remove-security-config --force.*SECURITY_CONFIG_SOURCE=ENV.*SECURITY_CONFIG_SOURCE_CONFIRM_PROVIDER_CHANGE=true/)
  })

  // issue 11 item 7: a renamed or copied file is recognised by its content.
  it('recognises a renamed file by its content: XML, YAML, env, JSON', () => {
    expect(inspectConfigFile('galaxy', 'backends-prod.txt', fixture('galaxy/custom-as/oidc_backends_config.xml'))).toEqual(
      inspectConfigFile('galaxy', 'oidc_backends_config.xml', fixture('galaxy/custom-as/oidc_backends_config.xml')),
    )
    expect(inspectConfigFile('kestra', 'kestra-prod', fixture('kestra/native/application.yaml'))).toEqual(
      inspectConfigFile('kestra', 'application.yaml', fixture('kestra/native/application.yaml')),
    )
    expect(inspectConfigFile('pomerium', 'pomerium.environment', fixture('pomerium/env/pomerium.env'))).toEqual(
      inspectConfigFile('pomerium', 'pomerium.env', fixture('pomerium/env/pomerium.env')),
    )
    // Vault's two JSON bodies: the one that holds the client is told apart from the other by what it holds.
    expect(inspectConfigFile('vault', 'body-1', fixture('vault/native/oidc-config.json'))?.clientId).toBe(CLIENT)
    expect(() => inspectConfigFile('kestra', 'kestra-prod', 'just: some\nother: yaml\n')).toThrow('(by its name or its yaml content)')
  })

  it('names the files it understands for an unknown one', () => {
    expect(() => inspectConfigFile('kestra', 'notes.txt', '')).toThrow(ConfigError)
    expect(() => inspectConfigFile('kestra', 'notes.txt', '')).toThrow('could not tell what kind of kestra file notes.txt is')
  })
})
