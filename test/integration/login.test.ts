// login, token, status and logout against the sandbox, through main() in-process and the built CLI. One file on
// purpose: the default loopback ports are fixed (the cli preset registers exactly them), so these tests run in
// sequence.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import * as oidc from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sandbox } from '../../src/sandbox/index.js'
import { DEFAULT_LOGIN_PORTS } from '../../src/domain/loopback.js'
import { secretKeys } from '../../src/domain/profile.js'
import type { Browser } from '../../src/infra/browser.js'
import { KeychainSecretStore, keychainService } from '../../src/infra/secret-store.js'
import { createOidcClient } from '../../src/infra/oidc.js'
import { ROOT, runCli, tempDir } from '../helpers/cli.js'
import { keychainSkipReason, skipKeychain } from '../helpers/keychain.js'
import { FakeClock, httpBrowser, runWith } from '../helpers/login.js'
import { runMain } from '../helpers/run-main.js'
import { browse } from '../helpers/sandbox-browser.js'

let sb: Sandbox
let user: { login: string; password: string; totpSecret?: string | undefined }

beforeAll(async () => {
  const { startSandbox } = await import('../../src/sandbox/index.js')
  sb = await startSandbox()
  user = sb.users[0] as { login: string; password: string; totpSecret?: string | undefined }
})

afterAll(async () => {
  await sb?.close()
})

/** A config home with the cli app created through the product. */
async function cliProfile(profile = 'cli', extra: string[] = ['--assign-group', 'Everyone']): Promise<{ home: string; clientId: string; issuer: string }> {
  const home = tempDir('oidc-setup-login-')
  const r = await runMain(['okta', 'create-app', '--target', 'cli', '--profile', profile, ...extra, '--json'], {
    env: { OKTA_CLIENT_ORGURL: sb.orgUrl, OKTA_CLIENT_TOKEN: sb.apiToken },
    configHome: home,
  })
  expect(r.code, r.stderr).toBe(0)
  const saved = JSON.parse(readFileSync(path.join(home, 'profiles', `${profile}.json`), 'utf8')) as { clientId: string; issuer: string }
  return { home, clientId: saved.clientId, issuer: saved.issuer }
}

function storedSecrets(home: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(path.join(home, 'secrets.json'), 'utf8')) as Record<string, string>
  } catch {
    return {}
  }
}

function storedSet(home: string, profile = 'cli'): Record<string, unknown> | undefined {
  const text = storedSecrets(home)[secretKeys.tokenSet(profile)]
  return text ? (JSON.parse(text) as Record<string, unknown>) : undefined
}

async function occupy(port: number): Promise<net.Server> {
  const server = net.createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port, host: '127.0.0.1' }, () => resolve())
  })
  return server
}

async function release(server: net.Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()))
}

async function introspect(issuer: string, clientId: string, token: string): Promise<boolean> {
  const config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] })
  return (await oidc.tokenIntrospection(config, token)).active
}

