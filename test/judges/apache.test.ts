// Judge: the real Apache httpd with Debian's mod_auth_openidc (libapache2-mod-auth-openidc 2.4.12) runs the oidc.conf
// `render-config --target apache` renders for an app `okta create-app --target apache` provisions, and a person signs
// in through the sandbox in headless Chromium: mod_auth_openidc reads OIDCProviderMetadataURL (discovery), sends the
// browser to the authorization endpoint with PKCE S256 (OIDCPKCEMethod), redeems the code at the token endpoint with
// client_secret_basic (OIDCClientSecret), validates the ID token, calls userinfo, and puts the claims in the
// environment (OIDC_CLAIM_*, REMOTE_USER from OIDCRemoteUserClaim email), which the protected page echoes with SSI.
// `Require claim groups:…` (mod_auth_openidc's "claim" authz provider, src/handle/authz.c oidc_authz_24_worker) lets
// in a member of the group (a name with a space: the quoted word the renderer writes) and answers 401 to a signed-in
// user outside it.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { apacheConfigTest, startApache, type RunningApache } from '../helpers/apache.js'
import { runMain } from '../helpers/run-main.js'
import { useSandbox } from '../helpers/sandbox.js'
import { signInOnPage } from '../helpers/sandbox-browser.js'
import { CHROMIUM, createApp, describeJudge, freePort, oktaGet, useChromium } from './kit.js'

const MOD_AUTH_OPENIDC = '/usr/lib/apache2/modules/mod_auth_openidc.so'
const GROUP = 'Apache Judges'

/** The protected page: what mod_auth_openidc put in the request's environment, through mod_include. */
const WHOAMI = [
  '<!doctype html><title>whoami</title>',
  '<p id="user"><!--#echo var="REMOTE_USER" --></p>',
  '<p id="email"><!--#echo var="OIDC_CLAIM_email" --></p>',
  '<p id="groups"><!--#echo var="OIDC_CLAIM_groups" --></p>',
  '',
].join('\n')

describeJudge(
  'judge: Apache httpd + mod_auth_openidc runs the rendered oidc.conf and signs in through the sandbox in Chromium',
  { apache2: 'apache2', [MOD_AUTH_OPENIDC]: 'libapache2-mod-auth-openidc', [CHROMIUM]: 'chromium' },
  () => {
    const { sandbox, oktaEnv } = useSandbox()
    const browserContext = useChromium()
    const running: RunningApache[] = []
    afterAll(async () => {
      await Promise.all(running.map((a) => a.stop()))
    })

    it('a member of the required group gets the page with their identity (200); a user outside it gets 401; --secret-ref env works from httpd\'s environment', async () => {
      const port = await freePort()
      const base = `http://127.0.0.1:${port}`
      const member = 'apache.member@example.com'
      const outsider = 'apache.outsider@example.com'
      const settings = ['--set', `requireGroups=${GROUP}`]
      const app = await createApp(oktaEnv(), 'apache', ['--target', 'apache', '--base-url', base, '--test-user', member, ...settings])
      // A second test user on the same app (create-app reconciles: same client id).
      const second = await createApp(oktaEnv(), 'apache', ['--target', 'apache', '--base-url', base, '--test-user', outsider, ...settings], app.home)
      expect(second.clientId).toBe(app.clientId)
      // The group, with the member in it (POST /api/v1/groups, PUT /api/v1/groups/{groupId}/users/{userId}).
      const headers = { Authorization: `SSWS ${sandbox().apiToken}`, Accept: 'application/json', 'Content-Type': 'application/json' }
      const group = (await (
        await fetch(`${sandbox().orgUrl}/api/v1/groups`, { method: 'POST', headers, body: JSON.stringify({ profile: { name: GROUP } }) })
      ).json()) as { id: string }
      const memberUser = await oktaGet<{ id: string }>(sandbox(), `/api/v1/users/${encodeURIComponent(member)}`)
      const put = await fetch(`${sandbox().orgUrl}/api/v1/groups/${group.id}/users/${memberUser.id}`, { method: 'PUT', headers })
      expect(put.status).toBe(204)

      const out = tempDir('oidc-setup-apache-conf-')
      const rendered = await runMain(['render-config', '--profile', 'apache', '--out', out], { env: oktaEnv(), configHome: app.home })
      expect(rendered.code, rendered.stderr).toBe(0)
      const conf = readFileSync(path.join(out, 'oidc.conf'), 'utf8')
      expect(conf).toContain(`Require claim "groups:${GROUP}"`)

      const apache = await startApache(conf, port, { 'whoami.html': WHOAMI })
      running.push(apache)

      const signIn = async (login: string, password: string): Promise<{ status: number | undefined; text: string }> => {
        const context = await browserContext()
        const page = await context.newPage()
        let status: number | undefined
        page.on('response', (r) => {
          if (new URL(r.url()).pathname === '/whoami.html') {
            status = r.status()
          }
        })
        await page.goto(`${base}/whoami.html`)
        await signInOnPage(page, { login, password, totpSecret: sandbox().enrollTotp(login) })
        await page.waitForURL(`${base}/whoami.html`)
        return { status, text: (await page.textContent('body')) ?? '' }
      }

      const mark = sandbox().requestLog.length
      const allowed = await signIn(member, app.testUserPassword ?? '')
      expect(allowed.status, apache.errorLog()).toBe(200)
      expect(allowed.text.split('\n').slice(0, 3)).toEqual([member, member, `Everyone,${GROUP}`])
      // What mod_auth_openidc did at the sandbox: discovery, the authorization request with PKCE S256, the code
      // redeemed and userinfo called.
      const calls = sandbox().requestLog.slice(mark)
      const authorize = calls.find((c) => c.path === '/oauth2/v1/authorize')
      expect(new URL(authorize?.url ?? '/', base).searchParams.get('code_challenge_method')).toBe('S256')
      expect(calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(
        expect.arrayContaining(['POST /oauth2/v1/token 200', 'GET /oauth2/v1/userinfo 200']),
      )
      const denied = await signIn(outsider, second.testUserPassword ?? '')
      expect(denied.status, apache.errorLog()).toBe(401)
      expect(denied.text).not.toContain(outsider)
      await apache.stop()

      // --secret-ref env: the file holds "${OKTA_CLIENT_SECRET}" and "${OIDC_CRYPTO_PASSPHRASE}", which httpd resolves
      // from its environment when it reads the config (ap_resolve_env, server/config.c). Unset, httpd warns and keeps
      // the text literally (what the next steps and the README say).
      const refOut = tempDir('oidc-setup-apache-ref-')
      const ref = await runMain(['render-config', '--profile', 'apache', '--secret-ref', 'env', '--out', refOut], { env: oktaEnv(), configHome: app.home })
      expect(ref.code, ref.stderr).toBe(0)
      const refConf = readFileSync(path.join(refOut, 'oidc.conf'), 'utf8')
      expect(refConf).not.toContain(app.clientSecret ?? '(none)')
      expect(apacheConfigTest(refConf).stderr).toContain('Config variable ${OKTA_CLIENT_SECRET} is not defined')
      const fromEnv = await startApache(refConf, port, { 'whoami.html': WHOAMI }, {
        OKTA_CLIENT_SECRET: app.clientSecret ?? '',
        OIDC_CRYPTO_PASSPHRASE: randomBytes(32).toString('base64'),
      })
      running.push(fromEnv)
      const again = await signIn(member, app.testUserPassword ?? '')
      expect(again.status, fromEnv.errorLog()).toBe(200)
      expect(again.text).toContain(member)
    }, 120_000)
  },
)
