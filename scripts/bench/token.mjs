// `oidc-setup token` fast path (issue 5): a cached, still-valid token printed without openid-client or any network
// call, keychain read included when a Secret Service (or macOS/Windows keychain) answers; else the file store, and
// the row says so. Goal: median ≤ 2× bare `node -e 0` (measured interleaved with this command's runs).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'

const MAX_RATIO = 2
const PROFILE = 'bench-token'
const KEY = `profile:${PROFILE}:token-set`

/** A token set the size Okta's are (JWT access and ID tokens of ~1 KB each); one keychain entry outside Windows. */
function tokenSet() {
  const now = Math.floor(Date.now() / 1000)
  return JSON.stringify({
    version: 1,
    issuer: 'https://example.okta.com/oauth2/default',
    clientId: '0oabenchtoken',
    accessToken: `eyJhbGciOiJSUzI1NiJ9.${'a'.repeat(700)}.${'s'.repeat(342)}`,
    idToken: `eyJhbGciOiJSUzI1NiJ9.${'b'.repeat(600)}.${'s'.repeat(342)}`,
    tokenType: 'Bearer',
    expiresAt: now + 86400,
    refreshToken: 'r'.repeat(43),
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    obtainedAt: now,
  })
}

/** Stores the token set in the OS keychain the way oidc-setup does; undefined when no keychain answers. */
async function keychainEntry(root, home) {
  if (process.platform === 'linux' && !process.env.DBUS_SESSION_BUS_ADDRESS) {
    return undefined
  }
  try {
    const { AsyncEntry } = createRequire(path.join(root, 'package.json'))('@napi-rs/keyring')
    // The service of a non-default config home (see keychainService in src/infra/secret-store.ts).
    const entry = new AsyncEntry(`oidc-setup ${home}`, KEY, { linux: { store: 'secret-service' } })
    const timeout = new Promise((_resolve, reject) => setTimeout(() => reject(new Error('timeout')), 3000).unref())
    await Promise.race([entry.setPassword(tokenSet()), timeout])
    return entry
  } catch {
    return undefined
  }
}

export default async function tokenBench(ctx) {
  const home = mkdtempSync(path.join(os.tmpdir(), 'bench-token-home-'))
  mkdirSync(path.join(home, 'profiles'), { recursive: true, mode: 0o700 })
  writeFileSync(
    path.join(home, 'profiles', `${PROFILE}.json`),
    JSON.stringify({ name: PROFILE, issuer: 'https://example.okta.com/oauth2/default', clientId: '0oabenchtoken' }),
    { mode: 0o600 },
  )
  const entry = await keychainEntry(ctx.root, home)
  let env = { OIDC_SETUP_CONFIG_DIR: home, OIDC_SETUP_SECRET_STORE: 'keychain' }
  let label = 'token fast path, keychain read'
  if (!entry) {
    writeFileSync(path.join(home, 'secrets.json'), JSON.stringify({ [KEY]: tokenSet() }), { mode: 0o600 })
    env = { OIDC_SETUP_CONFIG_DIR: home, OIDC_SETUP_SECRET_STORE: 'file' }
    label = 'token fast path, file store (no keychain reachable)'
  }
  try {
    const measured = ctx.timeCli(['token', '--profile', PROFILE], { env })
    const ratio = measured.ratio ?? measured.medianMs / ctx.baselineMs
    return [
      { name: `${label} (×node)`, value: ratio, unit: `× (${measured.medianMs.toFixed(0)} ms)`, goal: `≤ ${MAX_RATIO}×`, ok: ratio <= MAX_RATIO },
      { name: `${label} peak RSS`, value: measured.peakRssMb, unit: 'MB', goal: '', ok: true },
    ]
  } finally {
    if (entry) {
      await entry.deleteCredential().catch(() => undefined)
    }
    rmSync(home, { recursive: true, force: true })
  }
}
