// Ctrl-C and --timeout on the built CLI: the real SIGINT wiring ends a waiting `login` with exit 130 and frees the
// loopback port. Runs on a port of its own (--port), so it never competes with login.test.ts for the default ones.
import net from 'node:net'
import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { BIN, tempDir } from '../helpers/cli.js'
import { useSandbox } from '../helpers/sandbox.js'

const { sandbox } = useSandbox()

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

async function canBind(port: number): Promise<boolean> {
  const server = net.createServer()
  return new Promise((resolve) => {
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/** Starts `login --no-browser` on `port`; resolves once the authorization URL is on stderr. */
function startLogin(port: number, extra: string[] = []) {
  const child = spawn(
    process.execPath,
    [BIN, 'login', '--issuer', sandbox().issuer('default'), '--client-id', '0oanotchecked', '--port', String(port), '--no-browser', '--secret-store', 'file', ...extra],
    { env: { ...process.env, OIDC_SETUP_CONFIG_DIR: tempDir('oidc-setup-signal-'), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stderr = ''
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  const waiting = new Promise<void>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
      if (stderr.includes('/v1/authorize?')) {
        resolve()
      }
    })
    child.once('exit', () => reject(new Error(`login exited early: ${stderr}`)))
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, waiting, exited, output: () => ({ stdout, stderr }) }
}

describe('login on the built CLI: ending the wait', () => {
  it('SIGINT while waiting for the browser → exit 130, nothing on stdout, the port is free again', async () => {
    const port = await freePort()
    const run = startLogin(port)
    await run.waiting
    expect(await canBind(port)).toBe(false)
    const started = Date.now()
    run.child.kill('SIGINT')
    expect(await run.exited).toBe(130)
    expect(Date.now() - started).toBeLessThan(3000)
    expect(run.output().stdout).toBe('')
    expect(run.output().stderr).toMatch(/\nlogin interrupted; nothing was stored\n$/)
    expect(await canBind(port)).toBe(true)
  })

  it('--timeout → exit 4 with a hint, the port is free again', async () => {
    const port = await freePort()
    const run = startLogin(port, ['--timeout', '1'])
    await run.waiting
    expect(await run.exited).toBe(4)
    expect(run.output().stderr).toContain('error: login timed out after 1 s waiting for the browser sign-in')
    expect(run.output().stderr).toContain('hint: run oidc-setup login again and finish the sign-in in time, or pass a longer --timeout SECONDS')
    expect(await canBind(port)).toBe(true)
  })
})
