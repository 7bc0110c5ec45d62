import { afterAll, beforeAll, expect } from 'vitest'
import type { Sandbox, SandboxOptions } from '../../src/sandbox/index.js'

/**
 * Starts one sandbox for the test file (before all tests, closed after them) and returns an accessor for it,
 * plus the environment that points the CLI's Management API credentials at it.
 */
export function useSandbox(options: SandboxOptions = {}): { sandbox: () => Sandbox; oktaEnv: () => Record<string, string> } {
  let sandbox: Sandbox | undefined
  beforeAll(async () => {
    const { startSandbox } = await import('../../src/sandbox/index.js')
    sandbox = await startSandbox(options)
  })
  afterAll(async () => {
    await sandbox?.close()
  })
  const get = (): Sandbox => {
    if (!sandbox) {
      throw new Error('the sandbox is not running (useSandbox() must be called at the top of a test file)')
    }
    return sandbox
  }
  return { sandbox: get, oktaEnv: () => ({ OKTA_CLIENT_ORGURL: get().orgUrl, OKTA_CLIENT_TOKEN: get().apiToken }) }
}

/**
 * The sandbox's Management API with its API token: the JSON answer (an empty object for an empty body). With
 * `{ ok: true }` a non-2xx answer fails the test, its body in the message.
 */
export function sandboxApi(
  get: () => Sandbox,
  options: { ok?: boolean } = {},
): (method: string, path: string, body?: unknown) => Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return async (method, p, body) => {
    const res = await fetch(`${get().orgUrl}${p}`, {
      method,
      headers: { Authorization: `SSWS ${get().apiToken}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    if (options.ok) {
      expect(res.ok, `${method} ${p}: ${res.status} ${text}`).toBe(true)
    }
    return text ? (JSON.parse(text) as Record<string, any>) : {} // eslint-disable-line @typescript-eslint/no-explicit-any
  }
}
