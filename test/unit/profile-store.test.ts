import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, UsageError } from '../../src/domain/errors.js'
import { nodeFileSystem } from '../../src/infra/fs.js'
import { FileProfileStore } from '../../src/infra/profile-store.js'
import { tempDir } from '../helpers/cli.js'

const fixed = (): Date => new Date('2026-01-02T03:04:05.000Z')

describe('FileProfileStore', () => {
  it('writes profiles as 0600 JSON in a 0700 directory and reads them back', async () => {
    const home = tempDir()
    const store = new FileProfileStore(nodeFileSystem, home, fixed)
    await store.update('kestra', { issuer: 'https://example.okta.com', clientId: '0oa1' })
    const merged = await store.update('kestra', { baseUrl: 'https://kestra.example.com', clientId: undefined })
    expect(merged).toEqual({
      name: 'kestra',
      issuer: 'https://example.okta.com',
      clientId: '0oa1',
      baseUrl: 'https://kestra.example.com',
      updatedAt: '2026-01-02T03:04:05.000Z',
    })
    const file = store.pathOf('kestra')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ clientId: '0oa1' })
    expect((await store.list()).map((p) => p.name)).toEqual(['kestra'])
    await store.remove('kestra')
    expect(await store.get('kestra')).toBeUndefined()
  })

  it('rejects profile names that are not safe file names', () => {
    const store = new FileProfileStore(nodeFileSystem, tempDir())
    expect(() => store.pathOf('../etc/passwd')).toThrow(UsageError)
    expect(() => store.pathOf('')).toThrow('invalid profile name ""')
  })

  it('reports a corrupt profile as a config error naming the file', async () => {
    const home = tempDir()
    mkdirSync(path.join(home, 'profiles'), { recursive: true })
    writeFileSync(path.join(home, 'profiles', 'bad.json'), '{ not json')
    const store = new FileProfileStore(nodeFileSystem, home)
    const error = await store.get('bad').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toBe(
      `could not read profile "bad": ${path.join(home, 'profiles', 'bad.json')} is not valid JSON`,
    )
  })
})

describe('profile schema', () => {
  it('keeps fields it does not know through reads and updates (intent, connection, rotation state)', async () => {
    const home = tempDir()
    mkdirSync(path.join(home, 'profiles'), { recursive: true })
    const extra = { intent: { name: 'k', target: 'kestra', scopes: ['groups'] }, connection: 'work', rotation: { next: '2027-01-01' } }
    writeFileSync(path.join(home, 'profiles', 'k.json'), JSON.stringify({ target: 'kestra', clientId: '0oa1', ...extra }))
    const store = new FileProfileStore(nodeFileSystem, home, fixed)
    expect(await store.get('k')).toEqual({ name: 'k', target: 'kestra', clientId: '0oa1', ...extra })
    await store.update('k', { appId: '0oaApp' })
    expect(JSON.parse(readFileSync(store.pathOf('k'), 'utf8'))).toMatchObject({ appId: '0oaApp', ...extra })
  })

  it('names every problem of a profile of the wrong shape, as ERR_PROFILE_INVALID', async () => {
    const home = tempDir()
    mkdirSync(path.join(home, 'profiles'), { recursive: true })
    const bad = { redirectUris: 'https://x/cb', issuer: 'nope', applicationType: 'desktop', managed: [{ type: 'app' }], management: {} }
    writeFileSync(path.join(home, 'profiles', 'bad.json'), JSON.stringify(bad))
    const error = (await new FileProfileStore(nodeFileSystem, home).get('bad').catch((e: unknown) => e)) as ConfigError
    expect(error.code).toBe('ERR_PROFILE_INVALID')
    expect(error.exitCode).toBe(3)
    expect(error.message).toBe(
      `profile "bad" is invalid: "issuer" must be an http(s) URL, not "nope"; "applicationType" must be one of web, browser, native, service; "redirectUris" must be a list of strings; "management.authMode" is missing; "managed[0].id" is missing (${path.join(home, 'profiles', 'bad.json')})`,
    )
    expect(error.hint).toBe(`fix ${path.join(home, 'profiles', 'bad.json')}, or remove the profile with \`oidc-setup profiles remove bad\``)
  })

  it('a JSON array, a string or null is not a profile; null fields read as unset', async () => {
    const home = tempDir()
    mkdirSync(path.join(home, 'profiles'), { recursive: true })
    writeFileSync(path.join(home, 'profiles', 'arr.json'), '[]')
    writeFileSync(path.join(home, 'profiles', 'nul.json'), '{"clientId": null, "target": "cli"}')
    const store = new FileProfileStore(nodeFileSystem, home)
    await expect(store.get('arr')).rejects.toThrow('profile "arr" is invalid: the file must hold a JSON object')
    expect(await store.get('nul')).toEqual({ name: 'nul', target: 'cli' })
    const scan = await store.scan()
    expect(scan.profiles.map((p) => p.name)).toEqual(['nul'])
    expect(scan.invalid.map((p) => p.name)).toEqual(['arr'])
  })
})
