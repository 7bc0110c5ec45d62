// Judge: Auth.js itself (@auth/core 0.41.3, the engine of next-auth v5) with its built-in Okta provider
// (@auth/core/providers/okta: type oidc, checks pkce and state) runs in a small node:http server on 127.0.0.1 with the
// values of the `.env.local` that `render-config --target authjs` renders for an app `okta create-app --target authjs`
// provisions, loaded as Next.js loads it (@next/env loadEnvConfig) and applied as next-auth applies it
// (setEnvDefaults: AUTH_URL → basePath, AUTH_SECRET, AUTH_OKTA_ID/SECRET/ISSUER → the provider). A person signs in
// through the sandbox in headless Chromium from Auth.js's own sign-in page: discovery at AUTH_OKTA_ISSUER (its issuer
// checked by oauth4webapi), the authorization request with PKCE, the callback {AUTH_URL}/callback/okta, the code
// redeemed with client_secret_basic, the ID token validated; then the session cookie is set and /auth/session
// returns the user.
import { loadEnvConfig } from '@next/env'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { afterAll, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { runMain } from '../helpers/run-main.js'
import { useSandbox } from '../helpers/sandbox.js'
import { signInOnPage } from '../helpers/sandbox-browser.js'
import { CHROMIUM, createApp, describeJudge, startLocalServer, useChromium, type LocalServer } from './kit.js'

/**
 * The part of @auth/core this judge uses. Loaded through a non-literal specifier: @auth/core's declarations pull in
 * preact's JSX types, which reference lib "dom" and would replace Node's fetch types in the whole project.
 */
interface AuthConfig {
  providers: unknown[]
  logger?: { error(e: Error): void; warn(code: string): void; debug(...args: unknown[]): void }
  [key: string]: unknown
}
interface AuthCore {
  Auth(request: Request, config: AuthConfig): Promise<Response>
  setEnvDefaults(env: Record<string, string | undefined>, config: AuthConfig): void
}
const CORE = '@auth/core'
const OKTA = '@auth/core/providers/okta'
const { Auth, setEnvDefaults } = (await import(CORE)) as AuthCore
const { default: Okta } = (await import(OKTA)) as { default: (options?: Record<string, unknown>) => Record<string, unknown> }

/** `.env.local` read as Next.js reads it (development: Next.js skips .env.local under NODE_ENV=test). */
function loadNextEnv(dir: string): Record<string, string> {
  const saved = { ...process.env }
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('AUTH_')) {
      delete process.env[key]
    }
  }
  process.env.NODE_ENV = 'development'
  try {
    const { parsedEnv } = loadEnvConfig(dir, true, { info: () => {}, error: () => {} }, true)
    return { ...(parsedEnv as Record<string, string>) }
  } finally {
    process.env = saved
  }
}

/** Hands a node:http request to Auth.js as a web Request and writes its Response back (every Set-Cookie kept). */
async function toAuth(req: IncomingMessage, res: ServerResponse, origin: string, config: AuthConfig): Promise<void> {
  const chunks: Buffer[] = []
  for await (const chunk of req) {
    chunks.push(chunk as Buffer)
  }
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      headers.append(name, v)
    }
  }
  const method = req.method ?? 'GET'
  const request = new Request(new URL(req.url ?? '/', origin), {
    method,
    headers,
    ...(method === 'GET' || method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
  })
  const response = await Auth(request, config)
  res.statusCode = response.status
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') {
      res.setHeader(name, value)
    }
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) {
    res.setHeader('set-cookie', cookies)
  }
  res.end(Buffer.from(await response.arrayBuffer()))
}

describeJudge('judge: Auth.js (@auth/core) Okta provider signs in with the rendered .env.local in Chromium', { [CHROMIUM]: 'chromium' }, () => {
  const { sandbox, oktaEnv } = useSandbox()
  const browserContext = useChromium()
  const servers: LocalServer[] = []
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()))
  })

  it('sign-in from Auth.js\'s page through the sandbox: session cookie set, /auth/session returns the user', async () => {
    // Configured once the app is provisioned (its base URL needs the server's port first).
    const configured: { config?: AuthConfig } = {}
    const errors: unknown[] = []
    const server = await startLocalServer(async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname
      if (configured.config && (path === '/auth' || path.startsWith('/auth/'))) {
        await toAuth(req, res, server.origin, configured.config)
        return
      }
      res.setHeader('content-type', 'text/html')
      res.end('<!doctype html><title>app</title><p id="page">signed in page</p>')
    })
    servers.push(server)
    const login = 'authjs.judge@example.com'
    // Plain @auth/core serves under /auth (next-auth uses /api/auth): the basePath setting.
    const app = await createApp(oktaEnv(), 'authjs', ['--target', 'authjs', '--base-url', server.origin, '--set', 'basePath=/auth', '--test-user', login])
    const totpSecret = sandbox().enrollTotp(login)
    const out = tempDir('oidc-setup-authjs-')
    const rendered = await runMain(['render-config', '--profile', 'authjs', '--out', out], { env: oktaEnv(), configHome: app.home })
    expect(rendered.code, rendered.stderr).toBe(0)
    const env = loadNextEnv(out)
    expect(env).toMatchObject({ AUTH_URL: `${server.origin}/auth`, AUTH_OKTA_ID: app.clientId, AUTH_OKTA_ISSUER: app.issuer })
    expect(env.AUTH_OKTA_SECRET).toBe(app.clientSecret)
    const next: AuthConfig = {
      providers: [Okta],
      logger: { error: (e: Error) => errors.push(e), warn: (code: string) => errors.push(`warn: ${code}`), debug: () => {} },
    }
    setEnvDefaults(env, next)
    configured.config = next

    const mark = sandbox().requestLog.length
    const context = await browserContext()
    const page = await context.newPage()
    await page.goto(`${server.origin}/auth/signin?callbackUrl=${encodeURIComponent(`${server.origin}/welcome`)}`)
    await Promise.all([page.waitForURL((url) => url.origin === sandbox().orgUrl), page.click('button[type=submit]')])
    await signInOnPage(page, { login, password: app.testUserPassword ?? '', totpSecret })
    await page.waitForURL(`${server.origin}/welcome`)
    expect(errors).toEqual([])
    const cookies = await context.cookies(server.origin)
    expect(cookies.map((c) => c.name)).toContain('authjs.session-token')
    const session = (await page.evaluate(async () => (await fetch('/auth/session')).json())) as { user?: Record<string, unknown>; expires?: string }
    expect(session.user).toMatchObject({ email: login })
    expect(session.expires).toBeTruthy()
    // What Auth.js asked the sandbox for: PKCE S256 and the callback the target registers, then the code redeemed.
    const calls = sandbox().requestLog.slice(mark)
    const authorize = new URL(calls.find((c) => c.path === '/oauth2/v1/authorize')?.url ?? '/', sandbox().orgUrl).searchParams
    expect([authorize.get('code_challenge_method'), authorize.get('redirect_uri')]).toEqual(['S256', `${server.origin}/auth/callback/okta`])
    expect(calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toContain('POST /oauth2/v1/token 200')
  }, 120_000)
})
