// The browser step against the sandbox in tests: the product's scripted browser (src/infra/scripted-browser.ts).
import type { Page } from 'playwright-core'

export { browse, parseForm, type BrowseOptions, type BrowseResult } from '../../src/infra/scripted-browser.js'

/** A sandbox user's credentials, as a person types them on the sign-in page. */
export interface SignInUser {
  login: string
  password: string
}

/**
 * Signs a user in on the sandbox's sign-in page in a real browser (playwright): the page must be on (or redirecting
 * to) the sandbox's sign-in form. Returns once the form is submitted; the caller waits for where the app lands.
 * The one place the tests drive the sandbox's sign-in page in Chromium, so a change to the page changes only this.
 */
export async function signInOnPage(page: Page, user: SignInUser): Promise<void> {
  await page.waitForSelector('#username')
  await page.fill('#username', user.login)
  await page.fill('#password', user.password)
  await page.click('#sign-in')
}
