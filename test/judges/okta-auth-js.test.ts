// Judge: Okta's own browser SDK, @okta/okta-auth-js (its UMD bundle, dist/okta-auth-js.min.js, as a page loads it),
// signs in with the app `okta create-app --target spa` provisions, in headless Chromium: authorization code + PKCE
// (token.getWithRedirect / token.parseFromUrl), the ID token verified by the SDK against the server's keys, userinfo,
// and renewal with the rotating refresh token (token.renewTokens). Every call to the sandbox is a cross-origin
// request from the page's origin, so it also judges the trusted origin the spa preset creates.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { ROOT } from '../helpers/cli.js'
import { useSandbox } from '../helpers/sandbox.js'
import { signInOnPage } from '../helpers/sandbox-browser.js'
import { CHROMIUM, createApp, describeJudge, oktaGet, startLocalServer, useChromium, type LocalServer } from './kit.js'

// The package's exports map hides dist/; the file is read where npm installed it.
const SDK_BUNDLE = readFileSync(path.join(ROOT, 'node_modules/@okta/okta-auth-js/dist/okta-auth-js.min.js'), 'utf8')

// The page a single-page app would be: the SDK configured with the profile's issuer and client id (served as
// /config.json), signing in on "/" and finishing on "/callback" (the redirect URI the spa preset registers).
const PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>spa</title><script src="/okta-auth-js.min.js"></script></head>
<body><button id="login">Sign in</button><pre id="out"></pre><script>
(async () => {
  const cfg = await (await fetch('/config.json')).json()
  const auth = new OktaAuth({
    issuer: cfg.issuer,
    clientId: cfg.clientId,
    redirectUri: location.origin + '/callback',
    scopes: cfg.scopes,
    pkce: true,
    tokenManager: { autoRenew: false, storage: 'sessionStorage' },
  })
  if (location.pathname === '/callback') {
    const result = {}
    try {
      const { tokens } = await auth.token.parseFromUrl()
      auth.tokenManager.setTokens(tokens)
      result.first = { accessToken: tokens.accessToken.accessToken, idClaims: tokens.idToken.claims, refreshToken: tokens.refreshToken && tokens.refreshToken.refreshToken }
      result.user = await auth.getUser()
      const renewed = await auth.token.renewTokens()
      result.renewed = { accessToken: renewed.accessToken.accessToken, idClaims: renewed.idToken && renewed.idToken.claims, refreshToken: renewed.refreshToken && renewed.refreshToken.refreshToken }
      auth.tokenManager.setTokens(renewed)
      result.authenticated = await auth.isAuthenticated()
    } catch (e) {
      result.error = (e && (e.errorCode || e.name)) + ': ' + (e && (e.errorSummary || e.message))
    }
    window.__result = result
    document.getElementById('out').textContent = JSON.stringify(result, null, 2)
  } else {
    document.getElementById('login').onclick = () => auth.token.getWithRedirect({ state: 'judge-' + Date.now() })
  }
})().catch((e) => { window.__result = { error: String(e) } })
</script></body></html>`

/** Serves the SPA; its config is set once the app is provisioned (the base URL needs the port first). */
async function startSpa(): Promise<{ server: LocalServer; configure(c: Record<string, unknown>): void }> {
  let config: Record<string, unknown> = {}
  const server = await startLocalServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path === '/okta-auth-js.min.js') {
      res.setHeader('Content-Type', 'text/javascript')
      res.end(SDK_BUNDLE)
    } else if (path === '/config.json') {
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify(config))
    } else if (path === '/' || path === '/callback') {
      res.setHeader('Content-Type', 'text/html; charset=utf-8')
      res.end(PAGE)
    } else {
      res.statusCode = 404
      res.end()
    }
  })
  return { server, configure: (c) => (config = c) }
}

function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
}

describeJudge('judge: @okta/okta-auth-js signs in with the spa preset in Chromium', { [CHROMIUM]: 'chromium' }, () => {
  const { sandbox, oktaEnv } = useSandbox()
  const browserContext = useChromium()
  const servers: LocalServer[] = []
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()))
  })

  it('PKCE sign-in, SDK-verified ID token, userinfo and refresh-token renewal, from the trusted origin create-app made', async () => {
    const spa = await startSpa()
    servers.push(spa.server)
    const app = await createApp(oktaEnv(), 'spa', ['--target', 'spa', '--base-url', spa.server.origin, '--test-user', 'spa.judge@example.com'])
    expect(app.testUserPassword).toBeTruthy()
    // An Identity Engine org's default policy asks for a second factor: the test user gets an authenticator app.
    const totpSecret = sandbox().enrollTotp('spa.judge@example.com')
    const origins = await oktaGet<Array<{ origin: string; scopes: Array<{ type: string }> }>>(sandbox(), '/api/v1/trustedOrigins')
    expect(origins.find((o) => o.origin === spa.server.origin)?.scopes.map((s) => s.type)).toContain('CORS')
    spa.configure({ issuer: app.issuer, clientId: app.clientId, scopes: ['openid', 'profile', 'email', 'offline_access'] })

    const context = await browserContext()
    const page = await context.newPage()
    const tokenCalls: string[] = []
    page.on('request', (r) => {
      if (r.url().endsWith('/v1/token') && r.method() === 'POST') {
        tokenCalls.push(new URLSearchParams(r.postData() ?? '').get('grant_type') ?? '')
      }
    })
    const authorize: URL[] = []
    page.on('request', (r) => {
      if (r.url().includes('/v1/authorize')) {
        authorize.push(new URL(r.url()))
      }
    })
    await page.goto(`${spa.server.origin}/`)
    await page.click('#login')
    await signInOnPage(page, { login: 'spa.judge@example.com', password: app.testUserPassword ?? '', totpSecret })
    await page.waitForURL(`${spa.server.origin}/callback**`)
    await page.waitForFunction('window.__result !== undefined', undefined, { timeout: 15_000 })
    const result = (await page.evaluate('window.__result')) as {
      error?: string
      first?: { accessToken: string; idClaims: Record<string, unknown>; refreshToken?: string }
      renewed?: { accessToken: string; idClaims?: Record<string, unknown>; refreshToken?: string }
      user?: Record<string, unknown>
      authenticated?: boolean
    }
    expect(result.error).toBeUndefined()

    // The SDK asked for the code with S256 PKCE and the redirect URI the preset registered.
    const params = authorize[0]?.searchParams
    expect(params?.get('code_challenge_method')).toBe('S256')
    expect(params?.get('redirect_uri')).toBe(`${spa.server.origin}/callback`)
    expect(params?.get('client_id')).toBe(app.clientId)

    // okta-auth-js verified the ID token (signature from the keys, iss, aud, nonce, expiry) before handing it over.
    expect(result.first?.idClaims).toMatchObject({ iss: app.issuer, aud: app.clientId, email: 'spa.judge@example.com' })
    expect(jwtPayload(result.first?.accessToken ?? '')).toMatchObject({ iss: app.issuer, cid: app.clientId, sub: 'spa.judge@example.com' })
    expect(result.user).toMatchObject({ email: 'spa.judge@example.com' })

    // Renewal went through the refresh token (rotated: the preset asks for ROTATE), not a hidden iframe.
    expect(tokenCalls).toEqual(['authorization_code', 'refresh_token'])
    expect(result.first?.refreshToken).toBeTruthy()
    expect(result.renewed?.refreshToken).toBeTruthy()
    expect(result.renewed?.refreshToken).not.toBe(result.first?.refreshToken)
    expect(result.renewed?.accessToken).not.toBe(result.first?.accessToken)
    expect(result.authenticated).toBe(true)
  }, 120_000)
})
