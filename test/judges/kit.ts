// What the judge tests share: the real relying party's tools (skip with a reason on a developer machine that lacks
// them, fail in CI), one headless Chromium per test file, a small loopback HTTP server, and `okta create-app`
// through the CLI against the file's sandbox.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { runMain } from '../helpers/run-main.js'

/** Debian's Chromium, the one browser the tests use (never a downloaded build). */
export const CHROMIUM = '/usr/bin/chromium'

/** The flags every test Chromium runs with (no sandbox as root, no background traffic off loopback). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/** Whether a command is on PATH (or an absolute path exists). */
export function hasCommand(command: string): boolean {
  if (command.startsWith('/')) {
    return existsSync(command)
  }
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}

/**
 * A describe block for one judge that needs system tools. Where a tool is missing it skips with the install command,
 * unless OIDC_SETUP_REQUIRE_JUDGES=1 (CI sets it): then it runs and fails, so a judge never silently stops judging.
 */
export function describeJudge(name: string, needs: Record<string, string>, body: () => void): void {
  const missing = Object.entries(needs).filter(([command]) => !hasCommand(command))
  const required = process.env.OIDC_SETUP_REQUIRE_JUDGES === '1'
  const label = missing.length
    ? `${name} (needs ${missing.map(([c, pkg]) => `${c}: apt-get install ${pkg}`).join('; ')})`
    : name
  if (missing.length && required) {
    describe(label, () => {
      beforeAll(() => {
        throw new Error(`judge tools missing in CI: ${missing.map(([c]) => c).join(', ')}`)
      })
      body()
    })
    return
  }
  describe.skipIf(missing.length > 0)(label, body)
}

/**
 * One headless Chromium for the test file, launched before the tests (while they provision) and closed after them;
 * each call of the accessor gives a fresh context (its own cookie jar).
 */
export function useChromium(): () => Promise<BrowserContext> {
  let launching: Promise<Browser> | undefined
  const contexts: BrowserContext[] = []
  const launch = (): Promise<Browser> =>
    (launching ??= import('playwright-core').then(({ chromium }) =>
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
    ))
  beforeAll(() => {
    // Started here, awaited on first use: the launch overlaps the test's provisioning.
    launch().catch(() => undefined)
  })
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)))
    if (launching) {
      await (await launching.catch(() => undefined))?.close()
    }
  })
  return async () => {
    const context = await (await launch()).newContext()
    contexts.push(context)
    return context
  }
}

/** A loopback HTTP server started by the test. */
export interface LocalServer {
  server: Server
  port: number
  origin: string
  close(): Promise<void>
}

/** Starts an HTTP server on 127.0.0.1 (a free port unless given) with the handler. */
export async function startLocalServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
  port = 0,
): Promise<LocalServer> {
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      if (!res.headersSent) {
        res.statusCode = 500
      }
      res.end(String(error))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const actual = (server.address() as AddressInfo).port
  return {
    server,
    port: actual,
    origin: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A free loopback TCP port (for a server the test starts as another process). */
export async function freePort(): Promise<number> {
  const probe = await startLocalServer(() => undefined)
  await probe.close()
  return probe.port
}

/** What `okta create-app --json --show-secret` reported, and the config home it saved the profile in. */
export interface CreatedApp {
  home: string
  profile: string
  clientId: string
  issuer: string
  authServerId: string
  clientSecret?: string
  testUserPassword?: string
  json: Record<string, unknown>
}

/**
 * Provisions an app through the CLI (`okta create-app … --json --show-secret`) against the sandbox, the way a user
 * would, and returns what it printed. Fails the test with the CLI's stderr when it exits non-zero.
 */
export async function createApp(
  okta: { OKTA_CLIENT_ORGURL: string; OKTA_CLIENT_TOKEN: string } | Record<string, string>,
  profile: string,
  args: string[],
  home = tempDir('oidc-setup-judge-home-'),
): Promise<CreatedApp> {
  const run = await runMain(['okta', 'create-app', '--profile', profile, ...args, '--json', '--show-secret'], {
    env: okta,
    configHome: home,
  })
  if (run.code !== 0) {
    throw new Error(`okta create-app exited ${run.code}: ${run.stderr}`)
  }
  const json = JSON.parse(run.stdout) as Record<string, unknown>
  return {
    home,
    profile,
    clientId: String(json.clientId),
    issuer: String(json.issuer),
    authServerId: String(json.authServerId),
    ...(typeof json.clientSecret === 'string' ? { clientSecret: json.clientSecret } : {}),
    ...(typeof json.testUserPassword === 'string' ? { testUserPassword: json.testUserPassword } : {}),
    json,
  }
}

/** Reads a JSON document from the sandbox's Management API (what an admin would see). */
export async function oktaGet<T = Record<string, unknown>>(sandbox: { orgUrl: string; apiToken: string }, path: string): Promise<T> {
  const res = await fetch(`${sandbox.orgUrl}${path}`, { headers: { Authorization: `SSWS ${sandbox.apiToken}`, Accept: 'application/json' } })
  if (!res.ok) {
    throw new Error(`GET ${path}: ${res.status} ${await res.text()}`)
  }
  return (await res.json()) as T
}
