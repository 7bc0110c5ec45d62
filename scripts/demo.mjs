// `npm run demo`: the main job on the embedded sandbox, through the real CLI, as a newcomer would run it.
//
//   1. start a local Okta-compatible org (oidc-setup sandbox start)
//   2. save its Management API credentials (oidc-setup okta configure)
//   3. setup Galaxy, Pomerium, Kestra, OpenMetadata and Apache (mod_auth_openidc): Okta app + config files in
//      ./demo-output/<target>/ + a verified test sign-in; when Apache httpd and mod_auth_openidc are installed, the
//      real Apache runs the rendered oidc.conf on a loopback port and the demo user signs in through it
//   4. setup the `cli` app and log in with it (a stand-in browser signs the demo user in on the sandbox's page)
//   5. status, a fresh token for scripts, doctor on every setup (all green)
//   6. stop the sandbox
//
// Everything it creates lives in ./demo-output (config home included), so it never touches your own profiles.
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = path.join(root, 'demo-output')
const home = path.join(out, '.oidc-setup')
const bin = path.join(root, 'bin', 'oidc-setup.js')
const started = Date.now()

const bold = (s) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[22m` : s)
const say = (s = '') => process.stdout.write(`${s}\n`)
const heading = (n, s) => say(`\n${bold(`── ${n}. ${s}`)}`)

rmSync(out, { recursive: true, force: true })
mkdirSync(home, { recursive: true, mode: 0o700 })

const env = { ...process.env, OIDC_SETUP_CONFIG_DIR: home }
for (const key of Object.keys(env)) {
  if (key.startsWith('OKTA_CLIENT_')) {
    delete env[key] // the demo talks to its own sandbox only
  }
}

class DemoStop extends Error {}

const APACHE_MODULES = '/usr/lib/apache2/modules'
const hasApache =
  spawnSync('apache2', ['-v'], { stdio: 'ignore' }).status === 0 && existsSync(path.join(APACHE_MODULES, 'mod_auth_openidc.so'))

/** A free loopback port (Apache's, known before its Okta app is created: the redirect URI carries it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/**
 * Starts the real Apache httpd in the foreground (`apache2 -X`) on 127.0.0.1:port with a minimal server config that
 * Includes the rendered oidc.conf and serves whoami.html, which echoes what mod_auth_openidc put in the environment
 * (mod_include). Returns the child once the port answers.
 */
async function startApache(port, oidcConf) {
  // Started as root, httpd serves as `User` (mod_unixd): its pages live where that user can read them.
  const dir = mkdtempSync(path.join(tmpdir(), 'oidc-setup-demo-httpd-'))
  mkdirSync(path.join(dir, 'htdocs'))
  chmodSync(dir, 0o755)
  chmodSync(path.join(dir, 'htdocs'), 0o755)
  writeFileSync(path.join(dir, 'htdocs', 'whoami.html'), 'signed in as <!--#echo var="REMOTE_USER" --> (name: <!--#echo var="OIDC_CLAIM_name" -->)\n', { mode: 0o644 })
  const modules = ['mpm_prefork', 'authn_core', 'authz_core', 'authz_user', 'include', 'auth_openidc']
  writeFileSync(
    path.join(dir, 'httpd.conf'),
    [
      `ServerRoot "${dir}"`,
      `DefaultRuntimeDir "${dir}"`,
      ...modules.map((m) => `LoadModule ${m}_module ${APACHE_MODULES}/mod_${m}.so`),
      ...(process.getuid?.() === 0 ? ['User nobody', 'Group nogroup'] : []),
      `Listen 127.0.0.1:${port}`,
      `PidFile "${dir}/httpd.pid"`,
      `ErrorLog "${dir}/error.log"`,
      'ServerName 127.0.0.1',
      `DocumentRoot "${dir}/htdocs"`,
      `<Directory "${dir}/htdocs">`,
      '    Options +Includes',
      '    SetOutputFilter INCLUDES',
      '    ForceType text/html',
      '</Directory>',
      `Include "${oidcConf}"`,
      '',
    ].join('\n'),
  )
  say(`$ apache2 -X -f ${path.join(dir, 'httpd.conf')}    # Includes ${path.relative(root, oidcConf)}`)
  const child = spawn('apache2', ['-X', '-f', path.join(dir, 'httpd.conf')], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
  const log = () => (existsSync(path.join(dir, 'error.log')) ? readFileSync(path.join(dir, 'error.log'), 'utf8') : '')
  for (const deadline = Date.now() + 10_000; ; ) {
    if (child.exitCode !== null) {
      throw new DemoStop(`apache2 exited ${child.exitCode}: ${stderr}${log()}`)
    }
    if (await fetch(`http://127.0.0.1:${port}/`, { redirect: 'manual' }).then(() => true, () => false)) {
      return { child, log, dir }
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new DemoStop(`apache2 did not answer on port ${port}: ${stderr}${log()}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Stops the demo's Apache and removes its server directory. */
function stopApache(apache) {
  apache.child.kill('SIGTERM')
  rmSync(apache.dir, { recursive: true, force: true })
}

/**
 * A browser's round trip through Apache: the protected page redirects to the sandbox (mod_auth_openidc's state
 * cookie set), the demo user signs in there (the sandbox's test-login, with their TOTP code), the redirect back to
 * OIDCRedirectURI sets the session cookie, and the page answers. Returns the page's text.
 */
async function signInThroughApache(page, user) {
  const jar = new Map()
  // node:http, not fetch: fetch always sends Sec-Fetch-Mode: cors, and mod_auth_openidc answers a request whose
  // Sec-Fetch-Mode is not "navigate" with 401 instead of redirecting it (its XHR detection, ChangeLog 2.4.9.5).
  const get = (url) =>
    new Promise((resolve, reject) => {
      const headers = { Accept: 'text/html', 'Sec-Fetch-Mode': 'navigate', Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') }
      request(url, { headers }, (res) => {
        for (const line of res.headers['set-cookie'] ?? []) {
          const [pair] = line.split(';')
          const eq = pair.indexOf('=')
          jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim())
        }
        let body = ''
        res.setEncoding('utf8').on('data', (d) => (body += d))
        res.on('end', () => resolve({ status: res.statusCode, location: res.headers.location, body }))
      })
        .on('error', reject)
        .end()
    })
  const first = await get(page)
  const authorizationUrl = first.location
  if (first.status !== 302 || !authorizationUrl) {
    throw new DemoStop(`Apache answered ${first.status} instead of redirecting to Okta`)
  }
  const { totpCode } = (await import('../dist/sandbox.cjs')).default
  const login = await fetch(new URL('/sandbox/v1/test-login', authorizationUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ authorizationUrl, login: user.login, password: user.password, totp: totpCode(user.totpSecret) }),
  })
  const result = await login.json()
  if (!login.ok || !result.redirect) {
    throw new DemoStop(`the sign-in failed: ${result.error ?? login.status}: ${result.error_description ?? ''}`)
  }
  const back = await get(result.redirect)
  const next = back.location
  if (back.status !== 302 || !next) {
    throw new DemoStop(`Apache answered ${back.status} at its redirect URI`)
  }
  const final = await get(new URL(next, page))
  const text = final.body.trim()
  if (final.status !== 200) {
    throw new DemoStop(`the protected page answered ${final.status}: ${text}`)
  }
  return text
}

/**
 * Runs the CLI as a person would see it (its output straight to the terminal). With `capture`, its stdout (data,
 * such as a token) is returned instead of shown.
 */
function cli(args, { capture = false, allowFail = false, captureStderr = false } = {}) {
  say(`$ oidc-setup ${args.map((a) => (/[\s"]/.test(a) ? JSON.stringify(a) : a)).join(' ')}`)
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
    stdio: ['ignore', capture ? 'pipe' : 'inherit', captureStderr ? 'pipe' : 'inherit'],
  })
  if (r.status !== 0 && !allowFail) {
    throw new DemoStop(`\`oidc-setup ${args[0]}\` exited ${r.status}`)
  }
  return r
}

// 1. The sandbox.
heading(1, 'start a local Okta-compatible org (the sandbox)')
say('$ oidc-setup sandbox start --json')
// An Identity Engine org, as new orgs are: the default policy asks for two factors, and setup gives each test user
// it creates a TOTP authenticator to answer it.
const sandbox = spawn(process.execPath, [bin, 'sandbox', 'start', '--json'], {
  cwd: root,
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
})
let sandboxErr = ''
sandbox.stderr.setEncoding('utf8').on('data', (d) => (sandboxErr += d))
const org = await new Promise((resolve, reject) => {
  let text = ''
  const timer = setTimeout(() => reject(new Error(`the sandbox did not start: ${sandboxErr}`)), 15_000)
  sandbox.stdout.setEncoding('utf8').on('data', (d) => {
    text += d
    try {
        const doc = JSON.parse(text)
        clearTimeout(timer)
        resolve(doc)
      } catch {
        // not the whole document yet
      }
    })
    sandbox.once('exit', (code) => reject(new Error(`the sandbox exited ${code}: ${sandboxErr}`)))
  })
  say(`org URL ${org.orgUrl}, demo user ${org.user.login} (the API token stays in this process)`)

  /** Stops the sandbox with Ctrl-C, as a person would, and returns its exit code. */
  function stopSandbox() {
    return new Promise((resolve) => {
      sandbox.once('exit', (status) => resolve(status))
      sandbox.kill('SIGINT')
    })
  }

  /** The running Apache, while the demo signs in through it (stopped on the way out). */
  let apache

  try {

  // 2. Credentials: the token travels in an environment variable, never in argv.
  heading(2, 'save the Management API credentials')
  env.OIDC_SETUP_DEMO_TOKEN = org.apiToken
  const configure = cli(['okta', 'configure', '--org-url', org.orgUrl, '--api-token-env', 'OIDC_SETUP_DEMO_TOKEN'], {
    allowFail: true,
    captureStderr: true,
  })
  if (configure.status === 3 && configure.stderr.includes('no usable OS keychain')) {
    say('no OS keychain is usable here (no Secret Service in this session), so the demo keeps secrets in the file')
    say(`store: an unencrypted 0600 file in ${path.relative(root, home)}/. On a desktop they go to the keychain.`)
    env.OIDC_SETUP_SECRET_STORE = 'file'
    cli(['okta', 'configure', '--org-url', org.orgUrl, '--api-token-env', 'OIDC_SETUP_DEMO_TOKEN'])
  } else {
    process.stderr.write(configure.stderr)
    if (configure.status !== 0) {
      throw new DemoStop(`\`oidc-setup okta configure\` exited ${configure.status}`)
    }
  }
  delete env.OIDC_SETUP_DEMO_TOKEN

  // 3. One command per application.
  const apachePort = await freePort()
  const targets = [
    ['galaxy', 'https://galaxy.demo.example', []],
    ['pomerium', 'https://authenticate.demo.example', []],
    // Kestra gives SSO users the default role's permissions; OpenMetadata's first admins cannot be guessed (a
    // placeholder locks everyone out): the demo's test user.
    ['kestra', 'https://kestra.demo.example', ['--set', 'defaultRole=Viewer', '--set', 'defaultRolePermissions=FLOW:READ,EXECUTION:READ']],
    ['openmetadata', 'https://openmetadata.demo.example', ['--set', 'adminPrincipals=qa.openmetadata', '--set', 'principalDomain=example.com']],
    // A loopback URL: the real Apache below serves it.
    ['apache', `http://127.0.0.1:${apachePort}`, []],
  ]
  heading(3, 'set up Galaxy, Pomerium, Kestra, OpenMetadata and Apache (Okta app + config files + a test sign-in)')
  for (const [target, base, settings] of targets) {
    say()
    cli([
      'setup', '--profile', target, '--target', target, '--base-url', base, ...settings,
      '--out', path.join('demo-output', target), '--assign-group', 'Everyone',
      '--test-user', `qa.${target}@example.com`, '--verify', '--yes',
    ])
  }

  say()
  if (hasApache) {
    say('the real Apache httpd + mod_auth_openidc with the rendered oidc.conf, and the demo user signing in through it:')
    apache = await startApache(apachePort, path.join(out, 'apache', 'oidc.conf'))
    const text = await signInThroughApache(`http://127.0.0.1:${apachePort}/whoami.html`, org.user)
    say(`GET /whoami.html → 200: ${text}`)
    stopApache(apache)
    apache = undefined
  } else {
    say('Apache httpd with mod_auth_openidc is not installed (apt-get install apache2 libapache2-mod-auth-openidc): its files are rendered, the real sign-in is skipped')
  }

  // 4. A developer's login.
  heading(4, 'set up the `cli` app and log in (authorization code + PKCE on a loopback port)')
  cli(['setup', '--profile', 'cli', '--target', 'cli', '--assign-group', 'Everyone', '--yes'])
  say()
  // The stand-in browser types the demo user's login and password into the sandbox's sign-in page.
  env.OIDC_SETUP_DEMO_LOGIN = org.user.login
  env.OIDC_SETUP_DEMO_PASSWORD = org.user.password
  // The demo user's TOTP code too, for when the org's policy asks for a second factor (an Identity Engine org).
  env.OIDC_SETUP_DEMO_TOTP_SECRET = org.user.totpSecret
  cli(['login', '--profile', 'cli', '--browser-command', `${process.execPath} ${path.join(root, 'scripts', 'demo-browser.mjs')}`, '--timeout', '30'])
  delete env.OIDC_SETUP_DEMO_PASSWORD
  delete env.OIDC_SETUP_DEMO_TOTP_SECRET

  // 5. What a developer and a script see, and the health of every setup.
  heading(5, 'status, a token for scripts, and doctor')
  cli(['status'])
  say()
  const token = cli(['token', '--profile', 'cli'], { capture: true })
  say(`(a valid access token of ${token.stdout.trim().length} characters was printed to stdout; the demo does not show it)`)
  for (const [target] of targets) {
    say()
    const files = { galaxy: ['oidc_backends_config.xml'], pomerium: ['config.yaml'], kestra: ['application.yaml'], openmetadata: ['openmetadata.yaml'], apache: ['oidc.conf'] }[target]
    cli(['doctor', '--profile', target, ...files.flatMap((f) => ['--config', path.join('demo-output', target, f)])])
  }

  heading(6, 'stop the sandbox')
  const status = await stopSandbox()
  say(`sandbox stopped (exit ${status})`)
  say(`\n${bold('done')} in ${((Date.now() - started) / 1000).toFixed(1)} s: the config files are in ${path.relative(process.cwd(), out) || out}/`)
  process.exitCode = status === 0 ? 0 : 1
} catch (error) {
  if (apache) {
    stopApache(apache)
  }
  say(`\ndemo: ${error instanceof DemoStop ? error.message : (error?.stack ?? error)}; stopping`)
  await stopSandbox()
  process.exitCode = 1
}
