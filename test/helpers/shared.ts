import { existsSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './cli.js'

/**
 * ../shared beside the project (reference material, schemas, Okta's OpenAPI description); CI has it.
 * OIDC_SETUP_SHARED_DIR points elsewhere (a worktree whose ../shared is not beside it).
 */
export const SHARED_DIR = process.env.OIDC_SETUP_SHARED_DIR ? path.resolve(process.env.OIDC_SETUP_SHARED_DIR) : path.resolve(ROOT, '..', 'shared')

/**
 * With OIDC_SETUP_REQUIRE_SHARED=1 (set by .ci/run) the tests that need ../shared must run: a missing file fails the
 * test file instead of skipping it, as OIDC_SETUP_REQUIRE_KEYCHAIN does for the keychain.
 */
export const sharedRequired = process.env.OIDC_SETUP_REQUIRE_SHARED === '1'

/** A file under ../shared, or undefined when it is absent (tests then skip with a visible reason, or fail in CI). */
export function sharedFile(relative: string): string | undefined {
  const file = path.join(SHARED_DIR, relative)
  if (existsSync(file)) {
    return file
  }
  if (sharedRequired) {
    throw new Error(`OIDC_SETUP_REQUIRE_SHARED=1 but ${file} is missing: CI needs ../shared beside the project`)
  }
  return undefined
}

/** The reason shown when a test needing ../shared skips. */
export function sharedMissing(relative: string): string {
  return `needs ../shared/${relative} (reference material beside the project); absent here`
}
