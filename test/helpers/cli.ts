import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
/** The built CLI launcher (npm test builds dist/ first). */
export const BIN = path.join(ROOT, 'bin', 'oidc-setup.js')

/** What a CLI run produced. */
export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Options for one CLI run. */
export interface RunOptions {
  env?: Record<string, string | undefined>
  input?: string
  cwd?: string
  timeoutMs?: number
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'oidc-setup-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix))
}

/**
 * Runs the built CLI as a child process, the way users run it. The environment starts from the test process's
 * (so a Secret Service session is inherited) with a private config home, no colors and no CI-detected prompts.
 */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    OIDC_SETUP_CONFIG_DIR: options.env?.OIDC_SETUP_CONFIG_DIR ?? tempDir('oidc-setup-home-'),
    NO_COLOR: '1',
    FORCE_COLOR: undefined,
    ...options.env,
  }
  for (const key of Object.keys(env)) {
    if (env[key] === undefined) {
      delete env[key]
    }
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 25_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
    child.stdin.end(options.input ?? '')
  })
}
