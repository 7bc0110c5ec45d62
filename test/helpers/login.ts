// Helpers for login tests: in-process runs of main() with the edges a login test replaces (browser, clock,
// interrupt), and a browser double that signs in on the sandbox over HTTP and delivers the redirect.
import { main } from '../../src/main.js'
import type { Browser } from '../../src/infra/browser.js'
import type { Clock } from '../../src/infra/clock.js'
import type { Io } from '../../src/infra/io.js'
import { tempDir } from './cli.js'
import { browse } from './sandbox-browser.js'

/** What an in-process run produced. */
export interface LoginRun {
  code: number
  stdout: string
  stderr: string
}

/** Runs main(argv) in-process with captured output and the given edges. */
export async function runWith(
  argv: string[],
  options: {
    env?: Record<string, string | undefined>
    configHome: string
    browser?: Browser
    clock?: Clock
    interrupt?: AbortSignal
    /** Sees stderr as it is written (to act on a printed URL while the command waits). */
    onStderr?: (text: string) => void
  },
): Promise<LoginRun> {
  let stdout = ''
  let stderr = ''
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: {
      write: (s: string) => {
        stderr += s
        options.onStderr?.(stderr)
        return true
      },
      isTTY: false,
    },
    readStdin: async () => '',
    stdinIsTTY: false,
    env: { NO_COLOR: '1', OIDC_SETUP_SECRET_STORE: 'file', ...options.env },
    cwd: process.cwd(),
    platform: process.platform,
    homedir: tempDir('oidc-setup-userhome-'),
  }
  const code = await main(argv, {
    io,
    configHome: options.configHome,
    interrupt: options.interrupt ?? new AbortController().signal,
    ...(options.browser ? { browser: options.browser } : { browser: noBrowser }),
    ...(options.clock ? { clock: options.clock } : {}),
  })
  return { code, stdout, stderr }
}

/** A browser that must not be opened. */
export const noBrowser: Browser = {
  async open(url) {
    throw new Error(`unexpected browser open: ${url}`)
  },
}

/** A browser double: what it saw and did. */
export interface HttpBrowser extends Browser {
  opened: string[]
  /** Responses of the loopback listener to each delivered redirect. */
  deliveries: Promise<Array<{ status: number; body: string }>>[]
}

/**
 * Follows the authorization URL over HTTP, signs in on the sandbox's login page and delivers the redirect to the
 * loopback listener, as a browser does. `tamper` rewrites the redirect first; `deliver` > 1 sends it again at once.
 */
export function httpBrowser(user: { login: string; password: string; totpSecret?: string | undefined }, options: { tamper?: (url: URL) => URL; deliver?: number } = {}): HttpBrowser {
  const opened: string[] = []
  const deliveries: HttpBrowser['deliveries'] = []
  return {
    opened,
    deliveries,
    async open(url) {
      opened.push(url)
      deliveries.push(
        (async () => {
          const result = await browse(url, { login: user.login, password: user.password, totpSecret: user.totpSecret })
          if (!result.redirect) {
            throw new Error(`sign-in ended on a page (HTTP ${result.status})`)
          }
          const target = options.tamper ? options.tamper(result.redirect) : result.redirect
          return Promise.all(
            Array.from({ length: options.deliver ?? 1 }, async () => {
              const response = await fetch(target)
              return { status: response.status, body: await response.text() }
            }),
          )
        })(),
      )
      return true
    },
  }
}

/** A clock the test moves. */
export class FakeClock implements Clock {
  private offsetMs = 0
  now(): Date {
    return new Date(Date.now() + this.offsetMs)
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000
  }
  /** Moves the clock instead of waiting. */
  async sleep(ms: number): Promise<void> {
    this.offsetMs += ms
  }
}
