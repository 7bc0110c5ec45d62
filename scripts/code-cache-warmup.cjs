// Build step: runs the commands people run most (help, targets, render-config for every target and format) inside
// one process, then writes the V8 code cache of dist/cli.cjs, which now holds the compiled code of all of them.
'use strict'
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { loadCli, file } = require('../bin/load.cjs')

async function warmUp() {
  const { exports, script } = loadCli({ record: true })
  if (!script) {
    return
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'oidc-setup-warmup-'))
  const sink = { write: () => true, isTTY: false }
  const io = {
    stdout: sink,
    stderr: sink,
    readStdin: async () => '',
    stdinIsTTY: false,
    env: { NO_COLOR: '1', WARMUP_SECRET: 'warmup-secret-0123456789' },
    cwd: home,
    platform: process.platform,
    homedir: home,
  }
  const render = (target, base, issuer, format) => [
    'render-config', '--target', target, '--issuer', issuer, '--client-id', '0oawarmup',
    '--client-secret-env', 'WARMUP_SECRET', '--base-url', base, '--stdout', ...(format ? ['--format', format] : []),
  ]
  const runs = [
    ['--help'],
    ['--version'],
    ['targets'],
    ['okta', '--help'],
    render('galaxy', 'https://galaxy.example.org', 'https://example.okta.com'),
    render('pomerium', 'https://authenticate.example.com', 'https://example.okta.com'),
    render('pomerium', 'https://authenticate.example.com', 'https://example.okta.com', 'env'),
    render('kestra', 'https://kestra.example.com', 'https://example.okta.com'),
    render('kestra', 'https://kestra.example.com', 'https://example.okta.com', 'env'),
    render('openmetadata', 'https://om.example.com', 'https://example.okta.com/oauth2/default'),
    render('openmetadata', 'https://om.example.com', 'https://example.okta.com/oauth2/default', 'env'),
    // The `token` fast path end to end: a profile and a still-valid token set in the opt-in file store.
    ['token', '--profile', 'warmup', '--secret-store', 'file'],
  ]
  fs.mkdirSync(path.join(home, 'profiles'), { recursive: true })
  fs.writeFileSync(path.join(home, 'profiles', 'warmup.json'), JSON.stringify({ name: 'warmup', issuer: 'https://example.okta.com', clientId: '0oawarmup' }))
  const tokenSet = { version: 1, issuer: 'https://example.okta.com', clientId: '0oawarmup', accessToken: 'warmup-access-token', tokenType: 'Bearer', expiresAt: Math.floor(Date.now() / 1000) + 3600, scopes: ['openid'], obtainedAt: 0 }
  fs.writeFileSync(path.join(home, 'secrets.json'), JSON.stringify({ 'profile:warmup:token-set': JSON.stringify(tokenSet) }))
  for (const argv of runs) {
    await exports.main(argv, { io, configHome: home, interrupt: new AbortController().signal })
  }
  fs.writeFileSync(`${file}.cache`, script.createCachedData())
  fs.rmSync(home, { recursive: true, force: true })
}

warmUp().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`warm-up failed: ${error && error.stack ? error.stack : error}\n`)
    process.exit(1)
  },
)
