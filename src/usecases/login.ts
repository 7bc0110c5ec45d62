import { AuthError, ErrorCode, InterruptedError } from '../domain/errors.js'
import { secretKeys } from '../domain/profile.js'
import { serializeTokenSet, toStoredTokenSet, type StoredTokenSet, type TokenResponse } from '../domain/token-set.js'
import type { Browser } from '../infra/browser.js'
import type { Clock } from '../infra/clock.js'
import type { LoopbackListener } from '../infra/loopback-server.js'
import type { DeviceAuthorization, OidcClient, OidcServer } from '../infra/oidc.js'
import type { SecretStore } from '../infra/secret-store.js'

/** The default scopes of `login` when the profile names none. */
export const DEFAULT_LOGIN_SCOPES = ['openid', 'profile', 'email', 'offline_access']

/** What `login` needs. */
export interface LoginInput {
  profile: string
  issuer: string
  clientId: string
  scopes: string[]
  /** Loopback ports to try in order. */
  ports: readonly number[]
  /** False with --no-browser: only print the URL. */
  openBrowser: boolean
  timeoutMs: number
  device: boolean
}

/** What `login` reports while it waits. */
export interface LoginEvents {
  authorizationUrl(url: string, redirectUri: string): void
  browserNotOpened(reason: 'disabled' | 'unavailable'): void
  device(device: DeviceAuthorization): void
}

/** The edges `login` uses. */
export interface LoginDeps {
  oidc: OidcClient
  startListener(options: { ports: readonly number[]; expectedState: string }): Promise<LoopbackListener>
  browser: Browser
  /** Opens (and probes) the secret store before anything is sent to the server. */
  secretStore(): Promise<SecretStore>
  clock: Clock
  interrupt: AbortSignal
  events: LoginEvents
  /** Takes the profile's login lock without waiting; undefined when another login of the profile holds it. */
  lock(profile: string): Promise<(() => Promise<void>) | undefined>
}

/** What `login` stored (no token values). */
export interface LoginResult {
  profile: string
  issuer: string
  clientId: string
  subject?: string | undefined
  email?: string | undefined
  scopes: string[]
  expiresAt?: number | undefined
  hasRefreshToken: boolean
  store: string
  redirectUri?: string | undefined
}

/**
 * Signs the user in (authorization code + PKCE on a loopback listener, or the device grant) and stores the token
 * set under the profile. Nothing is stored when any step fails.
 */
export async function login(input: LoginInput, deps: LoginDeps): Promise<LoginResult> {
  // One interactive login per profile at a time: a second one (an IDE re-running kubectl, a parallel script) must
  // never open another sign-in tab or fight over the loopback port (int128/kubelogin#904, #1330).
  const release = await deps.lock(input.profile)
  if (!release) {
    throw new AuthError(`a login for profile "${input.profile}" is already in progress`, {
      hint: 'finish the sign-in it opened (or press Ctrl-C in its terminal), then run `oidc-setup token` or `oidc-setup status`',
      code: ErrorCode.loginInProgress,
    })
  }
  try {
    return await loginLocked(input, deps)
  } finally {
    await release()
  }
}

async function loginLocked(input: LoginInput, deps: LoginDeps): Promise<LoginResult> {
  const store = await deps.secretStore()
  const server = await deps.oidc.discover(input.issuer, input.clientId)
  const { tokens, redirectUri } = input.device ? { tokens: await deviceLogin(input, deps, server), redirectUri: undefined } : await browserLogin(input, deps, server)
  const set = toStoredTokenSet(tokens, {
    issuer: input.issuer,
    clientId: input.clientId,
    requestedScopes: input.scopes,
    nowSeconds: Math.floor(deps.clock.now().getTime() / 1000),
  })
  await store.set(secretKeys.tokenSet(input.profile), serializeTokenSet(set))
  return summary(input.profile, set, store, redirectUri)
}

