import { describe, expect, it } from 'vitest'
import { UsageError } from '../../src/domain/errors.js'
import { DEFAULT_LOGIN_PORTS, loopbackRedirectUri } from '../../src/domain/loopback.js'
import { secretKeys } from '../../src/domain/profile.js'
import {
  changedFields,
  defaultAppLabel,
  desiredApp,
  parseAuthServerSelection,
  profileOfNote,
  managedNote,
} from '../../src/domain/provision-plan.js'
import { nodeFileSystem } from '../../src/infra/fs.js'
import { FileProfileStore } from '../../src/infra/profile-store.js'
import { FileSecretStore } from '../../src/infra/secret-store.js'
import { cliTarget, serviceTarget, spaTarget, webTarget } from '../../src/targets/presets.js'
import type { TargetModule } from '../../src/targets/types.js'
import { deleteApp } from '../../src/usecases/delete-app.js'
import { provisionApp, type ProvisionAppInput } from '../../src/usecases/provision-app.js'
import { tempDir } from '../helpers/cli.js'
import { FakeOktaAdmin } from '../helpers/fake-okta-admin.js'

function setup() {
  const home = tempDir()
  const admin = new FakeOktaAdmin()
  const profiles = new FileProfileStore(nodeFileSystem, home)
  const store = new FileSecretStore(nodeFileSystem, home)
  const sleeps: number[] = []
  const clock = { now: () => new Date(), sleep: async (ms: number) => void sleeps.push(ms) }
  const deps = { admin, profiles, secretStore: async () => store, clock }
  return { admin, profiles, store, deps }
}

function input(target: TargetModule, extra: Partial<ProvisionAppInput> = {}): ProvisionAppInput {
  return {
    profile: 'p1',
    target,
    baseUrl: new URL('https://app.example.com'),
    scopes: [],
    groupsClaim: false,
    assignGroups: [],
    assignUsers: [],
    redirectUris: [],
    logoutUris: [],
    dryRun: false,
    ...extra,
  }
}

describe('provision plan (pure)', () => {
  it('derives a stable label from the target and the base URL host', () => {
    expect(defaultAppLabel('galaxy', new URL('https://galaxy.example.org:8443/x'))).toBe('galaxy (galaxy.example.org:8443)')
    expect(defaultAppLabel('cli', undefined)).toBe('cli (oidc-setup)')
  })

  it('parses --auth-server and rejects nonsense', () => {
    expect(parseAuthServerSelection('org')).toEqual({ kind: 'org' })
    expect(parseAuthServerSelection('aus123')).toEqual({ kind: 'existing', id: 'aus123' })
    expect(() => parseAuthServerSelection('a b')).toThrow(UsageError)
  })

  it('compares arrays as sets and names the changed fields', () => {
    expect(changedFields({ a: ['x', 'y'], b: 1 }, { a: ['y', 'x'], b: 2 })).toEqual(['b'])
    expect(changedFields({ a: ['x'] }, { a: ['x', 'z'] })).toEqual(['a'])
  })

  it('gives the cli preset exactly the loopback redirect URIs login tries', () => {
    const spec = desiredApp(cliTarget.requirements({ baseUrl: new URL('http://127.0.0.1/') }), { label: 'x' }, 'cli')
    expect(spec.redirectUris).toEqual(DEFAULT_LOGIN_PORTS.map(loopbackRedirectUri))
    expect(spec).toMatchObject({
      applicationType: 'native',
      tokenEndpointAuthMethod: 'none',
      pkceRequired: true,
      grantTypes: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
    })
  })

  it('lets flags override the preset redirect URIs and marks the app with its profile', () => {
    const spec = desiredApp(webTarget.requirements({ baseUrl: new URL('https://a.example') }), { label: 'x', redirectUris: ['https://a.example/cb'] }, 'web1')
    expect(spec.redirectUris).toEqual(['https://a.example/cb'])
    expect(profileOfNote(spec.notes)).toBe('web1')
    expect(profileOfNote(managedNote('a.b-c'))).toBe('a.b-c')
  })
})

