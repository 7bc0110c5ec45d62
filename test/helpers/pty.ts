import { spawn } from 'node:child_process'
import { BIN, ROOT, tempDir } from './cli.js'

/** One exchange with a program on a terminal: wait until the screen shows `expect`, then type `send`. */
export interface PtyStep {
  expect: RegExp
  send: string
}

/** What a terminal session showed (stdout and stderr interleaved, as on a screen) and how it ended. */
export interface PtyResult {
  code: number | null
  screen: string
}

/** Keys as a terminal sends them. */
export const KEY = { enter: '\r', ctrlC: '\x03', down: '\x1b[B', space: ' ' } as const

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`
}

/**
 * Runs the built CLI on a real pseudo-terminal (util-linux `script`, part of every Debian), so @inquirer renders
 * and reads keys exactly as for a person, Ctrl-C included. Each step waits for its text before typing.
 */
export function runOnTerminal(
  args: string[],
  steps: PtyStep[],
  options: { env?: Record<string, string | undefined>; timeoutMs?: number; cwd?: string } = {},
): Promise<PtyResult> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    OIDC_SETUP_CONFIG_DIR: tempDir('oidc-setup-home-'),
    NO_COLOR: '1',
    FORCE_COLOR: undefined,
    CI: undefined,
    TERM: 'xterm',
    ...options.env,
  }
  for (const key of Object.keys(env)) {
    if (env[key] === undefined) {
      delete env[key]
    }
  }
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ')
  return new Promise((resolve, reject) => {
    // -q quiet, -f flush, -e the child's exit code, -c the command; the typescript file is thrown away.
    const child = spawn('script', ['-qfec', `stty cols 200 rows 50; ${command}`, '/dev/null'], {
      cwd: options.cwd ?? ROOT,
      env: env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let screen = ''
    let seen = 0
    const pending = [...steps]
    const advance = (): void => {
      const step = pending[0]
      if (!step) {
        return
      }
      const rest = screen.slice(seen)
      const match = step.expect.exec(rest)
      if (match) {
        seen += match.index + match[0].length
        pending.shift()
        // A moment for the prompt to switch the terminal to raw mode before the key arrives.
        setTimeout(() => {
          child.stdin.write(step.send)
          advance()
        }, 150)
      }
    }
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      screen += d
      advance()
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => (screen += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      // Terminal output: CRLF line ends and cursor/erase sequences; keep the text.
      // eslint-disable-next-line no-control-regex -- terminal escape sequences are control characters
      resolve({ code, screen: screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '') })
    })
  })
}
