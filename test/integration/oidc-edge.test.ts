// The OIDC edge (src/infra/oidc.ts) over the real openid-client against the sandbox's real OpenID provider: each
// protocol failure gets its own message. Plus logout/status on token sets obtained through that edge. No loopback
// listener here (the redirect is taken from the scripted browser), so this file never touches the login ports.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as oidc from 'openid-client'
import { describe, expect, it } from 'vitest'
import { AuthError, UsageError } from '../../src/domain/errors.js'
import { secretKeys } from '../../src/domain/profile.js'
import { serializeTokenSet, toStoredTokenSet } from '../../src/domain/token-set.js'
import { checkIssuerUrl, createOidcClient, UnreachableError } from '../../src/infra/oidc.js'
import { tempDir } from '../helpers/cli.js'
import { httpBrowser, runWith } from '../helpers/login.js'
import { useSandbox } from '../helpers/sandbox.js'
import { browse } from '../helpers/sandbox-browser.js'

const { sandbox } = useSandbox()
// Registered but never listened on: the scripted browser stops at the redirect and hands it to the test.
const REDIRECT = 'http://127.0.0.1:9/callback'
const SCOPES = ['openid', 'profile', 'email', 'offline_access']

async function nativeApp(redirect = REDIRECT): Promise<{ clientId: string; issuer: string }> {
  const sb = sandbox()
  const headers = { authorization: `SSWS ${sb.apiToken}`, 'content-type': 'application/json', accept: 'application/json' }
  const res = await fetch(`${sb.orgUrl}/api/v1/apps`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      name: 'oidc_client',
      label: `edge-${Math.random().toString(36).slice(2)}`,
      signOnMode: 'OPENID_CONNECT',
      credentials: { oauthClient: { token_endpoint_auth_method: 'none' } },
      settings: {
        oauthClient: {
          application_type: 'native',
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          redirect_uris: [redirect],
          post_logout_redirect_uris: ['http://127.0.0.1:9/'],
        },
      },
    }),
  })
  expect(res.status).toBe(200)
  const app = (await res.json()) as { id: string; credentials: { oauthClient: { client_id: string } } }
  const groups = (await (await fetch(`${sb.orgUrl}/api/v1/groups?q=Everyone`, { headers })).json()) as Array<{ id: string }>
  const assign = await fetch(`${sb.orgUrl}/api/v1/apps/${app.id}/groups/${groups[0]?.id ?? ''}`, { method: 'PUT', headers, body: '{}' })
  expect(assign.status).toBe(200)
  return { clientId: app.credentials.oauthClient.client_id, issuer: sb.issuer('default') }
}

/** An authorization request signed in by the demo user; returns the callback URL without redeeming it. */
async function signedInCallback(issuer: string, clientId: string) {
  const server = await createOidcClient().discover(issuer, clientId)
  const request = await server.authorizationRequest(REDIRECT, SCOPES)
  const user = sandbox().users[0] as { login: string; password: string; totpSecret?: string | undefined }
  const result = await browse(request.url, { login: user.login, password: user.password, totpSecret: user.totpSecret })
  expect(result.redirect?.href.startsWith(REDIRECT)).toBe(true)
  return { server, request, callback: result.redirect as URL }
}

async function failure(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AuthError)
  return error as AuthError
}

