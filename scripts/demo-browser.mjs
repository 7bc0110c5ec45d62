// The demo's stand-in browser: `oidc-setup login --browser-command` runs it with the authorization URL. It signs the
// demo user in through the sandbox's test-login endpoint (POST /sandbox/v1/test-login, src/sandbox/oidc/test-login.ts:
// login and password from the environment, and the code of the user's authenticator app when the sandbox's Identity
// Engine policy asks for a second factor) and delivers the redirect to the CLI's loopback listener, as a browser does.
import { createRequire } from 'node:module'

const url = process.argv[2]
const login = process.env.OIDC_SETUP_DEMO_LOGIN
const password = process.env.OIDC_SETUP_DEMO_PASSWORD
if (!url || !login || !password) {
  process.stderr.write('usage: OIDC_SETUP_DEMO_LOGIN=… OIDC_SETUP_DEMO_PASSWORD=… demo-browser.mjs URL\n')
  process.exit(2)
}
// The authenticator app: the current TOTP code of the seed `sandbox start --json` printed (user.totpSecret).
const totpSecret = process.env.OIDC_SETUP_DEMO_TOTP_SECRET
const require = createRequire(import.meta.url)
const otp = totpSecret ? () => require('../dist/sandbox.cjs').totpCode(totpSecret) : undefined
const answer = await fetch(new URL('/sandbox/v1/test-login', url), {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ authorizationUrl: url, login, password, ...(otp ? { totp: otp() } : {}) }),
})
const result = await answer.json()
if (!answer.ok || !result.redirect) {
  process.stderr.write(`demo browser: the sign-in failed: ${result.error ?? answer.status}: ${result.error_description ?? ''}\n`)
  process.exit(1)
}
const response = await fetch(result.redirect)
await response.arrayBuffer()
process.exit(response.ok ? 0 : 1)
