import { systemClock, type Clock } from '../clock.js'
import type { OktaAdminOptions } from '../okta-admin.js'
import type { Json } from './json.js'
import type { RequestSigner } from './service-app-auth.js'

/** The HTTP response as the SDK's fetch returns it. */
export interface HttpResponseLike {
  status: number
  headers: { get(name: string): string | null }
  text(): Promise<string>
}

export interface ExecutorBase {
  new (config: { maxRetries: number; requestTimeout: number }): {
    fetch(request: Json): Promise<HttpResponseLike>
  }
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])

/** How long, and on which answers, a call is retried while Okta settles a recent write. */
export interface ConsistencyWindow {
  /** Total time the retries may take, measured on the injected clock. */
  windowMs: number
  /** Whether an answer with this status is retried (network failures always are). */
  retries(status: number): boolean
}

/**
 * Okta is eventually consistent: an app deactivated or deleted right after it was created (or deactivated) can be
 * answered 404 or 500 for a while. okta/terraform-provider-okta (v6.12.0, e59c130) okta/services/idaas/app.go
 * `deleteApplication` ("Okta Core can have eventual consistency issues") retries `DeactivateApplication` for 20 s and
 * `DeleteApplication` for 30 s ("Explicitly retry on HTTP 500"), with an exponential backoff
 * (okta/utils/utils.go `NewExponentialBackOffWithContext`); in production every error is retried
 * (okta/config/config.go `ProductionTimeOperations.DoNotRetry` returns false), so a 404 is too. The same here for
 * `POST /api/v1/apps/{appId}/lifecycle/deactivate` (404 and 5xx) and `DELETE /api/v1/apps/{appId}` (5xx; a 404 after
 * our own deactivation means the app is gone, and the adapter reads the app first so a missing one costs no wait).
 */
export function consistencyWindow(method: string, pathname: string): ConsistencyWindow | undefined {
  const transient = (status: number): boolean => status >= 500 && status !== 501
  if (method === 'POST' && /^\/api\/v1\/apps\/[^/]+\/lifecycle\/deactivate$/.test(pathname)) {
    return { windowMs: 20_000, retries: (status) => status === 404 || transient(status) }
  }
  if (method === 'DELETE' && /^\/api\/v1\/apps\/[^/]+$/.test(pathname)) {
    return { windowMs: 30_000, retries: transient }
  }
  return undefined
}

/**
 * The waits of cenkalti/backoff's ExponentialBackOff as terraform-provider-okta uses it (defaults: 500 ms initial
 * interval, multiplier 1.5, 60 s maximum interval), without its ±50 % randomization so that runs are reproducible.
 */
export function consistencyDelayMs(attempt: number): number {
  return Math.min(500 * 1.5 ** attempt, 60_000)
}

/**
 * The SDK's DefaultRequestExecutor (429: wait for X-Rate-Limit-Reset, then retry) extended with: a per-attempt
 * timeout, a shared pause when X-Rate-Limit-Remaining reaches 0 (so a batch does not run into a wall of 429s),
 * retries with backoff for 5xx and dropped connections on idempotent calls (and lifecycle POSTs), and traces. With a
 * signer (private-key mode), every wire attempt — the first, each 429 retry (the base calls fetch() again) and each
 * transient retry — is signed afresh, since a DPoP proof and a client assertion may be used once only.
 */
