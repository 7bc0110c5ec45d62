// Fault injection: latency, dropped connections, injected errors and 429s on matching requests.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { OktaError } from './errors.js'
import { sendError, sleep } from './http.js'
import type { RateLimiter } from './rate-limits.js'

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

/**
 * Applies the faults that fire for a request and the rate limit: waits out injected latency, drops the connection,
 * or answers an injected error or a 429. Returns true when the request is answered (or dropped) and must not be
 * handled; with a `drop after` fault the request is handled and only its answer is lost.
 */
export async function applyFaults(
  faults: FaultRegistry,
  limiter: RateLimiter,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  path: string,
): Promise<boolean> {
  const fired = faults.take(method, path)
  const latency = faults.latencyMs + fired.reduce((sum, f) => sum + (f.kind === 'latency' ? (f.latencyMs ?? 0) : 0), 0)
  if (latency > 0) {
    await sleep(latency)
  }
  if (fired.some((f) => f.kind === 'drop' && f.when !== 'after')) {
    req.socket.destroy()
    return true
  }
  if (fired.some((f) => f.kind === 'drop' && f.when === 'after')) {
    // The request is handled (a create happens) but the client never sees the answer.
    const drop = (): ServerResponse => {
      req.socket.destroy()
      return res
    }
    res.writeHead = drop as unknown as typeof res.writeHead
    res.write = (() => (drop(), true)) as unknown as typeof res.write
    res.end = drop as unknown as typeof res.end
  }
  const decision = limiter.count(path)
  for (const [k, v] of Object.entries(decision.headers)) {
    res.setHeader(k, v)
  }
  const injected429 = fired.find((f) => f.kind === 'rateLimit')
  if (injected429 || !decision.allowed) {
    sendError(res, new OktaError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.', [], injected429 ? limiter.exhausted(path) : {}))
    return true
  }
  const injectedError = fired.find((f) => f.kind === 'error')
  if (injectedError) {
    const status = injectedError.status ?? 500
    sendError(
      res,
      status >= 500 ? new OktaError(status, 'E0000009', 'Internal Server Error') : new OktaError(status, 'E0000001', 'Api validation failed: injected fault'),
    )
    return true
  }
  return false
}
