// The demo's stand-in browser: `oidc-setup login --browser-command` runs it with the authorization URL. It signs the
// demo user in on the sandbox's sign-in page (login and password from the environment, as a person would type
// them, and the code of the user's authenticator app when the sandbox's Identity Engine policy asks for a second
// factor) and delivers the redirect to the CLI's loopback listener, as a real browser does.
import { createRequire } from 'node:module'

const url = process.argv[2]
const login = process.env.OIDC_SETUP_DEMO_LOGIN
const password = process.env.OIDC_SETUP_DEMO_PASSWORD
if (!url || !login || !password) {
  process.stderr.write('usage: OIDC_SETUP_DEMO_LOGIN=… OIDC_SETUP_DEMO_PASSWORD=… demo-browser.mjs URL\n')
  process.exit(2)
}
const { browse } = createRequire(import.meta.url)('../bin/load.cjs').loadCli().exports
// The authenticator app: the current TOTP code of the seed `sandbox start --json` printed (user.totpSecret).
const totpSecret = process.env.OIDC_SETUP_DEMO_TOTP_SECRET
const require = createRequire(import.meta.url)
const otp = totpSecret ? () => require('../dist/sandbox.cjs').totpCode(totpSecret) : undefined
const result = await browse(url, { login, password, otp })
if (!result.redirect) {
  process.stderr.write(`demo browser: the sign-in ended on a page (HTTP ${result.status})\n`)
  process.exit(1)
}
const response = await fetch(result.redirect)
await response.arrayBuffer()
process.exit(response.ok ? 0 : 1)
