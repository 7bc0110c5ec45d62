// `npm run demo`: the main job on the embedded sandbox, through the real CLI, as a newcomer would run it.
//
//   1. start a local Okta-compatible org (oidc-setup sandbox start)
//   2. save its Management API credentials (oidc-setup okta configure)
//   3. setup Galaxy, Pomerium, Kestra and OpenMetadata: Okta app + config files in ./demo-output/<target>/ + a
//      verified test sign-in
//   4. setup the `cli` app and log in with it (a stand-in browser signs the demo user in on the sandbox's page)
//   5. status, a fresh token for scripts, doctor on every setup (all green)
//   6. stop the sandbox
//
// Everything it creates lives in ./demo-output (config home included), so it never touches your own profiles.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
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
  const targets = [
    ['galaxy', 'https://galaxy.demo.example', []],
    ['pomerium', 'https://authenticate.demo.example', []],
    // Kestra gives SSO users the default role's permissions; OpenMetadata needs its first admins named.
    ['kestra', 'https://kestra.demo.example', ['--set', 'defaultRole=Viewer', '--set', 'defaultRolePermissions=FLOW:READ,EXECUTION:READ']],
    ['openmetadata', 'https://openmetadata.demo.example', ['--set', 'adminPrincipals=qa.openmetadata', '--set', 'principalDomain=example.com']],
  ]
  heading(3, 'set up Galaxy, Pomerium, Kestra and OpenMetadata (Okta app + config files + a test sign-in)')
  for (const [target, base, settings] of targets) {
    say()
    cli([
      'setup', '--profile', target, '--target', target, '--base-url', base,
      '--out', path.join('demo-output', target), '--assign-group', 'Everyone',
      '--test-user', `qa.${target}@example.com`, '--verify', '--yes', ...settings,
    ])
  }

  // 4. A developer's login.
  heading(4, 'set up the `cli` app and log in (authorization code + PKCE on a loopback port)')
  cli(['setup', '--profile', 'cli', '--target', 'cli', '--assign-group', 'Everyone', '--yes'])
  say()
  // The stand-in browser types the demo user's login and password into the sandbox's sign-in page.
  env.OIDC_SETUP_DEMO_LOGIN = org.user.login
  env.OIDC_SETUP_DEMO_PASSWORD = org.user.password
  // The sandbox is an Identity Engine org: the app's default policy asks for a second factor, the demo user's TOTP.
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
    const files = { galaxy: ['oidc_backends_config.xml'], pomerium: ['config.yaml'], kestra: ['application.yaml'], openmetadata: ['openmetadata.yaml'] }[target]
    cli(['doctor', '--profile', target, ...files.flatMap((f) => ['--config', path.join('demo-output', target, f)])])
  }

  heading(6, 'stop the sandbox')
  const status = await stopSandbox()
  say(`sandbox stopped (exit ${status})`)
  say(`\n${bold('done')} in ${((Date.now() - started) / 1000).toFixed(1)} s: the config files are in ${path.relative(process.cwd(), out) || out}/`)
  process.exitCode = status === 0 ? 0 : 1
} catch (error) {
  say(`\ndemo: ${error instanceof DemoStop ? error.message : (error?.stack ?? error)}; stopping`)
  await stopSandbox()
  process.exitCode = 1
}