describe('OIDC edge: one clear message per failure', () => {
  it('https is required except on loopback hosts', () => {
    expect(checkIssuerUrl('https://example.okta.com/oauth2/default').href).toBe('https://example.okta.com/oauth2/default')
    expect(checkIssuerUrl('http://127.0.0.1:8080').hostname).toBe('127.0.0.1')
    expect(checkIssuerUrl('http://localhost:8080').hostname).toBe('localhost')
    expect(() => checkIssuerUrl('http://example.okta.com')).toThrow(UsageError)
    expect(() => checkIssuerUrl('http://127.0.0.1.example.com')).toThrow('the issuer must be an https URL: "http://127.0.0.1.example.com"')
    expect(() => checkIssuerUrl('not a url')).toThrow('the issuer is not a valid URL: "not a url"')
  })

  it('a code + PKCE login through the edge yields access, ID and refresh tokens with the ID token claims', async () => {
    const { clientId, issuer } = await nativeApp()
    const { server, request, callback } = await signedInCallback(issuer, clientId)
    const tokens = await server.exchangeCode(callback, request)
    expect(tokens.accessToken).toBeTruthy()
    expect(tokens.idToken).toBeTruthy()
    expect(tokens.refreshToken).toBeTruthy()
    expect(tokens.claims?.nonce).toBe(request.nonce)
    expect(new URL(request.url).searchParams.get('code_challenge_method')).toBe('S256')
  })

  it('nonce mismatch', async () => {
    const { clientId, issuer } = await nativeApp()
    const { server, request, callback } = await signedInCallback(issuer, clientId)
    const error = await failure(server.exchangeCode(callback, { ...request, nonce: 'another-login' }))
    expect(error.message).toBe('could not complete the login: nonce mismatch (the ID token was not issued for this login)')
    expect(error.hint).toContain('run oidc-setup login again')
  })

  it('state mismatch (checked again by openid-client, not only by the listener)', async () => {
    const { clientId, issuer } = await nativeApp()
    const { server, request, callback } = await signedInCallback(issuer, clientId)
    const error = await failure(server.exchangeCode(callback, { ...request, state: 'another-login' }))
    expect(error.message).toBe('could not complete the login: state mismatch (the callback does not belong to this login)')
  })

  it("a server error is shown as the server sent it (error and error_description), with a hint", async () => {
    const { clientId, issuer } = await nativeApp()
    const { server, request, callback } = await signedInCallback(issuer, clientId)
    await server.exchangeCode(callback, request)
    // The same code a second time: the server answers invalid_grant.
    const error = await failure(server.exchangeCode(callback, request))
    expect(error.message).toMatch(/^could not complete the login: the authorization server answered invalid_grant(: .+)?$/)
    expect(error.hint).toBe('run oidc-setup login again; the code or token is no longer valid')
  })

  it('an error callback (access_denied + description) is reported as sent, not as a protocol failure', async () => {
    const { clientId, issuer } = await nativeApp()
    const server = await createOidcClient().discover(issuer, clientId)
    const request = await server.authorizationRequest(REDIRECT, SCOPES)
    const callback = new URL(REDIRECT)
    callback.searchParams.set('error', 'access_denied')
    callback.searchParams.set('error_description', 'Policy evaluation failed for this request, please check the policy configurations.')
    callback.searchParams.set('state', request.state)
    callback.searchParams.set('iss', issuer)
    const error = await failure(server.exchangeCode(callback, request))
    expect(error.message).toBe(
      'could not complete the login: the authorization server answered access_denied: Policy evaluation failed for this request, please check the policy configurations.',
    )
    expect(error.hint).toContain('assign you to the app and check the authorization server policy')
  })

  it('issuer mismatch at discovery', async () => {
    const { clientId, issuer } = await nativeApp()
    // The org server's discovery document, fetched as if it were the default server's: another issuer.
    const http = await import('node:http')
    const doc = await (await fetch(`${issuer}/.well-known/openid-configuration`)).text()
    const impostor = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(doc)
    })
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve))
    const other = `http://127.0.0.1:${(impostor.address() as { port: number }).port}`
    try {
      const error = await failure(createOidcClient().discover(other, clientId))
      expect(error.message).toBe(`could not discover the issuer ${other}: issuer mismatch (the server does not identify itself as ${other})`)
    } finally {
      impostor.close()
    }
  })

  it('an unreachable issuer is an UnreachableError (logout goes on offline)', async () => {
    const error = await failure(createOidcClient().discover('http://127.0.0.1:9', 'x'))
    expect(error).toBeInstanceOf(UnreachableError)
    expect(error.message).toBe('could not discover the issuer http://127.0.0.1:9: http://127.0.0.1:9 cannot be reached')
  })
})

/** A config home holding a cli profile and a token set in the file store. */
function seedHome(profiles: Record<string, { issuer: string; clientId: string; set?: string }>): string {
  const home = tempDir('oidc-setup-edge-')
  mkdirSync(path.join(home, 'profiles'), { recursive: true })
  const secrets: Record<string, string> = {}
  for (const [name, p] of Object.entries(profiles)) {
    writeFileSync(path.join(home, 'profiles', `${name}.json`), JSON.stringify({ name, issuer: p.issuer, clientId: p.clientId, target: 'cli' }))
    if (p.set) {
      secrets[secretKeys.tokenSet(name)] = p.set
    }
  }
  writeFileSync(path.join(home, 'secrets.json'), JSON.stringify(secrets), { mode: 0o600 })
  return home
}

