// Request log, rate limits and fault injection: the parts of the sandbox that shape traffic rather than serve it.

/** One request the sandbox received. */
export interface RequestLogEntry {
  method: string
  /** Path without the query string. */
  path: string
  /** Path with the query string. */
  url: string
  /** HTTP status sent; 0 when the connection was dropped (fault injection) or closed before a response. */
  status: number
  /** When the request arrived (ms since the epoch). */
  time: number
  durationMs: number
}

/** A per-endpoint limit: at most `limit` requests per `windowSeconds` (Okta: per minute). */
export interface RateLimit {
  limit: number
  windowSeconds?: number
}

/**
 * A fault to inject on matching requests.
 * - `latency`: delay the response by `latencyMs`.
 * - `error`: answer `status` (default 500) with an Okta error body instead of handling the request.
 * - `rateLimit`: answer 429 E0000047 with the X-Rate-Limit headers of an exhausted window.
 * - `drop`: destroy the connection without a response; with `when: 'after'` the request is handled first (the write
 *   happens) and only the response is lost.
 */
export interface FaultSpec {
  kind: 'latency' | 'error' | 'rateLimit' | 'drop'
  /** A path prefix (`/api/v1/apps`) or a RegExp tested against the path; default every path. */
  path?: string | RegExp
  /** Only this HTTP method (case-insensitive); default any. */
  method?: string
  status?: number
  latencyMs?: number
  /** Probability that a matching request is hit (0..1]; default 1. */
  rate?: number
  /** How many hits before the fault removes itself; default unlimited. */
  times?: number
  when?: 'before' | 'after'
}

/** A fault that is in force; `remove()` lifts it. */
export interface FaultHandle {
  readonly id: number
  readonly spec: FaultSpec
  /** How often it fired so far. */
  readonly hits: number
  remove(): void
}

/** Runtime fault injection on the sandbox's paths. */
export interface Faults {
  /** Adds a fault; it stays until `times` hits or `remove()`. */
  add(spec: FaultSpec): FaultHandle
  /** Adds a fault that fires exactly once. */
  once(spec: Omit<FaultSpec, 'times'>): FaultHandle
  /** Adds latency to every request (0 to turn off); per-path latency is `add({kind:'latency', path, latencyMs})`. */
  setLatency(ms: number): void
  /** Adds an error rate (0..1) of `status` (default 500) answers on matching paths. */
  setErrorRate(rate: number, options?: { path?: string | RegExp; method?: string; status?: number }): FaultHandle
  /** The faults in force. */
  list(): FaultHandle[]
  /** Removes every fault and the global latency. */
  clear(): void
}

interface ActiveFault extends FaultHandle {
  hits: number
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method && spec.method.toUpperCase() !== method) {
    return false
  }
  if (spec.path === undefined) {
    return true
  }
  return typeof spec.path === 'string' ? path.startsWith(spec.path) : spec.path.test(path)
}

/** The fault registry behind `sandbox.faults`. */
export class FaultRegistry implements Faults {
  private faults: ActiveFault[] = []
  private nextId = 1
  latencyMs = 0

  constructor(initial: FaultSpec[] = [], latencyMs = 0) {
    this.latencyMs = latencyMs
    initial.forEach((f) => this.add(f))
  }

  add(spec: FaultSpec): FaultHandle {
    const fault: ActiveFault = {
      id: this.nextId++,
      spec,
      hits: 0,
      remove: () => {
        this.faults = this.faults.filter((f) => f !== fault)
      },
    }
    this.faults.push(fault)
    return fault
  }

  once(spec: Omit<FaultSpec, 'times'>): FaultHandle {
    return this.add({ ...spec, times: 1 })
  }

  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms)
  }

  setErrorRate(rate: number, options: { path?: string | RegExp; method?: string; status?: number } = {}): FaultHandle {
    return this.add({ kind: 'error', rate, ...options })
  }

  list(): FaultHandle[] {
    return [...this.faults]
  }

  clear(): void {
    this.faults = []
    this.latencyMs = 0
  }

  /** The faults that fire for this request (each counted as a hit; exhausted ones removed). */
  take(method: string, path: string): FaultSpec[] {
    const fired: FaultSpec[] = []
    for (const fault of [...this.faults]) {
      if (!matches(fault.spec, method, path)) {
        continue
      }
      if (fault.spec.rate !== undefined && Math.random() >= fault.spec.rate) {
        continue
      }
      fault.hits += 1
      fired.push(fault.spec)
      if (fault.spec.times !== undefined && fault.hits >= fault.spec.times) {
        fault.remove()
      }
    }
    return fired
  }
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