describe('login → token → refresh → logout on the sandbox', () => {
  it('end to end on the real path: create-app --target cli, login, token, refresh after expiry, status, logout, introspection', async () => {
    const { home, clientId, issuer } = await cliProfile()
    const browser = httpBrowser(user)
    const login = await runWith(['login', '--profile', 'cli'], { configHome: home, browser })
    expect(login.code, login.stderr).toBe(0)
    expect(login.stdout).toBe('')
    expect(browser.opened).toHaveLength(1)
    const authUrl = new URL(browser.opened[0] ?? '')
    expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256')
    expect(authUrl.searchParams.get('redirect_uri')).toBe(`http://127.0.0.1:${DEFAULT_LOGIN_PORTS[0]}/callback`)
    expect(authUrl.searchParams.get('scope')).toBe('openid profile email offline_access')
    expect(authUrl.searchParams.get('state')).toBeTruthy()
    expect(authUrl.searchParams.get('nonce')).toBeTruthy()
    expect(login.stderr).toContain(authUrl.href)
    expect(login.stderr).toContain(`signed in as ${user.login}`)
    const [page] = await (browser.deliveries[0] ?? Promise.resolve([]))
    expect(page?.status).toBe(200)
    expect(page?.body).toContain('Signed in')

    const first = storedSet(home) as { accessToken: string; refreshToken: string; idToken: string }
    expect(first.refreshToken).toBeTruthy()

    const token = await runWith(['token', '--profile', 'cli'], { configHome: home })
    expect(token.code, token.stderr).toBe(0)
    expect(token.stdout).toBe(`${first.accessToken}\n`)

    const status = await runWith(['status', '--json'], { configHome: home })
    expect(status.code, status.stderr).toBe(0)
    const rows = (JSON.parse(status.stdout) as { profiles: Array<Record<string, unknown>> }).profiles
    expect(rows).toEqual([
      expect.objectContaining({ profile: 'cli', loggedIn: true, issuer, clientId, email: user.login, hasRefreshToken: true }),
    ])
    expect(status.stdout).not.toContain(first.accessToken)
    expect(status.stdout).not.toContain(first.refreshToken)

    // Two hours later the access token has expired: `token` refreshes, the rotated refresh token replaces the old one.
    const clock = new FakeClock()
    clock.advance(7200)
    const refreshed = await runWith(['token', '--profile', 'cli', '--format', 'json'], { configHome: home, clock })
    expect(refreshed.code, refreshed.stderr).toBe(0)
    const doc = JSON.parse(refreshed.stdout) as { token: string; refreshed: boolean; expiresAt: string }
    expect(doc.refreshed).toBe(true)
    expect(doc.token).not.toBe(first.accessToken)
    const second = storedSet(home) as { accessToken: string; refreshToken: string; idToken: string }
    expect(second.accessToken).toBe(doc.token)
    expect(second.refreshToken).not.toBe(first.refreshToken)
    expect(second.idToken).toBeTruthy()

    const logout = await runWith(['logout', '--profile', 'cli'], { configHome: home })
    expect(logout.code, logout.stderr).toBe(0)
    expect(logout.stdout).toContain('logged out of profile cli (revoked: refresh token, access token)')
    expect(storedSet(home)).toBeUndefined()
    expect(await introspect(issuer, clientId, second.refreshToken)).toBe(false)

    const after = await runWith(['token', '--profile', 'cli'], { configHome: home })
    expect(after.code).toBe(4)
    expect(after.stderr).toContain('error: not logged in with profile "cli"')
    expect(after.stderr).toContain('run `oidc-setup login --profile cli`')
  })
})

