import path from 'node:path'
import { ConfigError } from '../domain/errors.js'
import type { FileSystem } from './fs.js'

/** Which backend holds secrets. */
export type SecretStoreKind = 'keychain' | 'file'

/**
 * Where oidc-setup keeps secrets (client secrets, API tokens, token sets). Keys are namespaced strings such as
 * `profile:default:token-set`.
 */
export interface SecretStore {
  readonly kind: SecretStoreKind
  /** A short description for people, e.g. "Secret Service (OS keychain)". */
  describe(): string
  /** Returns the value, or undefined when nothing is stored. Backend failures throw a ConfigError. */
  get(key: string): Promise<string | undefined>
  /** Stores the value, replacing any earlier one. Backend failures throw a ConfigError. */
  set(key: string, value: string): Promise<void>
  /** Deletes the value. Idempotent: a no-op when nothing is stored. */
  delete(key: string): Promise<void>
}

/** The keychain service name every entry of the default config home is filed under. */
export const KEYCHAIN_SERVICE = 'oidc-setup'

/**
 * The keychain service for a config home: `oidc-setup` for the default one, `oidc-setup <path>` for any other
 * (OIDC_SETUP_CONFIG_DIR), so a demo or a test run never overwrites the secrets of the same profile names at home.
 */
export function keychainService(home: string, defaultHome: string): string {
  return home === defaultHome ? KEYCHAIN_SERVICE : `${KEYCHAIN_SERVICE} ${home}`
}

/**
 * Largest value kept in one Windows Credential Manager entry: it caps a blob at 2560 bytes and stores passwords as
 * UTF-16, so longer values (token sets) are split into chunks of 1200 characters.
 */
export const CHUNK_SIZE = 1200

/**
 * The chunk size per platform. Only Windows needs chunks; the Secret Service and the macOS Keychain keep a token
 * set in one entry, so `token` reads it in one round trip.
 */
export function chunkSizeFor(platform: NodeJS.Platform): number {
  return platform === 'win32' ? CHUNK_SIZE : 64 * 1024
}

const CHUNK_HEADER = 'oidc-setup-chunks:v1:'

interface KeyringEntry {
  getPassword(signal?: AbortSignal | null): Promise<string | null>
  setPassword(password: string, signal?: AbortSignal | null): Promise<void>
  deleteCredential(signal?: AbortSignal | null): Promise<boolean>
}

type KeyringModule = typeof import('@napi-rs/keyring')

/** The OS keychain through @napi-rs/keyring, with chunking for values above an entry's size limit. */
export class KeychainSecretStore implements SecretStore {
  readonly kind = 'keychain' as const

  constructor(
    private readonly keyring: KeyringModule,
    private readonly platform: NodeJS.Platform,
    private readonly timeoutMs = 5000,
    private readonly chunkSize = chunkSizeFor(platform),
    private readonly service = KEYCHAIN_SERVICE,
  ) {}

  describe(): string {
    switch (this.platform) {
      case 'darwin':
        return 'macOS Keychain'
      case 'win32':
        return 'Windows Credential Manager'
      default:
        return 'Secret Service keychain'
    }
  }

  private entry(account: string): KeyringEntry {
    // Pin Linux to the Secret Service: the library's fallback (kernel keyutils) forgets everything at logout.
    return new this.keyring.AsyncEntry(this.service, account, { linux: { store: 'secret-service' } })
  }

