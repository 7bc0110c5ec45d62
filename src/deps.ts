import path from 'node:path'
import { ConfigError } from './domain/errors.js'
import type { OktaCredentials } from './domain/okta-credentials.js'
import type { OktaAdmin, OktaAdminOptions } from './infra/okta-admin.js'
import { systemBrowser, type Browser } from './infra/browser.js'
import { systemClock, type Clock } from './infra/clock.js'
import { configHome } from './infra/config-home.js'
import { FileConnectionStore, type ConnectionStore } from './infra/connection-store.js'
import { nodeFileSystem, type FileSystem } from './infra/fs.js'
import { createOidcClient, type OidcClient } from './infra/oidc.js'
import { processIo, type Io } from './infra/io.js'
import { FileProfileStore, type ProfileStore } from './infra/profile-store.js'
import { inquirerPrompt, type Prompt } from './infra/prompt.js'
import {
  FileSecretStore,
  KeychainSecretStore,
  keychainService,
  type SecretStore,
  type SecretStoreKind,
} from './infra/secret-store.js'

/** How a command asks for the secret store. */
export interface SecretStoreRequest {
  /** `--secret-store`; else OIDC_SETUP_SECRET_STORE; else the keychain. */
  kind?: SecretStoreKind | undefined
  /** Write, read back and delete a probe entry first (before a command stores anything). */
  probe?: boolean | undefined
}

/**
 * Every external system a command may use. Production builds it with createDeps(); tests pass overrides for the
 * edges they replace (the set of replaceable edges is this interface).
 */
export interface Deps {
  io: Io
  clock: Clock
  fs: FileSystem
  configHome: string
  profiles: ProfileStore
  /** Org connections (org URL + how the Management API is reached), apart from app profiles. */
  connections: ConnectionStore
  prompt: Prompt
  browser: Browser
  /** Opens the secret store the user chose; a keychain that fails its probe is a ConfigError with a hint. */
  secretStore(request?: SecretStoreRequest): Promise<SecretStore>
  /** Aborted on SIGINT/SIGTERM; long waits (login, sandbox) listen to it. */
  interrupt: AbortSignal
  /** Connects to the Okta Management API (loads @okta/okta-sdk-nodejs on first call). */
  oktaAdmin(credentials: OktaCredentials, options?: OktaAdminOptions): Promise<OktaAdmin>
  /** Discovers OpenID Connect issuers (loads openid-client on first call). */
  oidc: OidcClient
}

/** The explicit choice of secret store, if any: `--secret-store`, else OIDC_SETUP_SECRET_STORE. */
export function explicitSecretStoreKind(io: Io, requested?: SecretStoreKind): SecretStoreKind | undefined {
  if (requested) {
    return requested
  }
  const fromEnv = io.env.OIDC_SETUP_SECRET_STORE
  if (fromEnv === 'file' || fromEnv === 'keychain') {
    return fromEnv
  }
  if (fromEnv) {
    throw new ConfigError(`OIDC_SETUP_SECRET_STORE must be "keychain" or "file", not "${fromEnv}"`)
  }
  return undefined
}

/** Resolves which secret store the user asked for (the keychain unless they chose otherwise). */
export function secretStoreKind(io: Io, requested?: SecretStoreKind): SecretStoreKind {
  return explicitSecretStoreKind(io, requested) ?? 'keychain'
}

/**
 * The store chosen explicitly for the last write in this config home, kept in `<config home>/settings.json` so that
 * `token`, `status` and `logout` find secrets that `login --secret-store file` put away without repeating the flag.
 */
export async function rememberedStoreKind(fs: FileSystem, home: string): Promise<SecretStoreKind | undefined> {
  const text = await fs.readText(path.join(home, 'settings.json'))
  try {
    const kind = text === undefined ? undefined : (JSON.parse(text) as { secretStore?: unknown }).secretStore
    return kind === 'file' || kind === 'keychain' ? kind : undefined
  } catch {
    return undefined
  }
}

/** The composition root: the only place that builds real adapters. */
export function createDeps(overrides: Partial<Deps> = {}): Deps {
  const io = overrides.io ?? processIo()
  const fs = overrides.fs ?? nodeFileSystem
  const clock = overrides.clock ?? systemClock
  const home = overrides.configHome ?? configHome(io)
  const stores = new Map<string, Promise<SecretStore>>()
  const deps: Deps = {
    io,
    clock,
    fs,
    configHome: home,
    profiles: overrides.profiles ?? new FileProfileStore(fs, home, () => clock.now()),
    connections: overrides.connections ?? new FileConnectionStore(fs, home, () => clock.now()),
    prompt: overrides.prompt ?? inquirerPrompt,
    browser: overrides.browser ?? systemBrowser(io),
    interrupt: overrides.interrupt ?? new AbortController().signal,
    oktaAdmin:
      overrides.oktaAdmin ??
      (async (credentials, options) => (await import('./infra/okta-admin.js')).createOktaAdmin(credentials, { clock, ...options })),
    oidc: overrides.oidc ?? createOidcClient(),
    secretStore:
      overrides.secretStore ??
      (async (request = {}) => {
        const explicit = explicitSecretStoreKind(io, request.kind)
        const kind = explicit ?? (await rememberedStoreKind(fs, home)) ?? 'keychain'
        if (explicit && request.probe && explicit !== (await rememberedStoreKind(fs, home))) {
          // About to store secrets in an explicitly chosen store: later commands read from it by default.
          await fs.writeTextAtomic(path.join(home, 'settings.json'), `${JSON.stringify({ secretStore: explicit }, null, 2)}\n`, {
            mode: 0o600,
            dirMode: 0o700,
          })
        }
        const cacheKey = `${kind}:${request.probe ? 'probed' : 'plain'}`
        let store = stores.get(cacheKey)
        if (!store) {
          store = openSecretStore(kind, Boolean(request.probe), fs, home, io)
          stores.set(cacheKey, store)
        }
        return store
      }),
  }
  return deps
}

async function openSecretStore(
  kind: SecretStoreKind,
  probe: boolean,
  fs: FileSystem,
  home: string,
  io: Io,
): Promise<SecretStore> {
  if (kind === 'file') {
    return new FileSecretStore(fs, home)
  }
  let keyring: typeof import('@napi-rs/keyring')
  try {
    keyring = await import('@napi-rs/keyring')
  } catch (cause) {
    throw new ConfigError('could not load the OS keychain library (@napi-rs/keyring)', {
      hint: 'reinstall oidc-setup, or use --secret-store file',
      cause,
    })
  }
  const defaultHome = configHome({ ...io, env: { ...io.env, OIDC_SETUP_CONFIG_DIR: undefined } })
  const service = keychainService(path.resolve(home), defaultHome)
  const store = new KeychainSecretStore(keyring, io.platform, undefined, undefined, service)
  if (probe) {
    try {
      await store.probe()
    } catch (cause) {
      throw new ConfigError(`no usable OS keychain: ${cause instanceof Error ? cause.message : String(cause)}`, {
        hint:
          io.platform === 'linux'
            ? 'start a Secret Service (e.g. gnome-keyring-daemon) in this session, or opt into the unencrypted file store with --secret-store file (or OIDC_SETUP_SECRET_STORE=file)'
            : 'unlock the keychain, or opt into the unencrypted file store with --secret-store file',
        cause,
      })
    }
  }
  return store
}
