/** A writable text stream; process.stdout and process.stderr satisfy it. */
export interface TextSink {
  write(chunk: string): unknown
  isTTY?: boolean | undefined
}

/** The process edges a command may touch: streams, environment, TTY state, working directory. */
export interface Io {
  stdout: TextSink
  stderr: TextSink
  /** Reads all of standard input (used for `--client-secret-file -`). */
  readStdin(): Promise<string>
  stdinIsTTY: boolean
  env: Record<string, string | undefined>
  cwd: string
  platform: NodeJS.Platform
  homedir: string
}

/** The real process I/O. */
export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    env: process.env,
    cwd: process.cwd(),
    platform: process.platform,
    homedir: process.env.HOME ?? process.env.USERPROFILE ?? '/',
    async readStdin() {
      const chunks: Buffer[] = []
      for await (const chunk of process.stdin) {
        chunks.push(chunk as Buffer)
      }
      return Buffer.concat(chunks).toString('utf8')
    },
  }
}
