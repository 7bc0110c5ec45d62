import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Io } from '../../src/infra/io.js'
import type { Prompt } from '../../src/infra/prompt.js'
import { main } from '../../src/main.js'
import { tempDir } from '../helpers/cli.js'

/** A terminal session in-process: TTY streams and scripted answers. */
async function runInteractive(argv: string[], answers: string[]): Promise<{ code: number; stdout: string; stderr: string; asked: string[] }> {
  let stdout = ''
  let stderr = ''
  const asked: string[] = []
  const next = (message: string): string => {
    asked.push(message)
    const answer = answers.shift()
    if (answer === undefined) {
      throw new Error(`unexpected prompt: ${message}`)
    }
    return answer
  }
  const prompt: Prompt = {
    input: async (message, options) => {
      const value = next(message)
      const verdict = options?.validate?.(value) ?? true
      if (verdict !== true) {
        throw new Error(`answer rejected: ${verdict}`)
      }
      return value
    },
    password: async (message) => next(message),
    confirm: async (message) => next(message) === 'y',
    select: async <T extends string>(message: string) => next(message) as T,
  }
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s), isTTY: true },
    stderr: { write: (s: string) => (stderr += s), isTTY: true },
    readStdin: async () => '',
    stdinIsTTY: true,
    env: { NO_COLOR: '1', OIDC_SETUP_SECRET_STORE: 'file' },
    cwd: process.cwd(),
    platform: process.platform,
    homedir: tempDir('oidc-setup-userhome-'),
  }
  const code = await main(argv, { io, prompt, configHome: tempDir('oidc-setup-home-'), interrupt: new AbortController().signal })
  return { code, stdout, stderr, asked }
}

describe('render-config on a terminal', () => {
  it('asks for what is missing (target, issuer, URL, client id, secret) instead of failing', async () => {
    const out = tempDir()
    const result = await runInteractive(
      ['render-config', '--out', out],
      ['kestra', 'https://example.okta.com', 'https://kestra.example.com', '0oaPrompted', 'prompted-secret-value'],
    )
    expect(result.stderr).not.toContain('prompted-secret-value')
    expect(result.code).toBe(0)
    expect(result.asked).toHaveLength(5)
    const text = readFileSync(path.join(out, 'application.yaml'), 'utf8')
    expect(text).toContain('client-id: "0oaPrompted"')
    expect(text).toContain('client-secret: prompted-secret-value')
  })

  it('never prompts with --yes: the missing value is a usage error naming the flag', async () => {
    const result = await runInteractive(['--yes', 'render-config', '--target', 'kestra', '--out', tempDir()], [])
    expect(result.code).toBe(2)
    expect(result.asked).toEqual([])
    expect(result.stderr).toContain('error: missing the issuer: pass --issuer URL')
  })
})
