// Issue 11 §3: login refuses up front what could never come back (an unregistered port, a web/SPA app), runs one
// interactive login per profile at a time, and picks the device flow where no browser can open. Built CLI, sandbox.
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { BIN, runCli, tempDir } from '../helpers/cli.js'
import { useSandbox } from '../helpers/sandbox.js'

const { sandbox, oktaEnv } = useSandbox()

function homeWith(profile: Record<string, unknown>, name = 'cli'): string {
  const dir = tempDir('oidc-setup-home-')
  mkdirSync(path.join(dir, 'profiles'), { recursive: true })
  writeFileSync(path.join(dir, 'profiles', `${name}.json`), JSON.stringify(profile))
  return dir
}

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

const cliProfile = {
  target: 'cli',
  applicationType: 'native',
  issuer: 'https://example.okta.com/oauth2/default',
  clientId: '0oaCli',
  redirectUris: ['http://127.0.0.1:8767/callback', 'http://127.0.0.1:18767/callback'],
}

describe('login refuses before waiting in vain', () => {
  it('a --port the app does not register: exit 2 naming the registered ports and how to add one', async () => {
    const r = await runCli(['login', '--profile', 'cli', '--port', '9999', '--no-browser'], { env: { OIDC_SETUP_CONFIG_DIR: homeWith(cliProfile) } })
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      'error: http://127.0.0.1:9999/callback is not a registered redirect URI of profile "cli" (registered ports: 8767, 18767)\n' +
        'hint: use --port 8767, or register the port in Okta first: `oidc-setup okta create-app --target cli --profile cli --redirect-uri http://127.0.0.1:8767/callback --redirect-uri http://127.0.0.1:18767/callback --redirect-uri http://127.0.0.1:9999/callback`\n',
    )
    expect(r.stderr).not.toContain('/v1/authorize')
  })

  it('a web app profile: exit 3, login needs the cli preset', async () => {
    const kestra = { target: 'kestra', applicationType: 'web', issuer: 'https://example.okta.com', clientId: '0oaK', redirectUris: ['https://kestra.example.com/oauth/callback/okta'] }
    const r = await runCli(['login', '--profile', 'kestra', '--json'], { env: { OIDC_SETUP_CONFIG_DIR: homeWith(kestra, 'kestra') } })
    expect(r.code).toBe(3)
    const { error } = JSON.parse(r.stdout) as { error: { message: string; hint: string } }
    expect(error.message).toBe('profile "kestra" is a web app (target kestra): its sign-in redirects to https://kestra.example.com/oauth/callback/okta, never back to this machine')
    expect(error.hint).toBe('login needs an app made with the cli preset: `oidc-setup okta create-app --target cli --profile cli`, then `oidc-setup login --profile cli`')
  })
})

describe('one interactive login per profile', () => {
  it('a second login while one waits says one is in progress (exit 4) and prints no second sign-in URL', async () => {
    const home = tempDir('oidc-setup-home-')
    const port = await freePort()
    const login = (p: number) => ['login', '--issuer', sandbox().issuer('default'), '--client-id', '0oanotchecked', '--port', String(p), '--no-browser', '--secret-store', 'file']
    const args = login(port)
    const first = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, OIDC_SETUP_CONFIG_DIR: home, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let firstErr = ''
    await new Promise<void>((resolve, reject) => {
      first.stderr.setEncoding('utf8').on('data', (d: string) => {
        firstErr += d
        if (firstErr.includes('/v1/authorize?')) {
          resolve()
        }
      })
      first.once('exit', () => reject(new Error(`first login ended early: ${firstErr}`)))
    })
    const exited = new Promise<number | null>((resolve) => first.once('exit', resolve))
    try {
      const second = await runCli([...login(await freePort()), '--json'], { env: { OIDC_SETUP_CONFIG_DIR: home } })
      expect(second.code).toBe(4)
      expect(JSON.parse(second.stdout).error).toMatchObject({ code: 'ERR_LOGIN_IN_PROGRESS', message: 'a login for profile "default" is already in progress' })
      expect(second.stderr).not.toContain('/v1/authorize')
    } finally {
      first.kill('SIGINT')
      expect(await exited, firstErr).toBe(130)
    }
  })
})

describe('no browser can open here', () => {
  it('an SSH session without a display picks the device flow and says so', async () => {
    const home = tempDir('oidc-setup-home-')
    const env = { ...oktaEnv(), OIDC_SETUP_CONFIG_DIR: home, OIDC_SETUP_SECRET_STORE: 'file' }
    const created = await runCli(['okta', 'create-app', '--target', 'cli', '--profile', 'cli'], { env })
    expect(created.code, created.stderr).toBe(0)
    const r = await runCli(['login', '--profile', 'cli', '--timeout', '2'], { env: { ...env, SSH_CONNECTION: '10.0.0.1 5555 10.0.0.2 22', DISPLAY: undefined, WAYLAND_DISPLAY: undefined, BROWSER: undefined } })
    expect(r.stderr).toContain('no browser can open here (this is an SSH session): signing in with the device flow instead')
    expect(r.stderr).toMatch(/on any device, open \S+ and enter the code \S+/)
    expect(r.stderr).not.toContain('/v1/authorize')
    expect(r.code).toBe(4)
  })
})