function summary(profile: string, set: StoredTokenSet, store: SecretStore, redirectUri?: string): LoginResult {
  return {
    profile,
    issuer: set.issuer,
    clientId: set.clientId,
    subject: set.subject,
    email: set.email,
    scopes: set.scopes,
    expiresAt: set.expiresAt,
    hasRefreshToken: set.refreshToken !== undefined,
    store: store.describe(),
    redirectUri,
  }
}

/** Rejects when the timeout passes or the user interrupts; `dispose` clears the timer. */
function waitLimits(timeoutMs: number, interrupt: AbortSignal, what: string): { limit: Promise<never>; signal: AbortSignal; dispose(): void } {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new AuthError(`login timed out after ${timeoutMs / 1000} s waiting for ${what}`, {
        hint: 'run oidc-setup login again and finish the sign-in in time, or pass a longer --timeout SECONDS',
      })
      controller.abort(error)
      reject(error)
    }, timeoutMs)
    onAbort = () => {
      const error = new InterruptedError('login interrupted; nothing was stored')
      controller.abort(error)
      reject(error)
    }
    if (interrupt.aborted) {
      onAbort()
    } else {
      interrupt.addEventListener('abort', onAbort, { once: true })
    }
  })
  limit.catch(() => undefined)
  return {
    limit,
    signal: controller.signal,
    dispose() {
      clearTimeout(timer)
      if (onAbort) {
        interrupt.removeEventListener('abort', onAbort)
      }
    },
  }
}

async function browserLogin(input: LoginInput, deps: LoginDeps, server: OidcServer): Promise<{ tokens: TokenResponse; redirectUri: string }> {
  // The state is fixed before the listener starts, the redirect URI (port) only after: build the request twice
  // would change the state, so the listener checks against a holder filled right after.
  const holder = { state: '' }
  const listener = await deps.startListener({
    ports: input.ports,
    get expectedState() {
      return holder.state
    },
  })
  const limits = waitLimits(input.timeoutMs, deps.interrupt, 'the browser sign-in')
  try {
    const request = await server.authorizationRequest(listener.redirectUri, input.scopes)
    holder.state = request.state
    deps.events.authorizationUrl(request.url, listener.redirectUri)
    if (!input.openBrowser) {
      deps.events.browserNotOpened('disabled')
    } else if (!(await deps.browser.open(request.url))) {
      deps.events.browserNotOpened('unavailable')
    }
    const callback = await Promise.race([listener.callback, limits.limit])
    const error = callback.url.searchParams.get('error')
    if (error !== null) {
      const description = callback.url.searchParams.get('error_description')
      const text = `${error}${description ? `: ${description}` : ''}`
      callback.respond(false, `The authorization server answered ${text}. Return to the terminal.`)
      throw new AuthError(`could not complete the login: the authorization server answered ${text}`, {
        hint:
          error === 'access_denied'
            ? `ask your Okta administrator to assign you to the app and check the authorization server policy (oidc-setup doctor --profile ${input.profile} checks both)`
            : 'the message above is the authorization server\'s own; oidc-setup doctor checks the app and server setup',
      })
    }
    try {
      const tokens = await Promise.race([server.exchangeCode(callback.url, request), limits.limit])
      callback.respond(true, 'You are signed in. You can close this tab and return to the terminal.')
      return { tokens, redirectUri: listener.redirectUri }
    } catch (failure) {
      callback.respond(false, `The sign-in could not be completed: ${failure instanceof Error ? failure.message : String(failure)}`)
      throw failure
    }
  } finally {
    limits.dispose()
    await listener.close()
  }
}

async function deviceLogin(input: LoginInput, deps: LoginDeps, server: OidcServer): Promise<TokenResponse> {
  const device = await server.startDevice(input.scopes)
  deps.events.device(device)
  const limits = waitLimits(Math.min(input.timeoutMs, device.expiresIn * 1000), deps.interrupt, 'the device sign-in')
  try {
    return await Promise.race([server.pollDevice(device, limits.signal), limits.limit])
  } finally {
    limits.dispose()
  }
}
