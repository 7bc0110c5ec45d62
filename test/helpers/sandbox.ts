import { afterAll, beforeAll } from 'vitest'
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
