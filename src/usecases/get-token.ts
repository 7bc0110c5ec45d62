import { AuthError, ErrorCode, UnreachableServerError } from '../domain/errors.js'
import { secretKeys } from '../domain/profile.js'
import { isFresh, parseTokenSet, pickToken, serializeTokenSet, toStoredTokenSet, type StoredTokenSet, type TokenKind } from '../domain/token-set.js'
import type { Clock } from '../infra/clock.js'
import type { OidcClient } from '../infra/oidc.js'
import type { SecretStore } from '../infra/secret-store.js'

/** What `token` needs. */
export interface GetTokenInput {
  profile: string
  kind: TokenKind
  /** Refresh when the token expires within this many seconds. */
  minValiditySeconds: number
}

/** The edges `token` uses; `oidc` and `lock` are touched only when a refresh is due. */
export interface GetTokenDeps {
  /** Whether the profile exists (a typo is reported without touching the keychain). */
  profileExists(profile: string): Promise<boolean>
  secretStore(): Promise<SecretStore>
  clock: Clock
  oidc: OidcClient
  /** Takes the profile's refresh lock; returns its release. */
  lock(profile: string): Promise<() => Promise<void>>
}

/** The token `token` prints. */
export interface GetTokenResult {
  token: string
  expiresAt: number | undefined
  refreshed: boolean
  /** Why a token valid for less than the asked minimum was returned (for stderr). */
  warnings: string[]
}

function loginHint(profile: string): string {
  return `run \`oidc-setup login${profile === 'default' ? '' : ` --profile ${profile}`}\``
}

/**
 * Returns a token valid for at least `minValiditySeconds`: the stored one when it is (no network, no openid-client),
 * else a refreshed one, under a lock so concurrent calls never spend one refresh token twice.
 */
export async function getToken(input: GetTokenInput, deps: GetTokenDeps): Promise<GetTokenResult> {
  if (!(await deps.profileExists(input.profile))) {
    throw new AuthError(`not logged in with profile "${input.profile}" (no such profile)`, { hint: loginHint(input.profile), code: ErrorCode.notLoggedIn })
  }
  const store = await deps.secretStore()
  const key = secretKeys.tokenSet(input.profile)
  const nowSeconds = (): number => Math.floor(deps.clock.now().getTime() / 1000)
  const current = parseTokenSet(await store.get(key))
  if (!current) {
    throw new AuthError(`not logged in with profile "${input.profile}"`, { hint: loginHint(input.profile), code: ErrorCode.notLoggedIn })
  }
  const fresh = usable(current, input, nowSeconds())
  if (fresh) {
    return { ...fresh, refreshed: false, warnings: [] }
  }
  const what = input.kind === 'id' ? 'ID' : 'access'
  if (!current.refreshToken) {
    // Inside the refresh margin but not expired: the token still works, and nothing could replace it (issue 10).
    const still = stillValid(current, input, nowSeconds())
    if (still) {
      return {
        ...still,
        refreshed: false,
        warnings: [`the ${what} token of profile "${input.profile}" expires in ${still.left} s and there is no refresh token to renew it; ${loginHint(input.profile)} for a new one`],
      }
    }
    throw new AuthError(`the ${what} token of profile "${input.profile}" has expired and there is no refresh token`, {
      hint: loginHint(input.profile),
      code: ErrorCode.notLoggedIn,
    })
  }
  const release = await deps.lock(input.profile)
  try {
    // Another `token` may have refreshed while this one waited for the lock: its result is the one to use.
    const latest = parseTokenSet(await store.get(key))
    if (!latest) {
      throw new AuthError(`not logged in with profile "${input.profile}"`, { hint: loginHint(input.profile), code: ErrorCode.notLoggedIn })
    }
    const already = usable(latest, input, nowSeconds())
    if (already) {
      return { ...already, refreshed: false, warnings: [] }
    }
    if (!latest.refreshToken) {
      throw new AuthError(`the token of profile "${input.profile}" has expired and there is no refresh token`, { hint: loginHint(input.profile) })
    }
    let next: StoredTokenSet
    try {
      const server = await deps.oidc.discover(latest.issuer, latest.clientId)
      const response = await server.refresh(latest.refreshToken)
      next = toStoredTokenSet(response, { issuer: latest.issuer, clientId: latest.clientId, requestedScopes: latest.scopes, nowSeconds: nowSeconds() }, latest)
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message.replace(/^could not (refresh the token|discover [^:]*): /, '') : String(cause)
      if ((cause as { offline?: unknown }).offline === true) {
        // The server is out of reach, not the login: the stored tokens stay, and signing in again would not help.
        const still = stillValid(latest, input, nowSeconds())
        if (still) {
          return {
            ...still,
            refreshed: false,
            warnings: [`could not refresh the token of profile "${input.profile}": ${latest.issuer} cannot be reached; the current one is valid for ${still.left} s more`],
          }
        }
        throw new UnreachableServerError(`could not refresh the token of profile "${input.profile}": ${latest.issuer} cannot be reached`, {
          hint: `check the network connection (and any proxy) to ${latest.issuer}; you are still logged in, and \`oidc-setup token\` works again once it is reachable`,
          cause,
        })
      }
      throw new AuthError(`could not refresh the token of profile "${input.profile}": ${reason}`, { hint: loginHint(input.profile), cause })
    }
    await store.set(key, serializeTokenSet(next))
    const picked = usable(next, { ...input, minValiditySeconds: 0 }, nowSeconds())
    if (!picked) {
      throw new AuthError(`the refreshed token set of profile "${input.profile}" has no valid ${input.kind === 'id' ? 'ID' : 'access'} token`, {
        hint: `${loginHint(input.profile)}${input.kind === 'id' ? ' (the server did not return a new ID token on refresh)' : ''}`,
      })
    }
    return { ...picked, refreshed: true, warnings: [] }
  } finally {
    await release()
  }
}

/** The token when it has not expired yet (whatever the asked minimum), with the seconds it has left. */
function stillValid(set: StoredTokenSet, input: GetTokenInput, now: number): { token: string; expiresAt: number | undefined; left: number } | undefined {
  const picked = pickToken(set, input.kind)
  if (!picked || picked.expiresAt === undefined || picked.expiresAt <= now) {
    return undefined
  }
  return { token: picked.value, expiresAt: picked.expiresAt, left: picked.expiresAt - now }
}

function usable(set: StoredTokenSet, input: GetTokenInput, now: number): { token: string; expiresAt: number | undefined } | undefined {
  const picked = pickToken(set, input.kind)
  if (!picked || !isFresh(picked.expiresAt, now, input.minValiditySeconds)) {
    return undefined
  }
  return { token: picked.value, expiresAt: picked.expiresAt }
}
