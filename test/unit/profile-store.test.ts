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
