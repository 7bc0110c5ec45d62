import type { Browser } from './browser.js'
import type { Io } from './io.js'

/** Splits a command line into words: whitespace separates, single and double quotes group, no shell expansion. */
export function splitCommand(command: string): string[] {
  const words: string[] = []
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g
  let m: RegExpExecArray | null
  while ((m = pattern.exec(command)) !== null) {
    words.push(m[1] ?? m[2] ?? m[3] ?? '')
  }
  return words
}

/**
 * `--browser-command CMD`: runs CMD (no shell) with the URL as its last argument instead of the system browser,
 * like kubelogin's --browser-command. Its output goes to stderr: stdout carries the command's result.
 */
export function commandBrowser(command: string, io: Pick<Io, 'stderr' | 'env'>, onExit?: (code: number | null) => void): Browser {
  return {
    async open(url) {
      const [file, ...args] = splitCommand(command)
      if (!file) {
        return false
      }
      const { spawn } = await import('node:child_process')
      return new Promise<boolean>((resolve) => {
        const child = spawn(file, [...args, url], { stdio: ['ignore', 'pipe', 'pipe'], env: io.env as NodeJS.ProcessEnv })
        const forward = (chunk: Buffer): void => void io.stderr.write(chunk.toString('utf8'))
        child.stdout.on('data', forward)
        child.stderr.on('data', forward)
        child.once('error', () => resolve(false))
        child.once('spawn', () => resolve(true))
        child.once('exit', (code) => onExit?.(code))
        child.unref()
      })
    },
  }
}
