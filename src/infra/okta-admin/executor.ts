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

/**
 * The SDK's DefaultRequestExecutor (429: wait for X-Rate-Limit-Reset, then retry) extended with: a per-attempt
 * timeout, a shared pause when X-Rate-Limit-Remaining reaches 0 (so a batch does not run into a wall of 429s),
 * retries with backoff for 5xx and dropped connections on idempotent calls (and lifecycle POSTs), and traces. With a
 * signer (private-key mode), every wire attempt — the first, each 429 retry (the base calls fetch() again) and each
 * transient retry — is signed afresh, since a DPoP proof and a client assertion may be used once only.
 */
export function createExecutor(Base: ExecutorBase, options: OktaAdminOptions, signer?: RequestSigner): object {
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

    override async fetch(request: Json): Promise<HttpResponseLike> {
      const method = String(request.method ?? 'GET').toUpperCase()
      const url = String(request.url)
      const retryable = IDEMPOTENT.has(method) || /\/lifecycle\/[a-z]+$/.test(new URL(url).pathname)
      for (let attempt = 0; ; attempt++) {
        const wait = pausedUntil - Date.now()
        if (wait > 0) {
          trace?.(`rate limit reached; pausing ${wait} ms`)
          await sleep(wait)
        }
        if (!request.startTime) {
          request.startTime = new Date()
        }
        request.timeout = timeoutMs
        const started = Date.now()
        try {
          const response = signer ? await signer.send(request, (r) => super.fetch(r)) : await super.fetch(request)
          trace?.(`${method} ${redactUrl(url)} → ${response.status} (${Date.now() - started} ms)`)
          notePause(response)
          if (response.status >= 500 && response.status !== 501 && retryable && attempt < transientRetries) {
            await sleep(backoffMs * 2 ** attempt)
            continue
          }
          return response
        } catch (error) {
          trace?.(`${method} ${redactUrl(url)} failed: ${(error as Error).message} (${Date.now() - started} ms)`)
          if (isNetworkError(error) && retryable && attempt < transientRetries) {
            await sleep(backoffMs * 2 ** attempt)
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
      const serverNow = Date.parse(response.headers.get('date') ?? '') || Date.now()
      // Date is truncated to whole seconds, so reset − Date never underestimates the wait; 100 ms covers jitter.
      pausedUntil = Math.max(pausedUntil, Date.now() + (reset * 1000 - serverNow) + 100)
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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

