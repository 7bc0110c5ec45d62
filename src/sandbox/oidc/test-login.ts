// The sandbox-only test sign-in: drives a real authorization request through the sandbox's own sign-in steps over
// HTTP (cookies, redirects, the interaction endpoints) the way a person would, answering each step from the given
// credentials, and returns the redirect to the client's redirect_uri without fetching it. It reads the step from the
// `X-Sandbox-Step` header, never the HTML. Served as `POST /sandbox/v1/test-login` and as `sandbox.testLogin()`.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readBody, sendJson } from '../http.js'
import type { Org } from '../org.js'
import { isObject } from '../util.js'

/** What the test sign-in answers with. */
export interface TestLoginCredentials {
  login: string
  password: string
  /** The current TOTP code, for apps whose authentication policy asks for a second factor. */
  totp?: string
  /** The answer to a consent screen (default `allow`). */
  consent?: 'allow' | 'deny'
}

/** Where the test sign-in ended. */
export type TestLoginResult =
  | { ok: true; redirect: string }
  | { ok: false; error: string; error_description: string; step?: string }

/** Signs in through the sandbox at `authorizationUrl` and returns the redirect to the client. */
export async function runTestLogin(org: Org, authorizationUrl: string | URL, credentials: TestLoginCredentials): Promise<TestLoginResult> {
  const origins = new Set([new URL(org.orgUrl).origin, ...(org.customUrl ? [new URL(org.customUrl).origin] : [])])
  let url: URL
  try {
    url = new URL(authorizationUrl)
  } catch {
    return { ok: false, error: 'invalid_request', error_description: 'authorizationUrl is not a URL.' }
  }
  if (!origins.has(url.origin)) {
    return { ok: false, error: 'invalid_request', error_description: `authorizationUrl must be on this sandbox (${[...origins].join(' or ')}).` }
  }
  const jar = new Map<string, string>()
  let init: RequestInit = { method: 'GET' }
  const answered = new Set<string>()
  for (let step = 0; step < 20; step += 1) {
    const headers = new Headers(init.headers)
    if (jar.size) {
      headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
    }
    const res = await fetch(url, { ...init, headers, redirect: 'manual' })
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? ''
      const eq = pair.indexOf('=')
      if (eq > 0) {
        const value = pair.slice(eq + 1).trim()
        if (value) {
          jar.set(pair.slice(0, eq).trim(), value)
        } else {
          jar.delete(pair.slice(0, eq).trim())
        }
      }
    }
    await res.arrayBuffer()
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location') ?? '', url)
      if (!origins.has(next.origin)) {
        return { ok: true, redirect: next.href }
      }
      url = next
      init = { method: 'GET' }
      continue
    }
    const page = res.headers.get('x-sandbox-step') ?? 'error'
    const key = `${url.pathname}:${page}`
    if (!url.pathname.startsWith('/signin/') || page === 'error' || page === 'no-authenticator' || answered.has(key)) {
      const description =
        page === 'no-authenticator'
          ? "The app's authentication policy requires a second factor and the user has no authenticator enrolled."
          : page === 'second-factor'
            ? credentials.totp === undefined
              ? "The app's authentication policy requires a second factor: pass the user's current TOTP code."
              : 'The TOTP code was refused.'
            : page === 'login'
              ? 'The login or password was refused.'
              : `The sign-in stopped on a page (HTTP ${res.status}).`
      return { ok: false, error: 'sign_in_failed', error_description: description, step: page }
    }
    answered.add(key)
    const form = new URLSearchParams()
    if (page === 'consent') {
      form.set('consent', credentials.consent ?? 'allow')
    } else {
      form.set('username', credentials.login)
      form.set('password', credentials.password)
      if (credentials.totp !== undefined) {
        form.set('otp', credentials.totp)
      }
    }
    init = { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } }
  }
  return { ok: false, error: 'sign_in_failed', error_description: 'The sign-in took too many steps.' }
}

/** `POST /sandbox/v1/test-login` with `{ authorizationUrl, login, password, totp?, consent? }` as JSON. */
export async function serveTestLogin(org: Org, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') {
    sendJson(res, 405, { error: 'invalid_request', error_description: 'Use POST.' }, { Allow: 'POST' })
    return
  }
  let body: unknown
  try {
    body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8'))
  } catch {
    body = undefined
  }
  if (!isObject(body) || typeof body.authorizationUrl !== 'string' || typeof body.login !== 'string' || typeof body.password !== 'string') {
    sendJson(res, 400, { error: 'invalid_request', error_description: 'Send JSON with authorizationUrl, login and password (and totp, consent when needed).' })
    return
  }
  const result = await runTestLogin(org, body.authorizationUrl, {
    login: body.login,
    password: body.password,
    ...(typeof body.totp === 'string' ? { totp: body.totp } : {}),
    ...(body.consent === 'deny' ? { consent: 'deny' as const } : {}),
  })
  sendJson(res, result.ok ? 200 : 400, result.ok ? { redirect: result.redirect } : { error: result.error, error_description: result.error_description, step: result.step }, { 'Cache-Control': 'no-store' })
}
