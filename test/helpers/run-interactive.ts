import type { Io } from '../../src/infra/io.js'
import type { Prompt } from '../../src/infra/prompt.js'
import { main } from '../../src/main.js'
import { tempDir } from './cli.js'

/** A terminal session in-process: TTY streams and scripted answers. */
export async function runInteractive(
  argv: string[],
  answers: string[],
  options: { env?: Record<string, string>; cwd?: string; configHome?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string; asked: string[]; rejected: string[] }> {
  let stdout = ''
  let stderr = ''
  const asked: string[] = []
  const rejected: string[] = []
  const next = (message: string): string => {
    asked.push(message)
    const answer = answers.shift()
    if (answer === undefined) {
      throw new Error(`unexpected prompt: ${message}`)
    }
    return answer
  }
  const prompt: Prompt = {
    // Like @inquirer: an answer the validator rejects is shown its message and asked again (the next answer).
    input: async (message, options) => {
      for (;;) {
        const value = next(message)
        const verdict = options?.validate?.(value) ?? true
        if (verdict === true) {
          return value
        }
        rejected.push(verdict)
      }
    },
    password: async (message) => next(message),
    confirm: async (message) => next(message) === 'y',
    select: async <T extends string>(message: string) => next(message) as T,
    // A comma-separated answer: the values chosen ("" for none).
    checkbox: async <T extends string>(message: string) => next(message).split(',').filter(Boolean) as T[],
  }
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s), isTTY: true },
    stderr: { write: (s: string) => (stderr += s), isTTY: true },
    readStdin: async () => '',
    stdinIsTTY: true,
    env: { NO_COLOR: '1', OIDC_SETUP_SECRET_STORE: 'file', ...options.env },
    cwd: options.cwd ?? process.cwd(),
    platform: process.platform,
    homedir: tempDir('oidc-setup-userhome-'),
  }
  const code = await main(argv, { io, prompt, configHome: options.configHome ?? tempDir('oidc-setup-home-'), interrupt: new AbortController().signal })
  return { code, stdout, stderr, asked, rejected }
}
