// A scripted browser for sign-ins that need no person: follows an authorization (or device verification) URL over
// HTTP with a cookie jar, fills a username/password form and confirmation forms, and stops at the first redirect
// that leaves the authorization server (the client's redirect_uri), which it returns without fetching it.
// Used by `setup --verify` (against the sandbox's sign-in page) and by tests; Okta's hosted sign-in page needs a
// real browser (JavaScript), so against a real org it ends on a page and says so.
/** Where a browsing run ended. */
export interface BrowseResult {
  /** The redirect to the client (with `code`/`state` or `error`), when the flow redirected out of the sandbox. */
  redirect?: URL
  /** The last page's HTML, when the flow ended on a sandbox page (device flow success, an error page). */
  html?: string
  status: number
}

/** Sign-in details for the sandbox login form. */
export interface BrowseOptions {
  login?: string | undefined
  password?: string | undefined
  /** The one-time code for a second-factor step (a page with an `otp` field), or a function giving the current one. */
  otp?: string | (() => string) | undefined
  /** Cookies kept across calls (a browser session); a fresh jar by default. */
  jar?: Map<string, string>
  maxSteps?: number
}

interface Form {
  action: string
  method: string
  fields: Array<[string, string]>
}

function decode(value: string): string {
  return value.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&').replace(/&quot;/g, '"')
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag)
  return m ? decode(m[1] ?? m[2] ?? m[3] ?? '') : undefined
}

/** The first form of a page with its named inputs and the first named submit button. */
export function parseForm(html: string): Form | undefined {
  const formMatch = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(html)
  if (!formMatch) {
    return undefined
  }
  const open = /<form\b[^>]*>/i.exec(formMatch[0])?.[0] ?? ''
  const inner = formMatch[1] ?? ''
  const fields: Array<[string, string]> = []
  for (const tag of inner.match(/<input\b[^>]*>/gi) ?? []) {
    const name = attr(tag, 'name')
    const type = (attr(tag, 'type') ?? 'text').toLowerCase()
    if (name && type !== 'submit' && type !== 'button') {
      fields.push([name, attr(tag, 'value') ?? ''])
    }
  }
  const button = /<button\b[^>]*\bname\s*=[^>]*>/i.exec(inner)?.[0]
  if (button) {
    const name = attr(button, 'name')
    if (name) {
      fields.push([name, attr(button, 'value') ?? ''])
    }
  }
  return { action: attr(open, 'action') ?? '', method: (attr(open, 'method') ?? 'get').toUpperCase(), fields }
}

function storeCookies(jar: Map<string, string>, res: Response): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';')
    const eq = (pair ?? '').indexOf('=')
    if (eq < 0) {
      continue
    }
    const name = (pair ?? '').slice(0, eq).trim()
    const value = (pair ?? '').slice(eq + 1).trim()
    const expired = attrs.some((a) => {
      const [k, v] = a.split('=')
      return (k?.trim().toLowerCase() === 'expires' && Date.parse(v ?? '') < Date.now()) || (k?.trim().toLowerCase() === 'max-age' && Number(v) <= 0)
    })
    if (expired || value === '') {
      jar.delete(name)
    } else {
      jar.set(name, value)
    }
  }
}

/** Follows `start` through the sandbox until it redirects out of it or stops on a page. */
export async function browse(start: string | URL, options: BrowseOptions = {}): Promise<BrowseResult> {
  const jar = options.jar ?? new Map<string, string>()
  const origin = new URL(start).origin
  let url = new URL(start)
  let init: RequestInit = { method: 'GET' }
  let submittedLogin = false
  let submittedOtp = false
  for (let step = 0; step < (options.maxSteps ?? 20); step += 1) {
    const headers = new Headers(init.headers)
    if (jar.size) {
      headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
    }
    const res = await fetch(url, { ...init, headers, redirect: 'manual' })
    storeCookies(jar, res)
    if (res.status >= 300 && res.status < 400) {
      await res.arrayBuffer()
      const next = new URL(res.headers.get('location') ?? '', url)
      if (next.origin !== origin) {
        return { redirect: next, status: res.status }
      }
      url = next
      init = { method: 'GET' }
      continue
    }
    const html = await res.text()
    const form = res.headers.get('content-type')?.includes('html') ? parseForm(html) : undefined
    if (!form) {
      return { html, status: res.status }
    }
    const isLogin = form.fields.some(([k]) => k === 'password')
    if (isLogin) {
      if (submittedLogin || options.login === undefined) {
        return { html, status: res.status }
      }
      submittedLogin = true
    }
    const isSecondFactor = form.fields.some(([k]) => k === 'otp')
    if (isSecondFactor) {
      if (submittedOtp || options.otp === undefined) {
        return { html, status: res.status }
      }
      submittedOtp = true
    }
    const otp = isSecondFactor ? (typeof options.otp === 'function' ? options.otp() : options.otp) : undefined
    const body = new URLSearchParams()
    for (const [k, v] of form.fields) {
      body.append(k, k === 'username' ? (options.login ?? v) : k === 'password' ? (options.password ?? v) : k === 'otp' ? (otp ?? v) : v)
    }
    url = new URL(form.action || url.href, url)
    if (form.method === 'POST') {
      init = { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }
    } else {
      body.forEach((v, k) => url.searchParams.set(k, v))
      init = { method: 'GET' }
    }
  }
  throw new Error(`browse: too many steps starting at ${String(start)}`)
}
