// The executor's eventual-consistency retries (issue 12), timed like okta/terraform-provider-okta's
// okta/services/idaas/app.go deleteApplication: deactivate for 20 s, delete for 30 s. Every wait goes through a fake
// clock, so nothing here sleeps.
import { describe, expect, it } from 'vitest'
import { consistencyDelayMs, consistencyWindow, createExecutor, type ExecutorBase, type HttpResponseLike } from '../../src/infra/okta-admin/executor.js'
import type { Clock } from '../../src/infra/clock.js'

/** A clock that moves only when something waits on it. */
class FakeClock implements Clock {
  private at = Date.parse('2026-12-01T00:00:00Z')
  now(): Date {
    return new Date(this.at)
  }
  async sleep(ms: number): Promise<void> {
    this.at += ms
  }
}

type Json = Record<string, unknown>
const ORG = 'https://example.okta.com'

/** A wire that answers with the given statuses in turn (the last one forever) and records when it was called. */
function wire(statuses: number[], clock: FakeClock): { Base: ExecutorBase; calls: number[] } {
  const calls: number[] = []
  const t0 = clock.now().getTime()
  class Stub {
    on(): void {}
    async fetch(): Promise<HttpResponseLike> {
      calls.push(clock.now().getTime() - t0)
      const status = statuses[Math.min(calls.length - 1, statuses.length - 1)] ?? 200
      return { status, headers: { get: () => null }, text: async () => '' }
    }
  }
  return { Base: Stub as unknown as ExecutorBase, calls }
}

async function send(statuses: number[], method: string, path: string): Promise<{ status: number; calls: number[] }> {
  const clock = new FakeClock()
  const { Base, calls } = wire(statuses, clock)
  const executor = createExecutor(Base, { clock, transientRetries: 3, backoffMs: 200 }) as { fetch(r: Json): Promise<HttpResponseLike> }
  const response = await executor.fetch({ method, url: `${ORG}${path}` })
  return { status: response.status, calls }
}

describe('eventual-consistency retries (terraform-provider-okta app.go deleteApplication)', () => {
  it('applies to app deactivation (20 s: 404 and 5xx) and app deletion (30 s: 5xx) only', () => {
    expect(consistencyWindow('POST', '/api/v1/apps/0oa1/lifecycle/deactivate')).toMatchObject({ windowMs: 20_000 })
    expect(consistencyWindow('DELETE', '/api/v1/apps/0oa1')).toMatchObject({ windowMs: 30_000 })
    expect(consistencyWindow('POST', '/api/v1/apps/0oa1/lifecycle/deactivate')?.retries(404)).toBe(true)
    expect(consistencyWindow('DELETE', '/api/v1/apps/0oa1')?.retries(500)).toBe(true)
    expect(consistencyWindow('DELETE', '/api/v1/apps/0oa1')?.retries(404)).toBe(false)
    expect(consistencyWindow('DELETE', '/api/v1/apps/0oa1')?.retries(501)).toBe(false)
    expect(consistencyWindow('GET', '/api/v1/apps/0oa1')).toBeUndefined()
    expect(consistencyWindow('DELETE', '/api/v1/apps/0oa1/groups/00g1')).toBeUndefined()
    // cenkalti/backoff's defaults without jitter: 500 ms, ×1.5.
    expect([0, 1, 2, 3].map(consistencyDelayMs)).toEqual([500, 750, 1125, 1687.5])
  })

  it('retries a deactivation answered 404 until Okta has settled', async () => {
    const r = await send([404, 404, 404, 200], 'POST', '/api/v1/apps/0oa1/lifecycle/deactivate')
    expect(r.status).toBe(200)
    expect(r.calls).toEqual([0, 500, 1250, 2375])
  })

  it('gives up on a deactivation after 20 s (fake) and returns Okta\'s answer', async () => {
    const r = await send([404], 'POST', '/api/v1/apps/0oa1/lifecycle/deactivate')
    expect(r.status).toBe(404)
    const last = r.calls[r.calls.length - 1] ?? 0
    expect(last).toBeLessThanOrEqual(20_000)
    expect(last + consistencyDelayMs(r.calls.length - 1)).toBeGreaterThan(20_000)
  })

  it('retries a deletion answered 500 for up to 30 s, not a deletion answered 404', async () => {
    const busy = await send([500], 'DELETE', '/api/v1/apps/0oa1')
    expect(busy.status).toBe(500)
    const last = busy.calls[busy.calls.length - 1] ?? 0
    expect(last).toBeGreaterThan(20_000)
    expect(last).toBeLessThanOrEqual(30_000)
    expect((await send([500, 500, 204], 'DELETE', '/api/v1/apps/0oa1')).calls).toEqual([0, 500, 1250])
    expect((await send([404, 204], 'DELETE', '/api/v1/apps/0oa1')).calls).toEqual([0])
  })

  it('keeps the short transient retries for other calls, waiting on the clock too', async () => {
    const r = await send([503, 503, 200], 'GET', '/api/v1/apps/0oa1')
    expect(r.status).toBe(200)
    expect(r.calls).toEqual([0, 200, 600])
    expect((await send([404], 'GET', '/api/v1/apps/0oa1')).calls).toEqual([0])
  })
})
