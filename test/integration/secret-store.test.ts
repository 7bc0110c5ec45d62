import { execFileSync } from 'node:child_process'
import { statSync, writeFileSync } from 'node:fs'
import { build } from 'esbuild'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createDeps } from '../../src/deps.js'
import { nodeFileSystem } from '../../src/infra/fs.js'
import { processIo } from '../../src/infra/io.js'
import { CHUNK_SIZE, FileSecretStore, KeychainSecretStore } from '../../src/infra/secret-store.js'
import { ROOT, tempDir } from '../helpers/cli.js'
import { keychainSkipReason, skipKeychain } from '../helpers/keychain.js'

const unique = (): string => `test:${process.pid}:${Math.random().toString(36).slice(2)}`

describe.skipIf(skipKeychain)(`OS keychain (${keychainSkipReason})`, () => {
  const open = async (): Promise<KeychainSecretStore> =>
    new KeychainSecretStore(await import('@napi-rs/keyring'), process.platform)

  it('keeps a token-set-sized value in one entry outside Windows', async () => {
    const store = await open()
    const key = unique()
    const value = 'y'.repeat(6000)
    await store.set(key, value)
    const keyring = await import('@napi-rs/keyring')
    const entry = new keyring.Entry('oidc-setup', key, { linux: { store: 'secret-service' } })
    expect(entry.getPassword()).toBe(process.platform === 'win32' ? expect.stringMatching(/^oidc-setup-chunks:v1:/) : value)
    await store.delete(key)
  })

  it('passes its probe and round-trips a value', async () => {
    const store = await open()
    await store.probe()
    const key = unique()
    expect(await store.get(key)).toBeUndefined()
    await store.set(key, 's3cret value ✓')
    expect(await store.get(key)).toBe('s3cret value ✓')
    await store.delete(key)
    expect(await store.get(key)).toBeUndefined()
  })

  it('splits values above the Windows credential limit into chunks and reassembles them', async () => {
    // Windows' chunk size, exercised against the real Secret Service.
    const store = new KeychainSecretStore(await import('@napi-rs/keyring'), process.platform, 5000, CHUNK_SIZE)
    const key = unique()
    const big = 'x'.repeat(CHUNK_SIZE * 3 + 17) + '✓'.repeat(500)
    await store.set(key, big)
    expect(await store.get(key)).toBe(big)
    // Replacing a long value with a short one removes the old chunks.
    await store.set(key, 'short')
    expect(await store.get(key)).toBe('short')
    const keyring = await import('@napi-rs/keyring')
    const leftover = new keyring.Entry('oidc-setup', `${key}#1`, { linux: { store: 'secret-service' } })
    expect(leftover.getPassword()).toBeNull()
    await store.delete(key)
    await store.delete(key) // idempotent
    expect(await store.get(key)).toBeUndefined()
  })

  it('files each config home under its own service, so a demo or a test never overwrites the secrets at home', async () => {
    const keyring = await import('@napi-rs/keyring')
    const [homeA, homeB] = [tempDir(), tempDir()]
    const key = unique()
    const a = await createDeps({ configHome: homeA, io: { ...processIo(), env: {} } }).secretStore({ probe: true })
    const b = await createDeps({ configHome: homeB, io: { ...processIo(), env: {} } }).secretStore({ probe: true })
    await a.set(key, 'from A')
    await b.set(key, 'from B')
    expect(await a.get(key)).toBe('from A')
    expect(new keyring.Entry(`oidc-setup ${homeA}`, key, { linux: { store: 'secret-service' } }).getPassword()).toBe('from A')
    expect(new keyring.Entry('oidc-setup', key, { linux: { store: 'secret-service' } }).getPassword()).toBeNull()
    await a.delete(key)
    await b.delete(key)
  })

  it('is what createDeps opens by default, probed', async () => {
    const deps = createDeps({ configHome: tempDir(), io: { ...processIo(), env: {} } })
    const store = await deps.secretStore({ probe: true })
    expect(store.kind).toBe('keychain')
  })
})

describe('keychain unavailable', () => {
  it('fails with a clear error and a hint naming the file store', async () => {
    // A fresh process: the keyring library keeps its D-Bus connection for the life of a process.
    const dir = tempDir()
    const entry = path.join(dir, 'probe.ts')
    writeFileSync(
      entry,
      `import { createDeps } from ${JSON.stringify(path.join(ROOT, 'src/deps.ts'))}
createDeps({ configHome: ${JSON.stringify(dir)} }).secretStore({ probe: true }).then(
  () => console.log('ok'),
  (e) => console.log(JSON.stringify({ name: e.name, message: e.message, hint: e.hint })),
)`,
    )
    // Written inside the project so the bundle resolves node_modules like the real CLI does.
    const outfile = path.join(ROOT, '.tmp', `probe-${process.pid}.mjs`)
    await build({ entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'node', packages: 'external', absWorkingDir: ROOT, logLevel: 'silent' })
    const out = execFileSync(process.execPath, [outfile], {
      cwd: ROOT,
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      encoding: 'utf8',
    })
    const error = JSON.parse(out) as { name: string; message: string; hint: string }
    expect(error.name).toBe('ConfigError')
    expect(error.message).toMatch(
      /^no usable OS keychain: could not (read a secret from|store a secret in) the (Secret Service keychain|macOS Keychain|Windows Credential Manager): /,
    )
    expect(error.hint).toContain('--secret-store file')
  })
})

describe('file secret store (opt-in)', () => {
  it('keeps secrets in a 0600 file in a 0700 directory', async () => {
    const home = path.join(tempDir(), 'home')
    const store = new FileSecretStore(nodeFileSystem, home)
    await store.set('a', 'one')
    await store.set('b', 'two')
    await store.delete('a')
    await store.delete('a')
    expect(await store.get('a')).toBeUndefined()
    expect(await store.get('b')).toBe('two')
    expect(statSync(store.file).mode & 0o777).toBe(0o600)
    expect(statSync(home).mode & 0o777).toBe(0o700)
  })

  it('is chosen by OIDC_SETUP_SECRET_STORE=file', async () => {
    const deps = createDeps({ configHome: tempDir(), io: { ...processIo(), env: { OIDC_SETUP_SECRET_STORE: 'file' } } })
    expect((await deps.secretStore()).kind).toBe('file')
  })

  it('rejects an unknown OIDC_SETUP_SECRET_STORE value', async () => {
    const deps = createDeps({ configHome: tempDir(), io: { ...processIo(), env: { OIDC_SETUP_SECRET_STORE: 'vault' } } })
    await expect(deps.secretStore()).rejects.toThrow('OIDC_SETUP_SECRET_STORE must be "keychain" or "file", not "vault"')
  })
})