describe('provisionApp', () => {
  it('creates the app, policy and rule on the default server, stores the secret, writes the profile', async () => {
    const { admin, profiles, store, deps } = setup()
    const result = await provisionApp(input(webTarget), deps)
    expect(result.changes.map((c) => `${c.type}:${c.action}`)).toEqual(['app:create', 'policy:create', 'rule:create'])
    expect(admin.writes).toEqual(['createApp', 'createPolicy', 'createRule'])
    expect(await store.get(secretKeys.clientSecret('p1'))).toBe(admin.secrets.get(result.appId as string))
    const profile = await profiles.get('p1')
    expect(profile).toMatchObject({
      clientId: result.clientId,
      issuer: 'https://fake.okta.test/oauth2/default',
      authServerId: 'default',
      appLabel: 'web (app.example.com)',
      target: 'web',
      baseUrl: 'https://app.example.com',
    })
    expect(profile?.managed?.map((m) => m.type)).toEqual(['app', 'policy'])
  })

  it('writes nothing on a second run with the same flags', async () => {
    const { admin, deps } = setup()
    await provisionApp(input(spaTarget, { assignGroups: ['Everyone'], groupsClaim: true }), deps)
    admin.calls.length = 0
    const again = await provisionApp(input(spaTarget, { assignGroups: ['Everyone'], groupsClaim: true }), deps)
    expect(admin.writes).toEqual([])
    expect(again.changes.every((c) => c.action === 'unchanged')).toBe(true)
  })

  it('plans with --dry-run and writes nothing', async () => {
    const { admin, profiles, deps } = setup()
    const plan = await provisionApp(input(serviceTarget, { dryRun: true }), deps)
    expect(admin.writes).toEqual([])
    expect(plan.changes.map((c) => `${c.type}:${c.action}`)).toEqual(['app:create', 'scope:create', 'policy:create', 'rule:create'])
    expect(await profiles.get('p1')).toBeUndefined()
  })

  it('updates only the fields that differ', async () => {
    const { admin, deps } = setup()
    await provisionApp(input(webTarget), deps)
    admin.calls.length = 0
    const result = await provisionApp(input(webTarget, { redirectUris: ['https://app.example.com/other'] }), deps)
    expect(admin.writes).toEqual(['updateApp'])
    expect(result.changes[0]).toMatchObject({ type: 'app', action: 'update', fields: ['redirectUris'] })
  })

  it('refuses to guess between apps with the same label', async () => {
    const { admin, deps } = setup()
    await provisionApp(input(webTarget), deps)
    admin.apps.push({ ...(admin.apps[0] as NonNullable<(typeof admin.apps)[0]>), id: '0oaDUP' })
    await expect(provisionApp(input(webTarget), deps)).rejects.toThrow(/found 2 apps named "web \(app.example.com\)".*refusing to guess/)
  })

  it('converges without duplicates when the connection drops after a create', async () => {
    const { admin, store, deps } = setup()
    admin.failOnce('createApp', true)
    admin.failOnce('createPolicy', true)
    const result = await provisionApp(input(webTarget), deps)
    expect(admin.apps).toHaveLength(1)
    expect(admin.policies.get('default')?.filter((p) => p.name.startsWith('oidc-setup'))).toHaveLength(1)
    // The secret was lost with the dropped response: it is recovered from /credentials/secrets.
    expect(await store.get(secretKeys.clientSecret('p1'))).toBe(admin.secrets.get(result.appId as string))
  })

  it('creates a new authorization server with the service scope as its default scope', async () => {
    const { admin, deps } = setup()
    const result = await provisionApp(input(serviceTarget, { authServer: { kind: 'new' } }), deps)
    expect(result.issuer).toMatch(/\/oauth2\/aus/)
    const scopes = admin.scopes.get(result.authServerId ?? '') ?? []
    expect(scopes).toContainEqual(expect.objectContaining({ name: 'api:access', default: true }))
  })

  it('delete-app removes exactly what create-app made', async () => {
    const { admin, profiles, store, deps } = setup()
    admin.origins.push({ id: 'tos-other', name: 'someone else', origin: 'https://other.example', scopes: ['CORS'] })
    await provisionApp(input(spaTarget, { authServer: { kind: 'new' }, groupsClaim: true }), deps)
    await provisionApp(input(webTarget, { profile: 'keep', label: 'keep me' }), deps)
    const before = admin.apps.length
    const result = await deleteApp({ profile: 'p1', dryRun: false }, deps)
    expect(result.changes.map((c) => c.type).sort()).toEqual(['app', 'authorization-server', 'claim', 'policy', 'trusted-origin'].sort())
    expect(admin.apps).toHaveLength(before - 1)
    expect(admin.apps[0]?.label).toBe('keep me')
    expect(admin.origins.map((o) => o.id)).toEqual(['tos-other'])
    expect(admin.servers.map((s) => s.id)).toEqual(['default'])
    expect(await store.get(secretKeys.clientSecret('p1'))).toBeUndefined()
    expect((await profiles.get('p1'))?.appId).toBeUndefined()
  })

  it('keeps a shared custom scope while another app still uses it', async () => {
    const { admin, deps } = setup()
    await provisionApp(input(serviceTarget, { profile: 'svc-a', label: 'svc a' }), deps)
    await provisionApp(input(serviceTarget, { profile: 'svc-b', label: 'svc b' }), deps)
    const result = await deleteApp({ profile: 'svc-a', dryRun: false }, deps)
    expect(result.skipped).toEqual([{ type: 'scope', name: 'api:access', reason: 'still requested by profile "svc-b"' }])
    expect(admin.scopes.get('default')?.map((x) => x.name)).toContain('api:access')
    expect(admin.apps.map((a) => a.label)).toEqual(['svc b'])
  })

  it('a run that fails half-way still records what it created, so delete-app can remove it', async () => {
    const { admin, profiles, deps } = setup()
    admin.failOnce('createPolicy', false, 400)
    await expect(provisionApp(input(webTarget), deps)).rejects.toThrow('HTTP 400')
    const profile = await profiles.get('p1')
    expect(profile?.appId).toBe(admin.apps[0]?.id)
    expect(profile?.managed?.map((m) => m.type)).toEqual(['app'])
    await deleteApp({ profile: 'p1', dryRun: false }, deps)
    expect(admin.apps).toEqual([])
  })
})
