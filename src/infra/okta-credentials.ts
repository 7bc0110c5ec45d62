import path from 'node:path'
import { ConfigError } from '../domain/errors.js'
import { normalizeOrgUrl, type OktaAuth, type OktaCredentials } from '../domain/okta-credentials.js'
import { secretKeys, type Profile } from '../domain/profile.js'
import type { FileSystem } from './fs.js'
import type { ProfileStore } from './profile-store.js'
import type { SecretStore } from './secret-store.js'

/** What credential resolution reads. */
export interface CredentialSources {
  env: Record<string, string | undefined>
  homedir: string
  fs: FileSystem
  profiles: ProfileStore
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

/**
 * Finds Management API credentials — the one place every command (create-app, doctor, setup…) gets them from.
 * Per field, the first that has it wins: `OKTA_CLIENT_*` environment variables (as the Okta SDK reads them), the
 * profile configured by `okta configure` (this profile, else "default"), then `~/.okta/okta.yaml`. Throws a
 * ConfigError with a hint when nothing is configured.
 */
export async function resolveOktaCredentials(profileName: string, sources: CredentialSources): Promise<OktaCredentials> {
  const layers: Partial[] = [fromEnv(sources.env)]
  for (const name of new Set([profileName, CREDENTIALS_FALLBACK_PROFILE])) {
    const profile = await sources.profiles.get(name)
    if (profile?.management) {
      layers.push(await fromProfile(profile, sources))
      break
    }
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

async function fromProfile(profile: Profile, sources: CredentialSources): Promise<Partial> {
  const source = `profile "${profile.name}"`
  const m = profile.management
  if (!m) {
    return { orgUrl: profile.orgUrl, source }
  }
  const store = await sources.secretStore()
  if (m.authMode === 'SSWS') {
    const token = await store.get(secretKeys.apiToken(profile.name))
    return { orgUrl: profile.orgUrl, auth: token ? { mode: 'SSWS', token } : undefined, source }
  }
  let privateKey = await store.get(secretKeys.privateKey(profile.name))
  if (!privateKey && m.privateKeyFile) {
    privateKey = await sources.fs.readText(m.privateKeyFile)
  }
  return {
    orgUrl: profile.orgUrl,
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