  private async call<T>(what: string, op: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController()
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        controller.abort()
        reject(new Error(`no answer within ${this.timeoutMs} ms`))
      }, this.timeoutMs)
      timer.unref()
    })
    try {
      return await Promise.race([op(controller.signal), timeout])
    } catch (cause) {
      throw new ConfigError(`could not ${what} the ${this.describe()}: ${messageOf(cause)}`, {
        hint: 'unlock the keychain, or opt into the unencrypted file store with --secret-store file',
        cause,
      })
    } finally {
      clearTimeout(timer)
    }
  }

  async get(key: string): Promise<string | undefined> {
    const head = await this.call('read a secret from', (s) => this.entry(key).getPassword(s))
    if (head === null) {
      return undefined
    }
    if (!head.startsWith(CHUNK_HEADER)) {
      return head
    }
    const [countText, digest] = head.slice(CHUNK_HEADER.length).split(':')
    const count = Number(countText)
    const parts: string[] = []
    for (let i = 1; i <= count; i++) {
      const part = await this.call('read a secret from', (s) => this.entry(`${key}#${i}`).getPassword(s))
      if (part === null) {
        return undefined
      }
      parts.push(part)
    }
    const value = parts.join('')
    // A torn write (interrupted between chunks) must read as "nothing stored", never as a wrong secret.
    return (await sha256(value)) === digest ? value : undefined
  }

  async set(key: string, value: string): Promise<void> {
    const oldCount = await this.chunkCount(key)
    if (value.length <= this.chunkSize && !value.startsWith(CHUNK_HEADER)) {
      await this.call('store a secret in', (s) => this.entry(key).setPassword(value, s))
    } else {
      const parts: string[] = []
      for (let i = 0; i < value.length; i += this.chunkSize) {
        parts.push(value.slice(i, i + this.chunkSize))
      }
      for (const [i, part] of parts.entries()) {
        await this.call('store a secret in', (s) => this.entry(`${key}#${i + 1}`).setPassword(part, s))
      }
      const header = `${CHUNK_HEADER}${parts.length}:${await sha256(value)}`
      await this.call('store a secret in', (s) => this.entry(key).setPassword(header, s))
      await this.deleteChunks(key, parts.length + 1, oldCount)
      return
    }
    await this.deleteChunks(key, 1, oldCount)
  }

  async delete(key: string): Promise<void> {
    const count = await this.chunkCount(key)
    await this.call('delete a secret from', (s) => this.entry(key).deleteCredential(s))
    await this.deleteChunks(key, 1, count)
  }

  private async chunkCount(key: string): Promise<number> {
    const head = await this.call('read a secret from', (s) => this.entry(key).getPassword(s))
    if (head === null || !head.startsWith(CHUNK_HEADER)) {
      return 0
    }
    return Number(head.slice(CHUNK_HEADER.length).split(':')[0]) || 0
  }

  private async deleteChunks(key: string, from: number, to: number): Promise<void> {
    for (let i = from; i <= to; i++) {
      await this.call('delete a secret from', (s) => this.entry(`${key}#${i}`).deleteCredential(s))
    }
  }

  /**
   * Writes, reads back and deletes a throwaway entry, so a locked, missing or hung keychain is found before the
   * command depends on it. Throws a ConfigError naming the problem.
   */
  async probe(): Promise<void> {
    const key = `probe:${process.pid}:${Date.now()}`
    const value = `probe-${Math.random().toString(36).slice(2)}`
    await this.set(key, value)
    const back = await this.get(key)
    await this.delete(key)
    if (back !== value) {
      throw new ConfigError(`the ${this.describe()} did not return what was stored in it`, {
        hint: 'use --secret-store file to keep secrets in an unencrypted 0600 file instead',
      })
    }
  }
}

/**
 * The opt-in file store: one JSON file, 0600, in the config home, written atomically. Not encrypted; the
 * command that selects it warns about that.
 */
export class FileSecretStore implements SecretStore {
  readonly kind = 'file' as const
  readonly file: string

  constructor(
    private readonly fs: FileSystem,
    home: string,
  ) {
    this.file = path.join(home, 'secrets.json')
  }

  describe(): string {
    return `unencrypted file ${this.file}`
  }

  private async load(): Promise<Record<string, string>> {
    const text = await this.fs.readText(this.file)
    if (text === undefined) {
      return {}
    }
    try {
      return JSON.parse(text) as Record<string, string>
    } catch (cause) {
      // Never "delete it": the file holds every profile's secrets (API tokens, client secrets, tokens).
      throw new ConfigError(`could not read the secrets file ${this.file}: not valid JSON`, {
        hint: `repair the JSON in ${this.file} by hand (it holds the secrets of every profile, so do not delete it); \`oidc-setup profiles remove NAME\` then removes one profile's entries`,
        cause,
      })
    }
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.load())[key]
  }

  async set(key: string, value: string): Promise<void> {
    const all = await this.load()
    all[key] = value
    await this.fs.writeTextAtomic(this.file, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600, dirMode: 0o700 })
  }

  async delete(key: string): Promise<void> {
    const all = await this.load()
    if (key in all) {
      delete all[key]
      await this.fs.writeTextAtomic(this.file, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600, dirMode: 0o700 })
    }
  }
}

/** Loaded on first use: node:crypto costs milliseconds at startup, and only chunked values need it. */
async function sha256(text: string): Promise<string> {
  const { createHash } = await import('node:crypto')
  return createHash('sha256').update(text).digest('hex').slice(0, 32)
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
