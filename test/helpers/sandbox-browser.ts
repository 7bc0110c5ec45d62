// The browser step against the sandbox in tests: the product's scripted browser (src/infra/scripted-browser.ts), which
// answers the Identity Engine second-factor step with the current TOTP code of `totpSecret` (the sandbox's demo user
// has one: `sandbox.users[0].totpSecret`).
import { browse as scriptedBrowse, type BrowseOptions, type BrowseResult } from '../../src/infra/scripted-browser.js'
import { totpCode } from '../../src/sandbox/totp.js'

export { parseForm, type BrowseResult } from '../../src/infra/scripted-browser.js'

/** Browse options plus the base32 TOTP seed of the user signing in. */
export type SandboxBrowseOptions = BrowseOptions & { totpSecret?: string | undefined }

/** Follows an authorization URL through the sandbox (see src/infra/scripted-browser.ts). */
export function browse(start: string | URL, options: SandboxBrowseOptions = {}): Promise<BrowseResult> {
  const { totpSecret, ...rest } = options
  return scriptedBrowse(start, totpSecret && rest.otp === undefined ? { ...rest, otp: () => totpCode(totpSecret) } : rest)
}
export type { SandboxBrowseOptions as BrowseOptions }