describe('login failures (each stores nothing)', () => {
  it('rejects a callback with the wrong state', async () => {
    const { home } = await cliProfile()
    const browser = httpBrowser(user, {
      tamper: (url) => {
        const wrong = new URL(url)
        wrong.searchParams.set('state', 'not-the-state-of-this-login')
        return wrong
      },
    })
    const r = await runWith(['login', '--profile', 'cli'], { configHome: home, browser })
    expect(r.code).toBe(4)
    expect(r.stderr).toContain('error: could not complete the login: state mismatch (the callback does not belong to this login)')
    const [page] = await (browser.deliveries[0] ?? Promise.resolve([]))
    expect(page?.status).toBe(400)
    expect(page?.body).toContain('State mismatch')
    expect(storedSet(home)).toBeUndefined()
  })

  it('accepts exactly one callback: a replay is refused while the first is redeemed, and the port is closed after', async () => {
    const { home } = await cliProfile()
    const browser = httpBrowser(user, { deliver: 2 })
    const r = await runWith(['login', '--profile', 'cli'], { configHome: home, browser })
    expect(r.code, r.stderr).toBe(0)
    const pages = await (browser.deliveries[0] ?? Promise.resolve([]))
    expect(pages.map((p) => p.status).sort()).toEqual([200, 400])
    expect(pages.find((p) => p.status === 400)?.body).toContain('already been completed')
    await expect(fetch(`http://127.0.0.1:${DEFAULT_LOGIN_PORTS[0]}/callback?code=x&state=y`)).rejects.toThrow()
    expect(storedSet(home)).toBeDefined()
  })

  it("shows the server's error callback as it is (unassigned user) with a hint", async () => {
    const { home } = await cliProfile('unassigned', ['--name', 'oidc-setup login (nobody assigned)'])
    const browser = httpBrowser(user)
    const r = await runWith(['login', '--profile', 'unassigned'], { configHome: home, browser })
    expect(r.code).toBe(4)
    expect(r.stderr).toContain('error: could not complete the login: the authorization server answered access_denied: User is not assigned to the client application.')
    expect(r.stderr).toContain('hint: ask your Okta administrator to assign you to the app and check the authorization server policy (oidc-setup doctor --profile unassigned checks both)')
    const [page] = await (browser.deliveries[0] ?? Promise.resolve([]))
    expect(page?.status).toBe(400)
    expect(page?.body).toContain('User is not assigned to the client application.')
    expect(storedSet(home, 'unassigned')).toBeUndefined()
  })

  it('times out (exit 4) and releases the port', async () => {
    const { home } = await cliProfile()
    const r = await runWith(['login', '--profile', 'cli', '--no-browser', '--timeout', '0.5'], { configHome: home })
    expect(r.code).toBe(4)
    expect(r.stderr).toContain('(--no-browser: open the URL above yourself)')
    expect(r.stderr).toContain('error: login timed out after 0.5 s waiting for the browser sign-in')
    await release(await occupy(DEFAULT_LOGIN_PORTS[0] ?? 0))
    expect(storedSet(home)).toBeUndefined()
  })

  it('ends on Ctrl-C with exit 130 and releases the port', async () => {
    const { home } = await cliProfile()
    const controller = new AbortController()
    const r = await runWith(['login', '--profile', 'cli', '--no-browser'], {
      configHome: home,
      interrupt: controller.signal,
      onStderr: (text) => {
        if (text.includes('open this URL') && !controller.signal.aborted) {
          setTimeout(() => controller.abort(), 20)
        }
      },
    })
    expect(r.code).toBe(130)
    await release(await occupy(DEFAULT_LOGIN_PORTS[0] ?? 0))
    expect(storedSet(home)).toBeUndefined()
  })

  it('falls back to the next registered port when the first is busy', async () => {
    const { home } = await cliProfile()
    const busy = await occupy(DEFAULT_LOGIN_PORTS[0] ?? 0)
    try {
      const browser = httpBrowser(user)
      const r = await runWith(['login', '--profile', 'cli'], { configHome: home, browser })
      expect(r.code, r.stderr).toBe(0)
      expect(new URL(browser.opened[0] ?? '').searchParams.get('redirect_uri')).toBe(`http://127.0.0.1:${DEFAULT_LOGIN_PORTS[1]}/callback`)
      expect(r.stderr).toContain(`waiting for the sign-in on http://127.0.0.1:${DEFAULT_LOGIN_PORTS[1]}/callback`)
    } finally {
      await release(busy)
    }
  })

  it('says clearly when every registered port is busy', async () => {
    const { home } = await cliProfile()
    const busy = await Promise.all(DEFAULT_LOGIN_PORTS.map((p) => occupy(p)))
    try {
      const r = await runWith(['login', '--profile', 'cli'], { configHome: home })
      expect(r.code).toBe(4)
      expect(r.stderr).toContain(`error: could not start the login listener: ports ${DEFAULT_LOGIN_PORTS.join(', ')} on 127.0.0.1 are all in use`)
      expect(r.stderr).toContain('hint: stop the program holding them, or pass --port N')
    } finally {
      await Promise.all(busy.map(release))
    }
  })

  it('refuses an issuer that the server does not name as itself (issuer mismatch)', async () => {
    const { home, clientId, issuer } = await cliProfile()
    const other = issuer.replace('127.0.0.1', 'localhost')
    const r = await runWith(['login', '--profile', 'other', '--issuer', other, '--client-id', clientId], { configHome: home })
    expect(r.code).toBe(4)
    expect(r.stderr).toContain(`error: could not discover the issuer ${other}: issuer mismatch (the server does not identify itself as ${other})`)
    expect(storedSet(home, 'other')).toBeUndefined()
  })

  it('refuses an http issuer that is not on a loopback host', async () => {
    const { home } = await cliProfile()
    const r = await runWith(['login', '--issuer', 'http://example.okta.com/oauth2/default', '--client-id', '0oa1'], { configHome: home })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('error: the issuer must be an https URL: "http://example.okta.com/oauth2/default"')
  })
})

