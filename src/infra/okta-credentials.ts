import path from 'node:path'
import { ConfigError } from '../domain/errors.js'
import { connectionSecretKeys, DEFAULT_CONNECTION, type Connection } from '../domain/connection.js'
import { normalizeOrgUrl, type OktaAuth, type OktaCredentials } from '../domain/okta-credentials.js'
import { secretKeys, type Profile } from '../domain/profile.js'
import type { ConnectionStore } from './connection-store.js'
import type { FileSystem } from './fs.js'
import type { ProfileStore } from './profile-store.js'
import type { SecretStore } from './secret-store.js'

/** What credential resolution reads. */
export interface CredentialSources {
  env: Record<string, string | undefined>
  homedir: string
  fs: FileSystem
  profiles: ProfileStore
  /** Org connections (`okta configure --org NAME`); absent: only profiles, env and okta.yaml are read. */
  connections?: ConnectionStore | undefined
  /** Opened only when a profile says its token or key is in the secret store. */
  secretStore(): Promise<SecretStore>
}

/** The profile that holds Management API credentials when the app's own profile has none. */
export const CREDENTIALS_FALLBACK_PROFILE = 'default'

interface Partial {
  orgUrl?: string | undefined
  auth?: OktaAuth | undefined
  source: string
}

/** Which connection to use, when the caller knows (a spec environment, `--org NAME`). */
export interface CredentialChoice {
  /** A connection that must exist (a ConfigError names it otherwise). */
  connection?: string | undefined
}

/**
 * Finds Management API credentials — the one place every command (create-app, doctor, setup, apply…) gets them
 * from. Per field, the first that has it wins: `OKTA_CLIENT_*` environment variables (as the Okta SDK reads them),
 * then the org connection — the one named by the caller, else the one the profile references, else (legacy) the
 * credentials a profile written before connections existed holds itself, else the `default` connection or the only
 * one there is, else a legacy "default" profile's — then `~/.okta/okta.yaml`. Throws a ConfigError with a hint when
 * nothing is configured.
 */
export async function resolveOktaCredentials(
  profileName: string,
  sources: CredentialSources,
  choice: CredentialChoice = {},
): Promise<OktaCredentials> {
  const layers: Partial[] = [fromEnv(sources.env)]
  const stored = await storedLayer(profileName, sources, choice)
  if (stored) {
    layers.push(stored)
  }
  layers.push(await fromYaml(sources))
  const org = layers.find((l) => l.orgUrl)
  const auth = layers.find((l) => l.auth)
  if (!org?.orgUrl || !auth?.auth) {
    throw new ConfigError(
      org?.orgUrl ? `no Okta API credentials for ${org.orgUrl}` : 'no Okta org configured',
      {
        hint: 'run `oidc-setup okta configure --org-url https://your-org.okta.com` (or set OKTA_CLIENT_ORGURL and OKTA_CLIENT_TOKEN); to try things locally, start `oidc-setup sandbox start`',
      },
    )
  }
  const source = org === auth ? org.source : `${org.source} (org URL) and ${auth.source} (credentials)`
  return { orgUrl: normalizeOrgUrl(org.orgUrl, `the org URL from ${org.source}`), auth: auth.auth, source }
}

/** The connection a profile's commands use: see resolveOktaCredentials for the order. */
async function storedLayer(profileName: string, sources: CredentialSources, choice: CredentialChoice): Promise<Partial | undefined> {
  const { connections } = sources
  if (choice.connection) {
    const named = await connections?.get(choice.connection)
    if (!named) {
      throw new ConfigError(`no Okta connection "${choice.connection}"`, {
        hint: `run \`oidc-setup okta configure --org ${choice.connection} --org-url https://your-org.okta.com\``,
      })
    }
    return fromConnection(named, sources)
  }
  const profile = await sources.profiles.get(profileName)
  if (profile?.connection) {
    const referenced = await connections?.get(profile.connection)
    if (!referenced) {
      throw new ConfigError(`profile "${profileName}" uses the Okta connection "${profile.connection}", which does not exist`, {
        hint: `run \`oidc-setup okta configure --org ${profile.connection}\``,
      })
    }
    return fromConnection(referenced, sources)
  }
  if (profile?.management) {
    // A profile written before connections existed is its own connection.
    return fromProfile(profile, sources)
  }
  const all = (await connections?.list()) ?? []
  const fallback = all.find((c) => c.name === DEFAULT_CONNECTION) ?? (all.length === 1 ? all[0] : undefined)
  if (fallback) {
    return fromConnection(fallback, sources)
  }
  if (profileName !== CREDENTIALS_FALLBACK_PROFILE) {
    const legacy = await sources.profiles.get(CREDENTIALS_FALLBACK_PROFILE)
    if (legacy?.management) {
      return fromProfile(legacy, sources)
    }
  }
  return undefined
}

