// Judge: Okta's own Express middleware, @okta/oidc-middleware (src/ExpressOIDC.js, connectUtil.js, logout.js; it runs
// openid-client 5 under passport), signs a person in to an Express app with the app `okta create-app --target web`
// provisions, in headless Chromium: the redirect URI the preset registers ({base}/callback), its client secret
// (client_secret_basic), the ID token openid-client validates, userinfo, then the middleware's logout (revokes the
// tokens, ends the Okta session with id_token_hint and the preset's post-logout URI {base}/).
import OktaJwtVerifier from '@okta/jwt-verifier'
import { ExpressOIDC } from '@okta/oidc-middleware'
import express from 'express'
import session from 'express-session'
import { randomBytes } from 'node:crypto'
import { afterAll, expect, it } from 'vitest'
import { useSandbox } from '../helpers/sandbox.js'
import { signInOnPage } from '../helpers/sandbox-browser.js'
import { CHROMIUM, createApp, describeJudge, startLocalServer, useChromium, type CreatedApp, type LocalServer } from './kit.js'

interface UserContext {
  userinfo: Record<string, unknown>
  tokens: { access_token?: string; id_token?: string; refresh_token?: string; expires_at?: number }
}

/**
 * The Express app as oidc-middleware's README builds it: express-session, oidc.router, ensureAuthenticated(). Its
 * config arrives once the app is provisioned (the base URL needs the port first).
 */
async function startExpressApp(): Promise<{ server: LocalServer; configure(app: CreatedApp): Promise<void>; errors: unknown[] }> {
  let router: express.RequestHandler = (_req, res) => void res.status(503).send('not configured')
  let protect: express.RequestHandler = (_req, res) => void res.status(503).send('not configured')
  const errors: unknown[] = []
  const web = express()
  web.use(session({ secret: randomBytes(16).toString('hex'), resave: false, saveUninitialized: false }))
  web.use((req, res, next) => router(req, res, next))
  web.get('/', (req, res) => {
    const user = (req as unknown as { userContext?: UserContext }).userContext
    res.send(user ? `<p id="who">${String(user.userinfo.email)}</p><form method="post" action="/logout"><button id="logout">Sign out</button></form>` : '<p id="who">anonymous</p>')
  })
  web.get('/protected', (req, res, next) => protect(req, res, next), (req, res) => {
    res.json((req as unknown as { userContext: UserContext }).userContext)
  })
  const server = await startLocalServer(web)
  return {
    server,
    errors,
    configure: (app) =>
      new Promise<void>((resolve, reject) => {
        const oidc = new ExpressOIDC({
          issuer: app.issuer,
          client_id: app.clientId,
          client_secret: app.clientSecret ?? '',
          appBaseUrl: server.origin,
          scope: 'openid profile email offline_access',
          routes: { loginCallback: { path: '/callback' } },
          testing: { disableHttpsCheck: true },
        })
        oidc.once('ready', () => {
          router = oidc.router
          protect = oidc.ensureAuthenticated()
          oidc.on('error', (e: unknown) => errors.push(e))
          resolve()
        })
        oidc.once('error', reject)
      }),
  }
}

describeJudge('judge: @okta/oidc-middleware signs in with the web preset in Chromium', { [CHROMIUM]: 'chromium' }, () => {
  const { sandbox, oktaEnv } = useSandbox()
  const browserContext = useChromium()
  const servers: LocalServer[] = []
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()))
  })

  it('sign-in through ensureAuthenticated, userinfo and tokens in the session, then logout back to the preset\'s post-logout URI', async () => {
    const web = await startExpressApp()
    servers.push(web.server)
    const login = 'web.judge@example.com'
    const app = await createApp(oktaEnv(), 'web', ['--target', 'web', '--base-url', web.server.origin, '--test-user', login])
    expect(app.clientSecret).toBeTruthy()
    // An Identity Engine org's default policy asks for a second factor: the test user gets an authenticator app.
    const totpSecret = sandbox().enrollTotp(login)
    await web.configure(app)

    const context = await browserContext()
    const page = await context.newPage()
    await page.goto(`${web.server.origin}/protected`)
    await signInOnPage(page, { login, password: app.testUserPassword ?? '', totpSecret })
    await page.waitForURL(`${web.server.origin}/protected`)
    const user = JSON.parse((await page.textContent('body')) ?? '{}') as UserContext
    expect(user.userinfo).toMatchObject({ email: login, preferred_username: login })
    expect(user.tokens.refresh_token, 'offline_access with the preset\'s refresh grant').toBeTruthy()
    // The ID token openid-client accepted is also what Okta's resource-server library accepts.
    const verifier = new OktaJwtVerifier({ issuer: app.issuer, testing: { disableHttpsCheck: true } })
    const idToken = await verifier.verifyIdToken(user.tokens.id_token ?? '', app.clientId)
    expect(idToken.claims).toMatchObject({ iss: app.issuer, aud: app.clientId, email: login })

    // Logout: the middleware revokes both tokens and sends the browser to Okta's logout, which returns to {base}/.
    await page.goto(`${web.server.origin}/`)
    expect(await page.textContent('#who')).toBe(login)
    const mark = sandbox().requestLog.length
    await page.click('#logout')
    await page.waitForURL(`${web.server.origin}/`)
    expect(await page.textContent('#who')).toBe('anonymous')
    const calls = sandbox().requestLog.slice(mark).map((e) => `${e.method} ${e.path} ${e.status}`)
    const issuerPath = new URL(app.issuer).pathname
    expect(calls).toContain(`POST ${issuerPath}/v1/revoke 200`)
    expect(calls.some((c) => c.startsWith(`GET ${issuerPath}/v1/logout`))).toBe(true)
    expect(web.errors).toEqual([])
    // The refresh token no longer works (revoked by the middleware).
    const refreshed = await fetch(`${app.issuer}/v1/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret ?? ''}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: user.tokens.refresh_token ?? '' }),
    })
    expect(refreshed.status).toBe(400)
  }, 120_000)
})