describe('token refresh failures and concurrency', () => {
  it('a revoked refresh token ends in exit 4 with "run `oidc-setup login`"', async () => {
    const { home, clientId, issuer } = await cliProfile()
    expect((await runWith(['login', '--profile', 'cli'], { configHome: home, browser: httpBrowser(user) })).code).toBe(0)
    const set = storedSet(home) as { refreshToken: string }
    const config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] })
    await oidc.tokenRevocation(config, set.refreshToken, { token_type_hint: 'refresh_token' })
    const r = await runWith(['token', '--profile', 'cli', '--min-validity', '100000'], { configHome: home })
    expect(r.code).toBe(4)
    expect(r.stderr).toContain('error: could not refresh the token of profile "cli": the authorization server answered invalid_grant')
    expect(r.stderr).toContain('hint: run `oidc-setup login --profile cli`')
    expect(r.stdout).toBe('')
  })

  it('concurrent `token` processes spend the refresh token once (lock in the config home)', async () => {
    const { home } = await cliProfile()
    expect((await runWith(['login', '--profile', 'cli'], { configHome: home, browser: httpBrowser(user) })).code).toBe(0)
    // Expire the stored access token (the file store is the opt-in one, so the test can edit it).
    const secrets = storedSecrets(home)
    const key = secretKeys.tokenSet('cli')
    const set = JSON.parse(secrets[key] ?? '{}') as { expiresAt: number; accessToken: string }
    set.expiresAt = Math.floor(Date.now() / 1000) - 10
    writeFileSync(path.join(home, 'secrets.json'), JSON.stringify({ ...secrets, [key]: JSON.stringify(set) }), { mode: 0o600 })
    const tokenPath = new URL(`${sb.issuer('default')}/v1/token`).pathname
    const before = sb.requestLog.filter((e) => e.method === 'POST' && e.path === tokenPath).length
    const env = { OIDC_SETUP_CONFIG_DIR: home, OIDC_SETUP_SECRET_STORE: 'file' }
    const runs = await Promise.all(Array.from({ length: 4 }, () => runCli(['token', '--profile', 'cli'], { env })))
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0)
    }
    const printed = new Set(runs.map((run) => run.stdout))
    expect(printed.size).toBe(1)
    expect([...printed][0]).not.toBe(`${set.accessToken}\n`)
    expect(sb.requestLog.filter((e) => e.method === 'POST' && e.path === tokenPath).length - before).toBe(1)
  })
})