function fromEnv(env: Record<string, string | undefined>): Partial {
  return fromClientConfig(
    {
      orgUrl: env.OKTA_CLIENT_ORGURL,
      token: env.OKTA_CLIENT_TOKEN,
      authorizationMode: env.OKTA_CLIENT_AUTHORIZATIONMODE,
      clientId: env.OKTA_CLIENT_CLIENTID,
      scopes: env.OKTA_CLIENT_SCOPES,
      privateKey: env.OKTA_CLIENT_PRIVATEKEY,
      keyId: env.OKTA_CLIENT_KEYID,
    },
    'OKTA_CLIENT_* environment variables',
  )
}

interface ClientConfig {
  orgUrl?: unknown
  token?: unknown
  authorizationMode?: unknown
  clientId?: unknown
  scopes?: unknown
  privateKey?: unknown
  keyId?: unknown
}

function fromClientConfig(c: ClientConfig, source: string): Partial {
  const s = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined)
  const scopes = Array.isArray(c.scopes) ? c.scopes.map(String) : (s(c.scopes)?.split(/\s+/) ?? [])
  let auth: OktaAuth | undefined
  if (s(c.authorizationMode) === 'PrivateKey') {
    const clientId = s(c.clientId)
    const privateKey = typeof c.privateKey === 'object' && c.privateKey !== null ? JSON.stringify(c.privateKey) : s(c.privateKey)
    if (clientId && privateKey) {
      auth = { mode: 'PrivateKey', clientId, privateKey, scopes, keyId: s(c.keyId) }
    }
  } else if (s(c.token)) {
    auth = { mode: 'SSWS', token: s(c.token) as string }
  }
  return { orgUrl: s(c.orgUrl), auth, source }
}

function fromProfile(profile: Profile, sources: CredentialSources): Promise<Partial> {
  return fromStored(profile.orgUrl, profile.management, `profile "${profile.name}"`, secretKeys.apiToken(profile.name), secretKeys.privateKey(profile.name), sources)
}

function fromConnection(connection: Connection, sources: CredentialSources): Promise<Partial> {
  const { name } = connection
  return fromStored(connection.orgUrl, connection.management, `connection "${name}"`, connectionSecretKeys.apiToken(name), connectionSecretKeys.privateKey(name), sources)
}

async function fromStored(
  orgUrl: string | undefined,
  m: Profile['management'],
  source: string,
  tokenKey: string,
  keyKey: string,
  sources: CredentialSources,
): Promise<Partial> {
  if (!m) {
    return { orgUrl, source }
  }
  const store = await sources.secretStore()
  if (m.authMode === 'SSWS') {
    const token = await store.get(tokenKey)
    return { orgUrl, auth: token ? { mode: 'SSWS', token } : undefined, source }
  }
  let privateKey = await store.get(keyKey)
  if (!privateKey && m.privateKeyFile) {
    privateKey = await sources.fs.readText(m.privateKeyFile)
  }
  return {
    orgUrl,
    auth:
      privateKey && m.clientId
        ? { mode: 'PrivateKey', clientId: m.clientId, privateKey, keyId: m.keyId, scopes: m.scopes ?? [] }
        : undefined,
    source,
  }
}

async function fromYaml(sources: CredentialSources): Promise<Partial> {
  const file = path.join(sources.homedir, '.okta', 'okta.yaml')
  const source = '~/.okta/okta.yaml'
  const text = await sources.fs.readText(file)
  if (text === undefined) {
    return { source }
  }
  const { parse } = await import('yaml')
  let doc: unknown
  try {
    doc = parse(text)
  } catch (cause) {
    throw new ConfigError(`could not read ${file}: not valid YAML`, { hint: `fix or remove ${file}`, cause })
  }
  const client = ((doc as { okta?: { client?: ClientConfig } } | null)?.okta?.client ?? {}) as ClientConfig
  return fromClientConfig(client, source)
}
