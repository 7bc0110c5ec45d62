import path from 'node:path'
import { ConfigError } from '../domain/errors.js'

/** Releases a held lock. */
export type ReleaseLock = () => Promise<void>

/**
 * Takes the per-profile refresh lock `<config home>/locks/token-<profile>` (proper-lockfile: a directory created
 * atomically, mtime refreshed while held, taken over when stale), waiting up to ~30 s for another `token` to finish.
 */
export async function lockTokenRefresh(home: string, profile: string): Promise<ReleaseLock> {
  const { mkdir } = await import('node:fs/promises')
  const lockfile = await import('proper-lockfile')
  const dir = path.join(home, 'locks')
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const target = path.join(dir, `token-${profile}`)
  try {
    const release = await lockfile.lock(target, {
      realpath: false,
      stale: 20_000,
      retries: { retries: 300, factor: 1, minTimeout: 100, maxTimeout: 100 },
    })
    return async () => {
      await release().catch(() => undefined)
    }
  } catch (cause) {
    throw new ConfigError(`could not lock the token of profile "${profile}": ${cause instanceof Error ? cause.message : String(cause)}`, {
      hint: `another oidc-setup is refreshing it; if none runs, delete ${target}.lock`,
      cause,
    })
  }
}

/**
 * Takes the per-profile login lock `<config home>/locks/login-<profile>` without waiting: resolves undefined when
 * another `login` of the profile holds it (so a second run never opens a second sign-in tab; kubelogin#904). A lock
 * left by a killed process is taken over once stale (20 s without its refresh).
 */
export async function tryLockLogin(home: string, profile: string): Promise<ReleaseLock | undefined> {
  const { mkdir } = await import('node:fs/promises')
  const lockfile = await import('proper-lockfile')
  const dir = path.join(home, 'locks')
  await mkdir(dir, { recursive: true, mode: 0o700 })
  try {
    const release = await lockfile.lock(path.join(dir, `login-${profile}`), { realpath: false, stale: 20_000, retries: 0 })
    return async () => {
      await release().catch(() => undefined)
    }
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ELOCKED') {
      return undefined
    }
    throw new ConfigError(`could not lock the login of profile "${profile}": ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
  }
}
