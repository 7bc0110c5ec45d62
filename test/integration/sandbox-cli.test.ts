// `oidc-setup sandbox start` as users run it: the built CLI in a child process.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { BIN, ROOT, runCli, tempDir } from '../helpers/cli.js'

interface Started {
  child: ChildProcessWithoutNullStreams
  stdout: () => string
  stderr: () => string
  exited: Promise<number | null>
}

function start(args: string[]): Started {
  const child = spawn(process.execPath, [BIN, 'sandbox', 'start', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', OIDC_SETUP_CONFIG_DIR: tempDir('oidc-setup-home-') },
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return { child, stdout: () => stdout, stderr: () => stderr, exited }
}

async function until(check: () => boolean, what: () => string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting: ${what()}`)
    }
    await new Promise((r) => setTimeout(r, 25))
  }
}

const built = existsSync(path.join(ROOT, 'dist', 'cli.cjs'))

describe('oidc-setup sandbox start', () => {
  it.skipIf(!built)('starts the org modes from flags and prints them, with the demo user\'s TOTP seed, in the JSON', async () => {
    const run = start(['--json', '--org-profile', 'classic', '--custom-domain', 'http://localhost:0', '--no-api-access-management', '--eventual-consistency', '250', '--mask-client-secrets'])
    try {
      await until(() => run.stderr().includes('press Ctrl-C'), run.stderr)
      const doc = JSON.parse(run.stdout()) as Record<string, unknown> & { orgUrl: string; apiToken: string; user: { totpSecret: string } }
      const port = new URL(doc.orgUrl).port
      expect(doc).toMatchObject({ orgProfile: 'classic', customDomain: `http://localhost:${port}`, apiAccessManagement: false, eventualConsistencyMs: 250, maskClientSecrets: true, testLogin: `${doc.orgUrl}/sandbox/v1/test-login` })
      expect(doc.user.totpSecret).toMatch(/^[A-Z2-7]{32}$/)
      const servers = await fetch(`${doc.orgUrl}/api/v1/authorizationServers`, { headers: { Authorization: `SSWS ${doc.apiToken}` } })
      expect(servers.status).toBe(401)
      const discovery = (await (await fetch(`http://localhost:${port}/.well-known/openid-configuration`)).json()) as { issuer: string }
      expect(discovery.issuer).toBe(`http://localhost:${port}`)
      run.child.kill('SIGTERM')
      expect(await run.exited).toBe(0)
    } finally {
      run.child.kill('SIGKILL')
    }
  })

  it.skipIf(!built)('refuses bad org-mode flags with exit 2 and a hint', async () => {
    for (const [args, message] of [
      [['--org-profile', 'enterprise'], 'error: --org-profile must be oie or classic'],
      [['--custom-domain', 'not a url'], 'error: --custom-domain must be a URL'],
      [['--custom-domain', 'http://localhost:0/path'], 'error: --custom-domain must be an http(s) origin'],
      [['--eventual-consistency', 'soon'], 'error: --eventual-consistency must be milliseconds'],
    ] as const) {
      const r = await runCli(['sandbox', 'start', ...args])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toContain(message)
      expect(r.stderr).toMatch(/^hint: /m)
    }
  })

  it.skipIf(!built)('prints one JSON document, serves the org, and exits 0 on SIGTERM', async () => {
    const run = start(['--json'])
    try {
      await until(() => run.stderr().includes('press Ctrl-C'), run.stderr)
      const doc = JSON.parse(run.stdout()) as { orgUrl: string; apiToken: string; user: { login: string; password: string } }
      expect(doc.orgUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(doc.user.login).toBe('demo@example.com')
      expect(doc.user.password.length).toBeGreaterThanOrEqual(8)
      const res = await fetch(`${doc.orgUrl}/api/v1/apps`, { headers: { Authorization: `SSWS ${doc.apiToken}` } })
      expect(res.status).toBe(200)
      const discovery = (await (await fetch(`${doc.orgUrl}/oauth2/default/.well-known/openid-configuration`)).json()) as { issuer: string }
      expect(discovery.issuer).toBe(`${doc.orgUrl}/oauth2/default`)
      run.child.kill('SIGTERM')
      expect(await run.exited).toBe(0)
      expect(run.stderr()).not.toMatch(/oidc-provider (WARNING|NOTICE)/)
      expect(run.stdout().trim().split('\n').join('')).toBe(JSON.stringify(doc, null, 2).split('\n').join(''))
    } finally {
      run.child.kill('SIGKILL')
    }
  })

  it.skipIf(!built)('prints the org for people, keeps --state across restarts, exits 0 on SIGINT', async () => {
    const state = path.join(tempDir('oidc-setup-sandbox-'), 'org.json')
    const first = start(['--state', state, '--port', '0'])
    let orgUrl = ''
    let token = ''
    try {
      await until(() => first.stderr().includes('press Ctrl-C'), first.stderr)
      orgUrl = /orgUrl\s+(\S+)/.exec(first.stdout())?.[1] ?? ''
      token = /apiToken\s+(\S+)/.exec(first.stdout())?.[1] ?? ''
      expect(first.stdout()).toMatch(/login\s+demo@example\.com/)
      expect(first.stdout()).toMatch(/password\s+\S+/)
      const created = await fetch(`${orgUrl}/api/v1/groups`, {
        method: 'POST',
        headers: { Authorization: `SSWS ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ profile: { name: 'kept-group' } }),
      })
      expect(created.status).toBe(200)
      first.child.kill('SIGINT')
      expect(await first.exited).toBe(0)
    } finally {
      first.child.kill('SIGKILL')
    }
    expect(JSON.parse(readFileSync(state, 'utf8')).groups).toHaveLength(2)
    const second = start(['--state', state, '--json'])
    try {
      await until(() => second.stderr().includes('press Ctrl-C'), second.stderr)
      const doc = JSON.parse(second.stdout()) as { orgUrl: string; apiToken: string }
      expect(doc.apiToken).toBe(token)
      const groups = (await (await fetch(`${doc.orgUrl}/api/v1/groups?q=kept`, { headers: { Authorization: `SSWS ${doc.apiToken}` } })).json()) as unknown[]
      expect(groups).toHaveLength(1)
      second.child.kill('SIGTERM')
      expect(await second.exited).toBe(0)
    } finally {
      second.child.kill('SIGKILL')
    }
  })

  it.skipIf(!built)('refuses bad flags with exit 2 and a hint', async () => {
    const port = await runCli(['sandbox', 'start', '--port', 'abc'])
    expect(port.code).toBe(2)
    expect(port.stderr).toMatch(/error: --port must be a number/)
    expect(port.stderr).toMatch(/hint: /)
    const user = await runCli(['sandbox', 'start', '--auto-login', 'nobody@example.com'])
    expect(user.code).toBe(2)
    expect(user.stderr).toMatch(/no sandbox user "nobody@example.com"/)
    const dir = tempDir('oidc-setup-sandbox-')
    writeFileSync(path.join(dir, 'bad.json'), '{bad')
    const state = await runCli(['sandbox', 'start', '--state', path.join(dir, 'bad.json')])
    expect(state.code).toBe(3)
    expect(state.stderr).toMatch(/bad\.json is not valid JSON/)
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    try {
      const busy = await runCli(['sandbox', 'start', '--port', String((blocker.address() as AddressInfo).port)])
      expect(busy.code).toBe(2)
      expect(busy.stderr).toMatch(/is in use/)
    } finally {
      blocker.close()
    }
    const help = await runCli(['sandbox', 'start', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/Examples:/)
  })

  it.skipIf(!built)('loads oidc-provider only for `sandbox`, never for other commands', async () => {
    const trace = path.join(tempDir(), 'imports.txt')
    writeFileSync(trace, '')
    const hook = path.join(ROOT, 'test', 'helpers', 'trace-imports.mjs')
    const env = { NODE_OPTIONS: `--import=${hook}`, OIDC_SETUP_TRACE_IMPORTS: trace }
    for (const args of [['--help'], ['targets'], ['sandbox', '--help'], ['okta', '--help']]) {
      expect((await runCli(args, { env })).code, args.join(' ')).toBe(0)
    }
    const loaded = readFileSync(trace, 'utf8')
    expect(loaded).toMatch(/bin\/load\.cjs/)
    expect(loaded).not.toContain('/node_modules/oidc-provider/')
    // …and `sandbox start` does load it.
    writeFileSync(trace, '')
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'oidc-setup.js'), 'sandbox', 'start', '--json'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))
    child.kill('SIGINT')
    await new Promise((resolve) => child.once('close', resolve))
    expect(readFileSync(trace, 'utf8')).toContain('/node_modules/oidc-provider/')
  })
})