export function createExecutor(Base: ExecutorBase, options: OktaAdminOptions, signer?: RequestSigner): object {
  const clock: Clock = options.clock ?? systemClock
  const nowMs = (): number => clock.now().getTime()
  const timeoutMs = options.requestTimeoutMs ?? 30_000
  const transientRetries = options.transientRetries ?? 3
  const backoffMs = options.backoffMs ?? 200
  const trace = options.trace
  let pausedUntil = 0

  class CliRequestExecutor extends Base {
    constructor() {
      // requestTimeout 0: the SDK's total budget would otherwise cut 429 waits short; the per-attempt timeout is ours.
      super({ maxRetries: options.rateLimitRetries ?? 8, requestTimeout: 0 })
      ;(this as unknown as { on(event: string, fn: (...args: unknown[]) => void): void }).on(
        'backoff',
        (request: unknown, _response: unknown, _id: unknown, delayMs: unknown) => {
          const r = request as Json
          trace?.(`${String(r.method ?? 'GET').toUpperCase()} ${redactUrl(String(r.url))} → 429 rate limited; retrying in ${String(delayMs)} ms`)
        },
      )
    }

    /** The SDK's 429 retry (DefaultRequestExecutor.retryRequest), its wait taken through the injected clock. */
    retryRequest(request: Json, response: HttpResponseLike, delayMs: number): Promise<HttpResponseLike> {
      const self = this as unknown as {
        emit(event: string, ...args: unknown[]): void
        getOktaRequestId(response: HttpResponseLike): string | null
        buildRetryRequest(request: Json, requestId: string | null, delayMs: number): Json
      }
      const requestId = self.getOktaRequestId(response)
      self.emit('backoff', request, response, requestId, delayMs)
      return clock.sleep(delayMs).then(() => {
        const next = self.buildRetryRequest(request, requestId, delayMs)
        self.emit('resume', next, requestId)
        return this.fetch(next)
      })
    }

    override async fetch(request: Json): Promise<HttpResponseLike> {
      const method = String(request.method ?? 'GET').toUpperCase()
      const url = String(request.url)
      const pathname = new URL(url).pathname
      const retryable = IDEMPOTENT.has(method) || /\/lifecycle\/[a-z]+$/.test(pathname)
      const settling = consistencyWindow(method, pathname)
      const firstAt = nowMs()
      let settleAttempt = 0
      // Retries while Okta settles a recent write, within the window of terraform-provider-okta (see above).
      const settleWait = (): number | undefined => {
        if (!settling) {
          return undefined
        }
        const delay = consistencyDelayMs(settleAttempt)
        return nowMs() + delay - firstAt <= settling.windowMs ? delay : undefined
      }
      for (let attempt = 0; ; attempt++) {
        const wait = pausedUntil - nowMs()
        if (wait > 0) {
          trace?.(`rate limit reached; pausing ${wait} ms`)
          await clock.sleep(wait)
        }
        if (!request.startTime) {
          request.startTime = new Date()
        }
        request.timeout = timeoutMs
        const started = nowMs()
        try {
          const response = signer ? await signer.send(request, (r) => super.fetch(r)) : await super.fetch(request)
          trace?.(`${method} ${redactUrl(url)} → ${response.status} (${nowMs() - started} ms)`)
          notePause(response)
          if (settling?.retries(response.status)) {
            const delay = settleWait()
            if (delay !== undefined) {
              trace?.(`${method} ${redactUrl(url)}: Okta may still be settling a recent change; retrying in ${delay} ms`)
              settleAttempt++
              await clock.sleep(delay)
              continue
            }
            return response
          }
          if (response.status >= 500 && response.status !== 501 && retryable && attempt < transientRetries) {
            await clock.sleep(backoffMs * 2 ** attempt)
            continue
          }
          return response
        } catch (error) {
          trace?.(`${method} ${redactUrl(url)} failed: ${(error as Error).message} (${nowMs() - started} ms)`)
          if (isNetworkError(error) && settling) {
            const delay = settleWait()
            if (delay !== undefined) {
              settleAttempt++
              await clock.sleep(delay)
              continue
            }
            throw error
          }
          if (isNetworkError(error) && retryable && attempt < transientRetries) {
            await clock.sleep(backoffMs * 2 ** attempt)
            continue
          }
          throw error
        }
      }
    }
  }

  function notePause(response: HttpResponseLike): void {
    const remaining = response.headers.get('x-rate-limit-remaining')
    const reset = Number(response.headers.get('x-rate-limit-reset'))
    if (remaining === '0' && Number.isFinite(reset) && reset > 0) {
      const serverNow = Date.parse(response.headers.get('date') ?? '') || nowMs()
      // Date is truncated to whole seconds, so reset − Date never underestimates the wait; 100 ms covers jitter.
      pausedUntil = Math.max(pausedUntil, nowMs() + (reset * 1000 - serverNow) + 100)
    }
  }

  return new CliRequestExecutor()
}

export function isNetworkError(error: unknown): boolean {
  const e = error as { type?: string; code?: string; name?: string } | undefined
  return e?.name === 'FetchError' || e?.type === 'system' || e?.type === 'request-timeout' || e?.name === 'AbortError'
}

export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|client_secret|code)=)[^&]*/gi, '$1[redacted]')
}

