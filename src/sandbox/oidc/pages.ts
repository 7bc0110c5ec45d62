// The HTML the sandbox's OpenID side serves: sign-in, device and error pages.
import type { ServerResponse } from 'node:http'

/** Escapes text for HTML. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
/** A small page in the sandbox's style. */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem;color:#1d1d21}
input{display:block;width:100%;padding:.5rem;margin:.25rem 0 1rem;box-sizing:border-box}
button{padding:.6rem 1.2rem;background:#1662dd;color:#fff;border:0;border-radius:4px}.error{color:#b00}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`
}

/** Which sign-in step a page is (the `X-Sandbox-Step` header test-login.ts reads instead of the HTML). */
export type SignInStep = 'login' | 'second-factor' | 'consent' | 'no-authenticator' | 'error'

/** Sends an HTML page, never cached. */
export function html(res: ServerResponse, status: number, body: string, step: SignInStep = 'error'): void {
  res.setHeader('X-Sandbox-Step', step)
  res.statusCode = status
  res.setHeader('Content-Type', 'text/html; charset=utf-8')
  res.setHeader('Cache-Control', 'no-store')
  res.end(body)
}

function appName(app: { app: Record<string, unknown> } | undefined): string {
  return escapeHtml(String(app?.app.label ?? 'the application'))
}

function action(key: string, uid: string): string {
  return `/signin/${escapeHtml(key)}/${escapeHtml(uid)}`
}

/** The sign-in form: username and password. */
export function loginPage(key: string, uid: string, app: { app: Record<string, unknown> } | undefined, error: string | undefined, username: string): string {
  return page(
    'Sign In',
    `<p>to <b>${appName(app)}</b> (oidc-setup sandbox)</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${action(key, uid)}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" value="${escapeHtml(username)}" autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit" id="sign-in">Sign In</button></form>`,
  )
}

/** The second-factor step: a TOTP code from the user's authenticator app. */
export function secondFactorPage(key: string, uid: string, app: { app: Record<string, unknown> } | undefined, error: string | undefined): string {
  return page(
    'Verify with your authenticator app',
    `<p>${appName(app)} requires a second factor. Enter the 6-digit code from your authenticator app.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${action(key, uid)}">
<label for="otp">Code</label><input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" autofocus>
<button type="submit" id="verify">Verify</button></form>`,
  )
}

/** Okta's consent screen for REQUIRED scopes. */
export function consentPage(key: string, uid: string, app: { app: Record<string, unknown> } | undefined, scopes: string[]): string {
  return page(
    'Allow access',
    `<p><b>${appName(app)}</b> would like to:</p><ul>${scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>
<form method="post" action="${action(key, uid)}">
<button type="submit" name="consent" value="allow" id="allow">Allow Access</button>
<button type="submit" name="consent" value="deny" id="deny">Don't Allow</button></form>`,
  )
}
