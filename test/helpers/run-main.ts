import { main } from '../../src/main.js'
import type { Io } from '../../src/infra/io.js'
import { tempDir } from './cli.js'

/** What an in-process run produced. */
export interface MainResult {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs `main(argv)` in-process with captured streams, a private config home and the given environment (nothing
 * from the test process leaks in, so no OKTA_CLIENT_* or ~/.okta/okta.yaml of the machine). Faster than spawning
 * the built CLI when a test makes many runs: the Okta SDK is loaded once per worker.
 */
export async function runMain(
  argv: string[],
  options: { env?: Record<string, string | undefined>; home?: string; configHome?: string; input?: string; cwd?: string } = {},
): Promise<MainResult> {
  let stdout = ''
  let stderr = ''
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    readStdin: async () => options.input ?? '',
    stdinIsTTY: false,
    env: { NO_COLOR: '1', OIDC_SETUP_SECRET_STORE: 'file', ...options.env },
    cwd: options.cwd ?? process.cwd(),
    platform: process.platform,
    homedir: options.home ?? tempDir('oidc-setup-userhome-'),
  }
  const code = await main(argv, {
    io,
    configHome: options.configHome ?? tempDir('oidc-setup-home-'),
    interrupt: new AbortController().signal,
  })
  return { code, stdout, stderr }
}
