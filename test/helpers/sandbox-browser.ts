// The browser step against the sandbox in tests: the product's scripted browser (test/helpers/scripted-browser.ts), which
// answers the Identity Engine second-factor step with the current TOTP code of `totpSecret` (the sandbox's demo user
// has one: `sandbox.users[0].totpSecret`), and the same steps in a real browser (playwright) for the judge tests.
import type { Page } from 'playwright-core'
import { browse as scriptedBrowse, type BrowseOptions, type BrowseResult } from './scripted-browser.js'
import { totpCode } from '../../src/sandbox/totp.js'

export { parseForm, type BrowseResult } from './scripted-browser.js'

/** Browse options plus the base32 TOTP seed of the user signing in. */
export type SandboxBrowseOptions = BrowseOptions & { totpSecret?: string | undefined }

/** Follows an authorization URL through the sandbox (see test/helpers/scripted-browser.ts). */
export function browse(start: string | URL, options: SandboxBrowseOptions = {}): Promise<BrowseResult> {
  const { totpSecret, ...rest } = options
  return scriptedBrowse(start, totpSecret && rest.otp === undefined ? { ...rest, otp: () => totpCode(totpSecret) } : rest)
}
export type { SandboxBrowseOptions as BrowseOptions }

/** A sandbox user's credentials, as a person types them on the sign-in page (and their authenticator's seed). */
export interface SignInUser {
  login: string
  password: string
  totpSecret?: string | undefined
}

/**
 * Signs a user in on the sandbox's sign-in page in a real browser: the page must be on (or redirecting to) the sign-in
 * form. Answers the second-factor step (Identity Engine orgs) with the TOTP code of `totpSecret`. Returns once the
 * last form is submitted; the caller waits for where the app lands. The one place the tests drive the sandbox's
 * sign-in pages in Chromium, so a change to those pages changes only this.
 */
export async function signInOnPage(page: Page, user: SignInUser): Promise<void> {
  await page.waitForSelector('#username')
  await page.fill('#username', user.login)
  await page.fill('#password', user.password)
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('#sign-in')])
  if (!(await page.$('#otp'))) {
    return
  }
  if (!user.totpSecret) {
    throw new Error(`the sandbox asks ${user.login} for a second factor and the test gave no totpSecret`)
  }
  await page.fill('#otp', totpCode(user.totpSecret))
  await page.click('#verify')
}