async function realSet(): Promise<{ set: string; issuer: string; clientId: string; refreshToken: string; accessToken: string }> {
  const { clientId, issuer } = await nativeApp()
  const { server, request, callback } = await signedInCallback(issuer, clientId)
  const tokens = await server.exchangeCode(callback, request)
  const stored = toStoredTokenSet(tokens, { issuer, clientId, requestedScopes: SCOPES, nowSeconds: Math.floor(Date.now() / 1000) })
  return { set: serializeTokenSet(stored), issuer, clientId, refreshToken: tokens.refreshToken ?? '', accessToken: tokens.accessToken }
}

async function active(issuer: string, clientId: string, token: string): Promise<boolean> {
  const config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] })
  return (await oidc.tokenIntrospection(config, token)).active
}

describe('status and logout', () => {
  it('status --json: per profile issuer, client, subject, email, scopes, expiry and store, never a token value', async () => {
    const a = await realSet()
    const home = seedHome({ work: { issuer: a.issuer, clientId: a.clientId, set: a.set }, idle: { issuer: a.issuer, clientId: a.clientId } })
    const r = await runWith(['status', '--json'], { configHome: home })
    expect(r.code, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout) as { profiles: Array<Record<string, unknown>> }
    const work = doc.profiles.find((p) => p.profile === 'work')
    expect(work).toMatchObject({
      loggedIn: true,
      issuer: a.issuer,
      clientId: a.clientId,
      email: sandbox().users[0]?.login,
      hasRefreshToken: true,
      scopes: expect.arrayContaining(['openid', 'offline_access']),
    })
    expect(String(work?.subject)).toMatch(/^00u/)
    expect(String(work?.accessTokenExpiresAt)).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(String(work?.store)).toContain('secrets.json')
    expect(doc.profiles.find((p) => p.profile === 'idle')).toMatchObject({ loggedIn: false, hasRefreshToken: false })
    for (const value of [a.accessToken, a.refreshToken]) {
      expect(r.stdout).not.toContain(value)
      expect(r.stderr).not.toContain(value)
    }
  })

  it('logout --end-session revokes both tokens (introspection: inactive), deletes them and opens the end-session URL', async () => {
    const a = await realSet()
    const home = seedHome({ work: { issuer: a.issuer, clientId: a.clientId, set: a.set } })
    expect(await active(a.issuer, a.clientId, a.refreshToken)).toBe(true)
    const opened: string[] = []
    const browser = {
      async open(url: string) {
        opened.push(url)
        return true
      },
    }
    const r = await runWith(['logout', '--profile', 'work', '--end-session'], { configHome: home, browser })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('logged out of profile work (revoked: refresh token, access token)\n')
    expect(await active(a.issuer, a.clientId, a.refreshToken)).toBe(false)
    expect(await active(a.issuer, a.clientId, a.accessToken)).toBe(false)
    expect(JSON.parse(readFileSync(path.join(home, 'secrets.json'), 'utf8'))).toEqual({})
    expect(opened).toHaveLength(1)
    const end = new URL(opened[0] ?? '')
    expect(end.href.startsWith(`${a.issuer}/v1/logout`)).toBe(true)
    expect(end.searchParams.get('id_token_hint')).toBeTruthy()
  })

  it('logout offline: warns that server-side revocation was skipped and still deletes the local tokens', async () => {
    const set = serializeTokenSet(
      toStoredTokenSet(
        { accessToken: 'at-offline', refreshToken: 'rt-offline', expiresIn: 3600 },
        { issuer: 'http://127.0.0.1:9', clientId: 'x', requestedScopes: SCOPES, nowSeconds: Math.floor(Date.now() / 1000) },
      ),
    )
    const home = seedHome({ away: { issuer: 'http://127.0.0.1:9', clientId: 'x', set } })
    const r = await runWith(['logout', '--profile', 'away', '--json'], { configHome: home })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('warning: profile "away": server-side revocation skipped (could not discover the issuer http://127.0.0.1:9: http://127.0.0.1:9 cannot be reached)')
    expect(JSON.parse(r.stdout)).toEqual({
      profiles: [
        {
          profile: 'away',
          loggedOut: true,
          revoked: [],
          revocationSkipped: 'could not discover the issuer http://127.0.0.1:9: http://127.0.0.1:9 cannot be reached',
          endSessionUrl: null,
        },
      ],
    })
    expect(JSON.parse(readFileSync(path.join(home, 'secrets.json'), 'utf8'))).toEqual({})
    expect(r.stderr).not.toContain('rt-offline')
  })

  it('logout --all logs out every profile holding tokens; --all with --profile is a usage error', async () => {
    const a = await realSet()
    const b = await realSet()
    const home = seedHome({
      one: { issuer: a.issuer, clientId: a.clientId, set: a.set },
      two: { issuer: b.issuer, clientId: b.clientId, set: b.set },
      none: { issuer: b.issuer, clientId: b.clientId },
    })
    const bad = await runWith(['logout', '--all', '--profile', 'one'], { configHome: home })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('error: --all and --profile exclude each other')
    const r = await runWith(['logout', '--all'], { configHome: home })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'logged out of profile one (revoked: refresh token, access token)',
      'logged out of profile two (revoked: refresh token, access token)',
    ])
    expect(await active(a.issuer, a.clientId, a.refreshToken)).toBe(false)
    expect(await active(b.issuer, b.clientId, b.refreshToken)).toBe(false)
    const again = await runWith(['logout', '--all'], { configHome: home })
    expect(again.stdout).toBe('no profile holds tokens; nothing to do\n')
  })
})

