// Issue 11 §7: every example in the help of every command is run (against the sandbox, in a fresh config home). An
// example whose flags are wrong (exit 2) or that hits a bug (exit 1) is a failing test. Examples that need state the
// fresh home lacks (a profile named in them) may end with 3, 4 or 5; examples that wait for a person (login in a
// browser, `sandbox start`) or write outside the test's directories are listed and not run.
import { spawn } from 'node:child_process'
import { chmodSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { BIN, runCli, tempDir } from '../helpers/cli.js'
import { useSandbox } from '../helpers/sandbox.js'

const { oktaEnv } = useSandbox()

const SPEC = `apiVersion: oidc-setup/v1
apps:
  - name: galaxy
    target: galaxy
    baseUrl: https://galaxy.example.org
    label: galaxy (spec example)
    assign: { groups: [Everyone] }
`

/** Not run: they wait for a person or a long-running server, or write to system paths. */
const WAITS = [/ login( |$)/, /sandbox start/, /> \/etc\//, /pass show/, /"\$\{fpath/, /~\/\.config\/fish/]

async function commandPaths(): Promise<string[][]> {
  const paths: string[][] = [[]]
  const queue: string[][] = [[]]
  while (queue.length) {
    const at = queue.shift() as string[]
    const r = await runCli([...at, '--help'])
    const block = r.stdout.split(/\nCommands:\n/)[1]?.split(/\n\n/)[0] ?? ''
    for (const line of block.split('\n')) {
      const name = /^ {2}(\S+)/.exec(line)?.[1]
      if (name && name !== 'help') {
        queue.push([...at, name])
        paths.push([...at, name])
      }
    }
  }
  return paths
}

function examplesOf(help: string): string[] {
  const block = help.split(/\nExamples:\n/)[1] ?? ''
  const examples: string[] = []
  for (const line of block.split('\n')) {
    if (line.startsWith('  $ ')) {
      examples.push(line.slice(4))
    } else if (/^ {6}\S/.test(line) && examples.length) {
      // A continuation line of the example above (ends with a backslash).
      examples[examples.length - 1] = `${examples[examples.length - 1]?.replace(/\\$/, '').trimEnd()} ${line.trim()}`
    }
  }
  // Examples that say they prompt are for a terminal; the prompts are tested on a pseudo-terminal elsewhere.
  return examples.filter((e) => !/#.*(prompts|on a terminal)/.test(e)).map((e) => e.replace(/\s+#.*$/, ''))
}

function sh(command: string, env: Record<string, string>, cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, out })
    })
  })
}

describe('help examples', () => {
  it('every example of every command runs: no usage error, no bug', { timeout: 600_000 }, async () => {
    const bin = tempDir('oidc-setup-bin-')
    writeFileSync(path.join(bin, 'oidc-setup'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`)
    chmodSync(path.join(bin, 'oidc-setup'), 0o755)
    const failures: string[] = []
    let ran = 0
    for (const at of await commandPaths()) {
      const help = (await runCli([...at, '--help'])).stdout
      for (const example of examplesOf(help)) {
        if (WAITS.some((w) => w.test(example))) {
          continue
        }
        const cwd = tempDir('oidc-setup-example-')
        writeFileSync(path.join(cwd, 'secret.txt'), 'example-client-secret\n')
        // The files the examples name, as a user would have them: a spec in the default place, and one with a prod
        // environment (this sandbox, its token from the environment).
        writeFileSync(path.join(cwd, 'oidc-setup.yaml'), SPEC)
        writeFileSync(
          path.join(cwd, 'apps.yaml'),
          `${SPEC}environments:\n  prod:\n    orgUrl: ${oktaEnv().OKTA_CLIENT_ORGURL ?? ''}\n    apiToken: { env: OKTA_PROD_TOKEN }\n    apps:\n      galaxy: { label: galaxy (prod example) }\n`,
        )
        const env = {
          ...oktaEnv(),
          PATH: `${bin}:${process.env.PATH ?? ''}`,
          OIDC_SETUP_CONFIG_DIR: tempDir('oidc-setup-home-'),
          OIDC_SETUP_SECRET_STORE: 'file',
          OKTA_CLIENT_SECRET: 'example-client-secret',
          OKTA_API_TOKEN: oktaEnv().OKTA_CLIENT_TOKEN ?? '',
          OKTA_PROD_TOKEN: oktaEnv().OKTA_CLIENT_TOKEN ?? '',
          NO_COLOR: '1',
        }
        const r = await sh(example, env, cwd)
        ran++
        if (r.code === 1 || r.code === 2 || r.code === null || /this is a bug|unknown option|error: missing /.test(r.out)) {
          failures.push(`${example}\n  → exit ${String(r.code)}: ${r.out.split('\n').filter((l) => /^(error|hint):/.test(l)).join(' / ')}`)
        }
      }
    }
    expect(ran).toBeGreaterThan(20)
    expect(failures).toEqual([])
  })
})
