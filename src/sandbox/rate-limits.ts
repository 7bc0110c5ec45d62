// Okta's rate limits: fixed per-minute windows per endpoint bucket, reported in X-Rate-Limit-* headers, exhausted
// with 429 E0000047 (https://developer.okta.com/docs/reference/rl-best-practices/).

/** A per-endpoint limit: at most `limit` requests per `windowSeconds` (Okta: per minute). */
export interface RateLimit {
  limit: number
  windowSeconds?: number
}

interface Window {
  start: number
  count: number
}

/** The outcome of counting one request against its bucket. */
export interface RateDecision {
  allowed: boolean
  headers: Record<string, string>
}

/** Default limit when none is configured for a path: high enough never to bite, reported like Okta. */
const DEFAULT_LIMIT: Required<RateLimit> = { limit: 1_000_000, windowSeconds: 60 }

/**
 * Fixed-window rate limits per bucket. A bucket is the longest configured path prefix that matches, else the first
 * three path segments (`/api/v1/apps`), like Okta's per-endpoint buckets.
 */
export class RateLimiter {
  private readonly limits = new Map<string, Required<RateLimit>>()
  private readonly windows = new Map<string, Window>()

  constructor(initial: Record<string, number | RateLimit> = {}) {
    for (const [prefix, value] of Object.entries(initial)) {
      this.set(prefix, value)
    }
  }

  /** Sets (or with `limit` Infinity/≤0 lifts) the limit of the bucket for `prefix`. */
  set(prefix: string, value: number | RateLimit): void {
    const limit = typeof value === 'number' ? { limit: value } : value
    if (!Number.isFinite(limit.limit) || limit.limit <= 0) {
      this.limits.delete(prefix)
    } else {
      this.limits.set(prefix, { limit: limit.limit, windowSeconds: limit.windowSeconds ?? 60 })
    }
    this.windows.delete(prefix)
  }

  private bucket(path: string): { key: string; limit: Required<RateLimit> } {
    let best: string | undefined
    for (const prefix of this.limits.keys()) {
      if (path.startsWith(prefix) && (best === undefined || prefix.length > best.length)) {
        best = prefix
      }
    }
    if (best !== undefined) {
      return { key: best, limit: this.limits.get(best) ?? DEFAULT_LIMIT }
    }
    return { key: path.split('/').slice(0, 4).join('/'), limit: DEFAULT_LIMIT }
  }

  /** Counts a request; says whether it may proceed and which X-Rate-Limit-* headers to send. */
  count(path: string, nowMs = Date.now()): RateDecision {
    const { key, limit } = this.bucket(path)
    let window = this.windows.get(key)
    if (!window || nowMs >= window.start + limit.windowSeconds * 1000) {
      window = { start: nowMs, count: 0 }
      this.windows.set(key, window)
    }
    window.count += 1
    const allowed = window.count <= limit.limit
    return {
      allowed,
      headers: {
        'X-Rate-Limit-Limit': String(limit.limit),
        'X-Rate-Limit-Remaining': String(Math.max(0, limit.limit - window.count)),
        'X-Rate-Limit-Reset': String(Math.ceil((window.start + limit.windowSeconds * 1000) / 1000)),
      },
    }
  }

  /** Headers of an exhausted window (for injected 429s). */
  exhausted(path: string, nowMs = Date.now()): Record<string, string> {
    const { limit } = this.bucket(path)
    return {
      'X-Rate-Limit-Limit': String(limit.limit),
      'X-Rate-Limit-Remaining': '0',
      'X-Rate-Limit-Reset': String(Math.ceil(nowMs / 1000)),
    }
  }
}