/** Every file under a directory (what the tool wrote into its config home). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? filesUnder(full) : [full]
  })
}

describe('secret stores', () => {
  it.skipIf(skipKeychain)(`keeps the token set in the real Secret Service and in no file (${keychainSkipReason})`, async () => {
    const { home } = await cliProfile()
    const env = { OIDC_SETUP_SECRET_STORE: 'keychain' }
    const login = await runWith(['login', '--profile', 'cli'], { configHome: home, env, browser: httpBrowser(user) })
    expect(login.code, login.stderr).toBe(0)
    expect(login.stderr).toMatch(/tokens kept in the (Secret Service keychain|macOS Keychain|Windows Credential Manager)/)
    try {
      // This run's config home has its own keychain service, so tests never touch the developer's own entries.
      const keychain = new KeychainSecretStore(await import('@napi-rs/keyring'), process.platform, undefined, undefined, keychainService(home, ''))
      const set = JSON.parse((await keychain.get(secretKeys.tokenSet('cli'))) ?? '{}') as Record<string, string>
      expect(set.accessToken).toBeTruthy()
      const secrets = [set.accessToken, set.refreshToken, set.idToken].filter((v): v is string => typeof v === 'string')
      expect(secrets).toHaveLength(3)
      const token = await runWith(['token', '--profile', 'cli'], { configHome: home, env })
      expect(token.code, token.stderr).toBe(0)
      expect(token.stdout).toBe(`${set.accessToken}\n`)
      const written = filesUnder(home)
      expect(written.some((f) => f.endsWith(path.join('profiles', 'cli.json')))).toBe(true)
      for (const file of written) {
        const text = readFileSync(file, 'utf8')
        for (const secret of secrets) {
          expect(text.includes(secret), `${file} holds a token`).toBe(false)
        }
      }
    } finally {
      const logout = await runWith(['logout', '--profile', 'cli'], { configHome: home, env })
      expect(logout.code, logout.stderr).toBe(0)
    }
  })

  it.skipIf(process.platform !== 'linux')('keychain unavailable: a clear error before anything is sent, exit 3 (linux: no D-Bus session)', async () => {
    const { home } = await cliProfile()
    const r = await runCli(['login', '--profile', 'cli', '--no-browser', '--timeout', '5'], {
      env: { OIDC_SETUP_CONFIG_DIR: home, OIDC_SETUP_SECRET_STORE: undefined, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/oidc-setup-test-bus' },
    })
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('error: no usable OS keychain')
    expect(r.stderr).toContain('--secret-store file')
    expect(r.stderr).not.toContain('open this URL')
  })

  it('keychain unavailable: works with the opt-in file store (built CLI, --browser-command)', async () => {
    const { home } = await cliProfile()
    const r = await runCli(
      ['login', '--profile', 'cli', '--secret-store', 'file', '--browser-command', `${process.execPath} ${path.join(ROOT, 'scripts', 'demo-browser.mjs')}`, '--timeout', '20'],
      {
        env: {
          OIDC_SETUP_CONFIG_DIR: home,
          OIDC_SETUP_SECRET_STORE: undefined,
          DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/oidc-setup-test-bus',
          OIDC_SETUP_DEMO_LOGIN: user.login,
          OIDC_SETUP_DEMO_PASSWORD: user.password,
        },
      },
    )
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('(0600, not encrypted)')
    expect(storedSet(home)).toBeDefined()
    const token = await runCli(['token', '--profile', 'cli', '--format', 'exec-credential', '--secret-store', 'file'], { env: { OIDC_SETUP_CONFIG_DIR: home } })
    expect(token.code, token.stderr).toBe(0)
    const credential = JSON.parse(token.stdout) as { apiVersion: string; kind: string; status: { token: string; expirationTimestamp: string } }
    expect(credential).toMatchObject({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential' })
    expect(credential.status.token).toBe((storedSet(home) as { accessToken: string }).accessToken)
    expect(credential.status.expirationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  })
})

describe('other ways to sign in', () => {
  it('--device: prints the verification URL and code, polls until the user approves', async () => {
    const { home } = await cliProfile()
    let browsing: Promise<unknown> | undefined
    const r = await runWith(['login', '--profile', 'cli', '--device', '--timeout', '30'], {
      configHome: home,
      onStderr: (text) => {
        const m = /or open (\S+)/.exec(text)
        if (m?.[1] && !browsing) {
          browsing = browse(m[1], { login: user.login, password: user.password, totpSecret: user.totpSecret })
        }
      },
    })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/on any device, open \S+ and enter the code \S+/)
    expect(await browsing).toMatchObject({ status: 200 })
    expect(storedSet(home)).toMatchObject({ email: user.login })
  }, 20_000)

  const chromium = '/usr/bin/chromium'
  const hasChromium = (() => {
    try {
      return statSync(chromium).isFile()
    } catch {
      return false
    }
  })()
  it.skipIf(!hasChromium)(`real headless Chromium signs in on the sandbox page (needs ${chromium}; CI installs it)`, async () => {
    const { home } = await cliProfile()
    const { chromium: launcher } = await import('playwright-core')
    const profileDir = tempDir('oidc-setup-chromium-')
    const context = await launcher.launchPersistentContext(profileDir, {
      executablePath: chromium,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
    let finalPage: Promise<string> | undefined
    const browser: Browser = {
      async open(url) {
        finalPage = (async () => {
          const page = await context.newPage()
          await page.goto(url)
          await page.fill('#username', user.login)
          await page.fill('#password', user.password)
          await Promise.all([page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback/), page.click('#sign-in')])
          await page.waitForLoadState('domcontentloaded')
          return page.content()
        })()
        return true
      },
    }
    try {
      const r = await runWith(['login', '--profile', 'cli', '--timeout', '30'], { configHome: home, browser })
      expect(r.code, r.stderr).toBe(0)
      expect(await finalPage).toContain('You are signed in')
      expect(storedSet(home)).toMatchObject({ email: user.login })
    } finally {
      await context.close()
    }
  }, 40_000)
})


describe('more of the browser path', () => {
  it('no browser can be opened: says so, keeps waiting, and the URL opened by hand completes the login', async () => {
    const { home } = await cliProfile()
    const byHand = httpBrowser(user)
    const browser: Browser = {
      async open(url) {
        // The person copies the printed URL into a browser elsewhere on this machine.
        setTimeout(() => void byHand.open(url), 50)
        return false
      },
    }
    const r = await runWith(['login', '--profile', 'cli'], { configHome: home, browser })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('could not open a browser here; open the URL above in a browser on this machine')
    expect(storedSet(home)).toMatchObject({ email: user.login })
  })

  it('nonce mismatch: an ID token issued for another request is refused (real openid-client against the sandbox)', async () => {
    const { clientId, issuer } = await cliProfile()
    const server = await createOidcClient().discover(issuer, clientId)
    const request = await server.authorizationRequest(`http://127.0.0.1:${DEFAULT_LOGIN_PORTS[0]}/callback`, ['openid', 'email'])
    const signedIn = await browse(request.url, { login: user.login, password: user.password, totpSecret: user.totpSecret })
    expect(signedIn.redirect).toBeDefined()
    await expect(server.exchangeCode(signedIn.redirect as URL, { ...request, nonce: 'a-nonce-of-another-login' })).rejects.toThrow(
      'could not complete the login: nonce mismatch (the ID token was not issued for this login)',
    )
  })

  it('status without --json: one tab-separated row per profile when piped (the store named), no token values', async () => {
    const { home, clientId } = await cliProfile()
    expect((await runWith(['login', '--profile', 'cli'], { configHome: home, browser: httpBrowser(user) })).code).toBe(0)
    const set = storedSet(home) as { accessToken: string; refreshToken: string; idToken: string }
    const r = await runWith(['status'], { configHome: home })
    expect(r.code, r.stderr).toBe(0)
    const [row] = r.stdout.trimEnd().split('\n').map((line) => line.split('\t'))
    expect(row?.slice(0, 3)).toEqual(['cli', `logged in as ${user.login}`, expect.stringMatching(/^expires in (59|60) min$/)])
    expect(row?.[4]).toMatch(/^unencrypted file \//)
    expect(row?.[6]).toBe(clientId)
    for (const secret of [set.accessToken, set.refreshToken, set.idToken]) {
      expect(r.stdout).not.toContain(secret)
    }
  })

  it('logout works offline with a warning that server-side revocation was skipped', async () => {
    const { home } = await cliProfile()
    expect((await runWith(['login', '--profile', 'cli'], { configHome: home, browser: httpBrowser(user) })).code).toBe(0)
    // Point the stored set at an issuer nobody listens on (the network is gone).
    const secrets = storedSecrets(home)
    const key = secretKeys.tokenSet('cli')
    const set = JSON.parse(secrets[key] ?? '{}') as { issuer: string }
    const dead = await occupy(0)
    const deadPort = (dead.address() as net.AddressInfo).port
    await release(dead)
    set.issuer = `http://127.0.0.1:${deadPort}/oauth2/default`
    writeFileSync(path.join(home, 'secrets.json'), JSON.stringify({ ...secrets, [key]: JSON.stringify(set) }), { mode: 0o600 })
    const r = await runWith(['logout', '--profile', 'cli', '--json'], { configHome: home })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('warning: profile "cli": server-side revocation skipped')
    expect(r.stderr).toContain('cannot be reached')
    expect(JSON.parse(r.stdout)).toMatchObject({ profiles: [{ profile: 'cli', loggedOut: true, revoked: [] }] })
    expect(storedSet(home)).toBeUndefined()
  })

  it('logout --end-session opens the end-session URL of the issuer', async () => {
    const { home, issuer } = await cliProfile()
    expect((await runWith(['login', '--profile', 'cli'], { configHome: home, browser: httpBrowser(user) })).code).toBe(0)
    const opened: string[] = []
    const browser: Browser = {
      async open(url) {
        opened.push(url)
        return true
      },
    }
    const r = await runWith(['logout', '--profile', 'cli', '--end-session'], { configHome: home, browser })
    expect(r.code, r.stderr).toBe(0)
    expect(opened).toHaveLength(1)
    const url = new URL(opened[0] ?? '')
    expect(`${url.origin}${url.pathname}`).toBe(`${issuer}/v1/logout`)
    expect(url.searchParams.get('id_token_hint')).toBeTruthy()
  })
})
