import { secretKeys } from '../domain/profile.js'
import { parseTokenSet } from '../domain/token-set.js'
import type { Browser } from '../infra/browser.js'
import type { OidcClient } from '../infra/oidc.js'
import type { ProfileStore } from '../infra/profile-store.js'
import type { SecretStore } from '../infra/secret-store.js'

/** What `logout` needs: one profile, or every profile with a token set. */
export interface LogoutInput {
  profiles: string[] | 'all'
  endSession: boolean
}

/** The edges `logout` uses. */
export interface LogoutDeps {
  profiles: ProfileStore
  secretStore(): Promise<SecretStore>
  oidc: OidcClient
  browser: Browser
  warn(message: string): void
}

/** What happened to one profile. */
export interface LogoutResult {
  profile: string
  hadTokens: boolean
  /** Tokens revoked at the server (`refresh_token`, `access_token`). */
  revoked: string[]
  /** Set when server-side revocation was skipped or failed (the local tokens are deleted anyway). */
  revocationSkipped?: string | undefined
  endSessionUrl?: string | undefined
  browserOpened?: boolean | undefined
}

/**
 * Revokes each profile's refresh and access tokens (RFC 7009) and deletes them from the secret store; a server that
 * cannot be reached only costs a warning. With `endSession` opens the end-session URL.
 */
export async function logout(input: LogoutInput, deps: LogoutDeps): Promise<LogoutResult[]> {
  const store = await deps.secretStore()
  const names = input.profiles === 'all' ? (await deps.profiles.list()).map((p) => p.name) : input.profiles
  const results: LogoutResult[] = []
  for (const name of names) {
    const key = secretKeys.tokenSet(name)
    const set = parseTokenSet(await store.get(key))
    if (!set) {
      if (input.profiles !== 'all') {
        results.push({ profile: name, hadTokens: false, revoked: [] })
      }
      continue
    }
    const result: LogoutResult = { profile: name, hadTokens: true, revoked: [] }
    try {
      const server = await deps.oidc.discover(set.issuer, set.clientId)
      if (!server.canRevoke) {
        result.revocationSkipped = 'the server publishes no revocation endpoint'
      } else {
        // The refresh token first: revoking it also ends the grant's access tokens at Okta.
        if (set.refreshToken) {
          await server.revoke(set.refreshToken, 'refresh_token')
          result.revoked.push('refresh_token')
        }
        await server.revoke(set.accessToken, 'access_token')
        result.revoked.push('access_token')
      }
      if (input.endSession) {
        result.endSessionUrl = server.endSessionUrl(set.idToken)
      }
    } catch (error) {
      result.revocationSkipped = error instanceof Error ? error.message : String(error)
    }
    if (result.revocationSkipped) {
      deps.warn(`profile "${name}": server-side revocation skipped (${result.revocationSkipped}); the tokens are deleted here but stay valid until they expire`)
    }
    await store.delete(key)
    if (result.endSessionUrl) {
      result.browserOpened = await deps.browser.open(result.endSessionUrl)
    }
    results.push(result)
  }
  return results
}