describe('--debug never shows token values', () => {
  it('token (a failed refresh), status and logout with --debug: no access, ID or refresh token on either stream', async () => {
    const a = await realSet()
    // The stored access token has expired, and the refresh token was revoked behind the tool's back.
    const expired: Record<string, unknown> = { ...(JSON.parse(a.set) as Record<string, unknown>), expiresAt: Math.floor(Date.now() / 1000) - 10 }
    const home = seedHome({ work: { issuer: a.issuer, clientId: a.clientId, set: JSON.stringify(expired) } })
    const config = await oidc.discovery(new URL(a.issuer), a.clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] })
    await oidc.tokenRevocation(config, a.refreshToken, { token_type_hint: 'refresh_token' })
    const idToken = String(expired.idToken)
    const runs = [
      await runWith(['token', '--profile', 'work', '--debug'], { configHome: home }),
      await runWith(['status', '--debug'], { configHome: home }),
      await runWith(['logout', '--profile', 'work', '--debug'], { configHome: home }),
    ]
    expect(runs.map((r) => r.code)).toEqual([4, 0, 0])
    expect(runs[0]?.stderr).toContain('error: could not refresh the token of profile "work": the authorization server answered invalid_grant')
    expect(runs[0]?.stderr).toContain('debug: ')
    for (const r of runs) {
      for (const value of [a.accessToken, a.refreshToken, idToken]) {
        expect(r.stdout).not.toContain(value)
        expect(r.stderr).not.toContain(value)
      }
    }
  })
})

describe('login --issuer --client-id on a port of its own', () => {
  it('--json: one document without token values; the profile file records issuer and client, the tokens only the store', async () => {
    const net = await import('node:net')
    const probe = net.createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as { port: number }).port
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    const { clientId, issuer } = await nativeApp(`http://127.0.0.1:${port}/callback`)
    const home = tempDir('oidc-setup-edge-')
    const browser = httpBrowser(sandbox().users[0] as { login: string; password: string; totpSecret?: string | undefined })
    const r = await runWith(['login', '--issuer', issuer, '--client-id', clientId, '--port', String(port), '--profile', 'adhoc', '--json'], {
      configHome: home,
      browser,
    })
    expect(r.code, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout) as Record<string, unknown>
    expect(doc).toMatchObject({ profile: 'adhoc', issuer, clientId, email: sandbox().users[0]?.login, refreshToken: true })
    expect(doc.scopes).toEqual(SCOPES)
    expect(String(doc.accessTokenExpiresAt)).toMatch(/^\d{4}-/)
    const stored = JSON.parse(JSON.parse(readFileSync(path.join(home, 'secrets.json'), 'utf8'))[secretKeys.tokenSet('adhoc')] as string) as Record<string, string>
    const profileText = readFileSync(path.join(home, 'profiles', 'adhoc.json'), 'utf8')
    expect(JSON.parse(profileText)).toMatchObject({ issuer, clientId })
    for (const value of [stored.accessToken, stored.refreshToken, stored.idToken]) {
      expect(value).toBeTruthy()
      expect(r.stdout).not.toContain(value)
      expect(r.stderr).not.toContain(value)
      expect(profileText).not.toContain(value)
    }
  })
})
