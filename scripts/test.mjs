// `npm test`: builds, makes sure the system tools the tests use are there, and runs vitest inside a real
// Secret Service session (dbus-run-session + gnome-keyring) when none is running.
//
// System packages (Debian): gnome-keyring, dbus-x11, libsecret-tools (keychain), libxml2-utils (xmllint, for
// Galaxy's XSD), chromium (real-browser tests), apache2 + libapache2-mod-auth-openidc and openssl (the judge tests in
// test/judges; kubectl too, which Debian 12 lacks: this machine kind's image ships it, Debian 13 has kubernetes-client),
// zsh and fish (completion scripts), ruby (gitlab.rb is evaluated), curl (Harbor's script). As root with apt-get they are installed when missing;
// otherwise the command to run is printed and the tests that need them skip with a reason.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'

const PACKAGES = {
  'dbus-run-session': 'dbus-x11',
  'gnome-keyring-daemon': 'gnome-keyring',
  'secret-tool': 'libsecret-tools',
  xmllint: 'libxml2-utils',
  chromium: 'chromium',
  apache2: 'apache2',
  '/usr/lib/apache2/modules/mod_auth_openidc.so': 'libapache2-mod-auth-openidc',
  openssl: 'openssl',
  // Completion scripts are run in the real shells.
  zsh: 'zsh',
  fish: 'fish',
  ruby: 'ruby',
  curl: 'curl',
}

const has = (cmd) =>
  cmd.startsWith('/') ? existsSync(cmd) : spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0
const log = (msg) => process.stderr.write(`test: ${msg}\n`)

const missing = [...new Set(Object.entries(PACKAGES).filter(([cmd]) => !has(cmd)).map(([, pkg]) => pkg))]
if (missing.length > 0) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (isRoot && has('apt-get') && process.env.OIDC_SETUP_TEST_NO_INSTALL !== '1') {
    log(`installing ${missing.join(' ')} with apt-get`)
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    const run = (args) => spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env }).status === 0
    if (!run(['install', '-y', '--no-install-recommends', ...missing]) && run(['update'])) {
      run(['install', '-y', '--no-install-recommends', ...missing])
    }
  } else {
    log(`missing system packages: ${missing.join(' ')} (install them: apt-get install ${missing.join(' ')}); tests needing them will skip`)
  }
}

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' })
if (build.status !== 0) {
  process.exit(build.status ?? 1)
}

// The JSON report gives the closing summary line below ("N passed, N failed"), which CI reads.
const report = '.tmp/vitest-report.json'
rmSync(report, { force: true })
const vitest = [
  'node_modules/vitest/vitest.mjs',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]
let result
if (!process.env.DBUS_SESSION_BUS_ADDRESS && has('dbus-run-session') && has('gnome-keyring-daemon')) {
  log('starting a private D-Bus session with an unlocked gnome-keyring for the keychain tests')
  const quoted = [process.execPath, ...vitest].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ')
  result = spawnSync(
    'dbus-run-session',
    ['--', 'sh', '-c', `echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec ${quoted}`],
    { stdio: 'inherit' },
  )
} else {
  result = spawnSync(process.execPath, vitest, { stdio: 'inherit' })
}
if (!has('kubectl')) {
  log('kubectl was not found: the kubectl judge was skipped (Debian 13: apt-get install kubernetes-client)')
}
if (!existsSync('/usr/bin/chromium')) {
  log('chromium was not found at /usr/bin/chromium: the real-browser login test was skipped')
}
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'))
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
  process.stdout.write(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`)
}
process.exit(result.status ?? 1)
